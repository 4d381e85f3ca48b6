"""Dyck languages: the recogniser, depth, a counting head, and a depth diagnostic.

Dyck-k is the language of well-nested brackets of k types; Dyck-(k, D) bounds the nesting
depth by D. The stack recogniser is the reference; `dyck1_by_attention` recognises Dyck-1
the way one causal soft-attention head can (a uniform average of +-1 is the depth divided
by the prefix length); `bounded_stack_generator` imitates a model that keeps only the D
innermost open brackets, and `errors_by_depth` is the diagnostic that exposes it.

Follows: Hahn (2020) and Yao et al. (2021), "Self-Attention Networks Can Process Bounded
Hierarchical Languages" (Dyck-(k, D), depth as a prefix count); Bhattamishra et al. (2020)
for Dyck-1 as a counter language.
Simplifications: strings of bracket characters, not token ids; the "model" is a rule-based
generator, not a trained transformer.
"""

import numpy as np

from snippets.generation.attention import causal_mask, scaled_dot_product_attention

PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def depths(s: str) -> np.ndarray:
    """Nesting depth after each character: +1 per opener, -1 per closer. -> (len(s),).

    >>> depths("(()())").tolist()
    [1, 2, 1, 2, 1, 0]
    """
    step = np.array([1 if c in PAIRS else -1 for c in s], dtype=int)
    return np.cumsum(step)


def is_dyck(s: str) -> bool:
    """Stack recogniser for Dyck-k over the bracket types of PAIRS.

    >>> is_dyck("([]{})"), is_dyck("([)]"), is_dyck("(()")
    (True, False, False)
    """
    stack = []
    for c in s:
        if c in PAIRS:
            stack.append(PAIRS[c])
        elif not stack or stack.pop() != c:
            return False
    return not stack


def dyck1_by_attention(s: str) -> bool:
    """Recognise Dyck-1 with one causal head of equal logits over values +-1.

    Position i outputs mean(v[:i+1]) = depth_i / (i + 1): its sign is the sign of the
    depth, so the string is balanced iff no output is negative and the last is zero.

    >>> dyck1_by_attention("(()())"), dyck1_by_attention("())(()")
    (True, False)
    """
    if not s:
        return True
    v = np.array([[1.0] if c == "(" else [-1.0] for c in s])  # (n, 1)
    zeros = np.zeros((len(s), 1))  # q = k = 0: every logit equal, the head averages
    out, _ = scaled_dot_product_attention(zeros, zeros, v, causal_mask(len(s)))
    out = out[:, 0]  # (n,) = depth_i / (i + 1)
    # subtle: the averages are floats; depth 0 gives an exact 0.0 (an exact sum of +-1s).
    return bool(np.all(out > -0.5 / len(s)) and abs(out[-1]) < 0.5 / len(s))


def sample_dyck(n_pairs: int, k: int, max_depth: int, rng) -> str:
    """A random Dyck-(k, max_depth) string of n_pairs bracket pairs.

    At each step open (if depth < max_depth and pairs remain) or close, with equal odds.

    >>> s = sample_dyck(50, 2, 4, np.random.default_rng(0))
    >>> is_dyck(s), len(s), int(depths(s).max()) <= 4
    (True, 100, True)
    """
    openers = list(PAIRS)[:k]
    stack, out, opened = [], [], 0
    while opened < n_pairs or stack:
        can_open = opened < n_pairs and len(stack) < max_depth
        if can_open and (not stack or rng.random() < 0.5):
            c = openers[rng.integers(k)]
            stack.append(c)
            out.append(c)
            opened += 1
        else:
            out.append(PAIRS[stack.pop()])
    return "".join(out)


def bounded_stack_generator(s_open: str, D: int, rng) -> str:
    """Close every bracket of s_open as a model that remembers only D open brackets would.

    It keeps the D innermost openers; once those are closed, it guesses each remaining
    closer's type uniformly. With depth <= D its continuation is always right.
    s_open: a prefix of openers only -> the completed string.

    >>> bounded_stack_generator("([{", 3, np.random.default_rng(0))
    '([{}])'
    """
    kept = list(s_open[-D:]) if D > 0 else []
    closers = [PAIRS[c] for c in reversed(kept)]  # the remembered openers, innermost first
    # The forgotten outer openers: only their number survives, so guess each type.
    types = sorted({PAIRS[c] for c in s_open})
    guesses = [types[rng.integers(len(types))] for _ in range(len(s_open) - len(kept))]
    return s_open + "".join(closers + guesses)


def first_error(s: str) -> int:
    """Index of the first character at which s stops being a Dyck prefix, or -1.

    >>> first_error("([)]"), first_error("(())"), first_error("(()")
    (2, -1, 3)
    """
    stack = []
    for i, c in enumerate(s):
        if c in PAIRS:
            stack.append(PAIRS[c])
        elif not stack or stack.pop() != c:
            return i
    return len(s) if stack else -1


def errors_by_depth(strings) -> dict:
    """Error rate of generated strings bucketed by their maximum nesting depth.

    strings: iterable of str -> {max depth: fraction not in Dyck-k}. A model with a hard
    depth limit D shows 0 up to D and a jump after it; a length-limited one does not.

    >>> errors_by_depth(["()", "(())", "(()]"])
    {1: 0.0, 2: 0.5}
    """
    counts, bad = {}, {}
    for s in strings:
        d = int(depths(s).max()) if s else 0
        counts[d] = counts.get(d, 0) + 1
        bad[d] = bad.get(d, 0) + (not is_dyck(s))
    return {d: bad[d] / counts[d] for d in sorted(counts)}


def depth_diagnostic(D: int, k: int, n_prompts: int, max_open: int, rng) -> dict:
    """Error rate by depth of `bounded_stack_generator` on random prompts of openers.

    Each prompt has 1 to max_open openers of k types; -> {depth: error rate}.

    >>> depth_diagnostic(2, 2, 200, 4, np.random.default_rng(0))[2]
    0.0
    """
    openers = list(PAIRS)[:k]
    strings = []
    for _ in range(n_prompts):
        prompt = "".join(rng.choice(openers, size=int(rng.integers(1, max_open + 1))))
        strings.append(bounded_stack_generator(prompt, D, rng))
    return errors_by_depth(strings)
