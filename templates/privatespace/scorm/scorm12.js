/* SCORM 1.2 runtime for a Comcep course exported from the course builder. */
(function () {
  "use strict";
  function findAPI(win) {
    var tries = 0;
    while (win && !win.API && win.parent && win.parent !== win && tries < 10) { win = win.parent; tries++; }
    return win && win.API ? win.API : null;
  }
  var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
  function call(name) {
    if (!api || typeof api[name] !== "function") { return ""; }
    return api[name].apply(api, Array.prototype.slice.call(arguments, 1));
  }
  var finished = false;
  function finish() { if (!finished) { finished = true; call("LMSCommit", ""); call("LMSFinish", ""); } }
  window.addEventListener("load", function () {
    call("LMSInitialize", "");
    var hasQuiz = document.body.getAttribute("data-has-quiz") === "1";
    if (!hasQuiz) { call("LMSSetValue", "cmi.core.lesson_status", "completed"); call("LMSCommit", ""); }
    var quiz = document.getElementById("quiz");
    if (!quiz) { return; }
    quiz.addEventListener("submit", function (event) {
      event.preventDefault();
      var groups = quiz.querySelectorAll("[data-question]");
      var correct = 0;
      Array.prototype.forEach.call(groups, function (group) {
        Array.prototype.forEach.call(group.querySelectorAll(".feedback"), function (p) { p.hidden = true; });
        var picked = group.querySelector("input:checked");
        if (picked) {
          picked.closest(".choice").querySelector(".feedback").hidden = false;
          if (picked.getAttribute("data-correct") === "1") { correct++; }
        }
      });
      var score = groups.length ? Math.round(correct * 100 / groups.length) : 100;
      quiz.querySelector(".score").textContent = correct + " / " + groups.length;
      call("LMSSetValue", "cmi.core.score.raw", String(score));
      call("LMSSetValue", "cmi.core.score.min", "0");
      call("LMSSetValue", "cmi.core.score.max", "100");
      call("LMSSetValue", "cmi.core.lesson_status", score >= 50 ? "passed" : "failed");
      call("LMSCommit", "");
    });
  });
  window.addEventListener("beforeunload", finish);
  window.addEventListener("unload", finish);
})();
