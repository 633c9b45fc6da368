/* /points/ with a tile provider (POINTS_TILE_URL): Leaflet draws the operator's
   tiles under the same points the server drew as SVG, each still a link to its
   page (a cluster of many points, data-count, to the board around them). Without
   a provider this file is not loaded and the SVG stays. */
(function () {
  "use strict";
  var frame = document.getElementById("points-map");
  if (!frame || !window.L || !frame.getAttribute("data-tiles")) {
    return;
  }
  var links = frame.querySelectorAll("a[data-lat]");
  if (!links.length) {
    return;
  }
  var box = document.createElement("div");
  box.className = "points-map__tiles";
  frame.parentNode.insertBefore(box, frame);
  frame.hidden = true;
  var map = window.L.map(box);
  window.L.tileLayer(frame.getAttribute("data-tiles"), {
    attribution: frame.getAttribute("data-attribution") || "",
    subdomains: frame.getAttribute("data-subdomains") || "abc",
    maxZoom: 18
  }).addTo(map);
  var bounds = [];
  Array.prototype.forEach.call(links, function (link) {
    var at = [Number(link.getAttribute("data-lat")), Number(link.getAttribute("data-lon"))];
    var short = link.hasAttribute("data-short");
    var count = Number(link.getAttribute("data-count") || 1);
    bounds.push(at);
    var marker = window.L.circleMarker(at, {
      radius: count > 1 ? Math.min(15, 9 + 1.5 * Math.log2(count)) : 10,
      color: short ? "#b3261e" : "#ffffff",
      weight: short ? 4 : 2,
      fillColor: link.getAttribute("data-colour"),
      fillOpacity: 1
    }).addTo(map);
    var title = link.querySelector("title");
    if (title) {
      marker.bindTooltip(title.textContent);
    }
    marker.on("click", function () {
      window.location.href = link.getAttribute("href");
    });
  });
  map.fitBounds(bounds, { padding: [24, 24] });
})();
