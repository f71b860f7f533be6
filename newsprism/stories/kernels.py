"""The clustering step's innermost loops, compiled (numba).

Placing one article walks a dozen candidate stories' sparse sums and merges its own
vector into one of them. In numpy each of those is a dozen calls on arrays of a few
hundred ids, so the calls' overhead, not the arithmetic, was most of the time: the
sparse cosines and the sum merge were over a quarter of ``bench/cluster.py``. Here each is
one pass over sorted ids.

Every loop adds in the order the numpy code it replaced did (a story's ids in
ascending order), so the cosines and sums are the same to the last bit and the same
stream gives the same stories as before. Compiled on first use and cached beside this
file (``cache=True``), so only the first process after an install pays the two seconds
it takes. Imported where first needed, not at the top of ``sparse``: numba adds ~70 MB
and 0.4 s to a process, which the worker process (it only tokenises) and the web
server never need.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def cosines_with_sum(
    ids: np.ndarray,
    values: np.ndarray,
    sum_ids: np.ndarray,
    sum_values: np.ndarray,
    sum_norm_sq: np.ndarray,
    space_bits: int,
    out: np.ndarray,
) -> None:
    """Write to ``out`` (one cell per signal, ``id >> space_bits``) the cosine of a
    vector whose signals each have unit length (sorted ``ids``) with a sum (sorted
    ``sum_ids``, each signal's squared norm in ``sum_norm_sq``); 0 where the sum has
    none of a signal.

    Shared ids are found by walking both id lists, or, against a sum many times
    longer (a story of dozens of articles), by binary search for each of the
    vector's ids in what is left of the sum's. Either way in ascending id order."""
    dots = np.zeros(len(out))
    size, sum_size = len(ids), len(sum_ids)
    if sum_size > 8 * size:
        low = 0
        for i in range(size):
            target = ids[i]
            high = sum_size
            while low < high:
                middle = (low + high) >> 1
                if sum_ids[middle] < target:
                    low = middle + 1
                else:
                    high = middle
            if low == sum_size:
                break
            if sum_ids[low] == target:
                dots[target >> space_bits] += sum_values[low] * values[i]
    else:
        i = j = 0
        while i < size and j < sum_size:
            if ids[i] < sum_ids[j]:
                i += 1
            elif ids[i] > sum_ids[j]:
                j += 1
            else:
                dots[ids[i] >> space_bits] += sum_values[j] * values[i]
                i += 1
                j += 1
    for signal in range(len(out)):
        norm = np.sqrt(sum_norm_sq[signal])
        out[signal] = dots[signal] / norm if norm > 0 else 0.0


@njit(cache=True, nogil=True)
def merge_sums(
    ids: np.ndarray,
    values: np.ndarray,
    other_ids: np.ndarray,
    other_values: np.ndarray,
    space_bits: int,
    signals: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sum of two sparse vectors with sorted unique ids: its ids, its values and
    each signal's (``id >> space_bits``) squared norm."""
    size, other_size = len(ids), len(other_ids)
    merged_ids = np.empty(size + other_size, np.int64)
    merged_values = np.empty(size + other_size, np.float64)
    i = j = count = 0
    while i < size and j < other_size:
        if ids[i] < other_ids[j]:
            merged_ids[count], merged_values[count] = ids[i], values[i]
            i += 1
        elif ids[i] > other_ids[j]:
            merged_ids[count], merged_values[count] = other_ids[j], other_values[j]
            j += 1
        else:
            merged_ids[count], merged_values[count] = ids[i], values[i] + other_values[j]
            i += 1
            j += 1
        count += 1
    while i < size:
        merged_ids[count], merged_values[count] = ids[i], values[i]
        i += 1
        count += 1
    while j < other_size:
        merged_ids[count], merged_values[count] = other_ids[j], other_values[j]
        j += 1
        count += 1
    norm_sq = np.zeros(signals)
    for k in range(count):
        norm_sq[merged_ids[k] >> space_bits] += merged_values[k] * merged_values[k]
    return merged_ids[:count].copy(), merged_values[:count].copy(), norm_sq
