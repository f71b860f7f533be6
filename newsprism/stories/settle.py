"""Settling: the articles of stories that just changed, grouped again as a whole.

The single pass places each article once, against the stories open at that moment,
so the order of arrival decides more than it should: an early article that scored
just above the threshold pulls the story's centroid toward its own topic, and the
next day's development joins because the centroid now resembles it. Settling looks
at a neighbourhood of stories again with everything seen since: every pair of their
articles is scored by the same learned scorer (as two one-article stories), and
average-linkage agglomerative clustering (scipy) joins groups while their articles'
mean pair probability reaches the threshold. A group joins another only when most of
its articles agree, not when one bridges them.

On the hand-labelled AllSides stream (title + lede), stories of 2+: 0.780 / 0.568
BCubed / pairwise F1 with the single pass alone, 0.816 / 0.669 with settling; the
triplets 0.877 / 0.768 → 0.892 / 0.790 (README, How the numbers are made).

Average linkage never joins two groups unless some pair of their articles reaches
the threshold, so the connected components of the graph of such pairs are grouped
one at a time: the work is quadratic in a component, not in the neighbourhood.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform


def average_linkage_groups(probabilities: np.ndarray, threshold: float) -> list[int]:
    """A group number for each item: items joined while the mean pair probability
    between two groups reaches ``threshold``. ``probabilities`` is square and
    symmetric; the diagonal is ignored. Numbers follow the items' order (the first
    item's group is 0), so the result does not depend on scipy's numbering."""
    count = len(probabilities)
    if count == 0:
        return []
    strong = csr_matrix(probabilities >= threshold)
    _, component = connected_components(strong, directed=False)
    labels = np.full(count, -1, dtype=np.int64)
    next_label = 0
    for number in np.unique(component):
        items = np.flatnonzero(component == number)
        block = probabilities[np.ix_(items, items)]
        np.fill_diagonal(block, 1.0)
        if block.min() >= threshold:
            # Every pair reaches it (one article, two, most stories): one group, and
            # scipy's tree would say the same at a cost.
            groups = np.zeros(len(items), dtype=np.int64)
        else:
            distances = 1.0 - block
            np.fill_diagonal(distances, 0.0)
            tree = linkage(squareform(distances, checks=False), method="average")
            # Distances up to 1 - threshold are joined (<=, so "reaches" holds).
            groups = fcluster(tree, t=1.0 - threshold, criterion="distance")
        labels[items] = _renumbered(groups) + next_label
        next_label = int(labels[items].max()) + 1
    return _renumbered(labels).tolist()


def _renumbered(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0, 1, 2… in order of first appearance."""
    first: dict[int, int] = {}
    return np.fromiter(
        (first.setdefault(int(label), len(first)) for label in labels), np.int64, len(labels)
    )


def keys_for_groups(
    groups: Sequence[int], current: Sequence[int], new_key: Callable[[int], int]
) -> list[int]:
    """The story key each group takes: stories keep their ids where they can.

    A group takes the key of the story most of its articles are in, the largest
    overlap first (ties: the older, smaller key); each key goes to one group. A group
    left without one (a story split in two) gets ``new_key(group)``. Returns the key
    of each item."""
    overlap = Counter(zip(groups, current, strict=True))
    claimed_keys: set[int] = set()
    key_of_group: dict[int, int] = {}
    # The largest overlap first; on a tie the older (smaller) key, then the first group.
    ranked = sorted(overlap.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    for (group, key), _ in ranked:
        if group in key_of_group or key in claimed_keys:
            continue
        key_of_group[group] = key
        claimed_keys.add(key)
    for group in dict.fromkeys(groups):
        if group not in key_of_group:
            key_of_group[group] = new_key(group)
    return [key_of_group[group] for group in groups]


__all__ = ["average_linkage_groups", "keys_for_groups"]
