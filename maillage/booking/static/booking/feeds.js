/* "Mes agendas": a "Copier" button beside each calendar address. The buttons are hidden without
   JavaScript (the address stays selectable by hand); the result is announced in French through
   the page's role="status" region, for screen readers too. */
(function () {
  "use strict";

  var status = document.getElementById("copy-status");

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    // A fresh text node: screen readers announce the same message again on a second copy.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyByHand(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { announce("Adresse copiée : collez-la dans votre application d'agenda."); };
      var failed = function () {
        if (copyByHand(input)) done();
        else announce("Copie impossible : l'adresse est sélectionnée, copiez-la avec Ctrl+C (ou ⌘+C).");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, failed);
      } else {
        failed();
      }
    });
  });
})();
