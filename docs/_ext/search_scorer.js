// The book's search ranking: Sphinx's default scores, plus a boost for pages whose title
// contains the words of the query. Sphinx scores a page by its single best-matching word, so
// "speculative decoding" would otherwise tie the speculative-decoding page with every page
// that has "decoding" in its title. Loaded through html_search_scorer (see docs/conf.py).
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score] = result;
    const params = new URLSearchParams((typeof window !== "undefined" && window.location) ? window.location.search : "");
    const words = (params.get("q") || "").toLowerCase().split(/[^\p{Letter}\p{Number}]+/u)
      .filter((w) => w.length > 3 && !(typeof stopwords !== "undefined" && stopwords.has(w)));
    if (!words.length || anchor) return score;
    const heading = (title || "").toLowerCase();
    // Compare word prefixes so that "model" matches "modeling" and "caches" matches "caching".
    const hits = words.filter((w) => heading.includes(w.slice(0, Math.max(4, w.length - 3)))).length;
    return score + (10 * hits) / words.length;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
