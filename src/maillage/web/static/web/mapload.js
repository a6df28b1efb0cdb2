/* Maillage: load the map's scripts and styles once the page has loaded.
 *
 * On a weak rural link the search form and the first results matter first:
 * the page is usable without the map (the list says the same), so Leaflet,
 * the vector base map and the clustering are fetched after the `load` event,
 * in order. The URLs are in this script element's data-scripts and
 * data-styles attributes (the CSP forbids inline scripts).
 */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var styles = (me.dataset.styles || "").split(" ").filter(Boolean);
  var scripts = (me.dataset.scripts || "").split(" ").filter(Boolean);

  function go() {
    // Before the site's own stylesheet, so that its rules for the map still win.
    var first = document.head.querySelector("link[rel=stylesheet]");
    styles.forEach(function (url) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      document.head.insertBefore(link, first);
    });
    scripts.forEach(function (url) {
      var script = document.createElement("script");
      script.src = url;
      script.async = false; // run in the order given
      document.body.appendChild(script);
    });
  }

  if (document.readyState === "complete") go();
  else window.addEventListener("load", go);
})();
