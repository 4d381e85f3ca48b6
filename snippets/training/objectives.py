"""Self-supervised pre-training objectives: masked, causal and span-corruption targets.

Each function turns raw token ids into (input, target) pairs, so that the text is its own
label. ``mlm_mask`` is BERT's masking rule, ``next_token_loss`` the causal language-model
loss, ``span_corruption`` T5's sentinel-based denoising objective.

Follows: Devlin et al. (2019), BERT, Section 3.1 and Appendix A.1 (15 % of positions chosen;
of those 80 % [MASK], 10 % a random token, 10 % unchanged); Radford et al. (2018, 2019) for
the causal objective; Raffel et al. (2020), T5, Section 3.3.4 (noise density 0.15, mean span
length 3, one sentinel per span, spans and non-noise segments drawn at random).

Simplifications: one unpadded sequence at a time; positions are chosen independently
(Bernoulli, as in Hugging Face's collator) rather than an exact count per sequence; no
whole-word masking, special tokens or end-of-sequence token.
"""

import numpy as np

IGNORE = -100  # label of a position that carries no loss


def mlm_mask(tokens, vocab_size, mask_id, rng, p_select=0.15, p_mask=0.8, p_random=0.1):
    """BERT masking: corrupt a random 15 % of positions, predict the originals there.

    tokens: (T,) int -> inputs (T,) int, labels (T,) int (IGNORE where no loss).

    >>> rng = np.random.default_rng(0)
    >>> x, y = mlm_mask(np.arange(8), vocab_size=100, mask_id=99, rng=rng, p_select=1.0)
    >>> bool(np.all(y == np.arange(8)))
    True
    """
    tokens = np.asarray(tokens)
    # choose the positions that carry the loss
    selected = rng.random(tokens.shape) < p_select
    labels = np.where(selected, tokens, IGNORE)
    # split the chosen positions 80 / 10 / 10 with one uniform draw per position
    u = rng.random(tokens.shape)
    to_mask = selected & (u < p_mask)
    to_random = selected & (u >= p_mask) & (u < p_mask + p_random)
    inputs = tokens.copy()
    inputs[to_mask] = mask_id
    # subtle: a "random" replacement may draw the original token, as in BERT's code
    inputs[to_random] = rng.integers(0, vocab_size, size=int(to_random.sum()))
    return inputs, labels


def next_token_loss(logits, tokens):
    """Causal LM loss: mean cross-entropy of predicting token t+1 from positions <= t.

    logits: (T, V) float, tokens: (T,) int -> scalar (nats per predicted token).

    >>> round(float(next_token_loss(np.zeros((5, 10)), np.arange(5))), 4)  # log 10
    2.3026
    """
    # position t predicts token t+1: drop the last logit row and the first token
    z = logits[:-1]
    targets = np.asarray(tokens)[1:]
    z = z - z.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))  # (T-1, V)
    return -log_probs[np.arange(len(targets)), targets].mean()


def _random_segmentation(n_items, n_segments, rng):
    """Split n_items into n_segments positive lengths, uniformly at random."""
    # choose n_segments - 1 distinct cut points among the n_items - 1 gaps
    cuts = np.sort(rng.choice(n_items - 1, size=n_segments - 1, replace=False)) + 1
    return np.diff(np.concatenate([[0], cuts, [n_items]]))


def span_counts(length, noise_density=0.15, mean_span_length=3.0):
    """Number of corrupted tokens and of spans T5 uses for a sequence of ``length``.

    >>> span_counts(512)
    (77, 26)
    """
    n_noise = int(round(length * noise_density))
    n_noise = min(max(n_noise, 1), length - 1)
    n_spans = max(int(round(n_noise / mean_span_length)), 1)
    return n_noise, n_spans


def span_corruption(tokens, sentinel_start, rng, noise_density=0.15, mean_span_length=3.0):
    """T5 span corruption: replace random spans by sentinels, predict the spans.

    tokens: (T,) int -> inputs (T - n_noise + n_spans,), targets (n_noise + n_spans,).
    Sentinel i has id ``sentinel_start - i`` (T5 counts down from the top of the vocab).

    >>> x, y = span_corruption(np.arange(20), 99, np.random.default_rng(0))
    >>> len(x) + len(y) == 20 + 2 * span_counts(20)[1]
    True
    """
    tokens = np.asarray(tokens)
    n_noise, n_spans = span_counts(len(tokens), noise_density, mean_span_length)
    # lengths of noise spans and of the clean segments that precede each of them
    noise_lens = _random_segmentation(n_noise, n_spans, rng)
    clean_lens = _random_segmentation(len(tokens) - n_noise, n_spans, rng)
    inputs, targets, pos = [], [], 0
    for i, (c, n) in enumerate(zip(clean_lens, noise_lens)):
        sentinel = sentinel_start - i
        inputs += list(tokens[pos:pos + c]) + [sentinel]
        targets += [sentinel] + list(tokens[pos + c:pos + c + n])
        pos += c + n
    return np.array(inputs), np.array(targets)
