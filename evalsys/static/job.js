// A job's page, updated in place while the job runs (without JavaScript the page reloads).
(function () {
  "use strict";
  var section = document.getElementById("job-progress");
  if (!section) { return; }
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("job-bar");
  var count = document.getElementById("job-count");
  var elapsed = document.getElementById("job-elapsed");
  var remaining = document.getElementById("job-remaining");
  var lang = document.documentElement.lang || "nl";

  function seconds(value) {
    if (value === null || value === undefined) { return "–"; }
    if (value < 60) { return value + " s"; }
    return Math.floor(value / 60) + " min " + (value % 60) + " s";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        if (status.finished || status.state !== section.getAttribute("data-state")) {
          window.location.reload();  // the end (or the start): the page shows the result
          return;
        }
        if (bar && status.total) {
          bar.max = status.total;
          bar.value = status.done;
          bar.textContent = status.percent + "%";
        }
        if (count && status.total) {
          count.textContent = status.done.toLocaleString(lang) + " / " +
            status.total.toLocaleString(lang) + " (" + status.percent + "%)";
        }
        if (elapsed) { elapsed.textContent = seconds(status.elapsed_seconds); }
        if (remaining) { remaining.textContent = seconds(status.remaining_seconds); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
