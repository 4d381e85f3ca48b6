"""The book's catalogue: the nine parts and the 88 questions (ID, level, part, title).

This is the single source of truth for what each page must declare. IDs are permanent:
they come from the list the book was commissioned from and are never renumbered.
"""

# part number -> (directory slug, title)
PARTS = {
    1: ("01-foundations-of-nlp", "Foundations of NLP"),
    2: ("02-sequence-models-and-generation", "Sequence models and generation"),
    3: ("03-inside-the-transformer", "Inside the transformer"),
    4: ("04-tokenization-and-multilinguality", "Tokenization and multilinguality"),
    5: ("05-embeddings-retrieval-and-rag", "Embeddings, retrieval and RAG"),
    6: ("06-training-at-scale", "Training at scale"),
    7: ("07-adaptation-and-alignment", "Adaptation and alignment"),
    8: ("08-inference-and-serving", "Inference and serving"),
    9: ("09-behaviour-reasoning-and-reliability", "Behaviour, reasoning and reliability"),
}

LEVELS = ("intermediate", "senior")

# question ID -> (level, part, title as printed after "QNN. ")
QUESTIONS = {
    1: ('intermediate', 1, 'What is word sense disambiguation?'),
    2: ('intermediate', 1, 'What is topic modeling?'),
    3: ('intermediate', 1, 'What is cosine similarity in NLP?'),
    4: ('intermediate', 2, 'What is text generation?'),
    5: ('intermediate', 2, 'What is sequence-to-sequence learning?'),
    6: ('intermediate', 1, 'What is sentiment analysis?'),
    7: ('intermediate', 1, 'What is text classification?'),
    8: ('intermediate', 2, 'What is attention mechanism in NLP?'),
    9: ('intermediate', 1, 'What is word embedding?'),
    10: ('intermediate', 2, 'What decoding strategies do language models use: greedy, beam search, top-k, top-p and temperature?'),
    11: ('senior', 7, 'What is LoRA and how does parameter-efficient fine-tuning work?'),
    12: ('intermediate', 1, 'What is named entity recognition and how is it framed as sequence labeling?'),
    13: ('senior', 3, 'What are key differences between training and inference computation graphs in transformers?'),
    14: ('senior', 9, 'How do LLMs manage context window limitations during long conversations?'),
    15: ('senior', 3, 'What is the role of activation functions in transformer expressivity?'),
    16: ('senior', 8, 'How do LLM serving systems handle real-time concurrency at scale?'),
    17: ('senior', 5, 'How do embeddings encode semantic geometry in vector spaces?'),
    18: ('senior', 3, 'What is the difference between dense and sparse attention mechanisms?'),
    19: ('senior', 9, 'How do LLMs internally approximate probability distributions over sequences?'),
    20: ('senior', 4, 'What is the role of tokenization in shaping model intelligence?'),
    21: ('senior', 6, 'How do transformer-based models handle memory constraints during training?'),
    22: ('senior', 9, 'What are failure modes of large language models in reasoning tasks?'),
    23: ('senior', 7, 'How do modern LLMs implement instruction tuning at scale?'),
    24: ('senior', 3, 'What is the mathematical intuition behind self-attention as a kernel function?'),
    25: ('senior', 3, 'How do transformer models represent and propagate information across layers?'),
    26: ('senior', 3, 'What is the role of residual connections in transformer depth scaling?'),
    27: ('senior', 9, 'How do LLMs handle ambiguity in natural language queries?'),
    28: ('senior', 6, 'What are compute-optimal scaling laws in NLP?'),
    29: ('senior', 9, 'How do LLMs simulate reasoning chains internally?'),
    30: ('senior', 7, 'What is catastrophic interference in continual learning for NLP?'),
    31: ('senior', 5, 'How do vector databases scale to billions of embeddings?'),
    32: ('senior', 3, 'How do transformer feed-forward layers contribute to representation learning?'),
    33: ('senior', 6, 'What causes training instability in very large language models?'),
    34: ('senior', 3, 'How do positional encoding methods impact transformer generalization?'),
    35: ('senior', 9, 'How do modern LLMs achieve in-context learning without weight updates?'),
    36: ('senior', 3, 'What are theoretical limitations of attention mechanisms?'),
    37: ('senior', 9, 'How do transformer models internally represent uncertainty in next-token prediction?'),
    38: ('senior', 6, 'What is self-supervised learning in NLP and why is it effective?'),
    39: ('senior', 3, 'How does attention scaling behave mathematically with sequence length?'),
    40: ('senior', 9, 'How do transformer models handle uncertainty in predictions?'),
    41: ('senior', 6, 'What is activation checkpointing vs gradient checkpointing?'),
    42: ('senior', 4, 'How do LLMs handle multilingual tokenization challenges?'),
    43: ('senior', 5, 'What is retrieval latency optimization in large-scale RAG systems?'),
    44: ('senior', 3, 'How do transformers encode hierarchical structure without explicit trees?'),
    45: ('senior', 6, 'How does gradient noise scale impact large model training stability?'),
    46: ('senior', 9, 'What are emergent abilities in large language models?'),
    47: ('senior', 8, 'What is speculative decoding and how does it improve LLM inference speed?'),
    48: ('senior', 8, 'How does KV caching optimize autoregressive decoding in transformers?'),
    49: ('senior', 8, 'What are trade-offs between model size and inference latency in NLP systems?'),
    50: ('senior', 5, 'How do embedding models handle polysemy in natural language?'),
    51: ('senior', 7, 'What is reinforcement learning instability in large language models?'),
    52: ('senior', 3, 'How does attention interpret long-range dependencies in text?'),
    53: ('senior', 8, 'What are key bottlenecks in deploying LLMs at scale in production systems?'),
    54: ('senior', 9, 'How do LLMs perform reasoning without explicit symbolic logic?'),
    55: ('senior', 9, 'How do long-context transformers degrade in performance as sequence length increases?'),
    56: ('senior', 7, 'What is the difference between alignment and fine-tuning in LLM training?'),
    57: ('senior', 3, 'How do transformer models internally represent syntactic structure without explicit grammar rules?'),
    58: ('senior', 5, 'What is the theoretical difference between probabilistic and embedding-based retrieval in NLP?'),
    59: ('senior', 6, 'How does Mixture of Experts routing collapse happen and how is it prevented?'),
    60: ('senior', 9, 'How do LLMs perform tool use and function calling?'),
    61: ('senior', 6, 'What are sparsity techniques in neural NLP models?'),
    62: ('senior', 5, 'How do embedding spaces encode semantic structure?'),
    63: ('senior', 6, 'What is catastrophic scaling instability in LLM training?'),
    64: ('senior', 9, 'How do modern NLP systems reduce hallucinations in production?'),
    65: ('senior', 3, 'What is attention collapse in large transformer models?'),
    66: ('senior', 4, 'How do transformers handle rare or unseen words?'),
    67: ('senior', 6, 'What is gradient checkpointing in deep NLP models?'),
    68: ('senior', 9, 'How do LLMs handle long-context limitations?'),
    69: ('senior', 9, 'What are evaluation challenges in NLP models beyond accuracy?'),
    70: ('senior', 2, 'What is the difference between encoder-only, decoder-only, and encoder-decoder architectures?'),
    71: ('senior', 6, 'How do large-scale NLP systems handle distributed training across thousands of GPUs?'),
    72: ('senior', 9, 'How does prompt engineering influence LLM behavior?'),
    73: ('senior', 8, 'What is inference optimization in NLP systems?'),
    74: ('senior', 9, 'What is hallucination in large language models?'),
    75: ('senior', 4, 'How do multilingual NLP models handle different languages?'),
    76: ('senior', 7, 'What is knowledge distillation in NLP models?'),
    77: ('senior', 8, 'What is model quantization in NLP?'),
    78: ('senior', 5, 'How do vector databases support modern NLP systems?'),
    79: ('senior', 8, 'What is FlashAttention and why is it important?'),
    80: ('senior', 7, 'How does Reinforcement Learning from Human Feedback (RLHF) work in NLP models?'),
    81: ('senior', 6, 'What is Mixture of Experts (MoE) in large language models?'),
    82: ('senior', 2, 'How do embeddings evolve in contextual models like BERT?'),
    83: ('senior', 7, 'What is catastrophic forgetting in NLP models?'),
    84: ('senior', 3, 'How do transformer attention layers scale with sequence length?'),
    85: ('senior', 6, 'How do large language models scale computationally?'),
    86: ('intermediate', 1, 'What is perplexity and what does it measure?'),
    87: ('senior', 7, 'What is Direct Preference Optimization (DPO) and how does it compare with RLHF?'),
    88: ('senior', 5, 'How do you design a retrieval-augmented generation (RAG) pipeline?'),
}

# The controlled vocabulary of page tags (front matter `tags:`).
TAGS = frozenset({
    "alignment", "architecture", "attention", "classification", "decoding", "distributed",
    "efficiency", "embeddings", "evaluation", "fine-tuning", "foundations", "generation",
    "inference", "interpretability", "long-context", "math", "memory", "multilingual",
    "numerics", "optimization", "probability", "quantization", "rag", "reasoning",
    "reliability", "retrieval", "scaling", "serving", "similarity", "systems",
    "tokenization", "training",
})

# The sections every question page has, in this order (level-2 headings).
SECTIONS = ("Short answer", "Full answer", "Pitfalls", "Follow-ups", "References")
MAX_SHORT_ANSWER_WORDS = 90  # about 30 seconds said aloud
MIN_PITFALLS = 3
MIN_FOLLOWUPS = 3
