/* « Demande exprimée » map of the observatory: commune outlines from /api/territoires, people
   per commune from /api/observatoire/…/demande. Classes of people (3–4, 5–9, 10–19, 20+);
   communes under statistical secrecy hatched grey, labelled « moins de 3 personnes ». */
(function () {
  "use strict";

  var configNode = document.getElementById("demand-map-config");
  var mapNode = document.getElementById("demand-map");
  if (!configNode || !mapNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById("demand-map-status");
  var CLASSES = [[20, "#08306b"], [10, "#2171b5"], [5, "#6baed6"], [1, "#c6dbef"]];
  var HATCH = "url(#demand-hatch)";

  function status(text) { if (statusNode) statusNode.textContent = text; }

  function colour(row) {
    if (!row) return "#ffffff";
    if (row.secret) return HATCH;
    for (var i = 0; i < CLASSES.length; i++) {
      if (row.personnes >= CLASSES[i][0]) return CLASSES[i][1];
    }
    return "#ffffff";
  }

  function label(name, row) {
    if (!row) return name + " : aucune demande";
    if (row.secret) return name + " : secret statistique (moins de 3 personnes)";
    var text = name + " : " + row.personnes + " personne" + (row.personnes > 1 ? "s" : "");
    if (row.postes_equivalents !== null) {
      text += ", " + new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 })
        .format(row.postes_equivalents) + " poste(s)-équivalent(s)";
    }
    return text;
  }

  function addHatch(map) {
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || svg.querySelector("#demand-hatch")) return;
    var ns = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(ns, "defs");
    var pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", "demand-hatch");
    pattern.setAttribute("width", "6");
    pattern.setAttribute("height", "6");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var back = document.createElementNS(ns, "rect");
    back.setAttribute("width", "6");
    back.setAttribute("height", "6");
    back.setAttribute("fill", "#f0f0f0");
    var line = document.createElementNS(ns, "rect");
    line.setAttribute("width", "2");
    line.setAttribute("height", "6");
    line.setAttribute("fill", "#bdbdbd");
    pattern.appendChild(back);
    pattern.appendChild(line);
    defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  var map = L.map(mapNode, { zoomSnap: 0.25, attributionControl: false });
  map.setView([46.6, 2.4], 6);
  if (window.maillageBasemap) window.maillageBasemap.attach(map);

  status("Chargement de la carte de la demande…");
  Promise.all([
    fetch(config.outlinesUrl).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }),
    fetch(config.dataUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }),
  ]).then(function (answers) {
    var rows = {};
    answers[1].communes.forEach(function (row) { rows[row.code] = row; });
    var layer = L.geoJSON(answers[0]).addTo(map);
    addHatch(map);
    var shown = 0;
    layer.eachLayer(function (feature) {
      var code = feature.feature.properties.code;
      var row = rows[code];
      feature.setStyle({
        color: row && row.secret ? "#4d4d4d" : "#969696", weight: row ? 1 : 0.4,
        dashArray: row && row.secret ? "3 2" : null, fillOpacity: row ? 0.9 : 0.3,
        fillColor: colour(row),
      });
      feature.bindTooltip(label(feature.feature.properties.nom || code, row), { sticky: true });
      var element = feature.getElement && feature.getElement();
      if (element && row) {
        shown += 1;
        element.setAttribute("data-code", code);
        element.setAttribute("data-secret", row.secret ? "1" : "0");
        element.setAttribute("data-people", row.secret ? "" : String(row.personnes));
      }
    });
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds);
    status(shown ? "Carte : " + shown + " commune" + (shown > 1 ? "s" : "") +
      " avec une demande exprimée." : "Carte : aucune demande exprimée dans ce territoire.");
    mapNode.setAttribute("data-ready", "1");
  }).catch(function () {
    status("La carte de la demande n'a pas pu être chargée ; le tableau donne les mêmes chiffres.");
  });
})();
