/* Booking search: "near me" fills the hidden near field; the free resources on
 * the shared base map (web/basemap.js), clustered, one marker per place. This
 * file is loaded twice: deferred with the page (the button), then after the
 * page's load event with the map's scripts (the map). */
(function () {
  "use strict";
  var near = document.getElementById("near-me");
  if (near && navigator.geolocation && !near.dataset.ready) {
    near.dataset.ready = "1";
    near.hidden = false;
    near.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_near").value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
        document.getElementById("booking-search").submit();
      });
    });
  }
  var node = document.getElementById("booking-map");
  var data = document.getElementById("booking-points");
  var M = window.MaillageMap;
  if (!node || !data || !window.L || !M || node.dataset.drawn) return;
  node.dataset.drawn = "1";
  var points = JSON.parse(data.textContent);
  var labels = M.labelsOf(node);
  var center = (node.dataset.center || "44.52,3.5").split(",").map(Number);
  node.textContent = "";
  var map = L.map(node, { center: center, zoom: Number(node.dataset.zoom || 9), scrollWheelZoom: false });
  M.frenchControls(map);
  M.addBase(map, node);
  var markers = M.clusterGroup(labels).addTo(map);
  var bounds = M.drawMarkers(markers, { places: points }, labels, true);
  if (bounds.length) map.fitBounds(bounds, { maxZoom: 12, padding: [20, 20] });
})();
