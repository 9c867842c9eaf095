// « Imprimer » buttons: the browser's print dialog (the page's print styles do the rest).
document.querySelectorAll("[data-maillage-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
