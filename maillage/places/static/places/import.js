/* Import pages: a form marked data-maillage-busy says what is going on while the server works
   (reading, simulating or importing thousands of rows takes seconds) and is not sent twice. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-maillage-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.setAttribute("aria-busy", "true");
      var status = form.querySelector(".busy-status");
      if (status) status.textContent = form.dataset.maillageBusy;
    });
  });
})();
