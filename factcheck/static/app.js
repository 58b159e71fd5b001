// factcheck: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Times are written by the server in the newsroom's zone, named; they are never rewritten here, so a
  // time reads the same for everyone and the same before and after a part of the page is refreshed.
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
  // The queue from the keyboard: j/k move between claims, Enter opens, x selects, ? lists the shortcuts.
  // Never while typing in a field, and never with Ctrl, Alt or Cmd held (the browser's own shortcuts).
  var queue = document.querySelector("table[data-queue]");
  if (queue) {
    var rows = Array.prototype.slice.call(queue.querySelectorAll("tbody tr"));
    var help = document.getElementById("shortcuts");
    var current = -1;
    var typing = function (el) {
      return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    };
    var moveTo = function (i) {
      if (!rows.length) { return; }
      if (current >= 0) { rows[current].classList.remove("kb-current"); rows[current].removeAttribute("aria-current"); }
      current = Math.max(0, Math.min(rows.length - 1, i));
      var row = rows[current];
      row.classList.add("kb-current");
      row.setAttribute("aria-current", "true");
      row.tabIndex = -1;
      row.focus();
    };
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) { return; }
      if (ev.key === "j") { moveTo(current + 1); ev.preventDefault(); }
      else if (ev.key === "k") { moveTo(current < 0 ? 0 : current - 1); ev.preventDefault(); }
      else if (ev.key === "Enter" && current >= 0 && ev.target === rows[current]) {
        var link = rows[current].querySelector("a[href*='/claims/']");
        if (link) { ev.preventDefault(); window.location.assign(link.href); }
      } else if (ev.key === "x" && current >= 0) {
        var box = rows[current].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); ev.preventDefault(); }
      } else if (ev.key === "?" && help) { help.hidden = !help.hidden; ev.preventDefault(); }
      else if (ev.key === "Escape" && help && !help.hidden) { help.hidden = true; }
    });
  }
})();
