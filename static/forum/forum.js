// Forum enhancements: @mention suggestions, drafts kept while typing, image upload.
// Every page works without them.
(function () {
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, data) {
    return fetch(url, { method: "POST", body: data, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
  }

  // --- @mentions: typing "@Lan" proposes pseudonyms; choosing one writes @[Pseudonym].
  // The textarea keeps the focus: ArrowDown/ArrowUp move through the suggestions (announced
  // through aria-activedescendant), Enter or Tab takes the one shown, Escape closes the list.
  var mentionMenus = 0;
  function setupMentions(textarea) {
    var menuId = "mention-menu-" + (++mentionMenus);
    var menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.id = menuId;
    menu.hidden = true;
    menu.setAttribute("role", "listbox");
    menu.setAttribute("aria-label", "Pseudonymes");
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", menu);
    menu.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", menuId);
    var timer = null;
    var match = null;
    var active = -1;

    function options() { return menu.querySelectorAll("[role=option]"); }
    function close() {
      menu.hidden = true;
      menu.innerHTML = "";
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var all = options();
      active = index;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === index)); });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        textarea.removeAttribute("aria-activedescendant");
      }
    }
    function choose(name) {
      var end = textarea.selectionStart;
      var start = end - match[1].length - 1;
      var inserted = "@[" + name + "] ";
      textarea.value = textarea.value.slice(0, start) + inserted + textarea.value.slice(end);
      textarea.selectionStart = textarea.selectionEnd = start + inserted.length;
      close();
      status.textContent = "";
      textarea.focus();
      textarea.dispatchEvent(new Event("input"));
    }

    textarea.addEventListener("keydown", function (event) {
      if (menu.hidden) return;
      var count = options().length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options()[active].dataset.name);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    textarea.addEventListener("blur", function () { setTimeout(close, 200); });
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      var before = textarea.value.slice(0, textarea.selectionStart);
      match = /(?:^|\s)@([^\s@\[\]]{1,30})$/.exec(before);
      if (!match) { close(); return; }
      var query = match[1];
      timer = setTimeout(function () {
        fetch("/forum/membres/autocompletion/?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            close();
            data.results.forEach(function (name, i) {
              var li = document.createElement("li");
              li.id = menuId + "-" + i;
              li.setAttribute("role", "option");
              li.setAttribute("aria-selected", "false");
              li.dataset.name = name;
              li.textContent = name;
              // The focus stays in the textarea, where the typing goes on.
              li.addEventListener("mousedown", function (event) { event.preventDefault(); });
              li.addEventListener("click", function () { choose(name); });
              menu.appendChild(li);
            });
            menu.hidden = data.results.length === 0;
            status.textContent = data.results.length
              ? data.results.length + (data.results.length > 1 ? " pseudonymes proposés" : " pseudonyme proposé")
                + " : flèches haut et bas pour choisir, Entrée pour valider, Échap pour fermer."
              : "";
          });
      }, 150);
    });
  }

  // --- Drafts: saved a moment after the member stops typing.
  function setupDraft(form) {
    var textarea = form.querySelector("textarea[name=body]");
    if (!textarea) return;
    var timer = null;
    function save() {
      var data = new FormData();
      data.append("body", textarea.value);
      if (form.dataset.draftTopic) data.append("topic", form.dataset.draftTopic);
      if (form.dataset.draftCategory) {
        data.append("category", form.dataset.draftCategory);
        var title = form.querySelector("input[name=title]");
        if (title) data.append("title", title.value);
      }
      post("/forum/brouillon/", data);
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 800); });
  }

  // --- Images: described by their author (the text read in place of the image), uploaded,
  // re-encoded by the server, inserted as Markdown ![description](address).
  function setupUpload(box) {
    var input = box.querySelector("input[type=file]");
    var description = box.querySelector("input[data-image-description]");
    var button = box.querySelector("button[data-upload]");
    var status = box.querySelector(".upload-status");
    var textarea = box.closest("form").querySelector("textarea[name=body]");
    // Enter in the description inserts the image rather than sending the whole post.
    description.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); button.click(); }
    });
    button.addEventListener("click", function () {
      if (!description.value.trim()) {
        status.textContent = box.dataset.needDescription;
        description.focus();
        return;
      }
      if (!input.files.length) {
        status.textContent = box.dataset.needFile;
        input.focus();
        return;
      }
      var data = new FormData();
      data.append("image", input.files[0]);
      data.append("description", description.value);
      status.textContent = "Envoi…";
      post(box.dataset.uploadUrl, data).then(function (r) { return r.json(); }).then(function (result) {
        if (result.error) { status.textContent = result.error; return; }
        textarea.value += (textarea.value ? "\n\n" : "") + result.markdown + "\n";
        status.textContent = "Image ajoutée.";
        input.value = "";
        description.value = "";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-mentions]").forEach(setupMentions);
    document.querySelectorAll("form[data-draft-topic], form[data-draft-category]").forEach(setupDraft);
    document.querySelectorAll(".upload[data-upload-url]").forEach(setupUpload);
  });
})();
