// A form marked data-webauthn asks the browser for a security key before it is sent:
// "create" registers a new key, "get" signs the page's challenge with one. The options
// come from the page (#webauthn-options); the browser's answer goes in the form's hidden
// `credential` field as JSON. Without WebAuthn the page says so and the form stays.
(function () {
  "use strict";
  var form = document.querySelector("form[data-webauthn]");
  var source = document.getElementById("webauthn-options");
  if (!form || !source) { return; }
  var supported = window.PublicKeyCredential && navigator.credentials &&
    PublicKeyCredential.parseCreationOptionsFromJSON && PublicKeyCredential.parseRequestOptionsFromJSON;
  if (!supported) {
    var note = document.getElementById("webauthn-unavailable");
    if (note) { note.hidden = false; }
    form.querySelector("button[type=submit]").disabled = true;
    return;
  }
  var options = JSON.parse(source.textContent);
  var creating = form.getAttribute("data-webauthn") === "create";
  var field = form.querySelector("input[name=credential]");
  form.addEventListener("submit", function (event) {
    if (field.value) { return; }
    event.preventDefault();
    var asked = creating
      ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
      : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    asked.then(function (credential) {
      field.value = JSON.stringify(credential.toJSON());
      form.submit();
    }, function () {
      // cancelled or timed out: the server says so, and gives a fresh challenge
      field.value = "{}";
      form.submit();
    });
  });
})();
