// Run queries through the built book's own search code (Sphinx's searchtools.js and its
// stemmer), without a browser: `node search_index.js HTML_DIR QUERY...` prints, for each
// query, the ranked list of result documents as JSON. Used by tests/test_book_build.py.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [htmlDir, ...queries] = process.argv.slice(2);
const context = vm.createContext({
  console,
  URLSearchParams,  // browser globals the search code uses
  // The few browser globals the search code touches outside rendering.
  document: { getElementById: () => null, documentElement: { dataset: {} } },
  localStorage: { setItem: () => {} },
  SPHINX_HIGHLIGHT_ENABLED: false,
  _ready: () => {},
});
context.window = context;
for (const file of ["documentation_options.js", "base-stemmer.js", "english-stemmer.js",
                    "language_data.js", "searchtools.js"]) {
  const source = path.join(htmlDir, "_static", file);
  if (fs.existsSync(source)) vm.runInContext(fs.readFileSync(source, "utf8"), context, { filename: file });
}
vm.runInContext(fs.readFileSync(path.join(htmlDir, "searchindex.js"), "utf8"), context);
const out = {};
for (const q of queries) {
  context.__q = q;
  context.window.location = { search: "?q=" + encodeURIComponent(q) };  // as on search.html
  out[q] = vm.runInContext(
    // The page shows results by popping the end of this list: best first after reverse().
    "Search._performSearch(...Search._parseQuery(__q)).reverse().map(r => r[0])", context);
}
process.stdout.write(JSON.stringify(out));
