/* Maillage: the maps of the public pages.
 *
 * Everything the page needs arrives as data: data-* attributes on the map
 * element and JSON in <script type="application/json"> elements (the CSP
 * forbids inline scripts and styles). The base map, the markers (pictograms
 * of the places' main function, one marker per address) and their clusters
 * come from basemap.js (window.MaillageMap); no request ever leaves this site.
 */
(function () {
  "use strict";

  var NEAREST_SHOWN = 3;
  var M = window.MaillageMap;
  var el = M && M.el;

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function baseMap(node, options) {
    var center = (node.dataset.center || "44.52,3.5").split(",").map(Number);
    node.textContent = "";
    var map = L.map(node, Object.assign({
      center: center, zoom: Number(node.dataset.zoom || 9), zoomControl: false,
      attributionControl: true, zoomSnap: 0.25,
    }, options || {}));
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    M.frenchControls(map);
    map.base = M.addBase(map, node);
    node.maillageMap = map; // for the browser tests
    return map;
  }

  /* ------------------------------------------------------------ the map page */

  function finderMap(node) {
    var labels = M.labelsOf(node);
    var form = document.getElementById("search");
    var map = baseMap(node, { keyboard: true });
    var markers = M.clusterGroup(labels).addTo(map);
    var nearLayer = L.layerGroup().addTo(map);
    var lastKey = null;
    var territory = territoryBounds(node);

    function focusCommune(code) { map.base.setFocus(code); }
    var touched = false; // the person moved the map: leave the view alone
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
      node.addEventListener(type, function () { touched = true; }, { passive: true });
    });
    var help = document.getElementById("map-help");
    if (help) help.hidden = false;

    function searchAround(latlng) {
      if (!form) return;
      form.elements.near.value = latlng.lat.toFixed(5) + "," + latlng.lng.toFixed(5);
      form.elements.ou.value = "";
      if (form.elements.dans_commune) form.elements.dans_commune.checked = false;
      map.closePopup();
      form.requestSubmit();
    }

    function pointPopup(latlng, commune) {
      var box = el("div", "popup");
      var button = el("button", "button button--small", labels.near);
      button.type = "button";
      button.addEventListener("click", function () { searchAround(latlng); });
      box.appendChild(button);
      if (commune && commune.code) {
        var link = el("a", "popup__more", labels.commune + " " + commune.name);
        link.href = "/communes/" + encodeURIComponent(commune.code) + "/";
        box.appendChild(link);
      }
      L.popup().setLatLng(latlng).setContent(box).openOn(map);
    }

    map.on("click", function (e) { pointPopup(e.latlng, map.base.communeAt(e.latlng)); });

    function refresh() {
      var data = readJSON("map-data") || {};
      var points = M.drawMarkers(markers, data, labels, true);
      nearLayer.clearLayers();
      if (data.near) {
        L.marker(data.near, {
          icon: M.markerIcon({ name: labels.here, icon: "crosshair" }, "marker--near"),
          interactive: false, keyboard: false, zIndexOffset: 1000,
        }).addTo(nearLayer);
      }
      focusCommune(data.commune && data.commune.code);
      var key = JSON.stringify([data.near || null, (data.commune && data.commune.url) || null]);
      if (key !== lastKey) {
        if (data.near) {
          // the starting point (or commune) and the nearest places found
          var view = L.latLngBounds([data.near, data.near]);
          if (data.commune && data.commune.bounds) view.extend(data.commune.bounds);
          points.slice(0, NEAREST_SHOWN).forEach(function (p) { view.extend(p); });
          map.fitBounds(view, { padding: [40, 40], maxZoom: 12 });
        } else if (territory) {
          map.fitBounds(territory, { padding: [10, 10] });
        } else if (points.length) {
          map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
        }
        lastKey = key;
      }
      var title = document.getElementById("results-title");
      var status = document.getElementById("results-status");
      if (title && status) status.textContent = title.textContent.replace(/\s+/g, " ").trim();
    }

    refresh();
    var results = document.getElementById("results");
    if (results && window.MutationObserver) {
      new MutationObserver(function () { refresh(); }).observe(results, { childList: true });
    }

    if (form) {
      form.elements.ou.addEventListener("input", function () { form.elements.near.value = ""; });
      var locate = form.querySelector("[data-action=locate]");
      if (locate && navigator.geolocation) {
        locate.hidden = false;
        locate.addEventListener("click", function () {
          locate.disabled = true;
          navigator.geolocation.getCurrentPosition(function (pos) {
            locate.disabled = false;
            searchAround(L.latLng(pos.coords.latitude, pos.coords.longitude));
          }, function () {
            locate.disabled = false;
            form.elements.ou.focus();
          }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
        });
      }
      // The date field only matters for "Ouvert le…": choosing a date selects it.
      var openAt = form.elements.open_at;
      if (openAt) {
        openAt.addEventListener("change", function () {
          var radio = form.querySelector("input[name=quand][value=le]");
          if (openAt.value && radio) radio.checked = true;
        });
      }
    }
  }

  /* ------------------------------------------------------------ small maps */

  function smallMap(node) {
    var labels = M.labelsOf(node);
    var map = baseMap(node, { scrollWheelZoom: false, keyboard: false });
    var bounds = L.latLngBounds([]);
    var commune = readJSON("map-commune");
    if (commune && commune.bounds) {
      map.base.setFocus(commune.code);
      bounds.extend(commune.bounds);
    }
    var markers = M.clusterGroup(labels).addTo(map);
    var points = M.drawMarkers(markers, readJSON("map-data") || {}, labels, false);
    points.forEach(function (p) { bounds.extend(p); });
    if (bounds.isValid()) {
      if (points.length === 1 && !commune) map.setView(points[0], 13);
      else map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    }
  }

  function territoryBounds(node) {
    var b = (node.dataset.bounds || "").split(",").map(Number);
    return b.length === 4 && b.every(isFinite) ? L.latLngBounds([b[0], b[1]], [b[2], b[3]]) : null;
  }

  /* Shorter, shareable addresses: htmx leaves out the form's empty fields. */
  document.addEventListener("htmx:config:request", function (e) {
    var request = e.detail && e.detail.ctx && e.detail.ctx.request;
    var body = request && request.body;
    if (!body || typeof body.forEach !== "function") return;
    var kept = [];
    body.forEach(function (value, key) { if (value !== "") kept.push([key, value]); });
    Array.from(new Set(Array.from(body.keys()))).forEach(function (key) { body.delete(key); });
    kept.forEach(function (pair) { body.append(pair[0], pair[1]); });
  });

  function init() {
    if (!window.L || !M) return;
    document.querySelectorAll("[data-map]").forEach(function (node) {
      if (node.dataset.map === "finder") finderMap(node);
      else smallMap(node);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
