/* Small map on a place page: one marker, no third-party tiles. */
(function () {
  "use strict";
  var node = document.getElementById("place-map");
  var configNode = document.getElementById("place-map-config");
  if (!node || !configNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var map = L.map(node, { zoomControl: true, attributionControl: false }).setView([config.lat, config.lon], 13);
  L.circleMarker([config.lat, config.lon], { radius: 9, color: "#7a2e00", fillColor: "#f28c28", fillOpacity: 0.9 })
    .addTo(map).bindTooltip(config.name);
})();
