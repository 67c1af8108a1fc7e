// The script every page loads: live search under the masthead box, "/" to focus it, and
// the words searched for marked on an article reached from a result. Every page works
// without it: the box is a plain form that submits to /search. The parts live in
// search/; the server serves each under a fingerprinted name and points these imports at
// those names.
import { focusOnSlash, liveSearch } from './search/live.js';
import { markSearchedWords } from './search/mark.js';

const form = document.querySelector('form.search-box');
const input = form && form.querySelector('#q');
if (input) {
  liveSearch(form, input);
  focusOnSlash(input);
}
markSearchedWords();
