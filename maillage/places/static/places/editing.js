/* Place editing pages, configured by the json_script "place-editing-config":
   - place form: a map picker (click or drag the marker: latitude and longitude are filled; typing
     them moves the marker), a commune search on our own API (no address service is called), and
     the weekly hours editor, which writes the OSM syntax into the raw field and reads it back
     (same rules as maillage/places/hours_editor.py);
   - moderation: one small map per proposal with the proposed point (and the current one).
   Everything here is an enhancement: the form works without it. */
(function () {
  "use strict";

  var configNode = document.getElementById("place-editing-config");
  var config = configNode ? JSON.parse(configNode.textContent) : {};
  var DEFAULT_VIEW = [49.1, 0.2];

  function setText(node, text) { if (node) node.textContent = text; }
  function frenchNumber(value) { return String(value).replace(".", ","); }

  /* --- Maps ------------------------------------------------------------------------------------ */
  function baseMap(node) {
    L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
    var map = L.map(node, { zoomSnap: 0.5, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    if (window.maillageBasemap && typeof window.maillageBasemap.attach === "function") {
      window.maillageBasemap.attach(map, { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });
    } else if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 18 }).addTo(map);
    } else if (config.regionCode) {
      // Without tiles nor our basemap, the outlines of the départements give the map its bearings.
      fetch("/api/territoires/regions/" + encodeURIComponent(config.regionCode) + "/contours?maille=departements")
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          L.geoJSON(data, {
            interactive: false,
            style: function () { return { color: "#5b6b7a", weight: 1.2, fillColor: "#f7f9fa", fillOpacity: 1 }; },
          }).addTo(map).bringToBack();
        })
        .catch(function () { /* the point is enough */ });
    }
    return map;
  }

  function closeZoom() { return config.tileUrl ? 16 : 12; }

  /* --- Place form: map picker and commune search ----------------------------------------------- */
  function setUpPicker() {
    var picker = document.querySelector("[data-maillage-picker]");
    var mapNode = document.getElementById("place-picker-map");
    var latInput = document.getElementById("id_latitude");
    var lonInput = document.getElementById("id_longitude");
    if (!picker || !mapNode || !latInput || !lonInput || typeof L === "undefined") return;
    picker.hidden = false;
    var statusNode = document.getElementById("place-picker-status");
    var map = baseMap(mapNode);
    var marker = null;

    function readPoint() {
      var lat = parseFloat(latInput.value.replace(",", "."));
      var lon = parseFloat(lonInput.value.replace(",", "."));
      if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
      return L.latLng(lat, lon);
    }

    function placeMarker(latlng) {
      if (marker) { marker.setLatLng(latlng); return; }
      marker = L.marker(latlng, { draggable: true, keyboard: false, title: "Position du lieu", alt: "Position du lieu" }).addTo(map);
      marker.on("dragend", function () { fill(marker.getLatLng(), "Position choisie"); });
    }

    function fill(latlng, what) {
      latInput.value = latlng.lat.toFixed(5);
      lonInput.value = latlng.lng.toFixed(5);
      [latInput, lonInput].forEach(function (input) { input.dispatchEvent(new Event("change", { bubbles: true })); });
      setText(statusNode, what + " : latitude " + frenchNumber(latInput.value) + ", longitude " + frenchNumber(lonInput.value) + ".");
    }

    var start = readPoint();
    if (start) { map.setView(start, closeZoom()); placeMarker(start); }
    else map.setView(DEFAULT_VIEW, 7);
    mapNode.dataset.loaded = "true";

    map.on("click", function (event) {
      placeMarker(event.latlng);
      fill(event.latlng, "Position choisie");
    });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("input", function () {
        var point = readPoint();
        if (point) { placeMarker(point); map.panTo(point); }
      });
    });

    // Commune search: our reference data only (name or postcode), through our own API.
    var searchInput = document.getElementById("commune-search");
    var searchButton = document.getElementById("commune-search-button");
    var results = document.getElementById("commune-results");
    var postalInput = document.getElementById("id_postal_code");
    if (!searchInput || !searchButton || !results || !config.communesUrl) return;

    function choose(commune, typed) {
      var centre = L.latLng(commune.latitude, commune.longitude);
      map.setView(centre, config.tileUrl ? 14 : 11);
      results.replaceChildren();
      var message = "Carte centrée sur " + commune.nom + " : cliquez à l'adresse exacte du lieu.";
      if (!readPoint()) {
        placeMarker(centre);
        fill(centre, "Position provisoire au centre de " + commune.nom);
        message = "Position provisoire au centre de " + commune.nom + " : cliquez sur la carte ou déplacez le marqueur jusqu'à l'adresse exacte.";
      }
      setText(statusNode, message);
      if (postalInput && !postalInput.value) {
        if (/^\d{5}$/.test(typed)) { postalInput.value = typed; return; }
        fetch(config.communesUrl + "/" + encodeURIComponent(commune.code))
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (detail) {
            if (detail.codes_postaux && detail.codes_postaux.length === 1 && !postalInput.value) {
              postalInput.value = detail.codes_postaux[0];
            }
          })
          .catch(function () { /* the postcode stays to type */ });
      }
    }

    function search() {
      var typed = searchInput.value.trim();
      results.replaceChildren();
      if (typed.length < 2) { setText(statusNode, "Tapez au moins deux caractères du nom ou le code postal."); return; }
      setText(statusNode, "Recherche…");
      fetch(config.communesUrl + "?limite=8&q=" + encodeURIComponent(typed.slice(0, 100)))
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (page) {
          var found = page.resultats.filter(function (c) { return c.latitude !== null && c.longitude !== null; });
          if (!found.length) { setText(statusNode, "Aucune commune trouvée pour « " + typed + " »."); return; }
          found.forEach(function (commune) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "secondary";
            button.textContent = commune.nom + " (" + commune.departement.nom + ")";
            button.addEventListener("click", function () { choose(commune, typed); });
            item.append(button);
            results.append(item);
          });
          setText(statusNode, found.length === 1 ? "1 commune trouvée." : found.length + " communes trouvées.");
        })
        .catch(function () { setText(statusNode, "La recherche de commune n'a pas abouti ; réessayez."); });
    }

    searchButton.addEventListener("click", search);
    searchInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });

    // Address search: only when the platform has an address service (MAILLAGE_GEOCODER_URL),
    // asked by our server (/api/lieux/adresses), never by the browser.
    var addressInput = document.getElementById("address-search");
    var addressButton = document.getElementById("address-search-button");
    var addressResults = document.getElementById("address-results");
    var streetInput = document.getElementById("id_address");
    if (!addressInput || !addressButton || !addressResults || !config.addressUrl) return;

    function chooseAddress(hit) {
      var point = L.latLng(hit.latitude, hit.longitude);
      addressResults.replaceChildren();
      map.setView(point, closeZoom());
      placeMarker(point);
      if (streetInput && hit.adresse) streetInput.value = hit.adresse;
      if (postalInput && hit.code_postal) postalInput.value = hit.code_postal;
      fill(point, (hit.precise ? "Position de l'adresse « " : "Position approchée (rue ou lieu-dit) « ") + hit.libelle + " »");
    }

    function searchAddress() {
      var typed = addressInput.value.trim();
      addressResults.replaceChildren();
      if (typed.length < 3) { setText(statusNode, "Tapez au moins trois caractères de l'adresse."); return; }
      setText(statusNode, "Recherche de l'adresse…");
      fetch(config.addressUrl + "?q=" + encodeURIComponent(typed.slice(0, 200)), { credentials: "same-origin" })
        .then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        })
        .then(function (answer) {
          if (!answer.ok) { setText(statusNode, answer.body.detail || "La recherche d'adresse n'a pas abouti."); return; }
          if (!answer.body.length) { setText(statusNode, "Aucune adresse trouvée pour « " + typed + " » : placez le point sur la carte."); return; }
          answer.body.forEach(function (hit) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "secondary";
            button.textContent = hit.libelle;
            button.addEventListener("click", function () { chooseAddress(hit); });
            item.append(button);
            addressResults.append(item);
          });
          setText(statusNode, answer.body.length === 1 ? "1 adresse trouvée." : answer.body.length + " adresses trouvées.");
        })
        .catch(function () { setText(statusNode, "La recherche d'adresse n'a pas abouti ; réessayez ou placez le point sur la carte."); });
    }

    addressButton.addEventListener("click", searchAddress);
    addressInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); searchAddress(); }
    });
  }

  /* --- Weekly hours editor (same rules as hours_editor.py) ------------------------------------- */
  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  var DAY_NAMES = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];
  var TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

  function dayIndexes(text) {
    var indexes = [];
    var ok = text.split(",").every(function (part) {
      var bounds = part.split("-");
      if (bounds.length > 2) return false;
      var first = DAYS.indexOf(bounds[0]);
      var last = bounds.length === 2 ? DAYS.indexOf(bounds[1]) : first;
      if (first < 0 || last < 0) return false;
      var span = (last - first + 7) % 7;
      for (var step = 0; step <= span; step++) indexes.push((first + step) % 7);
      return true;
    });
    return ok ? indexes : null;
  }

  function ranges(text) {
    var list = [];
    var ok = text.split(",").every(function (part) {
      var bounds = part.split("-");
      if (bounds.length !== 2 || !TIME.test(bounds[0]) || !TIME.test(bounds[1])) return false;
      list.push([bounds[0], bounds[1]]);
      return true;
    });
    return ok ? list : null;
  }

  function checkWeek(week) {
    for (var d = 0; d < 7; d++) {
      var day = week.days[d];
      if (day.length > 2) return DAY_NAMES[d] + " : deux plages horaires au plus.";
      var previousEnd = "";
      for (var i = 0; i < day.length; i++) {
        if (day[i][0] >= day[i][1]) return DAY_NAMES[d] + " : l'heure de fermeture doit suivre l'heure d'ouverture.";
        if (previousEnd && day[i][0] <= previousEnd) return DAY_NAMES[d] + " : la seconde plage doit commencer après la fin de la première.";
        previousEnd = day[i][1];
      }
    }
    return "";
  }

  function canonicalDays(word) {
    return word.replace(/[A-Za-z]{2}/g, function (token) { return token[0].toUpperCase() + token[1].toLowerCase(); });
  }

  function readWeek(expression) {
    var week = { days: [[], [], [], [], [], [], []], holidaysClosed: false };
    var rules = expression.split(";");
    for (var r = 0; r < rules.length; r++) {
      var words = rules[r].trim().split(/\s+/).filter(Boolean);
      if (!words.length) continue;
      if (words.length === 2 && words[0] === "PH" && (words[1] === "off" || words[1] === "closed")) { week.holidaysClosed = true; continue; }
      var indexes, body;
      if (words.length === 1) { indexes = [0, 1, 2, 3, 4, 5, 6]; body = words[0]; }
      else if (words.length === 2) { indexes = dayIndexes(canonicalDays(words[0])); body = words[1]; }
      else return null;
      if (!indexes) return null;
      var list = body === "off" || body === "closed" ? [] : ranges(body);
      if (!list) return null;
      indexes.forEach(function (index) { week.days[index] = list; });
    }
    return checkWeek(week) ? null : week;
  }

  function daysText(indexes) {
    var runs = [];
    indexes.forEach(function (index) {
      var last = runs[runs.length - 1];
      if (last && index === last[last.length - 1] + 1) last.push(index); else runs.push([index]);
    });
    return runs.map(function (run) {
      return run.length === 1 ? DAYS[run[0]] : DAYS[run[0]] + "-" + DAYS[run[run.length - 1]];
    }).join(",");
  }

  function writeWeek(week) {
    var groups = [];
    week.days.forEach(function (list, index) {
      if (!list.length) return;
      var key = list.map(function (range) { return range.join("-"); }).join(",");
      var group = groups.find(function (g) { return g.key === key; });
      if (group) group.indexes.push(index); else groups.push({ key: key, indexes: [index] });
    });
    var rules = groups.map(function (g) { return daysText(g.indexes) + " " + g.key; });
    if (rules.length && week.holidaysClosed) rules.push("PH off");
    return rules.join("; ");
  }

  function setUpHoursEditor() {
    var editor = document.querySelector("[data-maillage-hours-editor]");
    var raw = document.getElementById("id_opening_hours");
    if (!editor || !raw) return;
    var statusNode = document.getElementById("hours-editor-status");
    var holidays = document.getElementById("id_semaine-holidays_closed");
    function field(key, name) { return document.getElementById("id_semaine-" + key + "_" + name); }
    function dayInputs(key) {
      return [field(key, "opens_1"), field(key, "closes_1"), field(key, "opens_2"), field(key, "closes_2")];
    }
    var UNREADABLE = "La semaine type ne sait pas lire ces horaires (mois, exceptions, commentaires…) : modifiez-les dans le champ « Horaires » ci-dessous ; ils restent tels quels.";

    function syncDisabled(unreadable) {
      editor.dataset.unreadable = unreadable ? "true" : "false";
      DAYS.forEach(function (day) {
        var key = day.toLowerCase();
        var closed = field(key, "closed");
        closed.disabled = unreadable;
        dayInputs(key).forEach(function (input) { input.disabled = unreadable || closed.checked; });
      });
      holidays.disabled = unreadable;
      editor.querySelectorAll(".hours-copy").forEach(function (b) { b.disabled = unreadable; });
    }

    function show(week) {
      DAYS.forEach(function (day, d) {
        var key = day.toLowerCase();
        var list = week.days[d];
        field(key, "closed").checked = list.length === 0;
        dayInputs(key).forEach(function (input, i) {
          var range = list[Math.floor(i / 2)];
          input.value = range ? range[i % 2] : "";
        });
      });
      holidays.checked = week.holidaysClosed;
    }

    function collect() {
      var week = { days: [], holidaysClosed: holidays.checked };
      for (var d = 0; d < 7; d++) {
        var key = DAYS[d].toLowerCase();
        var inputs = dayInputs(key);
        var list = [];
        for (var i = 0; i < 4; i += 2) {
          var opens = inputs[i].value, closes = inputs[i + 1].value;
          if (!opens && !closes) continue;
          if (!opens || !closes) return { error: DAY_NAMES[d] + " : indiquez l'ouverture et la fermeture." };
          list.push([opens.slice(0, 5), closes.slice(0, 5)]);
        }
        week.days.push(field(key, "closed").checked ? [] : list);
      }
      var error = checkWeek(week);
      return error ? { error: error } : { week: week };
    }

    function fromRaw() {
      var week = readWeek(raw.value.trim());
      if (!week) { setText(statusNode, UNREADABLE); syncDisabled(true); return; }
      setText(statusNode, "");
      show(week);
      syncDisabled(false);
    }

    function toRaw() {
      var result = collect();
      if (result.error) { setText(statusNode, result.error); return; }
      setText(statusNode, "");
      raw.value = writeWeek(result.week);
    }

    editor.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") syncDisabled(false);
      toRaw();
    });
    editor.querySelectorAll(".hours-copy").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var from = DAYS.map(function (d) { return d.toLowerCase(); }).indexOf(button.dataset.copyDay);
        var source = DAYS[from].toLowerCase();
        for (var d = from + 1; d < 7; d++) {
          var key = DAYS[d].toLowerCase();
          field(key, "closed").checked = field(source, "closed").checked;
          dayInputs(key).forEach(function (input, i) { input.value = dayInputs(source)[i].value; });
        }
        syncDisabled(false);
        toRaw();
        setText(statusNode, DAY_NAMES[from] + " copié sur les jours suivants.");
      });
    });
    raw.addEventListener("input", fromRaw);
    fromRaw();
  }

  /* --- Moderation: the proposed point on a map ------------------------------------------------- */
  function setUpProposalMaps() {
    if (typeof L === "undefined") return;
    document.querySelectorAll(".proposal-map").forEach(function (node) {
      var proposed = L.latLng(parseFloat(node.dataset.lat), parseFloat(node.dataset.lon));
      var map = baseMap(node);
      L.marker(proposed, { title: "Position proposée", alt: "Position proposée", keyboard: false }).addTo(map);
      if (node.dataset.currentLat) {
        var current = L.latLng(parseFloat(node.dataset.currentLat), parseFloat(node.dataset.currentLon));
        L.circleMarker(current, { radius: 8, color: "#6b3a12", weight: 2, fillOpacity: 0.3 })
          .bindTooltip("Position actuelle").addTo(map);
        map.fitBounds(L.latLngBounds([proposed, current]), { padding: [40, 40], maxZoom: closeZoom() });
      } else {
        map.setView(proposed, closeZoom());
      }
      node.dataset.loaded = "true";
    });
  }

  setUpPicker();
  setUpHoursEditor();
  setUpProposalMaps();
})();
