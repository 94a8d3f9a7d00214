// Refresh the fee while goods entries change. The fee is computed on the server (the
// same rules as submission); without this script, "Recalculate fee" does the same.
(function () {
  "use strict";
  var form = document.getElementById("filing-form");
  var target = document.getElementById("fee-quote");
  if (!form || !target) { return; }
  var pending;
  function refresh() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      fetch(target.getAttribute("data-quote-url"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { target.innerHTML = html; } });
    }, 300);
  }
  form.addEventListener("change", refresh);
})();
