// Development mode: reload when the site changes (a save published by the watcher, or a
// publish from another process). The server sends an event per change; the reader's
// place on the page is kept across the reload.
const SCROLL_KEY = 'dispatches-scroll';

if (window.EventSource) {
  const source = new EventSource('/_events');
  source.addEventListener('change', () => {
    sessionStorage.setItem(SCROLL_KEY, String(window.scrollY));
    window.location.reload();
  });
  const y = sessionStorage.getItem(SCROLL_KEY);
  if (y !== null) {
    sessionStorage.removeItem(SCROLL_KEY);
    window.scrollTo(0, Number(y));
  }
}
