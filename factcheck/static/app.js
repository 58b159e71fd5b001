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
  // An export being built: show its progress, then the download link, without a reload.
  var exportBox = document.querySelector("[data-status-url]");
  if (exportBox && exportBox.querySelector("progress")) {
    var statusUrl = exportBox.getAttribute("data-status-url");
    var check = function () {
      fetch(statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
        var bar = exportBox.querySelector("progress"), text = exportBox.querySelector("[data-progress-text]");
        if (s.total && bar) { bar.max = s.total; bar.value = s.done; }
        if (text) { text.textContent = (s.state === "queued" ? "Waiting to start…" : s.state === "retrying" ? "Trying again shortly…" : "Building…") + (s.total ? " " + s.done + " of " + s.total + " claims." : ""); }
        if (s.state === "done") {
          exportBox.innerHTML = "";
          var a = document.createElement("a");
          a.className = "btn btn-primary"; a.href = s.download_url; a.textContent = "Download";
          exportBox.appendChild(a);
        } else if (s.state === "failed") {
          exportBox.innerHTML = "";
          var div = document.createElement("div");
          div.className = "alert alert-danger"; div.textContent = "The export failed: " + (s.reason || "unknown error");
          exportBox.appendChild(div);
        } else { window.setTimeout(check, 1000); }
      });
    };
    window.setTimeout(check, 500);
  }
  // Capture states update while the archiver works, without a reload: poll, then refresh the
  // sources section once a capture settles (so thumbnails, hashes and links appear).
  var section = document.querySelector("[data-poll-url]");
  if (section) {
    var url = section.getAttribute("data-poll-url");
    var tries = 0;
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var settled = false;
          data.sources.forEach(function (item) {
            var badge = section.querySelector('[data-capture-for="' + item.source_id + '"]');
            if (!badge || !item.capture) { return; }
            var before = badge.className.match(/capture-(\w+)/);
            if (before && before[1] !== item.capture.state) {
              badge.className = badge.className.replace(/capture-\w+/, "capture-" + item.capture.state);
              badge.textContent = item.label;
              if (item.capture.state === "done" || item.capture.state === "failed") { settled = true; }
            }
          });
          if (settled) {
            fetch(window.location.href, { credentials: "same-origin" })
              .then(function (r) { return r.text(); })
              .then(function (html) {
                var doc = new DOMParser().parseFromString(html, "text/html");
                var fresh = doc.getElementById("sources");
                if (fresh) { section.innerHTML = fresh.innerHTML; }
              });
          }
          tries += 1;
          if (data.pending && tries < 600) { window.setTimeout(poll, tries < 30 ? 1000 : 5000); }
        });
    };
    window.setTimeout(poll, 500);
  }
})();
