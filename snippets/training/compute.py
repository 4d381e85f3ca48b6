"""Training and inference compute of a dense decoder: FLOPs per token, per run, and MFU.

A matrix multiply of a (1, n) row by an (n, m) weight costs 2nm FLOPs (a multiply and an
add per weight), so one token's forward pass through N weights costs about 2N. The backward
pass computes two products per weight matrix, the gradient with respect to the input and
with respect to the weight, each as costly as the forward one: 4N. Training is 6N per token,
and a run over D tokens C = 6ND. Attention scores add a term that grows with context.

Follows: Kaplan et al. (2020), Sec. 2.1 and Table 1, for C_forward = 2N + 2 n_layer n_ctx
d_attn and C = 6N per training token; Chowdhery et al. (2022), Appendix B, for model FLOPs
utilisation and its per-token count 6N + 12 L H Q T.
Simplifications: embeddings, norms, softmax and the optimiser step are left out (each is
below 1% of the total for billion-parameter models); no activation recomputation (MFU counts
only the FLOPs the model needs, not those a recomputation repeats).
"""


def forward_flops_per_token(n_params, n_layers=0, n_ctx=0, d_attn=0):
    """Forward FLOPs of one token: 2N for the weights plus 4 L n_ctx d_attn for attention.

    The attention term is QK^T and PV over the full n_ctx context (2 d_attn FLOPs each per
    key); a causal mask leaves half of it as useful work, Kaplan et al.'s 2 L n_ctx d_attn.

    >>> forward_flops_per_token(7e9)
    14000000000.0
    """
    return 2.0 * n_params + 4.0 * n_layers * n_ctx * d_attn


def training_flops_per_token(n_params, n_layers=0, n_ctx=0, d_attn=0):
    """Forward plus backward FLOPs of one token: three times the forward pass.

    With n_layers, n_ctx, d_attn this is PaLM's model FLOPs, 6N + 12 L n_ctx d_attn.

    >>> training_flops_per_token(7e9)
    42000000000.0
    """
    # backward = 2 x forward: one product for the input gradient, one for the weight's.
    return 3.0 * forward_flops_per_token(n_params, n_layers, n_ctx, d_attn)


def training_flops(n_params, n_tokens):
    """Training compute of a run, C = 6 N D FLOPs.

    >>> f"{training_flops(175e9, 300e9):.3g}"  # GPT-3
    '3.15e+23'
    """
    return 6.0 * n_params * n_tokens


def attention_fraction(n_params, n_layers, n_ctx, d_attn):
    """Share of a token's forward FLOPs spent on attention scores: 4 L n_ctx d / total.

    >>> round(attention_fraction(175e9, 96, 2048, 12288), 3)  # GPT-3 at 2k tokens
    0.027
    """
    attn = 4.0 * n_layers * n_ctx * d_attn
    return attn / forward_flops_per_token(n_params, n_layers, n_ctx, d_attn)


def mfu(tokens_per_second, flops_per_token, n_chips, peak_flops):
    """Model FLOPs utilisation: model FLOPs per second achieved over the chips' peak.

    >>> mfu(1000.0, 6e9, 1, 12e12)
    0.5
    """
    return tokens_per_second * flops_per_token / (n_chips * peak_flops)


def training_days(total_flops, n_chips, peak_flops, utilisation):
    """Wall-clock days of a run at a given MFU, without restarts or downtime.

    >>> training_days(86400e15, 1, 1e15, 1.0)
    1.0
    """
    return total_flops / (n_chips * peak_flops * utilisation) / 86400.0
