/* Maillage: the base map and the markers shared by every map of the site.
 *
 * Base map: vector tiles read by byte ranges from PMTiles archives served by
 * Maillage itself (/tuiles/territoire.pmtiles, built by `maillage build-tiles`
 * from the communes' open data; /tuiles/osm.pmtiles when the territory has an
 * OpenStreetMap extract), drawn by protomaps-leaflet on canvas with the
 * device's own fonts: no request to any other host, no font files to fetch.
 *
 * Markers: places at one address become one marker whose popup lists them
 * all; markers are grouped into clusters showing how many places they hold
 * (Leaflet.markercluster), which split as one zooms in.
 *
 * Exposed as window.MaillageMap for maillage.js, booking.js and analysis.js.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var COLOURS = {
    land: "#f4f1e8", outside: "#dfe4df", border: "#a3aca6", focus: "#1f5f6b",
    focusFill: "#dcebe4", departement: "#5b6a62", label: "#1d2b24", halo: "#ffffff",
  };
  var TERRITORY_MAX_DATA_ZOOM = 12;

  function slug(value) {
    return SLUG.test(value || "") ? value : "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* ------------------------------------------------------------ base map */

  function labelRules(P) {
    return [{
      dataLayer: "commune_labels",
      symbolizer: new P.CenteredTextSymbolizer({
        labelProps: ["name"],
        fill: COLOURS.label, stroke: COLOURS.halo, width: 3,
        font: function (z, f) {
          var big = f && f.props && f.props.population >= 5000;
          var size = z >= 12 ? 15 : z >= 10 ? 13 : 12;
          return (big ? "700 " : "600 ") + (big ? size + 2 : size) + "px system-ui, sans-serif";
        },
      }),
      sort: function (a, b) { return (b.population || 0) - (a.population || 0); },
    }];
  }

  function paintRules(P, state, withOsm) {
    var rules = [];
    if (!withOsm) {
      rules.push({ dataLayer: "communes", symbolizer: new P.PolygonSymbolizer({ fill: COLOURS.land }) });
    }
    rules.push({
      dataLayer: "communes",
      filter: function (z, f) { return !!state.focus && f.props.code === state.focus; },
      symbolizer: new P.PolygonSymbolizer({ fill: COLOURS.focusFill, opacity: 0.8 }),
    });
    rules.push({
      dataLayer: "communes",
      symbolizer: new P.LineSymbolizer({ color: COLOURS.border, width: function (z) { return z >= 11 ? 1.2 : 0.8; } }),
    });
    rules.push({
      dataLayer: "departement",
      symbolizer: new P.LineSymbolizer({ color: COLOURS.departement, width: 2.5 }),
    });
    rules.push({
      dataLayer: "communes",
      filter: function (z, f) { return !!state.focus && f.props.code === state.focus; },
      symbolizer: new P.LineSymbolizer({ color: COLOURS.focus, width: 3 }),
    });
    return rules;
  }

  /* Add the base map to a Leaflet map; the element's data-* attributes say
   * which archives exist. options.overlay: draw only the names, above the
   * map's own shapes (the analysis page colours the communes itself). */
  function addBase(map, node, options) {
    options = options || {};
    var state = { focus: null, territory: null, layers: [] };
    var P = window.protomapsL;
    var territoryUrl = node.dataset.territoryTiles || "";
    var osmUrl = node.dataset.osmTiles || "";
    // Streets need the close zooms; the communes alone stop at a village's scale.
    if (map.options.maxZoom === undefined) map.setMaxZoom(osmUrl || node.dataset.tileUrl ? 18 : 16);
    if (node.dataset.tileUrl) { // a raster tile server chosen by the operator
      L.tileLayer(node.dataset.tileUrl, { attribution: node.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    if (!P) return state;
    if (osmUrl && !options.overlay) {
      state.layers.push(P.leafletLayer({
        url: osmUrl, flavor: "light", lang: "fr", maxDataZoom: 15,
        attribution: node.dataset.osmAttribution || "© OpenStreetMap",
      }).addTo(map));
    }
    if (territoryUrl) {
      var pane;
      if (options.overlay) {
        pane = map.createPane("maillage-labels");
        pane.style.zIndex = 450; // above the shapes (400), below the markers (600)
        pane.style.pointerEvents = "none";
      }
      state.territory = P.leafletLayer({
        url: territoryUrl, maxDataZoom: TERRITORY_MAX_DATA_ZOOM,
        pane: options.overlay ? "maillage-labels" : "tilePane",
        backgroundColor: options.overlay || osmUrl ? undefined : COLOURS.outside,
        paintRules: options.overlay ? [] : paintRules(P, state, !!osmUrl),
        labelRules: osmUrl ? [] : labelRules(P),
        attribution: node.dataset.territoryAttribution || "",
      }).addTo(map);
      state.layers.push(state.territory);
    }
    /* Outline one commune (its INSEE code), or none. */
    state.setFocus = function (code) {
      if ((code || null) === state.focus) return;
      state.focus = code || null;
      if (state.territory) state.territory.rerenderTiles();
    };
    /* The commune under a point, from the tiles already drawn: {code, name} or null. */
    state.communeAt = function (latlng) {
      if (!state.territory) return null;
      var found = null;
      try {
        state.territory.queryTileFeaturesDebug(latlng.lng, latlng.lat, 1).forEach(function (picked) {
          picked.forEach(function (p) {
            if (!found && p.layerName === "communes" && p.feature && p.feature.props) {
              found = { code: String(p.feature.props.code || ""), name: String(p.feature.props.name || "") };
            }
          });
        });
      } catch (e) { return null; }
      return found;
    };
    return state;
  }

  function frenchControls(map) {
    map.attributionControl.setPrefix(false);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", "Fermer"); close.title = "Fermer"; }
      // A popup fits the map and keeps clear of the zoom buttons (top left): on a
      // phone's narrow map the buttons covered its first line. Leaflet lays it out
      // and pans the map again with these options.
      e.popup.options.maxWidth = Math.max(160, Math.min(300, map.getSize().x - 110));
      e.popup.options.autoPanPaddingTopLeft = L.point(52, 12);
      e.popup.options.autoPanPaddingBottomRight = L.point(12, 24); // the attribution
      e.popup.update();
    });
  }

  /* ------------------------------------------------------------ markers */

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

  /* The marker of one place, or of several at one address (a count on it). */
  function markerIcon(m, extraClass, count, label) {
    var node = document.createElement("span");
    var family = slug(m.family);
    node.className = "marker" + (family ? " fam-" + family : "") + (extraClass ? " " + extraClass : "");
    node.appendChild(pictogram(m.icon, 22));
    if (count > 1) node.appendChild(el("span", "marker__count", String(count)));
    node.appendChild(el("span", "visually-hidden", label || (m.name + (m.where ? " (" + m.where + ")" : ""))));
    return L.divIcon({ html: node, className: "marker-icon", iconSize: [40, 40], iconAnchor: [20, 20], popupAnchor: [0, -18] });
  }

  function placeEntry(m, labels) {
    var box = el("div", "popup__place");
    var title = el("p", "popup__title");
    var link = el("a", null, m.name);
    link.href = m.url;
    title.appendChild(link);
    box.appendChild(title);
    var meta = [m.type];
    if (m.mobile) meta.push(labels.stop + " : " + m.where);
    else if (m.where) meta.push(m.where);
    box.appendChild(el("p", "popup__meta", meta.filter(Boolean).join(" · ")));
    if (m.distance_km !== null && m.distance_km !== undefined) {
      box.appendChild(el("p", "popup__meta", m.distance_km.toLocaleString("fr-FR") + " km"));
    }
    return box;
  }

  function popupContent(group, labels) {
    var box = el("div", "popup");
    if (group.length === 1) {
      box.appendChild(placeEntry(group[0], labels));
      var more = el("a", "popup__more", labels.see);
      more.href = group[0].url;
      box.appendChild(more);
      return box;
    }
    box.appendChild(el("p", "popup__heading", labels.together.replace("%(n)s", group.length)));
    var list = el("ul", "popup__list");
    group.forEach(function (m) {
      var item = el("li");
      item.appendChild(placeEntry(m, labels));
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function labelsOf(node) {
    return {
      see: node.dataset.labelSee || "Voir la fiche",
      stop: node.dataset.labelStop || "Arrêt",
      together: node.dataset.labelTogether || "%(n)s lieux à cette adresse",
      places: node.dataset.labelPlaces || "lieux",
      near: node.dataset.labelNear || "Chercher autour de ce point",
      commune: node.dataset.labelCommune || "Ce qui est près de",
      here: node.dataset.labelHere || "Point de départ",
    };
  }

  /* A cluster group whose bubbles count places (not markers) and say so. */
  function clusterGroup(labels) {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      maxClusterRadius: 48,
      iconCreateFunction: function (cluster) {
        var count = 0;
        cluster.getAllChildMarkers().forEach(function (m) { count += m.options.placeCount || 1; });
        var size = count < 10 ? 40 : count < 100 ? 46 : 54;
        var node = el("span", "cluster");
        node.appendChild(el("span", "cluster__count", String(count)));
        node.appendChild(el("span", "visually-hidden", " " + labels.places));
        return L.divIcon({ html: node, className: "cluster-icon", iconSize: [size, size] });
      },
    });
  }

  /* Draw places and stops on `layer` (a cluster group): one marker per
   * address. Returns the points, nearest first when the data is sorted so. */
  function drawMarkers(layer, data, labels, keyboard) {
    layer.clearLayers();
    var groups = [];
    var byKey = {};
    function add(m) {
      var key = Number(m.lat).toFixed(5) + "," + Number(m.lon).toFixed(5);
      if (!byKey[key]) { byKey[key] = []; groups.push(byKey[key]); }
      byKey[key].push(m);
    }
    (data.places || []).forEach(add);
    (data.stops || []).forEach(function (m) { add(Object.assign({ mobile: true }, m)); });
    var markers = groups.map(function (group) {
      var first = group[0];
      var title = group.length > 1
        ? labels.together.replace("%(n)s", group.length) + " : " + group.map(function (m) { return m.name; }).join(", ")
        : first.name + (first.mobile ? " (" + first.where + ")" : "");
      var marker = L.marker([first.lat, first.lon], {
        icon: markerIcon(first, first.mobile ? "marker--mobile" : "", group.length, title),
        title: title, keyboard: keyboard, riseOnHover: true, placeCount: group.length,
      });
      marker.bindPopup(popupContent(group, labels));
      return marker;
    });
    layer.addLayers(markers);
    return groups.map(function (g) { return [g[0].lat, g[0].lon]; });
  }

  window.MaillageMap = {
    addBase: addBase,
    frenchControls: frenchControls,
    markerIcon: markerIcon,
    labelsOf: labelsOf,
    clusterGroup: clusterGroup,
    drawMarkers: drawMarkers,
    el: el,
  };
})();
