// Textareas that grow with their text, for browsers without CSS field-sizing (the
// stylesheet does it everywhere else). Never shrinks below the rows it starts with.
(function () {
  "use strict";
  if (window.CSS && CSS.supports("field-sizing", "content")) {
    return;
  }
  function fit(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + 2 + "px";
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea.growing-textarea")) {
      fit(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea.growing-textarea").forEach(fit);
  });
})();
