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
  function setupMentions(textarea) {
    var menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.hidden = true;
    menu.setAttribute("role", "listbox");
    menu.setAttribute("aria-label", "Pseudonymes");
    textarea.insertAdjacentElement("afterend", menu);
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = /(?:^|\s)@([^\s@\[\]]{1,30})$/.exec(before);
      if (!match) { menu.hidden = true; return; }
      timer = setTimeout(function () {
        fetch("/forum/membres/autocompletion/?q=" + encodeURIComponent(match[1]), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            menu.innerHTML = "";
            data.results.forEach(function (name) {
              var li = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = name;
              button.addEventListener("click", function () {
                var start = textarea.selectionStart - match[1].length - 1;
                textarea.value = textarea.value.slice(0, start) + "@[" + name + "] " + textarea.value.slice(textarea.selectionStart);
                menu.hidden = true;
                textarea.focus();
                textarea.dispatchEvent(new Event("input"));
              });
              li.appendChild(button);
              menu.appendChild(li);
            });
            menu.hidden = data.results.length === 0;
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

  // --- Images: uploaded, re-encoded by the server, inserted as Markdown.
  function setupUpload(box) {
    var input = box.querySelector("input[type=file]");
    var status = box.querySelector(".upload-status");
    var textarea = box.closest("form").querySelector("textarea[name=body]");
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      var data = new FormData();
      data.append("image", input.files[0]);
      status.textContent = "Envoi…";
      post(box.dataset.uploadUrl, data).then(function (r) { return r.json(); }).then(function (result) {
        if (result.error) { status.textContent = result.error; return; }
        textarea.value += (textarea.value ? "\n\n" : "") + result.markdown + "\n";
        status.textContent = "Image ajoutée.";
        input.value = "";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-mentions]").forEach(setupMentions);
    document.querySelectorAll("form[data-draft-topic], form[data-draft-category]").forEach(setupDraft);
    document.querySelectorAll(".upload[data-upload-url]").forEach(setupUpload);
  });
})();
