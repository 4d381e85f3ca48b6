"""Part 4, Tokenization and multilinguality: byte-level byte-pair encoding (training,
encoding and decoding), WordPiece's greedy longest-match-first segmentation, the unigram
language model's Viterbi segmentation, and the measurements built on them (compression in
bytes per token against vocabulary size, the corpus they are measured on, digit splitting).
"""
