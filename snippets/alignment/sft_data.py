"""Supervised fine-tuning data: chat template, assistant-only loss, packing, mixtures.

A conversation is rendered into one token sequence by a chat template; the loss is the usual
next-token cross-entropy, but only on the tokens the model should learn to produce (the
assistant turns and the token that ends them). Short examples are packed into fixed-length
rows, with a block-diagonal causal mask and position ids that restart per example, so that
packing changes the throughput and not the function being trained. Datasets are mixed by
examples-proportional sampling with a cap and a temperature.

Follows: the loss masking of InstructGPT-style SFT (Ouyang et al., 2022) and Tulu 3 (Lambert
et al., 2024); packing without cross-contamination (Krell et al., 2021); the mixing rates of
T5 (Raffel et al., 2020, Sec. 3.5.2).
Simplifications: byte-level tokens (ids 0-255) plus three special ids instead of a trained
tokenizer; one template (real ones, such as Llama 3's or ChatML, differ only in the marker
strings); greedy first-fit packing; an example longer than a row is an error, not truncated.
"""

import numpy as np

from snippets.generation.attention import causal_mask

BOS, START, END = 256, 257, 258  # special token ids above the 256 byte values
IGNORE = -100  # label that contributes no loss (PyTorch's ignore_index convention)


def render_chat(messages):
    """Render [(role, text), ...] with the template; mark the tokens to train on.

    -> (tokens (T,) int, train (T,) bool). Each turn is START role "\\n" text END; train is
    True on an assistant turn's text and its END, False on everything else.

    >>> tokens, train = render_chat([("user", "Hi"), ("assistant", "Yo")])
    >>> tokens.tolist()
    [256, 257, 117, 115, 101, 114, 10, 72, 105, 258, 257, 97, 115, 115, 105, 115, 116, 97, \
110, 116, 10, 89, 111, 258]
    >>> train.astype(int).tolist()[-3:]
    [1, 1, 1]
    """
    tokens, train = [BOS], [False]
    for role, text in messages:
        header = [START, *f"{role}\n".encode()]
        body = [*text.encode(), END]
        # The header is given at inference time (the server writes it): never trained.
        tokens += header + body
        # subtle: END is trained too, or the model never learns to stop talking.
        train += [False] * len(header) + [role == "assistant"] * len(body)
    return np.array(tokens), np.array(train)


def sft_labels(tokens, train):
    """Next-token labels with IGNORE wherever the target is not a trained token.

    tokens, train: (T,) -> labels (T,) int; labels[t] = tokens[t + 1] if train[t + 1].

    >>> sft_labels(np.array([5, 6, 7]), np.array([False, False, True])).tolist()
    [-100, 7, -100]
    """
    labels = np.full(len(tokens), IGNORE)
    # Position t predicts token t + 1; keep the target only if it is trained.
    labels[:-1] = np.where(train[1:], tokens[1:], IGNORE)
    return labels


def masked_nll(logits, labels):
    """Mean cross-entropy over the positions whose label is not IGNORE.

    logits: (..., T, V), labels: (..., T) -> float. The mean is over trained tokens of the
    whole batch (token-level), not a mean of per-sequence means.

    >>> masked_nll(np.zeros((2, 4)), np.array([IGNORE, 3]))  # uniform: log 4
    1.3862943611198906
    """
    keep = labels != IGNORE
    # Log-softmax, shifted by the row maximum for stability.
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(logp, np.where(keep, labels, 0)[..., None], axis=-1)[..., 0]
    return float(-(picked * keep).sum() / max(keep.sum(), 1))


def pack(examples, L):
    """Greedy first-fit packing of (tokens, labels) examples into rows of length L.

    examples: list of ((n_i,), (n_i,)) -> dict of (R, L) arrays: tokens, labels (IGNORE on
    padding), segment (1, 2, ... per example within a row, 0 on padding), position
    (restarting at 0 for each example).

    >>> rows = pack([(np.arange(3), np.arange(3)), (np.arange(2), np.arange(2))], L=6)
    >>> rows["segment"].tolist(), rows["position"].tolist()
    ([[1, 1, 1, 2, 2, 0]], [[0, 1, 2, 0, 1, 0]])
    """
    rows = []  # each row: list of example indices
    free = []  # tokens still free in each row
    for i, (tok, _) in enumerate(examples):
        if len(tok) > L:
            raise ValueError(f"example {i} has {len(tok)} tokens > row length {L}")
        # First row with room; open a new one if none.
        r = next((r for r, f in enumerate(free) if f >= len(tok)), None)
        if r is None:
            rows.append([])
            free.append(L)
            r = len(rows) - 1
        rows[r].append(i)
        free[r] -= len(tok)
    keys = ("tokens", "segment", "position")
    out = {k: np.zeros((len(rows), L), dtype=int) for k in keys}
    out["labels"] = np.full((len(rows), L), IGNORE)
    for r, members in enumerate(rows):
        t = 0
        for s, i in enumerate(members, start=1):
            tok, lab = examples[i]
            n = len(tok)
            out["tokens"][r, t:t + n], out["labels"][r, t:t + n] = tok, lab
            out["segment"][r, t:t + n] = s
            out["position"][r, t:t + n] = np.arange(n)
            t += n
    return out


def packed_mask(segment):
    """Causal attention restricted to the query's own example. segment: (L,) -> (L, L) bool.

    Padding (segment 0) attends to nothing and is attended by nothing.

    >>> packed_mask(np.array([1, 1, 2, 0])).astype(int)
    array([[1, 0, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 1, 0],
           [0, 0, 0, 0]])
    """
    same = (segment[:, None] == segment[None, :]) & (segment[:, None] > 0)
    # Block-diagonal (same example) and lower-triangular (causal).
    return same & causal_mask(len(segment))


def mixture_weights(sizes, cap=None, temperature=1.0):
    """Sampling rates of datasets: examples-proportional with a cap, then a temperature.

    sizes: (D,) example counts -> (D,) rates summing to 1; r_d ~ min(n_d, cap)^(1/T).
    T = 1 is proportional to (capped) size; T -> infinity is uniform.

    >>> mixture_weights([900, 90, 10], cap=100).round(3)
    array([0.5 , 0.45, 0.05])
    """
    n = np.asarray(sizes, dtype=float)
    if cap is not None:
        n = np.minimum(n, cap)
    r = n ** (1.0 / temperature)
    return r / r.sum()
