"""A small English corpus shipped with the book, written for it, for tokenizer measurements.

Twelve short passages in different registers (technical prose, narrative, a recipe, a news
report with figures, dialogue, a code listing, a letter), so that a tokenizer trained on
part of it meets unseen words, names and numbers in the rest. `split_corpus` keeps whole
passages together, so held-out text is never a copy of training text.

Follows: nothing; the text is original to this book.
Simplifications: English only and about 6,000 characters: enough to show the shape of the
compression curve, far too little to reproduce the numbers of production tokenizers.
"""

PASSAGES = (
    # technical prose
    "A tokenizer turns a string into a sequence of integers, and every later stage of"
    " a language model works on those integers rather than on letters. The choice "
    "looks like plumbing, but it fixes how long every sequence is, how much of the "
    "context window a document uses, and which regularities the model can see "
    "directly. A vocabulary that holds whole words makes sequences short but leaves "
    "rare words without a representation; a vocabulary of single bytes can spell "
    "anything but makes every sequence several times longer. Subword vocabularies sit"
    " between the two: frequent words get one token each, rare words are spelled out "
    "of smaller pieces, and nothing is ever out of vocabulary.",
    # narrative
    "The ferry left the harbour at dawn, an hour late, because the captain refused to"
    " sail until the fog had lifted from the channel. Marguerite stood at the rail "
    "with her coat buttoned to the chin and watched the lighthouse shrink behind "
    "them. She had crossed this water every summer as a child, when her grandmother "
    "still kept the bakery by the quay, and she remembered the smell of bread and "
    "diesel better than she remembered the faces. Halfway across, the engines slowed."
    " A boy pointed at something in the grey water, and for a moment the whole deck "
    "went quiet, waiting to see whether it would surface again.",
    # recipe
    "For the soup, soften two chopped onions in a tablespoon of butter over a low "
    "heat for about ten minutes, stirring now and then so that they colour only "
    "slightly. Add three diced potatoes, a crushed garlic clove and a litre of "
    "vegetable stock, bring to the boil and simmer for twenty minutes, until the "
    "potatoes break when pressed with a spoon. Stir in a large handful of watercress,"
    " cook for one more minute, then blend until smooth. Season with salt, pepper and"
    " a little grated nutmeg, and serve with crusty bread.",
    # news report with figures
    "The regional council approved a budget of 412.5 million euros on Tuesday, 3.8 "
    "percent more than last year, after a debate that lasted until almost midnight. "
    "Spending on public transport rises to 96 million, enough for 28 new electric "
    "buses and the extension of two tram lines by a combined 7.4 kilometres. "
    "Opposition members argued that the plan relies on a forecast of 1.9 percent "
    "growth in tax receipts, which they called optimistic. The vote passed 31 to 24, "
    "with 2 abstentions. Construction on the first tram extension is expected to "
    "begin in March 2027 and to finish by late 2029.",
    # dialogue
    '"You\'re sure it was the blue folder?" asked Tomasz, turning the drawer upside '
    'down. "I\'m sure it was blue. I\'m not sure it was a folder," said Ines. "It could'
    ' have been the binder with the broken ring." "We\'ve looked there twice." "Then '
    'we\'ll look a third time. Didn\'t you say the auditors arrive at nine?" Tomasz '
    'checked his watch: it was twenty past eight. "They\'ll want the signed copies, '
    'not the drafts." "I know what they want," Ines said, and pulled the binder out '
    "from under a stack of old newspapers.",
    # code listing
    "def moving_average(values, window=3):\n"
    '    """Return the mean of each run of `window` consecutive values."""\n'
    "    if window <= 0:\n"
    '        raise ValueError("window must be positive")\n'
    "    total = sum(values[:window])\n"
    "    out = [total / window]\n"
    "    for i in range(window, len(values)):\n"
    "        total += values[i] - values[i - window]\n"
    "        out.append(total / window)\n"
    "    return out\n",
    # letter
    "Dear Dr Okonkwo, thank you for your letter of 14 February and for the detailed "
    "comments on our draft. We have rewritten the second chapter as you suggested, "
    "moving the survey of earlier methods to an appendix and expanding the discussion"
    " of the field trials. The revised manuscript is attached, together with a table "
    "that lists every change and the page on which it appears. We would be grateful "
    "if you could let us know by the end of the month whether the new structure "
    "addresses your concerns. Yours sincerely, Hannah Lindqvist and Rafael Moreno.",
    # technical prose, second register
    "Caching helps only when the same request arrives more than once. A cache that "
    "holds the answers to the thousand most frequent queries can serve a surprising "
    "share of the traffic, because the distribution of queries has a long tail and a "
    "tall head. The tail is the problem: most distinct queries are seen once, and for"
    " them the cache is pure overhead. Measuring the hit rate on a week of real "
    "traffic, rather than guessing it, is the first thing to do before adding one.",
    # nature writing
    "By late October the beech trees on the ridge had turned the colour of copper, "
    "and the path beneath them disappeared under a layer of leaves that crackled with"
    " every step. Jays moved noisily through the branches, burying acorns they would "
    "mostly forget. Further down, where the stream ran fast and cold over flat "
    "stones, a heron stood motionless in the shallows, so still that walkers passed "
    "within a few metres of it without noticing that it was there.",
    # instructions with numbers
    "To reset the router, hold the small button on the back panel for 10 seconds, "
    "until the front light blinks orange. Wait about 2 minutes while the device "
    "restarts. Connect to the network named in the label, open 192.168.1.1 in a "
    "browser and log in with the default password printed under the barcode. Change "
    "it at once: 12 characters or more, mixing letters, digits and symbols. If the "
    "light stays red after 5 minutes, unplug the power cable, count to 30 and plug it"
    " back in.",
    # history
    "The canal took eleven years to build and was already obsolete when it opened. "
    "Its engineers had planned for horse-drawn barges carrying coal and grain, but by"
    " the time the last lock was finished the railway had reached the same towns, "
    "faster and cheaper. Traffic peaked in its third year and declined steadily "
    "afterwards. For most of the following century the canal was a drainage ditch "
    "with a towpath, until volunteers began restoring it for pleasure boats, one lock"
    " at a time.",
    # opinion
    "Nobody reads the terms and conditions, and the people who write them know it. "
    "The documents are long because length protects the company, not because the "
    "reader needs the detail. A shorter contract that listed the five things a "
    "customer actually gives up would be read, understood and, perhaps, argued with. "
    "That is exactly why it is rarely offered. Until regulators insist on a plain "
    "summary at the top, agreeing will remain a reflex rather than a decision.",
)

CORPUS = "\n\n".join(PASSAGES)


def split_corpus(n_train=8):
    """(training passages, held-out passages): the first n_train passages, then the rest.

    >>> train, held_out = split_corpus()
    >>> len(train), len(held_out)
    (8, 4)
    """
    return list(PASSAGES[:n_train]), list(PASSAGES[n_train:])
