/* The report map: a name tooltip on hover and on keyboard focus, zoom and pan.
   A static file, not an inline script (CSP: script-src 'self'). Without it the map still
   works: each area is a link named "Municipality: status", with an SVG <title> for hover. */
(function () {
  "use strict";
  var figure = document.querySelector("[data-status-map]");
  if (!figure) { return; }
  var svg = figure.querySelector("[data-map-svg]");
  var tooltip = figure.querySelector("#map-tooltip");
  var controls = figure.querySelector("[data-map-controls]");
  var frame = figure.querySelector(".map-frame");
  if (!svg || !tooltip || !controls || !frame) { return; }

  // The custom tooltip replaces the native one (two tooltips at once would be noise).
  svg.querySelectorAll("[data-name] > title").forEach(function (t) { t.remove(); });

  var current = null;
  function text(area) {
    var status = area.getAttribute("data-status");
    return area.getAttribute("data-name") + (status ? ": " + status : "");
  }
  function show(area, x, y) {
    current = area;
    tooltip.textContent = text(area);
    tooltip.hidden = false;
    var box = frame.getBoundingClientRect();
    if (x === undefined) {  // keyboard focus: above the area's centre
      var r = area.getBoundingClientRect();
      x = r.left + r.width / 2;
      y = r.top;
    }
    // CSSOM writes are allowed under style-src 'self' (no style attribute in the markup).
    tooltip.style.left = Math.max(0, Math.min(x - box.left, box.width - tooltip.offsetWidth)) + "px";
    tooltip.style.top = Math.max(0, y - box.top - tooltip.offsetHeight - 8) + "px";
  }
  function hide() { current = null; tooltip.hidden = true; }
  function areaOf(node) { return node && node.closest ? node.closest("[data-name]") : null; }

  svg.addEventListener("mousemove", function (e) {
    var area = areaOf(e.target);
    if (area) { show(area, e.clientX, e.clientY); } else { hide(); }
  });
  svg.addEventListener("mouseleave", hide);
  svg.addEventListener("focusin", function (e) { var a = areaOf(e.target); if (a) { show(a); } });
  svg.addEventListener("focusout", hide);
  // WCAG 1.4.13: the tooltip can be dismissed without moving the pointer or the focus.
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && current) { hide(); } });

  var initial = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  var view = initial.slice();
  function apply() {
    svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(1); }).join(" "));
    hide();
  }
  function zoom(factor) {
    var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2;
    var w = Math.min(initial[2] * 1.5, Math.max(initial[2] / 32, view[2] * factor));
    var h = w * initial[3] / initial[2];
    view = [cx - w / 2, cy - h / 2, w, h];
    apply();
  }
  var steps = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };
  controls.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button) { return; }
    var z = button.getAttribute("data-zoom"), p = button.getAttribute("data-pan");
    if (z === "in") { zoom(1 / 1.5); } else if (z === "out") { zoom(1.5); }
    else if (z === "reset") { view = initial.slice(); apply(); }
    else if (p) {
      view[0] += steps[p][0] * view[2] / 4;
      view[1] += steps[p][1] * view[3] / 4;
      apply();
    }
  });
  controls.hidden = false;
})();
