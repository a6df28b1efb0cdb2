/* Maillage: say where a place is by clicking a small map (proposals and moderation).
 *
 * The map ([data-position-map]) fills the latitude and longitude fields it names
 * (data-lat-input, data-lon-input) when clicked, and moves its point when they
 * are typed in. Choosing the commune (data-commune-input, a name the commune
 * field suggests) frames the map on it; the communes' centres and boxes come
 * from the page (json_script "position-communes": [code, name, lat, lon,
 * min_lat, min_lon, max_lat, max_lon]). Without a point, the commune's centre
 * is drawn hollow: the place will stand there, approximately.
 * Without JavaScript the fields are typed by hand (or left empty).
 */
(function () {
  "use strict";
  var M = window.MaillageMap;

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[-'’\s]+/g, " ").trim();
  }

  function number(input) {
    var value = parseFloat((input.value || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function setup(node) {
    var latInput = document.getElementById(node.dataset.latInput);
    var lonInput = document.getElementById(node.dataset.lonInput);
    if (!latInput || !lonInput) return;
    var communeInput = node.dataset.communeInput ? document.getElementById(node.dataset.communeInput) : null;
    var status = document.getElementById(node.dataset.status || "");
    var clear = document.getElementById(node.dataset.clear || "");
    var communes = readJSON("position-communes") || [];
    var centre = node.dataset.centroid ? node.dataset.centroid.split(",").map(Number) : null;
    var centreCode = node.dataset.communeCode || "";

    var start = node.dataset.center.split(",").map(Number);
    var map = L.map(node, { scrollWheelZoom: false }).setView(start, Number(node.dataset.zoom) || 9);
    M.frenchControls(map);
    map.base = M.addBase(map, node);
    node.style.cursor = "crosshair";

    var point = L.circleMarker([0, 0], {
      radius: 11, color: "#1f5f6b", weight: 3, fillColor: "#1f5f6b", fillOpacity: 0.85,
      interactive: false,
    });
    var approx = L.circleMarker([0, 0], {
      radius: 14, color: "#1f5f6b", weight: 2, dashArray: "4 4", fill: false, interactive: false,
    });

    function say(text) { if (status) status.textContent = text; }

    function commune() {
      if (!communeInput) return null;
      var typed = fold(communeInput.value);
      if (!typed) return null;
      for (var i = 0; i < communes.length; i++) {
        var c = communes[i];
        if (c[0] === communeInput.value.trim() || fold(c[1]) === typed) return c;
      }
      return null;
    }

    function showCommune(frame) {
      var c = commune();
      if (c) {
        centre = c[2] !== null ? [c[2], c[3]] : null;
        centreCode = c[0];
        if (frame && c[4] !== null) map.fitBounds([[c[4], c[5]], [c[6], c[7]]], { padding: [10, 10] });
        else if (frame && centre) map.setView(centre, 13);
      }
      if (map.base && map.base.setFocus) map.base.setFocus(centreCode);
    }

    function draw(frame) {
      var lat = number(latInput), lon = number(lonInput);
      if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        map.removeLayer(approx);
        point.setLatLng([lat, lon]).addTo(map);
        if (frame) map.setView([lat, lon], Math.max(map.getZoom(), 12));
        if (clear) clear.hidden = false;
        say(node.dataset.labelPlaced.replace("%(lat)s", lat.toFixed(5)).replace("%(lon)s", lon.toFixed(5)));
        return;
      }
      map.removeLayer(point);
      if (clear) clear.hidden = true;
      if (centre) {
        approx.setLatLng(centre).addTo(map);
        if (frame) map.setView(centre, 13);
        say(node.dataset.labelApprox);
      } else {
        map.removeLayer(approx);
        say(node.dataset.labelNone);
      }
    }

    map.on("click", function (e) {
      latInput.value = e.latlng.lat.toFixed(6);
      lonInput.value = e.latlng.lng.toFixed(6);
      draw(false);
    });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () { draw(true); });
    });
    if (communeInput) {
      communeInput.addEventListener("change", function () { showCommune(true); draw(false); });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        latInput.value = "";
        lonInput.value = "";
        draw(true);
        latInput.focus();
      });
    }
    showCommune(number(latInput) === null);
    draw(true);
  }

  function init() {
    if (!window.L || !M) return;
    document.querySelectorAll("[data-position-map]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
