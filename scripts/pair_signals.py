"""Try a pair signal offline: whole streams grouped at once from article-pair scores.

    python scripts/pair_signals.py [--corpora DIR] [--cache FILE] [--embeddings FILE]
        [--dump-texts FILE]

Every pair of a stream's articles within the clustering window (3 days) is scored by
a logistic regression over the clusterer's signals (``scorer.FEATURES`` but the
story's size: embedding cosine, the three TF-IDF cosines, days apart), learned on the
pairs of the dev corpora (each stream weighing the same), and the whole stream is
grouped at once by average linkage at the settling threshold
(``newsprism.stories.settle``). That tracks the shipped clusterer, which settles
batch by batch, to about 0.01 (the triplets 0.898 / 0.805 this way, 0.892 / 0.790 in
``eval stories``) in about 15 seconds with a warm ``--cache``, where the learning
script takes 4–5 minutes (``--no-lodo``), so it is where a signal is tried before it
is built into the online clusterer. Document frequencies
are the whole stream's (the clusterer's grow as the stream goes).

Variants, each learned again on the dev corpora's pairs:

``pairs``        the signals alone
``csls-3/5``     the embedding cosine less the mean of each article's 3 (5) best
                 cosines in the window: the usual cure for "hub" texts near
                 everything (cross-domain similarity local scaling)
``mutual``       a further signal: 1 where each article is among the other's two
                 nearest by the ``pairs`` score and that score is above
                 ``MUTUAL_MIN_PROBABILITY`` (a logit of −1)
``mutual-ol``    the same, only for two different outlets

and, not learned: ``shipped``, the shipped coefficients as settling scores pairs
(size 0), and ``shipped+ol``, those with ``SHIPPED_BONUS`` added to the logit of a
``mutual-ol`` pair — the way settling could use that signal.

The README (*How the numbers are made*, the list of what was tried) gives what they
score and why none is shipped: the relative variants learn that every article has a
mate, true of the triplets and false of UCI and of the whole hand-labelled stream.

``--embeddings`` replaces USE v3 by another model's vectors, for a model the product
does not ship: a pickle of {stream name: matrix, rows in the order of the texts that
``--dump-texts`` writes (a pickle of {stream name: [text, …]})}. The README's
all-mpnet-base-v2 figures were made that way, the texts embedded by
sentence-transformers (normalised).
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from learn_story_scorer import (  # noqa: E402 (the script beside this one)
    Stream,
    fit_logistic,
    load_streams,
    stories_of_two_or_more,
)

from newsprism.stories import scorer  # noqa: E402
from newsprism.stories.cluster import embedding_text, term_text  # noqa: E402
from newsprism.stories.metrics import bcubed, pairwise  # noqa: E402
from newsprism.stories.settle import average_linkage_groups  # noqa: E402
from newsprism.stories.sparse import TermSpace, pair_cosines  # noqa: E402

WINDOW_DAYS = 3.0
MUTUAL_NEAREST = 2
MUTUAL_MIN_PROBABILITY = 1 / (1 + math.exp(1.0))  # a logit of −1
# Added to the shipped logit of a mutual pair of other outlets (``shipped+ol``).
SHIPPED_BONUS = 4.0


@dataclass
class Pairs:
    """A stream's pair signals: (n, n, k) features and the days between articles."""

    name: str
    gold: list[str]
    outlets: np.ndarray
    features: np.ndarray
    days: np.ndarray


def pair_signals(stream: Stream, embeddings: np.ndarray) -> Pairs:
    space = TermSpace()
    texts = [term_text(a.title, a.lede, a.text) for a in stream.articles]
    for text in texts:
        space.vector(text, observe=True)
    sparse = pair_cosines([space.vector(text, observe=False) for text in texts])
    stamps = np.array([a.published.timestamp() for a in stream.articles])
    days = np.abs(stamps[:, None] - stamps[None, :]) / 86400
    dense = embeddings @ embeddings.T
    # Where a line names no outlet (UCI), its URL's host does, as a feed's would.
    outlets = np.array([a.outlet_domain or urlsplit(a.url).hostname or "" for a in stream.articles])
    features = np.stack([dense, sparse[0], sparse[1], sparse[2], days], axis=-1)
    return Pairs(stream.name, stream.gold, outlets, features, days)


