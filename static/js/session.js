// Idle-session warning: the server ends a session after 30 minutes without a request
// (SESSION_COOKIE_AGE, saved on every request). Warn at 25 minutes; "stay signed in"
// posts the keep-alive form in the background. Pages work without this script.
(function () {
  "use strict";
  var body = document.body;
  var warnAfter = parseInt(body.getAttribute("data-session-warn"), 10);
  var endAfter = parseInt(body.getAttribute("data-session-end"), 10);
  var box = document.getElementById("session-warning");
  if (!box || !warnAfter || !endAfter) { return; }
  var form = box.querySelector("form");
  var warnTimer, endTimer;
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    warnTimer = setTimeout(function () { box.hidden = false; box.focus(); }, warnAfter * 1000);
    endTimer = setTimeout(function () { window.location.href = box.getAttribute("data-expired-url"); }, endAfter * 1000);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { if (response.ok) { box.hidden = true; schedule(); } });
  });
  schedule();
})();
