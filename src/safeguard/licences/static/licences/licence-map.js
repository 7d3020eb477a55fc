// Licence maps: zones and the approved address on a plain background (no tile server unless
// one is configured), and zone drawing with Leaflet-Geoman. Data comes from JSON script
// elements (no inline script, for the content security policy).
(function () {
  "use strict";
  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var COLOURS = { exclusion: "#d4351c", inclusion: "#00703c", event: "#f47738" };

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function baseMap(element, data) {
    var map = L.map(element, { attributionControl: Boolean(data.tileUrl) });
    // A view first: layers (and Geoman's handlers) need a map that already has one.
    map.setView([data.centre.lat, data.centre.lon], 12);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function addAddress(map, data, bounds) {
    if (!data.address) {
      return;
    }
    var point = L.latLng(data.address.lat, data.address.lon);
    L.circleMarker(point, {
      radius: 7, color: "#0b0c0c", weight: 2, fillColor: "#ffffff", fillOpacity: 1
    }).bindTooltip(data.address.label).addTo(map);
    bounds.extend(point);
  }

  function fit(map, bounds, data) {
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
    } else {
      map.setView([data.centre.lat, data.centre.lon], 12);
    }
  }

  function showMap(element) {
    var data = readData(element.getAttribute("data-licence-map"));
    if (!data) {
      return;
    }
    var map = baseMap(element, data);
    var bounds = L.latLngBounds([]);
    data.zones.forEach(function (zone) {
      var colour = COLOURS[zone.kind] || COLOURS.exclusion;
      var layer = L.geoJSON(zone.geometry, {
        style: { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25 }
      }).bindTooltip(zone.label).addTo(map);
      bounds.extend(layer.getBounds());
    });
    addAddress(map, data, bounds);
    fit(map, bounds, data);
  }

  function drawMap(element) {
    var data = readData(element.getAttribute("data-map-data"));
    var box = document.getElementById(element.getAttribute("data-zone-draw"));
    if (!data || !box || !L.PM) {
      return;
    }
    var map = baseMap(element, data);
    var bounds = L.latLngBounds([]);
    var drawn = L.featureGroup().addTo(map);

    function write() {
      var polygons = [];
      drawn.eachLayer(function (layer) {
        var geometry = layer.toGeoJSON().geometry;
        if (geometry.type === "Polygon") {
          polygons.push(geometry.coordinates);
        } else if (geometry.type === "MultiPolygon") {
          polygons = polygons.concat(geometry.coordinates);
        }
      });
      if (polygons.length === 0) {
        box.value = "";
      } else if (polygons.length === 1) {
        box.value = JSON.stringify({ type: "Polygon", coordinates: polygons[0] });
      } else {
        box.value = JSON.stringify({ type: "MultiPolygon", coordinates: polygons });
      }
      var method = document.getElementById(element.getAttribute("data-method"));
      if (method) {
        method.checked = true;
      }
    }

    function watch(layer) {
      layer.on("pm:edit", write);
      layer.on("pm:dragend", write);
    }

    if (box.value.trim()) {
      try {
        L.geoJSON(JSON.parse(box.value)).eachLayer(function (layer) {
          drawn.addLayer(layer);
          watch(layer);
        });
        bounds.extend(drawn.getBounds());
      } catch (error) {
        // Not GeoJSON yet: the server explains what is wrong with it.
      }
    }
    map.pm.setGlobalOptions({ layerGroup: drawn, snappable: false, allowSelfIntersection: false });
    map.pm.addControls({
      position: "topleft",
      drawMarker: false,
      drawCircleMarker: false,
      drawPolyline: false,
      drawCircle: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
      drawRectangle: true,
      drawPolygon: true,
      editMode: true,
      dragMode: true,
      removalMode: true
    });
    map.on("pm:create", function (event) {
      drawn.addLayer(event.layer);
      watch(event.layer);
      write();
    });
    map.on("pm:remove", function (event) {
      drawn.removeLayer(event.layer);
      write();
    });
    addAddress(map, data, bounds);
    fit(map, bounds, data);
    // A map revealed from a hidden radio panel must measure itself again.
    document.querySelectorAll(".govuk-radios__input").forEach(function (input) {
      input.addEventListener("change", function () {
        map.invalidateSize();
      });
    });
    element.licenceMap = map;
  }

  document.querySelectorAll("[data-licence-map]").forEach(showMap);
  document.querySelectorAll("[data-zone-draw]").forEach(drawMap);
})();
