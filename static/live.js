// Development mode: reload when the site changes (a save published by the watcher, or a
// publish from another process). The server sends an event per change.
"use strict";
(function () {
  if (!window.EventSource) return;
  const source = new EventSource("/_events");
  source.addEventListener("change", function () {
    // Keep the reader's place across the reload.
    sessionStorage.setItem("dispatches-scroll", String(window.scrollY));
    location.reload();
  });
  const y = sessionStorage.getItem("dispatches-scroll");
  if (y !== null) {
    sessionStorage.removeItem("dispatches-scroll");
    window.scrollTo(0, Number(y));
  }
})();
