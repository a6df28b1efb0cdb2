/* Maillage: the maps of the public pages.
 *
 * Everything the page needs arrives as data: data-* attributes on the map
 * element and JSON in <script type="application/json"> elements (the CSP
 * forbids inline scripts and styles). Markers are the pictograms of the
 * places' main function, drawn from the page's inline SVG sprite. Without a
 * tile server (the default) the base layer is the communes' boundaries from
 * our own API: no request ever leaves this site.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var BOUNDARY_STYLE = {
    color: "#6f7f76", weight: 1, opacity: 0.9,
    fillColor: "#f4f1e8", fillOpacity: 1,
  };
  var NEAREST_SHOWN = 3;
  var FOCUS_STYLE = { color: "#1f5f6b", weight: 3, fillColor: "#e4efe9", fillOpacity: 0.6 };

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function slug(value) {
    return SLUG.test(value || "") ? value : "";
  }

  function pictogram(icon, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    var attrs = {
      viewBox: "0 0 24 24", width: size, height: size, fill: "none",
      stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round",
      "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false",
    };
    Object.keys(attrs).forEach(function (k) { svg.setAttribute(k, attrs[k]); });
    var use = document.createElementNS(SVG_NS, "use");
    use.setAttribute("href", "#picto-" + (slug(icon) || "map-pin"));
    svg.appendChild(use);
    return svg;
  }

  function markerIcon(m, extraClass) {
    var el = document.createElement("span");
    var family = slug(m.family);
    el.className = "marker" + (family ? " fam-" + family : "") + (extraClass ? " " + extraClass : "");
    el.appendChild(pictogram(m.icon, 22));
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = m.name + (m.where ? " (" + m.where + ")" : "");
    el.appendChild(label);
    return L.divIcon({ html: el, className: "marker-icon", iconSize: [40, 40], iconAnchor: [20, 20], popupAnchor: [0, -18] });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popupContent(m, labels) {
    var box = el("div", "popup");
    var title = el("p", "popup__title");
    var link = el("a", null, m.name);
    link.href = m.url;
    title.appendChild(link);
    box.appendChild(title);
    var meta = [m.type];
    if (m.mobile) meta.push(labels.stop + " : " + m.where);
    else if (m.where) meta.push(m.where);
    box.appendChild(el("p", "popup__meta", meta.join(" · ")));
    if (m.distance_km !== null && m.distance_km !== undefined) {
      box.appendChild(el("p", "popup__meta", m.distance_km.toLocaleString("fr-FR") + " km"));
    }
    var more = el("a", "popup__more", labels.see);
    more.href = m.url;
    box.appendChild(more);
    return box;
  }

  function labelsOf(node) {
    return {
      see: node.dataset.labelSee || "Voir la fiche",
      stop: node.dataset.labelStop || "Arrêt",
      near: node.dataset.labelNear || "Chercher autour de ce point",
      commune: node.dataset.labelCommune || "Ce qui est près de",
      here: node.dataset.labelHere || "Point de départ",
    };
  }

  function frenchControls(map) {
    map.attributionControl.setPrefix(false);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", "Fermer"); close.title = "Fermer"; }
    });
  }

  function baseMap(node, options) {
    var center = (node.dataset.center || "44.52,3.5").split(",").map(Number);
    node.textContent = "";
    var map = L.map(node, Object.assign({
      center: center, zoom: Number(node.dataset.zoom || 9), zoomControl: false,
      attributionControl: true, zoomSnap: 0.25,
    }, options || {}));
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    frenchControls(map);
    if (node.dataset.tileUrl) {
      L.tileLayer(node.dataset.tileUrl, {
        attribution: node.dataset.tileAttribution || "", maxZoom: 19,
      }).addTo(map);
    }
    return map;
  }

  function drawMarkers(layer, data, labels, keyboard) {
    layer.clearLayers();
    var points = [];
    (data.places || []).forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { icon: markerIcon(m), title: m.name, keyboard: keyboard, riseOnHover: true });
      marker.bindPopup(popupContent(m, labels));
      layer.addLayer(marker);
      points.push([m.lat, m.lon]);
    });
    (data.stops || []).forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { icon: markerIcon(m, "marker--mobile"), title: m.name + " (" + m.where + ")", keyboard: keyboard, riseOnHover: true });
      marker.bindPopup(popupContent(Object.assign({ mobile: true }, m), labels));
      layer.addLayer(marker);
      points.push([m.lat, m.lon]);
    });
    return points;
  }

  /* ------------------------------------------------------------ the map page */

  function finderMap(node) {
    var labels = labelsOf(node);
    var form = document.getElementById("search");
    var map = baseMap(node, { keyboard: true });
    var boundaries = L.featureGroup().addTo(map);
    var markers = L.featureGroup().addTo(map);
    var nearLayer = L.layerGroup().addTo(map);
    var lastKey = null;
    var territory = null; // the bounds of the communes' boundaries, once loaded
    var communeLayers = {}; // INSEE code -> its boundary layer
    var focused = null;

    function focusCommune(code) {
      if (focused) focused.setStyle(BOUNDARY_STYLE);
      focused = code ? communeLayers[code] || null : null;
      if (focused) { focused.setStyle(FOCUS_STYLE); focused.bringToFront(); }
    }
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

    map.on("click", function (e) { pointPopup(e.latlng, null); });

    (node.dataset.boundariesUrl || "").split(" ").filter(Boolean).forEach(function (url) {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geojson) {
          if (!geojson) return;
          L.geoJSON(geojson, {
            style: function () { return BOUNDARY_STYLE; },
            bubblingMouseEvents: false,
            onEachFeature: function (feature, layer) {
              var p = feature.properties || {};
              var commune = { code: p.code || p.insee || "", name: p.name || p.nom || "" };
              if (commune.name) layer.bindTooltip(el("span", null, commune.name), { sticky: true, direction: "top" });
              if (commune.code) communeLayers[commune.code] = layer;
              layer.on("click", function (e) { pointPopup(e.latlng, commune); });
            },
          }).addTo(boundaries);
          boundaries.bringToBack();
          territory = boundaries.getBounds();
          var current = readJSON("map-data") || {};
          focusCommune(current.commune && current.commune.code);
          if (!touched && lastKey === JSON.stringify([null, null]) && territory.isValid()) {
            map.fitBounds(territory, { padding: [10, 10] });
          }
        })
        .catch(function () { /* the map still works without boundaries */ });
    });

    function refresh() {
      var data = readJSON("map-data") || {};
      var points = drawMarkers(markers, data, labels, true);
      nearLayer.clearLayers();
      if (data.near) {
        L.marker(data.near, {
          icon: markerIcon({ name: labels.here, icon: "crosshair" }, "marker--near"),
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
        } else if (territory && territory.isValid()) {
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
    var labels = labelsOf(node);
    var map = baseMap(node, { scrollWheelZoom: false, keyboard: false });
    var bounds = L.latLngBounds([]);
    var geometry = readJSON("map-boundary");
    if (geometry) {
      var boundary = L.geoJSON(geometry, { style: function () { return FOCUS_STYLE; }, interactive: false }).addTo(map);
      bounds.extend(boundary.getBounds());
    }
    var markers = L.featureGroup().addTo(map);
    var points = drawMarkers(markers, readJSON("map-data") || {}, labels, false);
    points.forEach(function (p) { bounds.extend(p); });
    if (bounds.isValid()) {
      if (points.length === 1 && !geometry) map.setView(points[0], 13);
      else map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    }
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
    if (!window.L) return;
    document.querySelectorAll("[data-map]").forEach(function (node) {
      if (node.dataset.map === "finder") finderMap(node);
      else smallMap(node);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
