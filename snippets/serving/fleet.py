"""Fleet operations: how long a replica takes to start and how often it fails.

Follows: cold start as weight bytes over the slowest link on the load path
(the bottleneck that ServerlessLLM, Fu et al., 2024, attacks with multi-tier
local checkpoint storage); failure rates scaled from the Llama 3 report
(Grattafiori et al., 2024): 419 unexpected interruptions in a 54-day snapshot
of Llama 3 405B pre-training, a job on up to 16K H100 GPUs.
Simplifications: engine initialization (memory profiling, CUDA graphs,
warm-up) is not modelled; the report gives "up to 16K" GPUs, taken here as
16,384 for the whole snapshot; failures scale linearly with the number of GPUs
and are taken from a training workload, not a serving one.
"""


def cold_start_seconds(weight_bytes_total, load_bytes_per_s):
    """Seconds to stream the weights to the GPUs at a given bandwidth.

    >>> cold_start_seconds(16e9, 1.25e9)
    12.8
    """
    return weight_bytes_total / load_bytes_per_s


def interruptions_per_day(n_gpus, events=419, fleet_gpus=16384, days=54):
    """Expected interruptions per day for n_gpus at the Llama 3 rate.

    >>> round(interruptions_per_day(16384), 2)
    7.76
    """
    return n_gpus * events / (fleet_gpus * days)
