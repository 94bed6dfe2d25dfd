// Clonit web UI: live progress of a running job, confirmation of destructive forms, and the
// in-place Share buttons of the snapshot catalog.
// Everything works without this script; it only makes pages livelier.
"use strict";

(function () {
  // Forms with data-confirm ask before they submit.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  function size(n) {
    if (n < 1024) return n + " B";
    var units = "KMGTPE", i = -1;
    do { n /= 1024; i++; } while (n >= 1024 && i < units.length - 1);
    return n.toFixed(1) + " " + units[i] + "iB";
  }

  // A page with a running job polls its progress and reloads when the job ends.
  function follow(panel) {
    var id = panel.getAttribute("data-job");
    var bar = document.getElementById("job-progress");
    var status = document.getElementById("job-status");
    var log = document.getElementById("job-log");
    function poll() {
      fetch("/jobs/" + encodeURIComponent(id), { headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
        .then(function (j) {
          if (j.percent >= 0) { bar.value = j.percent; } else { bar.removeAttribute("value"); }
          var text = (j.stage || j.kind) + " " + size(j.done);
          if (j.total > 0) text += " of " + size(j.total);
          status.textContent = text + " · " + j.elapsed;
          log.textContent = (j.log || []).join("\n");
          if (j.state !== "running") {
            status.textContent = j.kind + " " + j.state + " · " + j.elapsed;
            window.location.reload();
            return;
          }
          window.setTimeout(poll, 400);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    poll();
  }

  // The Share button and the Shared indicator of the snapshot catalog flip the row in
  // place: the form posts in the background and the Shared column shows the answer.
  function csrf() {
    var m = document.querySelector("meta[name=csrf-token]");
    return m ? m.content : "";
  }
  function renderShared(form, shared) {
    var row = form.closest("tr");
    var btn = form.querySelector("button");
    form.action = form.action.replace(/\/(un)?share$/, shared ? "/unshare" : "/share");
    btn.textContent = shared ? "Shared" : "Share";
    btn.className = shared ? "shared-on" : "share";
    btn.title = shared ? "Shared with the whole org: click to stop sharing" : "Share with the whole org";
    if (row) row.setAttribute("data-shared", String(shared));
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !form.classList.contains("share-toggle")) return;
    ev.preventDefault();
    var btn = form.querySelector("button");
    btn.disabled = true;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf() },
      body: new URLSearchParams(new FormData(form))
    })
      .then(function (r) { return r.json(); })
      .then(function (a) {
        btn.disabled = false;
        if (a.error) { window.alert(a.error); return; }
        renderShared(form, a.shared);
      })
      .catch(function () { btn.disabled = false; form.submit(); });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("job");
    if (panel) follow(panel);
  });
})();
