"""Memory arithmetic of a vector index at a billion vectors, and the shards it needs.

Follows: storage per vector of a flat index (d floats), scalar quantization
(one byte or one bit per dimension), product quantization with m sub-quantizers
of nbits each (Jégou, Douze & Schmid, TPAMI 2011), the inverted lists' 8-byte
ids and coarse centroids of an IVF index, and HNSW's graph links as the Faiss
guideline counts them, d * 4 + M * 2 * 4 bytes per vector (Malkov & Yashunin,
TPAMI 2020; Faiss wiki, "Guidelines to choose an index").
Simplifications: decimal units (1 GB = 1e9 bytes); HNSW's upper layers, which
add about 1 / ln(M) of a layer-0 list per vector, are ignored as in the Faiss
guideline; no allocator slack, metadata, or write buffers.
"""

import math

GB = 1e9


def bytes_per_vector(d, kind, m=None, nbits=8):
    """Bytes to store one d-dimensional vector as fp32, fp16, int8, binary or PQ
    (m x nbits).

    >>> bytes_per_vector(768, "fp32"), bytes_per_vector(768, "pq", m=64)
    (3072, 64)
    """
    if kind == "pq":
        return m * nbits // 8
    bits = {"fp32": 32, "fp16": 16, "int8": 8, "binary": 1}[kind]
    return d * bits // 8


def ivf_bytes(n, code_bytes, nlist, d, id_bytes=8):
    """An IVF index: n codes with their ids in the lists, plus nlist fp32 coarse centroids.

    >>> ivf_bytes(10**9, 64, 65536, 768) / GB
    72.201326592
    """
    return n * (code_bytes + id_bytes) + nlist * d * 4


def hnsw_bytes(n, d, M, vector_bytes=None):
    """An HNSW index: each vector plus 2M four-byte links on layer 0 (Faiss's d*4 + M*2*4).

    >>> hnsw_bytes(10**9, 768, 32) / GB
    3328.0
    """
    vector_bytes = 4 * d if vector_bytes is None else vector_bytes
    return n * (vector_bytes + 2 * M * 4)


def shards_needed(total_bytes, usable_bytes_per_node):
    """Smallest number of equal shards whose slice fits in one node's usable memory.

    >>> shards_needed(3.072e12, 192e9)
    16
    """
    # subtle: divide in integers so that a quotient that is whole does not round up by error
    return max(1, -(-round(total_bytes) // round(usable_bytes_per_node)))


def nodes_needed(total_bytes, usable_bytes_per_node, replicas):
    """Machines for a sharded, replicated index: shards x replicas.

    >>> nodes_needed(72.2e9, 192e9, replicas=3)
    3
    """
    return shards_needed(total_bytes, usable_bytes_per_node) * replicas


def compression_ratio(d, code_bytes):
    """How many times smaller than fp32 a code of code_bytes is.

    >>> compression_ratio(768, 64)
    48.0
    """
    return 4 * d / code_bytes


def pq_bits_per_dim(d, m, nbits=8):
    """Bits per dimension spent by an m x nbits PQ code.

    >>> round(pq_bits_per_dim(768, 64), 3)
    0.667
    """
    return m * nbits / d


def table_bytes_per_query(m, nbits=8, float_bytes=4):
    """Size of one ADC look-up table: m x 2**nbits distances (Jégou et al., 2011).

    >>> table_bytes_per_query(64)
    65536
    """
    return m * 2**nbits * float_bytes



def ivf_distance_computations(n, nlist, nprobe):
    """Distances per IVF query: nlist to the centroids, then n * nprobe / nlist codes
    in the lists.

    >>> ivf_distance_computations(10**6, 1000, 10)
    11000.0
    """
    return nlist + n * nprobe / nlist


def best_nlist(n, nprobe):
    """The nlist that minimises nlist + n * nprobe / nlist: sqrt(n * nprobe).

    >>> round(best_nlist(10**9, 16))
    126491
    """
    return math.sqrt(n * nprobe)
