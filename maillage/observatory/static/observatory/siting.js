/* Siting page: say that the solver is working, then show the chosen communes on a small map. */
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
  var sites = JSON.parse(dataNode.textContent);
  var map = L.map(mapNode, { attributionControl: false });
  var markers = sites.map(function (site, index) {
    return L.circleMarker([site.latitude, site.longitude], {
      radius: 9, color: "#7f2704", weight: 2, fillColor: "#fd8d3c", fillOpacity: 0.9,
    }).bindTooltip((index + 1) + ". " + site.nom, { permanent: true, direction: "right" });
  });
  var group = L.featureGroup(markers).addTo(map);
  if (markers.length) map.fitBounds(group.getBounds().pad(0.3)); else map.setView([46.6, 2.4], 6);
})();
