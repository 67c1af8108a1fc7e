// Live search in the masthead box: asks /search.json as the reader types (after a pause,
// a newer question superseding an older one), and what the keys and pointer do there;
// also "/" anywhere else on the page to focus the box. The panel draws the answers. The
// box stays a plain form that submits to /search whenever this has nothing to add.
import { createPanel } from './panel.js';

const DEBOUNCE_MS = 150;
const UNAVAILABLE = 'Search is unavailable just now; press Enter to search.';

export function liveSearch(form, input) {
  const panel = createPanel(form, input, choose);
  let timer = 0;
  let controller = null;

  function run(query) {
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = controller;
    fetch(`/search.json?q=${encodeURIComponent(query)}`, {
      signal: mine.signal,
      headers: { Accept: 'application/json' },
    })
      .then(async (res) => {
        let data = null;
        try {
          data = await res.json();
        } catch {
          data = null;
        }
        // A newer request has started, or the reader has left the box: show nothing.
        if (mine !== controller || !form.contains(document.activeElement)) return;
        if (res.ok && data && Array.isArray(data.hits)) panel.showResults(query, data);
        else if (res.status === 400 && data && typeof data.error === 'string') panel.showMessage(query, data.error, 'error');
        else panel.showMessage(query, UNAVAILABLE, 'error');
      })
      .catch((err) => {
        if (err && err.name === 'AbortError') return;
        if (mine !== controller || !form.contains(document.activeElement)) return;
        panel.showMessage(query, UNAVAILABLE, 'error');
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    const query = input.value.trim();
    if (!query) {
      if (controller) controller.abort();
      controller = null;
      panel.forget();
      return;
    }
    timer = window.setTimeout(() => run(query), DEBOUNCE_MS);
  }

  // Choosing a suggestion searches for it in place; a result is followed like a link.
  function choose(opt) {
    if (opt.dataset.query) {
      input.value = opt.dataset.query;
      input.focus();
      window.clearTimeout(timer);
      run(opt.dataset.query);
    } else {
      panel.close();
      window.location.assign(opt.href);
    }
  }

  input.addEventListener('input', schedule);

  input.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (panel.move(e.key === 'ArrowDown')) e.preventDefault();
        return;
      case 'Enter': {
        const opt = panel.activeOption();
        if (opt) {
          e.preventDefault();
          choose(opt);
        }
        // Otherwise the form submits to /search as it would without this script.
        return;
      }
      case 'Escape':
        if (panel.isOpen()) {
          // Only closes; the browser's own Escape (clearing the box) waits for a second press.
          e.preventDefault();
          panel.close();
        }
        return;
      default:
    }
  });

  // Reopen on return to the box if the panel still describes what is typed.
  input.addEventListener('focus', () => {
    if (panel.answers(input.value.trim())) panel.open();
  });

  // Clicking anywhere else, or tabbing out of the form, closes the panel.
  document.addEventListener('pointerdown', (e) => {
    if (panel.isOpen() && !form.contains(e.target)) panel.close();
  });
  form.addEventListener('focusout', (e) => {
    if (!e.relatedTarget || !form.contains(e.relatedTarget)) panel.close();
  });
  form.addEventListener('submit', () => {
    window.clearTimeout(timer);
    if (controller) controller.abort();
    panel.close();
  });
  // Coming back through the history cache, the page may still show the old panel.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) panel.close();
  });
}

function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])') !== null;
}

export function focusOnSlash(input) {
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || e.isComposing) return;
    if (isTyping(e.target)) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
}
