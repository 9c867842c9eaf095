/* Observatory choropleth: outlines from /api/territoires, values from /api/observatoire, joined
   by INSEE code or SIREN. Quantile classes; a diverging palette for the gap (surplus in blue,
   unmet need in red). No third-party call unless a tile server is configured: our own basemap
   (core/basemap.js) draws the outlines and names around the study area. */
(function () {
  "use strict";

  var configNode = document.getElementById("obs-map-config");
  var mapNode = document.getElementById("obs-map");
  if (!configNode || !mapNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById("obs-map-status");
  var legendNode = document.getElementById("obs-legend");
  var select = document.getElementById("obs-map-indicator");

  // Colours and legends come from the API (`couleurs`, `legendes`), computed by the same code as
  // the report's maps (observatory/svg.py), so both show the same classes.
  var NO_VALUE = "#d9d9d9";

  var rows = {};
  var indicators = {};
  var legends = {};
  var layer = null;
  // French titles for the zoom buttons (Leaflet's own are English).
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  var map = L.map(mapNode, { zoomSnap: 0.25, attributionControl: false });
  map.setView([46.6, 2.4], 6);
  // Bearings around the study area: the configured tiles, else our own basemap (outlines, names).
  if (window.maillageBasemap) window.maillageBasemap.attach(map);
  map.on("movestart", function () { mapNode.setAttribute("data-moving", "1"); });
  map.on("moveend", function () { mapNode.removeAttribute("data-moving"); });

  function status(text) { if (statusNode) statusNode.textContent = text; }

  function format(value, decimals) {
    return new Intl.NumberFormat("fr-FR", {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals,
    }).format(value);
  }

  function legendItem(colourValue, text) {
    var li = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colourValue;
    li.appendChild(swatch);
    li.appendChild(document.createTextNode(" " + text));
    return li;
  }

  function drawLegend(key) {
    if (!legendNode) return;
    var indicator = indicators[key];
    legendNode.replaceChildren();
    var title = document.createElement("p");
    title.className = "legend-title";
    title.textContent = indicator.libelle + " (" + indicator.unite + ")";
    var list = document.createElement("ul");
    (legends[key] || []).forEach(function (item) {
      list.appendChild(legendItem(item.couleur, item.libelle));
    });
    legendNode.appendChild(title);
    legendNode.appendChild(list);
  }

  function paint(key) {
    if (!layer) return;
    var indicator = indicators[key];
    layer.eachLayer(function (feature) {
      var code = feature.feature.properties.code;
      var row = rows[code];
      var value = row ? row.valeurs[key] : null;
      feature.setStyle({
        color: "#4d4d4d", weight: 0.5, fillOpacity: 0.85,
        fillColor: row && row.couleurs[key] ? row.couleurs[key] : NO_VALUE,
      });
      var text = (row ? row.nom : feature.feature.properties.nom) + " : " +
        (row ? format(value, indicator.decimales) + " " + indicator.unite : "pas de valeur");
      feature.unbindTooltip();
      feature.bindTooltip(text, { sticky: true });
      var element = feature.getElement && feature.getElement();
      if (element) {
        element.setAttribute("data-code", code);
        element.setAttribute("data-value", row ? String(value) : "");
      }
    });
    drawLegend(key);
    status("Carte : " + indicator.libelle.toLowerCase() + ".");
  }

  status("Chargement de la carte…");
  Promise.all([
    fetch(config.outlinesUrl).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }),
    fetch(config.resultsUrl).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }),
  ]).then(function (answers) {
    var outlines = answers[0];
    var results = answers[1];
    results.indicateurs.forEach(function (item) { indicators[item.cle] = item; });
    results.lignes.forEach(function (row) { rows[row.code] = row; });
    legends = results.legendes;
    layer = L.geoJSON(outlines).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds);
    paint(config.indicator);
    mapNode.setAttribute("data-ready", "1");
  }).catch(function () {
    status("La carte n'a pas pu être chargée ; le tableau donne les mêmes chiffres.");
  });

  if (select) {
    select.addEventListener("change", function () { paint(select.value); });
  }
})();
