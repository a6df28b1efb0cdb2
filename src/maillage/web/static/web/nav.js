// On a phone the main navigation folds behind a "Menu" button. Without
// JavaScript the button stays hidden and the navigation stays open.
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!button || !nav || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 40rem)");

  function apply() {
    var open = button.getAttribute("aria-expanded") === "true";
    button.hidden = !phone.matches;
    nav.classList.toggle("is-folded", phone.matches && !open);
  }

  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    apply();
  });
  phone.addEventListener("change", apply);
  apply();
})();