def nearest_ranks(similarity: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Each row's rank (1 = nearest) of every other article within the window."""
    masked = np.where(days <= WINDOW_DAYS, similarity, -np.inf)
    np.fill_diagonal(masked, -np.inf)
    order = np.argsort(-masked, axis=1, kind="stable")
    ranks = np.empty_like(order)
    ranks[np.arange(len(order))[:, None], order] = np.arange(1, len(order) + 1)
    return ranks


def csls(k: int) -> Callable[[Pairs, np.ndarray], np.ndarray]:
    def variant(pairs: Pairs, base: np.ndarray) -> np.ndarray:
        dense = np.where(pairs.days <= WINDOW_DAYS, pairs.features[..., 0], -np.inf)
        np.fill_diagonal(dense, -np.inf)
        best = -np.sort(-dense, axis=1)[:, :k]
        found = np.isfinite(best)
        local = np.where(found, best, 0).sum(axis=1) / np.maximum(found.sum(axis=1), 1)
        features = pairs.features.copy()
        features[..., 0] -= (local[:, None] + local[None, :]) / 2
        return features

    return variant


def mutual(other_outlets: bool) -> Callable[[Pairs, np.ndarray], np.ndarray]:
    def variant(pairs: Pairs, base: np.ndarray) -> np.ndarray:
        ranks = nearest_ranks(base, pairs.days)
        near = (np.maximum(ranks, ranks.T) <= MUTUAL_NEAREST) & (base > MUTUAL_MIN_PROBABILITY)
        # An article with fewer than two others in its window ranks the rest (itself
        # too) next: those are no neighbours.
        near &= pairs.days <= WINDOW_DAYS
        np.fill_diagonal(near, False)
        if other_outlets:
            named = pairs.outlets != ""
            near &= (pairs.outlets[:, None] != pairs.outlets[None, :]) & named[:, None]
        return np.concatenate([pairs.features, near[..., None].astype(float)], axis=-1)

    return variant


VARIANTS: dict[str, Callable[[Pairs, np.ndarray], np.ndarray]] = {
    "pairs": lambda pairs, base: pairs.features,
    "csls-3": csls(3),
    "csls-5": csls(5),
    "mutual": mutual(other_outlets=False),
    "mutual-ol": mutual(other_outlets=True),
}


def training_rows(pairs: Pairs, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    upper = np.triu_indices(len(pairs.gold), 1)
    close = pairs.days[upper] <= WINDOW_DAYS
    gold = np.asarray(pairs.gold)
    same = (gold[:, None] == gold[None, :])[upper][close]
    return features[upper][close], same.astype(float)


def learn(train: list[Pairs], features: dict[str, np.ndarray]) -> tuple[np.ndarray, float]:
    rows, labels, weights = [], [], []
    for pairs in train:
        x, y = training_rows(pairs, features[pairs.name])
        rows.append(x)
        labels.append(y)
        weights.append(np.full(len(y), 1000.0 / max(len(y), 1)))  # each stream the same
    coefficients, intercept = fit_logistic(
        np.vstack(rows), np.concatenate(labels), np.concatenate(weights)
    )
    return np.asarray(coefficients), intercept


def probabilities(features: np.ndarray, weights: np.ndarray, intercept: float) -> np.ndarray:
    """The scorer's P(same story) of every pair (``scorer.probabilities``)."""
    flat = features.reshape(-1, features.shape[-1])
    found = scorer.probabilities(flat, weights=tuple(weights), intercept=intercept)
    return found.reshape(features.shape[:-1])


def grouped(pairs: Pairs, pair_probabilities: np.ndarray) -> tuple[float, float]:
    within = np.where(pairs.days <= WINDOW_DAYS, pair_probabilities, 0.0)
    groups = average_linkage_groups(within, scorer.SETTLE_THRESHOLD)
    return bcubed(pairs.gold, groups).f1, pairwise(pairs.gold, groups).f1


def streams_to_check(loaded: list[Stream]) -> tuple[list[Stream], list[Stream]]:
    """(dev streams learned on, hand-labelled streams only checked)."""
    # UCI has headlines only: its title + lede variant is itself.
    dev = [s for s in loaded if s.corpus != "allsides" and s.name != "uci (title+lede)"]
    hand_labelled, triplets = [s for s in loaded if s.corpus == "allsides"]
    return dev, [hand_labelled, stories_of_two_or_more(hand_labelled), triplets]


def run(dev: list[Stream], checks: list[Stream], embeddings: dict[str, np.ndarray]) -> dict:
    """{variant: {stream name: (BCubed F1, pairwise F1)}} for every variant and the
    shipped coefficients."""
    pairs = {s.name: pair_signals(s, embeddings[s.name]) for s in dev + checks}
    train = [pairs[s.name] for s in dev]
    plain = {name: p.features for name, p in pairs.items()}
    coefficients, intercept = learn(train, plain)
    base = {name: probabilities(f, coefficients, intercept) for name, f in plain.items()}
    # Not learned: the shipped coefficients as settling uses them (size 0), alone and
    # with the mutual signal for other outlets as a fixed bonus to the logit.
    shipped = np.asarray(scorer.WEIGHTS[:5])
    with_bonus = np.append(shipped, SHIPPED_BONUS)
    scores: dict[str, dict[str, tuple[float, float]]] = {"shipped": {}, "shipped+ol": {}}
    for name, p in pairs.items():
        as_shipped = probabilities(plain[name], shipped, scorer.INTERCEPT)
        flagged = mutual(other_outlets=True)(p, as_shipped)
        scores["shipped"][name] = grouped(p, as_shipped)
        scores["shipped+ol"][name] = grouped(
            p, probabilities(flagged, with_bonus, scorer.INTERCEPT)
        )
    for variant, make in VARIANTS.items():
        features = {name: make(p, base[name]) for name, p in pairs.items()}
        coefficients, intercept = learn(train, features)
        print(f"{variant:10} coefficients {np.round(coefficients, 2)} intercept {intercept:.2f}")
        scores[variant] = {
            name: grouped(p, probabilities(features[name], coefficients, intercept))
            for name, p in pairs.items()
        }
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/data/corpora"))
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file")
    parser.add_argument("--embeddings", type=Path, default=None, help="another model's vectors")
    parser.add_argument("--dump-texts", type=Path, default=None, help="write the texts, stop")
    args = parser.parse_args()
    dev, checks = streams_to_check(load_streams(args.corpora, args.cache))
    if args.dump_texts:
        texts = {
            s.name: [embedding_text(a.title, a.lede, a.text) for a in s.articles]
            for s in dev + checks
        }
        args.dump_texts.write_bytes(pickle.dumps(texts))
        return
    embeddings = {s.name: s.embeddings for s in dev + checks}
    if args.embeddings:
        embeddings = pickle.loads(args.embeddings.read_bytes())
    scores = run(dev, checks, embeddings)
    names = [s.name for s in checks + dev]
    print(f"\n{'stream':42}" + "".join(f"{variant:>16}" for variant in scores))
    for name in names:
        cells = "".join(f"{f'{b:.3f} / {p:.3f}':>16}" for b, p in (scores[v][name] for v in scores))
        print(f"{name:42}{cells}")


if __name__ == "__main__":
    main()
