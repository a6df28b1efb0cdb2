/* Maillage: the hours of a place, day by day or in the OpenStreetMap syntax.
 * Shows only the way chosen (hours_mode); without JavaScript both stay visible
 * and the server takes the one chosen. */
(function () {
  "use strict";
  /* The weekly hours: show the way of giving them that is chosen (both without JS). */
  function init() {
    var radios = document.querySelectorAll("input[name$='hours_mode']");
    if (!radios.length) return;
    function update() {
      var chosen = document.querySelector("input[name$='hours_mode']:checked");
      var mode = chosen ? chosen.value : "week";
      document.querySelectorAll("[data-hours-mode]").forEach(function (block) {
        block.hidden = block.dataset.hoursMode !== mode;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }


  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
