"""The generation half of the RAG pipeline: numbered sources in the prompt, an answer that
cites them, and a check that every citation is faithful.

Follows: grounded answering with citations of retrieved passages (Lewis et al., 2020; the
numbered-source format that citation benchmarks such as ALCE, Gao et al., 2023, evaluate),
and the faithfulness criterion of RAGAS (Es et al., 2024): each claim must be supported by
the context it cites.
Simplifications: no LLM: the stand-in generator quotes the source sentence that shares the
most query stems and cites it, so support is checked by exact containment; an LLM answer
paraphrases, and needs an entailment model or an LLM judge for the same check.
"""

import re

from snippets.retrieval.rag_pipeline import Chunk, stem
from snippets.retrieval.rag_retrieval import terms


def assemble_prompt(question, chunks, n_sources=3):
    """The prompt with the best chunks as numbered sources. -> (prompt, {number: Chunk})

    >>> chunks = [Chunk("keys#0", "keys", "Keys last 90 days.")]
    >>> prompt, src = assemble_prompt("Key lifetime?", chunks)
    >>> prompt.splitlines()[3], list(src)
    ('[1] (keys#0) Keys last 90 days.', [1])
    """
    sources = dict(enumerate(chunks[:n_sources], start=1))
    lines = ["Answer using only the numbered sources. "
             "After each claim cite its source as [n].",
             "If the sources do not contain the answer, say that you do not know.", ""]
    lines += [f"[{n}] ({c.cid}) {c.text}" for n, c in sources.items()]
    lines += ["", f"Question: {question}", "Answer:"]
    return "\n".join(lines), sources


def extractive_answer(question, sources):
    """Stand-in generator: the source sentence covering most query stems, with its citation.

    >>> text = "Snapshots run nightly. Snapshots are kept for 35 days."
    >>> src = {1: Chunk("a#0", "a", text)}
    >>> extractive_answer("how long are snapshots kept", src)
    'Snapshots are kept for 35 days. [1]'
    """
    q = {stem(t) for t in terms(question)}
    # ties: best source, first
    scored = [(len(q & {stem(t) for t in terms(sent)}), -n, -i, sent.strip(), n)
              for n, c in sources.items()
              for i, sent in enumerate(re.split(r"(?<=\.)\s+", c.text))]
    best = max(scored, default=None)
    return f"{best[3]} [{best[4]}]" if best and best[0] else "I do not know."


def cited_numbers(answer):
    """The source numbers an answer cites, in order.

    >>> cited_numbers("Keys rotate every 90 days [2]. Tokens expire [1].")
    [2, 1]
    """
    return [int(n) for n in re.findall(r"\[(\d+)\]", answer)]


def check_citations(answer, sources):
    """Faithfulness check: every claim cites a number that names a source, and that source
    contains the claim. -> list of problems (empty if faithful)

    >>> src = {1: Chunk("keys#0", "keys", "API keys are rotated every 90 days.")}
    >>> check_citations("API keys are rotated every 90 days. [1]", src)
    []
    >>> check_citations("Keys rotate weekly. [1] Tokens expire. [4]", src)
    ["[1] (keys#0) does not contain: 'Keys rotate weekly.'", '[4] cites no source']
    """
    if answer.strip() == "I do not know.":
        return []  # abstaining is always faithful
    if not cited_numbers(answer):
        return ["the answer cites no source"]
    problems = []
    for claim, ref in re.findall(r"(.+?)\s*\[(\d+)\]", answer):
        n = int(ref)
        if n not in sources:
            problems.append(f"[{n}] cites no source")
        elif claim.strip() not in sources[n].text:
            problems.append(f"[{n}] ({sources[n].cid}) does not contain: {claim.strip()!r}")
    return problems
