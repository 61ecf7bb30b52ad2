/* Samarbeidsportalen. A wide table scrolls inside its own box (.table-responsive) so the page
   does not scroll sideways (WCAG 1.4.10, issue #14). A box that scrolls must be reachable by
   keyboard to be scrolled (WCAG 2.1.1) and named for a screen reader: while it scrolls it takes
   focus and is a region named after its table's caption. Without JavaScript it still scrolls. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var ours = box.dataset.scrollBox === "1";
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.dataset.scrollBox = "1";
        if (caption && caption.textContent.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (!scrolls && ours) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollBox;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
