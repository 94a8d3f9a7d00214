// A form marked data-autosubmit is sent at once (the hand-over to the identity provider);
// without this script the person presses its button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
})();
