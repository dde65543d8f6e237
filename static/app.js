// Progressive enhancements only: every page works without this file.
"use strict";

// SLA timers: every [data-left] element shows the working time left to its
// deadline (crate::sla::working_left), data-left seconds when the page was
// drawn. It moves for data-runs seconds, the working time the page was
// drawn in, then stands until the next working time, when the server draws
// it again. Its words are data-left-text or data-overdue-text, "{}" where
// the time goes. Paused timers (data-frozen) keep the server's text. The
// format matches span() in src/sla/working_left.rs.
(function () {
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function span(total) {
    var m = Math.floor(Math.abs(total) / 60), h = Math.floor(m / 60);
    return h > 0 ? h + " h " + pad(m % 60) + " min" : m + " min";
  }
  function tick() {
    var now = Date.now();
    var timers = document.querySelectorAll("[data-left]:not([data-frozen])");
    Array.prototype.forEach.call(timers, function (el) {
      var left = parseInt(el.getAttribute("data-left"), 10);
      var runs = parseInt(el.getAttribute("data-runs"), 10) || 0;
      if (isNaN(left)) return;
      if (!el.atendeSeen) el.atendeSeen = now;
      var moved = Math.min(Math.floor((now - el.atendeSeen) / 1000), runs);
      var current = left - moved;
      var overdue = current < 0;
      var words = el.getAttribute(overdue ? "data-overdue-text" : "data-left-text");
      if (!words) return;
      el.textContent = words.replace("{}", span(current));
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
