/* Home map: commune outlines and EPCI boundaries of the default territory, served by our own API.
   No third-party call: tiles only when a tile URL is configured; otherwise, and when tiles fail,
   our own basemap (core/basemap.js) gives the bearings: outlines around and town names. */
(function () {
  "use strict";

  var configNode = document.getElementById("map-config");
  var mapNode = document.getElementById("map");
  if (!configNode || !mapNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById("map-status");
  var detailNode = document.getElementById("commune-detail");
  var numberFormat = new Intl.NumberFormat("fr-FR");

  var STYLE_COMMUNE = { color: "#5b6b7a", weight: 0.6, fillColor: "#dfe8ef", fillOpacity: 0.55 };
  var STYLE_HOVER = { weight: 1.5, fillColor: "#b9d3e6" };
  var STYLE_SELECTED = { color: "#7a2e00", weight: 3, fillColor: "#f28c28", fillOpacity: 0.8 };
  var STYLE_EPCI = { color: "#1d2b36", weight: 2, fill: false, interactive: false };

  var statusText = "";
  var tilesDown = false;
  function setStatus(text) {
    statusText = text;
    if (statusNode) {
      statusNode.textContent = statusText +
        (tilesDown ? " Fond de carte indisponible : les contours restent affichés." : "");
    }
  }
  function population(value) {
    return value === null || value === undefined ? "population inconnue" : numberFormat.format(value) + " hab.";
  }

  // French titles for the zoom buttons (Leaflet's own are English).
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  var map = L.map(mapNode, { zoomSnap: 0.25, preferCanvas: false, attributionControl: true });
  map.setView([46.6, 2.4], 6);
  // Tiles when configured, else (or when they fail) our own basemap: outlines and town names.
  if (window.maillageBasemap) {
    window.maillageBasemap.attach(map, {
      tileUrl: config.tileUrl,
      tileAttribution: config.tileAttribution,
      onTilesDown: function () { tilesDown = true; setStatus(statusText); },
    });
  }

  var byCode = {};
  var selected = null;
  var outsideMarker = null;
  var communes = L.geoJSON(null, {
    style: function () { return STYLE_COMMUNE; },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      byCode[p.code] = layer;
      layer.bindTooltip(p.nom + " — " + population(p.population), { sticky: true, direction: "top" });
      layer.on({
        mouseover: function () { if (layer !== selected) layer.setStyle(STYLE_HOVER); },
        mouseout: function () { if (layer !== selected) layer.setStyle(STYLE_COMMUNE); },
        click: function () { selectCommune(p.code, { zoom: false }); },
        add: function () {
          var el = layer.getElement && layer.getElement();
          if (el) { el.setAttribute("data-insee", p.code); el.classList.add("commune"); }
        },
      });
    },
  }).addTo(map);
  var epci = L.geoJSON(null, { style: function () { return STYLE_EPCI; } }).addTo(map);

  function outlines(mesh) {
    return fetch("/api/territoires/regions/" + encodeURIComponent(config.regionCode) + "/contours?maille=" + mesh)
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  function showDetail(code) {
    fetch("/api/territoires/communes/" + encodeURIComponent(code))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c || !detailNode) return;
        detailNode.hidden = false;
        detailNode.replaceChildren();
        var h = document.createElement("h2");
        h.textContent = c.nom;
        var dl = document.createElement("dl");
        [["Code INSEE", c.code], ["Population", population(c.population)],
         ["Département", c.departement.nom + " (" + c.departement.code + ")"],
         ["Intercommunalité", c.epci ? c.epci.nom : "aucune"],
         ["Codes postaux", c.codes_postaux.join(", ") || "—"]].forEach(function (row) {
          var dt = document.createElement("dt"); dt.textContent = row[0];
          var dd = document.createElement("dd"); dd.textContent = row[1];
          dl.append(dt, dd);
        });
        detailNode.append(h, dl);
      });
  }

  function selectCommune(code, options) {
    options = options || {};
    if (selected) {
      selected.setStyle(STYLE_COMMUNE);
      var previous = selected.getElement && selected.getElement();
      if (previous) previous.classList.remove("commune--selected");
    }
    if (outsideMarker) { map.removeLayer(outsideMarker); outsideMarker = null; }
    selected = byCode[code] || null;
    if (selected) {
      selected.setStyle(STYLE_SELECTED);
      selected.bringToFront();
      var el = selected.getElement && selected.getElement();
      if (el) el.classList.add("commune--selected");
      if (options.zoom !== false) map.fitBounds(selected.getBounds(), { maxZoom: 11, padding: [24, 24] });
    } else if (options.lat !== undefined && options.lat !== null) {
      outsideMarker = L.circleMarker([options.lat, options.lon], { radius: 8, color: STYLE_SELECTED.color })
        .addTo(map);
      map.setView([options.lat, options.lon], 10);
    }
    showDetail(code);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-commune-code]");
    if (!link) return;
    event.preventDefault();
    selectCommune(link.getAttribute("data-commune-code"), {
      lat: link.dataset.lat ? parseFloat(link.dataset.lat) : null,
      lon: link.dataset.lon ? parseFloat(link.dataset.lon) : null,
    });
    history.replaceState(null, "", "?commune=" + encodeURIComponent(link.getAttribute("data-commune-code")));
    mapNode.focus({ preventScroll: true });
  });

  var epciToggle = document.getElementById("layer-epci");
  if (epciToggle) {
    epciToggle.addEventListener("change", function () {
      if (epciToggle.checked) epci.addTo(map); else map.removeLayer(epci);
    });
  }

  if (!config.regionCode) return;
  setStatus("Chargement des contours…");
  outlines("communes")
    .then(function (data) {
      communes.addData(data);
      // Not animated: a shared link then zooms on its commune (an animation would swallow that).
      map.fitBounds(communes.getBounds(), { padding: [8, 8], animate: false });
      mapNode.setAttribute("data-loaded", "true");
      setStatus(data.features.length + " communes affichées.");
      if (config.selectedCommune) selectCommune(config.selectedCommune.code, config.selectedCommune);
      return outlines("epci");
    })
    .then(function (data) { epci.addData(data); })
    .catch(function () { setStatus("Les contours n'ont pas pu être chargés. Réessayez plus tard."); });
})();
