"""How a tokenizer cuts numbers: learned BPE chunks, single digits, or groups of three.

A BPE trained on text learns whichever digit strings were frequent, so "2024" may be one
token and "2025" two, and the same digit lands in differently sized pieces from one number
to the next. Models either split numbers into single digits (Llama, Gemma) or into groups of
at most three (GPT-4's cl100k and Llama 3), grouped from the left. Grouping from the right
instead makes the groups the thousands, millions, ... of the place-value system.

Follows: Singh and Strouse (2024), who compare left-to-right and right-to-left three-digit
groups for arithmetic in GPT-3.5 and GPT-4.
Simplifications: non-negative integers written with ASCII digits only.
"""



def digit_groups(number, mode="l2r", size=3):
    """Split a string of digits: mode "single", "l2r" (from the left) or "r2l" (the right).

    >>> digit_groups("1234567"), digit_groups("1234567", "r2l")
    (['123', '456', '7'], ['1', '234', '567'])
    """
    if mode == "single":
        return list(number)
    if mode == "l2r":
        return [number[i:i + size] for i in range(0, len(number), size)]
    # right to left: the first group takes the remainder, the rest are full
    head = len(number) % size or size
    return [number[:head]] + [number[i:i + size] for i in range(head, len(number), size)]


def bpe_number_pieces(bpe, number):
    """The pieces a trained byte-level BPE cuts a string of digits into (as str).

    >>> from snippets.tokenization.bpe import ByteBPE
    >>> bpe_number_pieces(ByteBPE(merges=[(50, 48)]), "2020")  # "2" + "0" -> 256
    ['20', '20']
    """
    return [bpe.vocab[i].decode("utf-8") for i in bpe.encode(number)]


def place_values(groups):
    """The place value (power of ten) of the last digit of each group.

    >>> place_values(["123", "456", "7"]), place_values(["1", "234", "567"])
    ([4, 1, 0], [6, 3, 0])
    """
    ends = [len(g) for g in groups]
    total = sum(ends)
    out, seen = [], 0
    for n in ends:
        seen += n
        out.append(total - seen)
    return out
