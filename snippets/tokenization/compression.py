"""Compression of a byte-level BPE, in bytes per token, as the vocabulary grows.

Bytes per token is the number that turns a tokenizer into cost: at a fixed context window
and a fixed price per token, a tokenizer that packs twice as many bytes into a token fits
twice as much text and halves the bill. It is measured on held-out text, because on its own
training text a BPE keeps compressing long after it has stopped learning anything general:
the last merges glue together whole rare words that appear once.

Follows: Sennrich et al. (2016) and Radford et al. (2019) for the tokenizer (bpe.py); the
measure is the bytes-per-token (or characters-per-token) figure that tokenizer reports use.
Simplifications: one small English corpus (corpus.py); every vocabulary is trained afresh.
"""

from snippets.tokenization.bpe import train_bpe


def bytes_per_token(bpe, texts):
    """UTF-8 bytes of `texts` divided by the number of tokens `bpe` encodes them into.

    >>> from snippets.tokenization.bpe import ByteBPE
    >>> bytes_per_token(ByteBPE(merges=[]), ["any text"])  # bytes only: exactly 1
    1.0
    """
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    n_tokens = sum(len(bpe.encode(t)) for t in texts)
    return n_bytes / n_tokens


def compression_curve(train, held_out, vocab_sizes):
    """For each vocabulary size: (merges learned, bytes/token on train, on held-out).

    train, held_out: lists of str; vocab_sizes: ints >= 256 -> list of 3-tuples.

    >>> compression_curve(["abab abab"], ["abab"], [256, 258])
    [(0, 1.0, 1.0), (2, 3.0, 4.0)]
    """
    rows = []
    for V in vocab_sizes:
        bpe = train_bpe(train, V)
        rows.append((len(bpe.merges), bytes_per_token(bpe, train),
                     bytes_per_token(bpe, held_out)))
    return rows


def embedding_share(m):
    """Fraction of a Llama-style model's parameters in its (untied) embedding and output
    head, 2 * V * d, for a `snippets.specs.Model`.

    >>> from snippets.specs import LLAMA3_8B
    >>> round(embedding_share(LLAMA3_8B), 3)
    0.131
    """
    from snippets.serving.capacity import param_count

    return 2 * m.vocab * m.d_model / param_count(m)
