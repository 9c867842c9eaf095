/* Sortable tables: a button in each column header; aria-sort tells screen readers the order. */
(function () {
  "use strict";
  document.querySelectorAll("table[data-obs-sortable]").forEach(function (table) {
    var headers = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    headers.forEach(function (header, column) {
      var button = header.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var numeric = button.getAttribute("data-sort-type") === "number";
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-sort-value") || "";
          var y = b.cells[column].getAttribute("data-sort-value") || "";
          var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "fr");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
