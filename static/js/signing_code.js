// The signing link carries its code in the fragment (#...), which browsers never send to
// a server: take it, drop it from the address bar and history, and post it. Without this
// script the person pastes the code from the email into the same form.
(function () {
  "use strict";
  var form = document.getElementById("signing-code");
  var code = window.location.hash.slice(1);
  if (!form || !code) { return; }
  history.replaceState(null, "", window.location.pathname);
  form.querySelector("input[name=code]").value = decodeURIComponent(code);
  form.submit();
})();
