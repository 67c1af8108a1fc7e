// The results panel under the masthead box: its elements and their ARIA roles, which
// option is active, and drawing an answer from /search.json into it. It knows nothing of
// typing or requests (live.js drives it). No inline styles, which the Content-Security-
// Policy forbids: the look comes from classes in style.css.
import { decodeEntities, el, localPath, plural } from './dom.js';
import { fragmentFor } from './mark.js';

const MAX_SHOWN = 8;
const LIST_ID = 'live-search-list';

// The snippet is escaped text with <mark> around matches. It is rebuilt as text nodes
// and <mark> elements, so nothing in it can ever be parsed as markup.
function snippetNodes(html) {
  const out = [];
  const parts = String(html || '').split(/(<mark>|<\/mark>)/);
  let inMark = false;
  for (const part of parts) {
    if (part === '<mark>') inMark = true;
    else if (part === '</mark>') inMark = false;
    else if (part) {
      const text = decodeEntities(part);
      out.push(inMark ? el('mark', null, text) : document.createTextNode(text));
    }
  }
  return out;
}

// Adds the panel to `form` and makes `input` its combobox. `onSuggestion(option)` is
// called when a suggestion is clicked; a result is an ordinary link.
export function createPanel(form, input, onSuggestion) {
  // The panel lives inside the form, so focus moving into it still counts as "in the
  // search box", and it is positioned by CSS against the masthead row.
  const head = el('p', { class: 'live-search-head' });
  const list = el('div', { id: LIST_ID, role: 'listbox', 'aria-label': 'Search results', hidden: true });
  const foot = el('div', { class: 'live-search-foot' });
  const panel = el('div', { class: 'live-search', id: 'live-search', hidden: true }, head, list, foot);
  // Polite, and present from the start: screen readers only announce changes to a
  // live region they already know about.
  const status = el('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  form.append(panel, status);

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', LIST_ID);
  // The browser's own history dropdown would sit on top of ours.
  input.setAttribute('autocomplete', 'off');

  let options = []; // the option elements, in order
  let active = -1; // index into options, -1 for none
  let shownFor = null; // the query the panel currently shows

  function isOpen() {
    return !panel.hidden;
  }

  function open() {
    panel.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function close() {
    panel.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    setActive(-1);
  }

  function setActive(i) {
    if (options[active]) options[active].setAttribute('aria-selected', 'false');
    active = i;
    const opt = options[active];
    if (opt) {
      opt.setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', opt.id);
      opt.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  // Moves the active option one step, opening the panel on the first (or last) option
  // if it is closed. Wraps around, and passes through "none" so the typed text can be
  // edited. False when there are no options to move through.
  function move(down) {
    if (!options.length) return false;
    if (!isOpen()) {
      open();
      setActive(down ? 0 : options.length - 1);
      return true;
    }
    let next = active + (down ? 1 : -1);
    if (next >= options.length) next = -1;
    else if (next < -1) next = options.length - 1;
    setActive(next);
    return true;
  }

  function announce(text) {
    // Cleared first so that the same count twice in a row is announced again.
    status.textContent = '';
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function reset() {
    head.replaceChildren();
    head.className = 'live-search-head';
    list.replaceChildren();
    list.hidden = true;
    foot.replaceChildren();
    options = [];
    active = -1;
    input.removeAttribute('aria-activedescendant');
  }

  // Which query the panel answers: to reopen it only while that is still typed, and
  // for tests to tell the final answer from an earlier one.
  function shown(query) {
    shownFor = query;
    panel.dataset.query = query;
  }

  function addOption(node) {
    node.id = `live-search-option-${options.length}`;
    node.setAttribute('role', 'option');
    node.setAttribute('aria-selected', 'false');
    // Focus stays in the box (aria-activedescendant); Tab must not walk the options.
    node.setAttribute('tabindex', '-1');
    options.push(node);
    list.append(node);
    list.hidden = false;
  }

  function showMessage(query, text, kind) {
    reset();
    shown(query);
    head.className = `live-search-head live-search-${kind}`;
    head.textContent = text;
    open();
    announce(text);
  }

  function showResults(query, data) {
    reset();
    shown(query);
    const total = Number(data.total) || 0;
    const hits = Array.isArray(data.hits) ? data.hits.slice(0, MAX_SHOWN) : [];
    const terms = Array.isArray(data.terms) ? data.terms.filter((t) => typeof t === 'string' && t) : [];
    // The article marks these words on arrival.
    const fragment = fragmentFor(terms);

    for (const hit of hits) {
      const url = localPath(hit.url);
      if (!url) continue;
      const meta = [hit.stream, hit.date].filter(Boolean).join(' · ');
      addOption(
        el(
          'a',
          { class: 'live-search-option', href: url + fragment },
          el('span', { class: 'live-search-title' }, String(hit.title || url)),
          meta ? el('span', { class: 'live-search-meta' }, meta) : null,
          hit.snippet_html ? el('span', { class: 'live-search-snippet' }, ...snippetNodes(hit.snippet_html)) : null,
        ),
      );
    }

    if (total > 0) {
      head.textContent = total > options.length ? `${options.length} of ${plural(total, 'result')}` : plural(total, 'result');
      const all = total === 1 ? 'Open the results page' : `See all ${total} results`;
      foot.append(el('a', { href: `/search?q=${encodeURIComponent(query)}` }, all));
      announce(`${plural(total, 'result')}. Arrow keys choose one.`);
    } else {
      const suggestions = Array.isArray(data.suggestions) ? data.suggestions : [];
      head.textContent = suggestions.length
        ? 'Nothing matched all of that. These would find something:'
        : 'Nothing matched. Try fewer words, or a prefix such as wal*.';
      // Suggestions are options too: choosing one searches for it here and now.
      for (const s of suggestions) {
        if (typeof s.query !== 'string' || !s.query) continue;
        const opt = el(
          'a',
          { class: 'live-search-option live-search-suggestion', href: `/search?q=${encodeURIComponent(s.query)}` },
          el('span', { class: 'live-search-title' }, String(s.label || s.query)),
          el('span', { class: 'live-search-meta' }, plural(Number(s.total) || 0, 'result')),
        );
        opt.dataset.query = s.query;
        addOption(opt);
      }
      announce(suggestions.length ? `No results. ${plural(suggestions.length, 'suggestion')}.` : 'No results.');
    }
    open();
  }

  list.addEventListener('click', (e) => {
    const opt = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
    // Modified clicks (new tab, new window) stay ordinary link clicks.
    if (!opt || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    if (opt.dataset.query) {
      e.preventDefault();
      onSuggestion(opt);
    }
  });

  // A pointer inside the list shows which option Enter would take.
  list.addEventListener('mousemove', (e) => {
    const opt = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
    const i = opt ? options.indexOf(opt) : -1;
    if (i >= 0 && i !== active) setActive(i);
  });

  // Keeps focus in the box when the panel is pressed, so it does not close under the
  // pointer; links still follow on click.
  panel.addEventListener('mousedown', (e) => e.preventDefault());

  return {
    isOpen,
    open,
    close,
    move,
    showMessage,
    showResults,
    // The option Enter would take: the active one while the panel is open.
    activeOption: () => (isOpen() && options[active]) || null,
    // Whether the panel holds the answer to `query`, so returning to the box may reopen it.
    answers: (query) => shownFor !== null && shownFor === query,
    // Closes, and forgets what was shown: an emptied box has nothing to reopen.
    forget() {
      shownFor = null;
      close();
    },
  };
}
