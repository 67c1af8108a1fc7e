// Marks the words searched for on an article reached from a result, with a bar to clear
// them. The words travel in the address as #hl=…, which this module both writes (for the
// result links) and reads, so the format lives in one place. Case and accents are folded
// as the search index folds them, and nothing the address holds can break the page.
import { el, plural } from './dom.js';

const PREFIX = '#hl=';
// Letters, digits and marks make words; anything else (spaces, punctuation, "_", which
// the search index also splits on) is a boundary.
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
// Scripts written without spaces: a match there may start anywhere.
const NO_SPACES = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'TEMPLATE']);
const MAX_TERMS = 12;
const MAX_MARKS = 500;

// The fragment a result link carries so that its article marks `terms`; empty for none.
export function fragmentFor(terms) {
  return terms.length ? `${PREFIX}${encodeURIComponent(terms.join(' '))}` : '';
}

// Marks the words in the address now, and again whenever a new #hl= replaces them.
export function markSearchedWords() {
  safeHighlight();
  window.addEventListener('hashchange', () => {
    // Section links (#checkpoints) leave the marks alone; a new #hl= replaces them.
    if (window.location.hash.startsWith(PREFIX)) safeHighlight();
  });
}

function safeHighlight() {
  try {
    highlightFromHash();
  } catch {
    // Whatever the address holds, the article itself must stay readable.
  }
}

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
  if (!hash.startsWith(PREFIX)) return [];
  let raw;
  try {
    raw = decodeURIComponent(hash.slice(PREFIX.length));
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
