// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }

  // A list's filters, folded on a phone, stand open on a wider screen (comcep.css).
  if (window.matchMedia && window.matchMedia("(min-width: 700px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (fold) { fold.open = true; });
  }

  // A topic opened without a page number shows the page of the first unread post: bring that
  // post into view, as a link to it would (unless the address already names a place).
  var startAt = document.querySelector("[data-start-at]");
  if (startAt && !window.location.hash) {
    var first = document.getElementById(startAt.getAttribute("data-start-at"));
    if (first) first.scrollIntoView({ block: "start" });
  }

  // A form sent back with errors: its summary takes the focus, so that it is read first and
  // each of its links leads to the field to correct.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      // The label or legend comes into view with the field, not the field alone at the top.
      var around = target.closest(".field") || target;
      around.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }
});
