// Drag and drop onto the upload form, and a note while the file is sent. Works without it too.
(function () {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("file");
  ["dragenter", "dragover"].forEach(function (kind) {
    form.addEventListener(kind, function (event) { event.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (kind) {
    form.addEventListener(kind, function () { form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function () { document.getElementById("sending").hidden = false; });
})();
