// The library's enhancements: upload progress, start time, chapters, sharing a moment.
(function () {
  "use strict";

  function setupUpload(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector(".upload-progress");
    var percent = form.querySelector(".upload-percent");
    var error = form.querySelector(".upload-error");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      var max = parseInt(input.dataset.maxBytes || "0", 10);
      if (input.files.length && max && input.files[0].size > max) {
        event.preventDefault();
        error.textContent = form.dataset.tooBig;
        error.hidden = false;
        return;
      }
      event.preventDefault();
      checkDuration(input.files[0], parseInt(input.dataset.maxSeconds || "0", 10), function (ok) {
        if (!ok) {
          error.textContent = form.dataset.tooLong;
          error.hidden = false;
          return;
        }
        send();
      });
    });

    function send() {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("X-Upload", "1");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var value = Math.floor(e.loaded / e.total * 100);
          bar.querySelector("progress").value = value;
          percent.textContent = value + " %";
        }
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status === 200 && type.indexOf("application/json") === 0) {
          window.location.href = JSON.parse(xhr.responseText).url;
          return;
        }
        // The server sent the page again with its errors: show it.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = doc.getElementById("upload-form") || doc.querySelector("main");
        if (fresh) {
          form.replaceWith(fresh);
          if (fresh.matches("[data-upload]")) { setupUpload(fresh); }
        }
        else { error.textContent = form.dataset.failed; error.hidden = false; button.disabled = false; }
      });
      xhr.addEventListener("error", function () {
        error.textContent = form.dataset.failed; error.hidden = false; button.disabled = false; bar.hidden = true;
      });
      bar.hidden = false;
      error.hidden = true;
      button.disabled = true;
      xhr.send(new FormData(form));
    }
  }

  // Reads the file's duration in the browser when it can; the server checks again anyway.
  function checkDuration(file, maxSeconds, done) {
    if (!file || !maxSeconds || !window.URL || !URL.createObjectURL) { done(true); return; }
    var probe = document.createElement("video");
    var url = URL.createObjectURL(file);
    var settled = false;
    function finish(ok) { if (!settled) { settled = true; URL.revokeObjectURL(url); done(ok); } }
    probe.preload = "metadata";
    probe.addEventListener("loadedmetadata", function () {
      finish(!isFinite(probe.duration) || probe.duration <= maxSeconds);
    });
    probe.addEventListener("error", function () { finish(true); });
    setTimeout(function () { finish(true); }, 3000);
    probe.src = url;
  }

  function setupPlayer(root) {
    var video = root.querySelector("video#player");
    if (!video || video.dataset.ready) { return; }
    video.dataset.ready = "1";
    var start = parseInt(video.dataset.start || "0", 10);
    if (start > 0) {
      video.addEventListener("loadedmetadata", function () { video.currentTime = start; }, { once: true });
    }
    var share = root.querySelector("[data-share-time]");
    var output = root.querySelector(".share-output");
    if (share) {
      share.addEventListener("click", function () {
        var url = new URL(share.dataset.shareTime, window.location.href);
        url.pathname = url.pathname + "a/" + Math.floor(video.currentTime || 0) + "/";
        output.textContent = url.toString();
        output.hidden = false;
        if (navigator.clipboard) { navigator.clipboard.writeText(url.toString()).catch(function () {}); }
      });
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    var video = document.querySelector("video#player");
    if (link && video) {
      event.preventDefault();
      video.currentTime = parseInt(link.dataset.seek, 10);
      video.play().catch(function () {});
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload]").forEach(setupUpload);
    setupPlayer(document);
  });
  document.addEventListener("htmx:afterSettle", function () { setupPlayer(document); });
})();
