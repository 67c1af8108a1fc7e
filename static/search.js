// Live search under the masthead box, "/" to focus it, and the words searched for marked
// on an article reached from a result. Every page works without this file: the box is a
// plain form that submits to /search. No inline styles anywhere (the Content-Security-
// Policy forbids them): the look comes from classes in style.css.
(() => {
  'use strict';

  const MAX_SHOWN = 8;
  const DEBOUNCE_MS = 150;

  // Small DOM helper: el('a', {class: 'x', href: '/'}, child, 'text', …).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) {
      if (c !== null && c !== undefined) node.append(c);
    }
    return node;
  }

  function plural(n, word, words = `${word}s`) {
    return `${n} ${n === 1 ? word : words}`;
  }

  // Only our own paths become links; a stray absolute URL in the JSON is ignored.
  function localPath(url) {
    return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : null;
  }

  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  function decodeEntities(s) {
    return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, name) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
      }
      return ENTITIES[name.toLowerCase()] ?? all;
    });
  }

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

  // ---------------------------------------------------------------- live search

  function liveSearch(form, input) {
    // The popup lives inside the form, so focus moving into it still counts as "in the
    // search box", and it is positioned by CSS against the masthead row.
    const listId = 'live-search-list';
    const head = el('p', { class: 'live-search-head' });
    const list = el('div', { id: listId, role: 'listbox', 'aria-label': 'Search results', hidden: true });
    const foot = el('div', { class: 'live-search-foot' });
    const panel = el('div', { class: 'live-search', id: 'live-search', hidden: true }, head, list, foot);
    // Polite, and present from the start: screen readers only announce changes to a
    // live region they already know about.
    const status = el('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    form.append(panel, status);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    // The browser's own history dropdown would sit on top of ours.
    input.setAttribute('autocomplete', 'off');

    let options = []; // the option elements, in order
    let active = -1; // index into options, -1 for none
    let timer = 0;
    let controller = null;
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
      // The article marks these words on arrival (see highlightFromHash below).
      const fragment = terms.length ? `#hl=${encodeURIComponent(terms.join(' '))}` : '';

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
          if (res.ok && data && Array.isArray(data.hits)) showResults(query, data);
          else if (res.status === 400 && data && typeof data.error === 'string') showMessage(query, data.error, 'error');
          else showMessage(query, 'Search is unavailable just now; press Enter to search.', 'error');
        })
        .catch((err) => {
          if (err && err.name === 'AbortError') return;
          if (mine !== controller || !form.contains(document.activeElement)) return;
          showMessage(query, 'Search is unavailable just now; press Enter to search.', 'error');
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      const query = input.value.trim();
      if (!query) {
        if (controller) controller.abort();
        controller = null;
        shownFor = null;
        close();
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
        close();
        window.location.assign(opt.href);
      }
    }

    input.addEventListener('input', schedule);

    input.addEventListener('keydown', (e) => {
      if (e.isComposing) return;
      switch (e.key) {
        case 'ArrowDown':
        case 'ArrowUp': {
          if (!options.length) return;
          e.preventDefault();
          const down = e.key === 'ArrowDown';
          if (!isOpen()) {
            open();
            setActive(down ? 0 : options.length - 1);
            return;
          }
          // Wraps around, and passes through "none" so the typed text can be edited.
          let next = active + (down ? 1 : -1);
          if (next >= options.length) next = -1;
          else if (next < -1) next = options.length - 1;
          setActive(next);
          return;
        }
        case 'Enter':
          if (isOpen() && options[active]) {
            e.preventDefault();
            choose(options[active]);
          }
          // Otherwise the form submits to /search as it would without this script.
          return;
        case 'Escape':
          if (isOpen()) {
            // Only closes; the browser's own Escape (clearing the box) waits for a second press.
            e.preventDefault();
            close();
          }
          return;
        default:
      }
    });

    // Reopen on return to the box if the panel still describes what is typed.
    input.addEventListener('focus', () => {
      if (shownFor !== null && shownFor === input.value.trim()) open();
    });

    list.addEventListener('click', (e) => {
      const opt = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
      // Modified clicks (new tab, new window) stay ordinary link clicks.
      if (!opt || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      if (opt.dataset.query) {
        e.preventDefault();
        choose(opt);
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

    // Clicking anywhere else, or tabbing out of the form, closes the panel.
    document.addEventListener('pointerdown', (e) => {
      if (isOpen() && !form.contains(e.target)) close();
    });
    form.addEventListener('focusout', (e) => {
      if (!e.relatedTarget || !form.contains(e.relatedTarget)) close();
    });
    form.addEventListener('submit', () => {
      window.clearTimeout(timer);
      if (controller) controller.abort();
      close();
    });
    // Coming back through the history cache, the page may still show the old panel.
    window.addEventListener('pageshow', (e) => {
      if (e.persisted) close();
    });
  }

  // ---------------------------------------------------------------- "/" to search

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    return target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])') !== null;
  }

  function slashToFocus(input) {
    document.addEventListener('keydown', (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || e.isComposing) return;
      if (isTyping(e.target)) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  // ---------------------------------------------------------------- marking search words

  // Letters, digits and marks make words; anything else (spaces, punctuation, "_", which
  // the search index also splits on) is a boundary.
  const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
  // Scripts written without spaces: a match there may start anywhere.
  const NO_SPACES = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'TEMPLATE']);
  const MAX_TERMS = 12;
  const MAX_MARKS = 500;

  // Case and accents are ignored, as the search index ignores them ("cafe" finds "café").
  function fold(s) {
    return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  }

  // Folds a text one character at a time, remembering where each folded unit came from,
  // so that a match in the folded text maps back to exact offsets in the original.
  function foldWithOffsets(text) {
    let folded = '';
    const from = [];
    const to = [];
    let i = 0;
    for (const ch of text) {
      const f = fold(ch);
      for (let k = 0; k < f.length; k++) {
        from.push(i);
        to.push(i + ch.length);
      }
      folded += f;
      i += ch.length;
    }
    return { folded, from, to };
  }

  function termsFromHash(hash) {
    if (!hash.startsWith('#hl=')) return [];
    let raw;
    try {
      raw = decodeURIComponent(hash.slice(4));
    } catch {
      return []; // a malformed escape: nothing to mark
    }
    const seen = new Set();
    const terms = [];
    for (const word of raw.split(/\s+/)) {
      const t = fold(word).slice(0, 64);
      // One Latin letter would mark half the page; one ideograph is a word.
      if (!t || seen.has(t) || (t.length < 2 && !NO_SPACES.test(t))) continue;
      seen.add(t);
      terms.push(t);
      if (terms.length >= MAX_TERMS) break;
    }
    return terms;
  }

  function escapeRegExp(s) {
    return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }

  // [start, end) ranges in `text` where a term begins a word.
  function matchRanges(text, pattern) {
    if (!pattern.test(fold(text))) return [];
    const { folded, from, to } = foldWithOffsets(text);
    const ranges = [];
    pattern.lastIndex = 0;
    let m;
    while ((m = pattern.exec(folded)) !== null) {
      const s = m.index;
      const e = s + m[0].length;
      const needsBoundary = WORD_CHAR.test(m[0][0]) && !NO_SPACES.test(m[0]);
      if (needsBoundary && s > 0 && WORD_CHAR.test(folded[s - 1])) {
        pattern.lastIndex = s + 1; // inside a word; look again one place on
        continue;
      }
      ranges.push([from[s], to[e - 1]]);
    }
    pattern.lastIndex = 0;
    return ranges;
  }

  function markTerms(root, terms) {
    // Longest first, so "checkpoints" wins over "checkpoint" where both apply.
    const sorted = [...terms].sort((a, b) => b.length - a.length);
    const pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        for (let p = node.parentElement; p && p !== root; p = p.parentElement) {
          if (SKIP.has(p.tagName) || (p.tagName === 'MARK' && p.classList.contains('hit'))) return NodeFilter.FILTER_REJECT;
        }
        return node.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      },
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);

    const marks = [];
    for (const node of nodes) {
      if (marks.length >= MAX_MARKS) break;
      const ranges = matchRanges(node.data, pattern);
      // From the end backwards, so earlier offsets stay valid as the node is split.
      const made = [];
      for (let r = ranges.length - 1; r >= 0; r--) {
        const [start, end] = ranges[r];
        node.splitText(end);
        const middle = node.splitText(start);
        const mark = el('mark', { class: 'hit' });
        middle.replaceWith(mark);
        mark.append(middle);
        made.unshift(mark);
      }
      marks.push(...made);
    }
    return marks;
  }

  function clearMarks(root) {
    const parents = new Set();
    for (const mark of root.querySelectorAll('mark.hit')) {
      parents.add(mark.parentNode);
      mark.replaceWith(...mark.childNodes);
    }
    // Joins the split text nodes again, as the page was.
    for (const p of parents) p.normalize();
  }

  function highlightFromHash() {
    const prose = document.querySelector('.prose');
    if (!prose) return;
    const old = document.querySelector('.hl-bar');
    if (old) old.remove();
    clearMarks(prose);

    const terms = termsFromHash(window.location.hash);
    if (!terms.length) return;
    const marks = markTerms(prose, terms);
    if (!marks.length) return;

    const clear = el('button', { type: 'button', class: 'hl-clear' }, 'Clear highlights');
    const bar = el(
      'div',
      { class: 'hl-bar' },
      el('span', null, `${plural(marks.length, 'match', 'matches')} for “${terms.join(' ')}”`),
      clear,
    );
    clear.addEventListener('click', () => {
      clearMarks(prose);
      bar.remove();
      // Drops #hl=… so a reload or a shared link shows the page plain.
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    });
    // After the text, sticky to the bottom of the window while the article is in view.
    prose.after(bar);
    marks[0].scrollIntoView({ block: 'center' });
  }

  // ---------------------------------------------------------------- start

  const form = document.querySelector('form.search-box');
  const input = form && form.querySelector('#q');
  if (input) {
    liveSearch(form, input);
    slashToFocus(input);
  }

  function safeHighlight() {
    try {
      highlightFromHash();
    } catch {
      // Whatever the address holds, the article itself must stay readable.
    }
  }
  safeHighlight();
  window.addEventListener('hashchange', () => {
    // Section links (#checkpoints) leave the marks alone; a new #hl= replaces them.
    if (window.location.hash.startsWith('#hl=')) safeHighlight();
  });
})();
