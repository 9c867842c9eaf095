/* Siting page: say that the solver is working, then draw the result. Outlines of the territory
   and of its communes come from /api/territoires (as the dashboard's choropleth), the rest from
   the page (#obs-sites-data): sites numbered by rank, the communes each serves in its tint, its
   reach as a dashed circle, and the existing places with their desks. No third-party call unless
   a tile server is configured: our own basemap (core/basemap.js) draws the outlines and names
   around. The table beside it carries the same ranking as text. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-obs-siting-form]");
  var wait = document.getElementById("obs-siting-wait");
  if (form && wait) {
    form.addEventListener("submit", function () {
      wait.hidden = false;
      var button = form.querySelector("button[type=submit]");
      if (button) button.setAttribute("aria-busy", "true");
    });
  }
  var dataNode = document.getElementById("obs-sites-data");
  var mapNode = document.getElementById("obs-sites-map");
  if (!dataNode || !mapNode || typeof L === "undefined") return;
  var data = JSON.parse(dataNode.textContent);
  var statusNode = document.getElementById("obs-sites-map-status");
  var WHITE = "#ffffff";

  function status(text) { if (statusNode) statusNode.textContent = text; }

  function format(value, decimals) {
    return new Intl.NumberFormat("fr-FR", {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals,
    }).format(value);
  }

  // Tooltip and popup content as text: place names are typed by people, never read as HTML.
  function textBox(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  // A site's tint is the one of its badge in the table (siting.css), read once.
  function tint(rank) {
    var badge = document.querySelector(".obs-site-badge[data-obs-rank='" + rank + "']");
    return badge ? getComputedStyle(badge).backgroundColor : "#999999";
  }

  var siteOf = {};  // served commune code → site
  data.sites.forEach(function (site) {
    site.tint = tint(site.rang);
    site.communes.forEach(function (code) { siteOf[code] = site; });
  });

  // French titles for the zoom buttons (Leaflet's own are English).
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  var map = L.map(mapNode, { zoomSnap: 0.25, attributionControl: false });
  map.setView([46.6, 2.4], 6);
  // Bearings around the study area: the configured tiles, else our own basemap (outlines, names).
  if (window.maillageBasemap) window.maillageBasemap.attach(map);

  var reach = L.layerGroup(data.sites.map(function (site) {
    return L.circle([site.latitude, site.longitude], {
      radius: data.rayon_km * 1000, color: "#1a1a1a", weight: 1.5, dashArray: "6 6",
      fill: false, interactive: false,
    });
  }));

  var places = L.layerGroup(data.lieux.map(function (place) {
    var desks = format(place.postes, 0);
    var text = place.nom + (place.projet ? " (projet)" : "") + " : " + desks + " poste" +
      (place.postes >= 2 ? "s" : "");
    var marker = L.marker([place.latitude, place.longitude], {
      keyboard: false, title: "Lieu existant — " + text,
      icon: L.divIcon({
        className: "obs-place-marker", html: "<span class='obs-place-badge'></span>",
        iconSize: [40, 20], iconAnchor: [20, 10],
      }),
    });
    marker.on("add", function () {
      var element = marker.getElement();
      element.querySelector(".obs-place-badge").textContent = desks;
      element.setAttribute("data-desks", String(place.postes));
    });
    return marker.bindTooltip(textBox(text));
  }));

  var sites = L.layerGroup(data.sites.map(function (site) {
    var text = "Site n° " + site.rang + " : " + site.nom + ", " +
      format(site.postes_couverts, 1) + " postes non couverts servis, " +
      site.communes.length + " commune" + (site.communes.length >= 2 ? "s" : "") + " servie" +
      (site.communes.length >= 2 ? "s" : "");
    var marker = L.marker([site.latitude, site.longitude], {
      title: text, zIndexOffset: 1000, riseOnHover: true,
      icon: L.divIcon({
        className: "obs-site-marker", iconSize: [28, 28], iconAnchor: [14, 14],
        html: "<span class='obs-site-badge obs-site-c" + ((site.rang - 1) % 8) + "'></span>",
      }),
    });
    marker.on("add", function () {
      var element = marker.getElement();
      element.querySelector(".obs-site-badge").textContent = String(site.rang);
      element.setAttribute("data-rank", String(site.rang));
      element.setAttribute("aria-label", text);
    });
    return marker.bindPopup(textBox(text));
  }));

  var communes = null;
  var showServed = true;

  function paintCommunes() {
    if (!communes) return;
    communes.eachLayer(function (layer) {
      var site = showServed ? siteOf[layer.feature.properties.code] : null;
      layer.setStyle({
        color: "#9aa3ab", weight: 0.6, fillOpacity: site ? 0.55 : 1,
        fillColor: site ? site.tint : WHITE,
      });
    });
  }

  function addCommunes(outlines) {
    communes = L.geoJSON(outlines, {
      onEachFeature: function (feature, layer) {
        var site = siteOf[feature.properties.code];
        if (site) {
          layer.bindTooltip(textBox(feature.properties.nom + " : servie par le site n° " +
            site.rang + " (" + site.nom + ")"), { sticky: true });
        }
        layer.on("add", function () {
          var element = layer.getElement();
          element.setAttribute("data-code", feature.properties.code);
          if (site) element.setAttribute("data-site", String(site.rang));
        });
      },
    }).addTo(map);
    paintCommunes();
  }

  function addOutline(outline) {
    var layer = L.geoJSON(outline, {
      style: { color: "#1a1a1a", weight: 3, fill: false }, interactive: false,
    }).addTo(map);
    layer.eachLayer(function (part) { part.getElement().setAttribute("data-outline", "perimetre"); });
    return layer;
  }

  function finish(bounds) {
    reach.addTo(map);
    places.addTo(map);
    sites.addTo(map);
    if (bounds && bounds.isValid()) map.fitBounds(bounds);
    mapNode.setAttribute("data-ready", "1");
  }

  function json(url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  status("Chargement de la carte…");
  Promise.all([json(data.contours.communes), json(data.contours.perimetre)]).then(function (answers) {
    addCommunes(answers[0]);
    var outline = addOutline(answers[1]);
    finish(outline.getBounds());
    status("Carte : " + data.sites.length + " site" + (data.sites.length >= 2 ? "s" : "") +
      " numérotés par rang, " + data.lieux.length + " lieu" + (data.lieux.length >= 2 ? "x" : "") +
      " existant" + (data.lieux.length >= 2 ? "s" : "") + ".");
  }).catch(function () {
    var points = data.sites.map(function (site) { return [site.latitude, site.longitude]; });
    finish(points.length ? L.latLngBounds(points).pad(0.3) : null);
    status("Les contours n'ont pas pu être chargés ; les sites sont placés sans fond, le tableau " +
      "donne les mêmes informations.");
  });

  var layers = { served: null, reach: reach, places: places };
  document.querySelectorAll("input[data-obs-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      var key = box.getAttribute("data-obs-layer");
      if (key === "served") { showServed = box.checked; paintCommunes(); return; }
      if (box.checked) layers[key].addTo(map); else map.removeLayer(layers[key]);
    });
  });
})();
