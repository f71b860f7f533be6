"""Clustering quality against gold story labels: BCubed and pairwise precision/recall.

BCubed (Bagga & Baldwin 1998; Amigó et al. 2009) scores each article: precision is the
share of its predicted story that shares its gold story, recall the share of its gold
story found in its predicted story, averaged over articles. Pairwise scores count
article pairs put together (predicted) versus belonging together (gold); they punish
a wrong merge of two big stories far harder, which is why both are reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")
    if not gold:
        return Scores(0.0, 0.0)
    joint = Counter(zip(gold, predicted, strict=True))
    gold_sizes, predicted_sizes = Counter(gold), Counter(predicted)
    precision = recall = 0.0
    for (g, p), together in joint.items():
        # Each of the `together` articles sees `together` matching articles.
        precision += together * together / predicted_sizes[p]
        recall += together * together / gold_sizes[g]
    return Scores(precision / len(gold), recall / len(gold))


def pairwise(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")

    def pairs(count: int) -> int:
        return count * (count - 1) // 2

    both = sum(pairs(n) for n in Counter(zip(gold, predicted, strict=True)).values())
    predicted_pairs = sum(pairs(n) for n in Counter(predicted).values())
    gold_pairs = sum(pairs(n) for n in Counter(gold).values())
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / gold_pairs if gold_pairs else 1.0
    return Scores(precision, recall)


def singleton_floor(gold: Sequence[Hashable]) -> Scores:
    """BCubed of putting every article in a story of its own."""
    return bcubed(gold, list(range(len(gold))))


def exact_stories(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> int:
    """Gold stories reproduced exactly: same articles, nothing more."""
    gold_sets: dict[Hashable, set[int]] = defaultdict(set)
    predicted_sets: dict[Hashable, set[int]] = defaultdict(set)
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        gold_sets[g].add(index)
        predicted_sets[p].add(index)
    found = {frozenset(members) for members in predicted_sets.values()}
    return sum(frozenset(members) in found for members in gold_sets.values())
