// Progressive enhancements only: every page works without this file.
"use strict";

// SLA countdowns: every [data-deadline] element shows the time left to its
// deadline ("2 d 3 h 05 min 09 s"), or how long ago it passed, prefixed by
// its data-overdue text. Frozen (paused) timers keep the server's text. The
// format matches countdown() in src/cases/handlers/show.rs.
(function () {
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function span(total) {
    var s = Math.abs(total);
    var d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24;
    var m = Math.floor(s / 60) % 60, sec = s % 60;
    var parts = [];
    if (d > 0) parts.push(d + " d");
    if (d > 0 || h > 0) parts.push(h + " h", pad(m) + " min");
    else parts.push(m + " min");
    parts.push(pad(sec) + " s");
    return parts.join(" ");
  }
  function tick() {
    var now = Date.now();
    var timers = document.querySelectorAll("[data-deadline]:not([data-frozen])");
    Array.prototype.forEach.call(timers, function (el) {
      var at = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(at)) return;
      var left = Math.trunc((at - now) / 1000);
      var overdue = left < 0;
      el.textContent = overdue
        ? (el.getAttribute("data-overdue") || "-") + " " + span(left)
        : span(left);
      el.classList.toggle("is-overdue", overdue);
    });
  }
  function start() {
    tick();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSettle", tick);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
