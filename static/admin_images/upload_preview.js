// The picture an editor chose, shown before it is uploaded, so the alt text can describe
// what is really there. Read as a data: URL (the CSP allows data: images, not blob:).
(function () {
  "use strict";
  var MAX_BYTES = 10 * 1024 * 1024;

  function previewFor(input) {
    var figure = document.getElementById("upload-preview");
    if (!figure) {
      figure = document.createElement("figure");
      figure.id = "upload-preview";
      figure.className = "upload-preview";
      var image = document.createElement("img");
      image.alt = "The picture you chose, as it will be uploaded";
      var caption = document.createElement("figcaption");
      caption.textContent = "The picture you chose. Describe what it shows in the alt text below.";
      figure.appendChild(image);
      figure.appendChild(caption);
      // Below the field and its help text, not squeezed beside the button.
      var field = input.closest(".flex-container");
      (field ? field.parentNode : input.parentNode).appendChild(figure);
    }
    return figure;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.id !== "id_file" || !input.files || !input.files[0]) {
      return;
    }
    var file = input.files[0];
    var existing = document.getElementById("upload-preview");
    if (!/^image\//.test(file.type) || file.size > MAX_BYTES) {
      if (existing) {
        existing.remove();
      }
      return;
    }
    var reader = new FileReader();
    reader.addEventListener("load", function () {
      previewFor(input).querySelector("img").src = reader.result;
    });
    reader.readAsDataURL(file);
  });
})();
