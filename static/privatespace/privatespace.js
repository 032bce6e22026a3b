// The private space's small enhancements; every page works without them.
// - Drag and drop to reorder a list (collections, modules, lessons). The up/down
//   buttons beside each row do the same without JavaScript or with the keyboard.
// - A lesson form shows only the fields of the content kind chosen.
// - Deleting asks for confirmation.
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function rows(list) {
    return Array.prototype.filter.call(list.children, function (el) { return el.hasAttribute("data-id"); });
  }
  function refreshButtons(list) {
    var items = rows(list);
    items.forEach(function (row, i) {
      var up = row.querySelector(":scope > .ps-row-actions .ps-up, :scope > header .ps-up");
      var down = row.querySelector(":scope > .ps-row-actions .ps-down, :scope > header .ps-down");
      if (up) { up.disabled = i === 0; }
      if (down) { down.disabled = i === items.length - 1; }
    });
  }
  function save(list) {
    var body = new URLSearchParams();
    rows(list).forEach(function (row) { body.append("order", row.getAttribute("data-id")); });
    list.setAttribute("aria-busy", "true");
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      list.removeAttribute("aria-busy");
      list.dispatchEvent(new CustomEvent("ps:reordered", { bubbles: true, detail: { ok: response.ok } }));
      if (!response.ok) { window.location.reload(); }
    });
    refreshButtons(list);
  }
  function setup(list) {
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      var row = event.target.closest("[data-id]");
      if (!row || row.parentNode !== list) { return; }
      dragged = row;
      row.classList.add("ps-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-id"));
      event.stopPropagation();
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      var row = event.target.closest("[data-id]");
      while (row && row.parentNode !== list) { row = row.parentNode.closest("[data-id]"); }
      if (!row || row === dragged) { return; }
      event.preventDefault();
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? row.nextSibling : row);
    });
    list.addEventListener("drop", function (event) { if (dragged) { event.preventDefault(); } });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("ps-dragging");
      dragged = null;
      save(list);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-reorder-url]"), setup);
  });
  function lessonKind() {
    var radios = document.querySelectorAll("input[name=kind]");
    if (!radios.length) { return; }
    var fields = { text: "id_body", library: "id_library_q", file: "id_own_file" };
    function show() {
      var checked = document.querySelector("input[name=kind]:checked");
      var kind = checked ? checked.value : "text";
      Object.keys(fields).forEach(function (name) {
        var input = document.getElementById(fields[name]);
        var field = input && input.closest(".field");
        // The text stays available for every kind, as an introduction.
        if (field) { field.hidden = name !== kind && name !== "text"; }
      });
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", show); });
    show();
  }
  document.addEventListener("DOMContentLoaded", lessonKind);
  // Deleting asks first; without JavaScript the button deletes at once.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
