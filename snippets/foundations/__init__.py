"""Part 1, Foundations of NLP: the classical pipeline the later parts build on. Word sense
disambiguation (Lesk and nearest-sense), topic models (LDA by collapsed Gibbs sampling),
cosine similarity and anisotropy, sentiment and text classification (TF-IDF, logistic
regression and their metrics), word2vec, named entity recognition as BIO tagging with a CRF,
and perplexity.
"""
