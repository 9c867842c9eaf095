// « Points restants » counted live while the participant types; the server checks again.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  if (!form) return;
  var budget = parseInt(form.getAttribute("data-points"), 10);
  var output = form.querySelector("[data-remaining]");
  var status = document.getElementById("points-restants");
  var inputs = form.querySelectorAll("input.consultation-points");

  function update() {
    var spent = 0;
    for (var i = 0; i < inputs.length; i++) {
      var value = parseInt(inputs[i].value, 10);
      if (!isNaN(value) && value > 0) spent += value;
    }
    var remaining = budget - spent;
    output.textContent = String(remaining);
    status.classList.toggle("consultation-over", remaining < 0);
  }

  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("input", update);
  }
  update();
})();
