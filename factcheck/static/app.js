// factcheck: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Times are written in UTC by the server; show them in the reader's own zone and terms.
  var fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) { el.title = el.textContent; el.textContent = fmt.format(d); }
  });
  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var msg = form.getAttribute("data-confirm");
      if (msg && !window.confirm(msg)) { ev.preventDefault(); }
    });
  });
  // Ctrl+Enter (Cmd+Enter on a Mac) in a text area sends its form, as in most editors.
  document.querySelectorAll("form textarea").forEach(function (area) {
    area.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && area.form) {
        ev.preventDefault();
        if (area.form.requestSubmit) { area.form.requestSubmit(); } else { area.form.submit(); }
      }
    });
  });
})();
