/* Maillage: the map of the mesh analysis page (/maillage/).
 *
 * Data arrive as JSON in <script type="application/json" id="analysis-data">
 * and data-* attributes (the CSP forbids inline scripts and styles). The base
 * layer is the communes' boundaries from our own API (/api/communes.geojson),
 * as on the map of places: no request leaves this site. Each commune is filled
 * with the colour of its class of distance (or time) to the nearest place.
 */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function fr(n, digits) {
    return Number(n).toLocaleString("fr-FR", { maximumFractionDigits: digits || 0 });
  }

  function colourOf(cost, data) {
    if (cost === null || cost === undefined) return data.no_place;
    for (var i = 0; i < data.classes.length; i++) {
      var c = data.classes[i];
      if (c.high === null || cost <= c.high) return c.colour;
    }
    return data.classes[data.classes.length - 1].colour;
  }

  function ceilTenth(x) { return Math.ceil(Math.round(x * 1e6) / 1e5) / 10; }

  // Leaflet reads a string tooltip as HTML: names always go in as text nodes.
  function text(value) {
    var node = document.createElement("span");
    node.textContent = value;
    return node;
  }

  function tooltip(name, row, data, labels) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = name;
    box.appendChild(title);
    if (row) {
      var line = document.createElement("div");
      line.textContent = fr(row[2]) + " " + labels.inhabitants + " · " +
        (row[0] === null ? labels.none : fr(ceilTenth(row[0]), 1) + " " + data.unit);
      box.appendChild(line);
      if (row[1]) {
        var near = document.createElement("div");
        near.textContent = labels.nearest + " : " + row[1];
        box.appendChild(near);
      }
    }
    return box;
  }

  function init() {
    var node = document.querySelector("[data-analysis-map]");
    var data = readJSON("analysis-data");
    if (!node || !data || !window.L) return;
    var labels = {
      nearest: node.dataset.labelNearest || "Lieu le plus proche",
      none: node.dataset.labelNone || "aucun lieu",
      inhabitants: node.dataset.labelInhabitants || "habitants",
      newSite: node.dataset.labelNew || "Site recommandé",
      gain: node.dataset.labelGain || "habitants en plus",
      stop: node.dataset.labelStop || "arrêt",
    };
    node.textContent = "";
    var map = L.map(node, { zoomControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.setView([44.52, 3.5], 9);
    // the communes' names from the shared base map, drawn above the colours
    if (window.MaillageMap) window.MaillageMap.addBase(map, node, { overlay: true });
    var communes = L.featureGroup().addTo(map);
    var marks = L.featureGroup().addTo(map);

    (data.places || []).forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], {
        radius: p.stop ? 4 : 5, weight: 2, color: p.stop ? "#111111" : "#ffffff",
        fillColor: p.stop ? "#ffffff" : "#111111", fillOpacity: 1, keyboard: false,
      });
      m.bindTooltip(text(p.name + (p.stop ? " (" + labels.stop + ")" : "")), { direction: "top" });
      marks.addLayer(m);
    });
    (data.new || []).forEach(function (p) {
      var icon = L.divIcon({ html: "★", className: "analysis-star", iconSize: [28, 28], iconAnchor: [14, 14] });
      var m = L.marker([p.lat, p.lon], { icon: icon, title: labels.newSite + " : " + p.name, keyboard: true });
      m.bindTooltip(text(labels.newSite + " : " + p.name + " (+" + fr(p.gain) + " " + labels.gain + ")"), { direction: "top" });
      marks.addLayer(m);
    });

    var url = node.dataset.boundariesUrl;
    if (!url) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geojson) {
        if (!geojson) return;
        L.geoJSON(geojson, {
          style: function (feature) {
            var code = (feature.properties || {}).code || feature.id;
            var row = data.communes[code];
            return {
              color: "#ffffff", weight: 0.8, opacity: 1,
              fillColor: row ? colourOf(row[0], data) : "#e0e0e0", fillOpacity: 0.92,
            };
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties || {};
            var code = p.code || feature.id;
            layer.bindTooltip(tooltip(p.name || code, data.communes[code], data, labels), { sticky: true });
            layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#1c2430" }); });
            layer.on("mouseout", function () { layer.setStyle({ weight: 0.8, color: "#ffffff" }); });
          },
        }).addTo(communes);
        communes.bringToBack();
        var bounds = communes.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      })
      .catch(function () { /* the tables still say everything */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
