/* Maps of the places pages, configured by the json_script "places-map-config":
   - directory and widget: the same filtered places as the list, clustered at low zoom, reloaded
     from /api/lieux/carte.geojson with the list's query string after each htmx swap;
   - place page (config.place): one marker.
   Our own API only; tiles only when a tile URL is configured, otherwise our own basemap
   (core/basemap.js: outlines and town names by zoom). */
(function () {
  "use strict";

  var mapNode = document.getElementById("places-map") || document.getElementById("place-map");
  var configNode = document.getElementById("places-map-config");
  if (!mapNode || !configNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById("places-map-status");

  function setStatus(text) {
    if (statusNode) statusNode.textContent = text;
  }

  // French titles for the zoom buttons (Leaflet's own are English).
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  var map = L.map(mapNode, { zoomSnap: 0.5, maxZoom: 18 });
  // The région's perimeter, not drawn: where to look when there is no place to show.
  var outlines = null;
  map.attributionControl.setPrefix(false);
  // Tiles when configured, else (or when they fail) our own basemap: outlines and town names.
  if (window.maillageBasemap) {
    window.maillageBasemap.attach(map, {
      tileUrl: config.tileUrl,
      tileAttribution: config.tileAttribution,
      onTilesDown: function () { setStatus("Fond de carte indisponible : les lieux restent affichés."); },
    });
  }
  if (!config.tileUrl && config.regionCode && !config.place) {
    fetch("/api/territoires/regions/" + encodeURIComponent(config.regionCode) + "/contours?maille=perimetre")
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        outlines = L.geoJSON(data);
        if (mapNode.dataset.count === "0") map.fitBounds(outlines.getBounds());
      })
      .catch(function () { /* the markers are enough */ });
  }

  /* --- Place page: one marker ---------------------------------------------------------------- */
  if (config.place) {
    var here = [config.place.lat, config.place.lon];
    // Our basemap names every commune from zoom 12: close enough to place the marker.
    map.setView(here, config.tileUrl ? 15 : 13);
    L.marker(here, { title: config.place.name, alt: config.place.name, keyboard: false, interactive: false })
      .addTo(map);
    mapNode.dataset.loaded = "true";
    return;
  }

  /* --- Directory and widget ------------------------------------------------------------------ */
  if (typeof L.markerClusterGroup === "undefined") return;
  var widget = config.widget === true;
  var kinds = config.kinds || {};
  var ANY_ID = "00000000-0000-0000-0000-000000000000";
  map.setView([49.1, 0.2], 7);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
  map.addLayer(cluster);
  var markers = {};
  // Labelled places: a golden marker (legend under the map) and the badge in their popup.
  var labelIcon = new L.Icon.Default({ className: "marker-label" });
  var lastQuery = null;
  var controller = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* « 2 événements à venir (prochain le 12/12) », linking to the place page's events section. */
  function eventsLine(p, placeUrl) {
    var day = String(p.prochain_evenement || "").split("-");
    var when = day.length === 3 ? day[2] + "/" + day[1] : "";
    var text = p.evenements > 1
      ? p.evenements + " événements à venir" + (when ? " (prochain le " + when + ")" : "")
      : "1 événement à venir" + (when ? " (le " + when + ")" : "");
    var line = el("p", "map-popup-meta");
    var link = el("a", "", text);
    link.href = placeUrl + "#evenements";
    if (widget) {
      link.target = "_blank";
      link.rel = "noopener";
      link.append(el("span", "visually-hidden", " (nouvel onglet)"));
    }
    line.append(link);
    return line;
  }

  function popup(feature) {
    var p = feature.properties;
    var box = el("div", "map-popup");
    var title = el("p", "map-popup-title");
    var link = el("a", "", p.nom);
    link.href = config.detailUrl.replace(ANY_ID, encodeURIComponent(feature.id));
    if (widget) {
      link.target = "_blank";
      link.rel = "noopener";
      link.append(el("span", "visually-hidden", " (nouvel onglet)"));
    }
    title.append(link);
    if (p.demo) title.append(" ", el("span", "badge badge-demo", "Démo"));
    if (p.label) title.append(" ", el("span", "badge badge-label", p.label));
    box.append(title);
    var details = [(p.types || []).map(function (slug) { return kinds[slug] || slug; }).join(", "), p.commune];
    if (p.postes) details.push(p.postes + (p.postes > 1 ? " postes" : " poste"));
    if (p.distance_km !== undefined) details.push("à " + String(p.distance_km).replace(".", ",") + " km");
    box.append(el("p", "map-popup-meta", details.filter(Boolean).join(" · ")));
    if (p.position_approximative) box.append(el("p", "map-popup-meta", "Position approximative (commune ou adresse)"));
    if (p.evenements) box.append(eventsLine(p, link.href));
    if (p.statut === "projet") box.append(el("span", "badge badge-project", "En projet"));
    if (p.statut === "ferme") box.append(el("span", "badge", "Fermé définitivement"));
    return box;
  }

  function show(data) {
    cluster.clearLayers();
    markers = {};
    highlighted = null;
    activeCard = null;
    var layers = data.features.map(function (feature) {
      var c = feature.geometry.coordinates;
      var approximate = feature.properties.position_approximative;
      var label = feature.properties.nom + (feature.properties.label ? " (" + feature.properties.label + ")" : "") +
        (approximate ? " (position approximative)" : "");
      var options = { title: label, alt: label, opacity: approximate ? 0.6 : 1 };
      if (feature.properties.label) options.icon = labelIcon;
      var marker = L.marker([c[1], c[0]], options);
      marker.bindPopup(function () { return popup(feature); });
      markers[feature.id] = marker;
      return marker;
    });
    cluster.addLayers(layers);
    mapNode.dataset.count = String(layers.length);
    mapNode.dataset.loaded = "true";
    setStatus(layers.length ? "" : "Aucun lieu à montrer sur la carte.");
    // Without tiles our basemap shows communes and their names down to zoom 12: keep some context.
    if (layers.length) map.fitBounds(cluster.getBounds(), { maxZoom: config.tileUrl ? 13 : 12, padding: [30, 30] });
    else if (outlines) map.fitBounds(outlines.getBounds());
  }

  function load() {
    var results = document.getElementById("place-results");
    if (!results) return;
    if (results.dataset.valid === "false") {
      if (controller) controller.abort();
      cluster.clearLayers();
      markers = {};
      lastQuery = null;
      mapNode.dataset.count = "0";
      mapNode.dataset.loaded = "true";
      setStatus("Carte vide : corrigez les filtres.");
      if (outlines) map.fitBounds(outlines.getBounds());
      return;
    }
    var query = results.dataset.query || "";
    if (query === lastQuery) return; // another page of the same results
    lastQuery = query;
    if (controller) controller.abort();
    controller = typeof AbortController === "undefined" ? null : new AbortController();
    mapNode.dataset.loaded = "false";
    fetch(config.apiUrl + (query ? "?" + query : ""), { signal: controller ? controller.signal : undefined })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(show)
      .catch(function (error) {
        if (error.name === "AbortError") return;
        lastQuery = null;
        mapNode.dataset.loaded = "error";
        setStatus("Carte indisponible pour le moment ; la liste reste à jour.");
      });
  }

  /* Hovering or focusing a card highlights its marker, or the cluster that holds it; the
     highlight follows the marker when zooming re-draws the clusters. */
  var activeCard = null;
  var highlighted = null;
  function refreshHighlight() {
    if (highlighted) {
      var old = highlighted.getElement && highlighted.getElement();
      if (old) old.classList.remove("is-highlighted");
      if (highlighted.setZIndexOffset) highlighted.setZIndexOffset(0);
      highlighted = null;
    }
    var marker = activeCard && markers[activeCard.dataset.placeId];
    var shown = marker ? cluster.getVisibleParent(marker) : null;
    if (!shown) return; // no card, or its place is outside the current view
    highlighted = shown;
    var node = shown.getElement && shown.getElement();
    if (node) node.classList.add("is-highlighted");
    if (shown.setZIndexOffset) shown.setZIndexOffset(1000);
  }
  function setActiveCard(card) {
    if (card === activeCard) return;
    activeCard = card;
    refreshHighlight();
  }
  function cardOf(target) {
    return target && target.closest ? target.closest(".place-card[data-place-id]") : null;
  }
  document.addEventListener("mouseover", function (event) {
    var card = cardOf(event.target);
    if (card) setActiveCard(card);
  });
  document.addEventListener("mouseout", function (event) {
    var card = cardOf(event.target);
    if (card && !card.contains(event.relatedTarget)) setActiveCard(null);
  });
  document.addEventListener("focusin", function (event) {
    var card = cardOf(event.target);
    if (!card) return;
    var marker = markers[card.dataset.placeId];
    // Keyboard users cannot hover: bring the place into view if it is off the map.
    if (marker && !map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng());
    setActiveCard(card);
  });
  document.addEventListener("focusout", function (event) {
    if (cardOf(event.target) && !cardOf(event.relatedTarget)) setActiveCard(null);
  });
  map.on("zoomend moveend", refreshHighlight);
  /* Says when the map is still (pans and zooms animate); browser tests wait on it before clicking. */
  map.on("movestart", function () { mapNode.dataset.moving = "true"; });
  map.on("moveend", function () { mapNode.dataset.moving = "false"; });
  cluster.on("animationend", refreshHighlight);

  /* htmx: show the list of a 400 answer too (it carries the French error messages). */
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:beforeRequest", function () {
    var results = document.getElementById("place-results");
    if (results) results.setAttribute("aria-busy", "true");
  });
  document.body.addEventListener("htmx:afterRequest", function () {
    var results = document.getElementById("place-results");
    if (results) results.removeAttribute("aria-busy");
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    load();
    // After « Page suivante », go to the top of the list (focus follows for screen readers).
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.hasAttribute && trigger.hasAttribute("data-results-page")) {
      var heading = document.getElementById("titre-resultats");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
  if (window.htmx) {
    // The page keeps no htmx snapshot (hx-history="false"): back and forward reload it.
    window.htmx.config.refreshOnHistoryMiss = true;
  }
  load();
})();
