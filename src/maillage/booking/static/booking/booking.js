/* Booking search: results on a map; "near me" fills the hidden near field. */
(function () {
  "use strict";
  var near = document.getElementById("near-me");
  if (near && navigator.geolocation) {
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
  if (!node || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var center = (node.dataset.center || "44.52,3.5").split(",").map(Number);
  node.textContent = "";
  var map = L.map(node, { center: center, zoom: Number(node.dataset.zoom || 9) });
  map.attributionControl.setPrefix(false);
  if (node.dataset.tileUrl) {
    L.tileLayer(node.dataset.tileUrl, { attribution: node.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (p) {
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    L.circleMarker([p.lat, p.lon], { radius: 8 }).bindPopup(link).addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { maxZoom: 12, padding: [20, 20] });
})();
