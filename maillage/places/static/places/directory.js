/* Directory map: the same filtered places as the list, clustered at low zoom, kept in sync after
   each htmx swap of the list. Data comes from our own API; no third-party call. */
(function () {
  "use strict";
  var mapNode = document.getElementById("places-map");
  if (!mapNode || typeof L === "undefined") return;
  var map = L.map(mapNode, { zoomSnap: 0.5, maxZoom: 18 }).setView([49.1, 0.2], 7);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
  map.addLayer(cluster);
  var markers = {};
  var widget = mapNode.dataset.widget === "true";

  function popup(feature) {
    var p = feature.properties;
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/lieux/" + feature.id + "/";
    link.textContent = p.nom;
    if (widget) { link.target = "_blank"; link.rel = "noopener"; }
    var meta = document.createElement("p");
    meta.textContent = p.commune + (p.postes ? " · " + p.postes + " postes" : "") + (p.demo ? " · démo" : "");
    box.append(link, meta);
    return box;
  }

  function load() {
    var results = document.getElementById("place-results");
    var query = results ? results.dataset.query || "" : "";
    fetch("/api/lieux/carte.geojson" + (query ? "?" + query : ""))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        cluster.clearLayers();
        markers = {};
        data.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], { title: feature.properties.nom, alt: feature.properties.nom });
          marker.bindPopup(popup(feature));
          markers[feature.id] = marker;
          cluster.addLayer(marker);
        });
        mapNode.dataset.count = String(data.features.length);
        mapNode.dataset.loaded = "true";
        if (data.features.length) map.fitBounds(cluster.getBounds(), { maxZoom: 12, padding: [20, 20] });
      })
      .catch(function () { mapNode.dataset.loaded = "error"; });
  }

  function highlight(event) {
    var card = event.target.closest && event.target.closest("[data-place-id]");
    if (!card) return;
    var marker = markers[card.dataset.placeId];
    if (!marker) return;
    cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
  }
  document.addEventListener("focusin", highlight);
  document.addEventListener("mouseover", function (event) {
    if (event.target.closest && event.target.closest("[data-place-id] h3")) highlight(event);
  });
  document.body.addEventListener("htmx:afterSwap", load);
  load();
})();
