// A subject's trail and zones on a plain background (no tile server). Data comes from a JSON
// script element (no inline script, for the content security policy).
(function () {
  "use strict";
  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var COLOURS = { exclusion: "#d4351c", inclusion: "#00703c" };

  function showMap(element) {
    var source = document.getElementById(element.getAttribute("data-monitoring-map"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { attributionControl: false });
    map.setView([data.centre.lat, data.centre.lon], 12);
    var bounds = L.latLngBounds([]);
    data.zones.forEach(function (zone) {
      var colour = COLOURS[zone.kind] || COLOURS.exclusion;
      var layer = L.geoJSON(zone.geometry, {
        className: "sg-zone sg-zone--" + zone.kind,
        style: { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25 }
      }).bindTooltip(zone.id).addTo(map);
      bounds.extend(layer.getBounds());
    });
    if (data.trail.length) {
      var trail = L.polyline(data.trail, { color: "#1d70b8", weight: 3, className: "sg-trail" });
      trail.addTo(map);
      bounds.extend(trail.getBounds());
      L.circleMarker(data.trail[data.trail.length - 1], {
        radius: 6, color: "#0b0c0c", fillColor: "#1d70b8", fillOpacity: 1, className: "sg-latest"
      }).bindTooltip("Latest fix").addTo(map);
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
    }
    element.setAttribute("data-map-ready", "true");
  }

  document.querySelectorAll("[data-monitoring-map]").forEach(showMap);
})();
