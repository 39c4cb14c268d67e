// The decision form shows only the fields the chosen outcome needs. Without this
// script every field is shown, and the "show the fields for this outcome" button
// narrows the form on the server instead.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-narrow]").forEach(function (f) {
    f.hidden = true;
  });
  document.querySelectorAll("form[data-outcome-form]").forEach(function (form) {
    var select = form.querySelector("select[name=outcome]");
    function update() {
      form.querySelectorAll("[data-outcomes]").forEach(function (field) {
        var wanted = field.getAttribute("data-outcomes").split(" ");
        field.hidden = select.value !== "" && wanted.indexOf(select.value) < 0;
      });
    }
    select.addEventListener("change", update);
    update();
  });
});
