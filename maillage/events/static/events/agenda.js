/* The agenda's map, configured by the json_script "events-map-config": one marker per event held
   in a place (the list beside it says the same). Tiles only when configured, otherwise our own
   basemap (core/basemap.js), as on the places pages. */
(function () {
  "use strict";

  var mapNode = document.getElementById("events-map");
  var configNode = document.getElementById("events-map-config");
  if (!mapNode || !configNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);

  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  var map = L.map(mapNode, { zoomSnap: 0.5, maxZoom: 18 });
  map.attributionControl.setPrefix(false);
  if (window.maillageBasemap) {
    window.maillageBasemap.attach(map, { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });
  }

  function popup(event) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = event.url;
    link.textContent = event.title;
    var meta = document.createElement("p");
    meta.textContent = event.when + " — " + event.place;
    box.appendChild(link);
    box.appendChild(meta);
    return box;
  }

  var events = config.events || [];
  var bounds = [];
  events.forEach(function (event) {
    var here = [event.lat, event.lon];
    L.marker(here, { title: event.title, alt: event.title }).bindPopup(popup(event)).addTo(map);
    bounds.push(here);
  });
  if (bounds.length === 1) {
    map.setView(bounds[0], 12);
  } else if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  } else {
    map.setView([49.1, 0.2], 7);
  }
  mapNode.dataset.count = String(events.length);
  mapNode.dataset.loaded = "true";
})();
