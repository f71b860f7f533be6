"""Online story clustering: each article, in time order, joins the best open story or
starts a new one.

Two stages. Retrieval: the ``candidates`` open stories (seen within ``window_hours``)
whose embedding centroids are most similar to the article's embedding, from one
matrix product per batch (``index.CentroidIndex``). Scoring: for each candidate a few
signals — embedding similarity to the centroid, TF-IDF cosines of the headline and
opening, of the headline alone and of the names and numbers, the days apart and the
story's size — go through a logistic regression learned on the dev corpora
(``scorer``). The article joins the most probable story when that probability
reaches ``threshold``, else it starts a story.

Dense multilingual embeddings catch paraphrase and other languages; the sparse
signals catch the names and rare words that tell two events of one topic apart (a
shutdown story and the next day's impeachment row); the days apart stop a
long-running topic from swallowing its follow-up events.

Merging: an article that scores above the threshold against two stories bridges
them. After it joins the better one, the two stories are scored against each other
with the same signals (centroid against centroid) and merged when that reaches
``merge_threshold``: two stories that began apart and turned out to be one event.

Settling: at the end of each batch (``settle``) the stories it changed, and the ones
its articles came near, are grouped again all at once — every pair of their articles
scored by the same scorer, average-linkage clustering over those probabilities
(``newsprism.stories.settle``) — so the order articles arrived in stops deciding
where they end up. Stories keep their keys where most of their articles stay.

Deterministic: the same articles in the same order give the same stories.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from newsprism.nlp.text import clean, first_words
from newsprism.stories import scorer
from newsprism.stories.index import CentroidIndex, MemberMatrix
from newsprism.stories.settle import average_linkage_groups, keys_for_groups
from newsprism.stories.sparse import (
    SparseSum,
    SparseVector,
    TermSpace,
    Tokens,
    pair_cosines,
    story_cosines,
)

# Words of the text that the TF-IDF signals read after the headline. Where a feed gives
# only a lede that is all of it; where there is a body, 300 words find more of what
# two reports of one event share (GiveMe5W1H: 0.806/0.701 against 0.79/0.68 with 60).
TERM_WORDS = 300
# An article's candidate stories that scored at least this are looked at again when the
# batch settles (``StoryClusterer.settle``), beside the story it joined.
NEAR = 0.1


def embedding_text(title: str, lede: str, text: str) -> str:
    """What the clusterer embeds: the headline and the opening of the article (30 words score as
    well as 60 on the dev sets and cost half the embedding time)."""
    return f"{clean(title)}. {_opening(lede or text, 30)}".strip(". ")


def term_text(title: str, lede: str, text: str) -> str:
    """What the clusterer weighs by TF-IDF: the headline on the first line, then the opening
    of the text."""
    return f"{clean(title)}\n{_opening(text or lede, TERM_WORDS)}"


def _opening(text: str, words: int) -> str:
    """The first ``words`` words of the cleaned text. Only the start is cleaned (twice
    the words, in case cleaning drops some): cleaning a whole article to keep its
    opening cost more than the TF-IDF signals themselves."""
    return first_words(clean(first_words(text, 2 * words)), words)


@dataclass(frozen=True, slots=True)
class ClusterParams:
    # The probability (``scorer``) an article needs to join a story.
    threshold: float = scorer.THRESHOLD
    window_hours: float = 72.0
    # 8, 12 and 24 candidates place the dev corpora alike; fewer cost less to score.
    candidates: int = 12
    # Two open stories scoring this much as one event are merged (0 turns it off).
    merge_threshold: float = scorer.MERGE_THRESHOLD
    weights: tuple[float, ...] = scorer.WEIGHTS
    intercept: float = scorer.INTERCEPT
    # >0: the dense signal compares embeddings less the mean of the open stories'
    # articles, shrunk toward zero as if this many more articles of mean zero were open
    # (a window of a few articles has no mean worth taking out). 0: as they are.
    centring_prior: float = 0.0
    # Group the stories a batch touched (and their near ones) again at its end, joining
    # groups whose articles' mean pair probability reaches ``settle_threshold``.
    settle: bool = True
    settle_threshold: float = scorer.SETTLE_THRESHOLD
    # ... and within a batch every so many hours of stream time (see settle_due).
    settle_every_hours: float = 48.0

    @classmethod
    def from_settings(cls, settings: Any) -> ClusterParams:
        params = cls(
            threshold=settings.story_threshold,
            window_hours=settings.story_window_hours,
            merge_threshold=settings.story_merge_threshold,
            settle=settings.story_settle_threshold > 0,
            settle_threshold=settings.story_settle_threshold,
        )
        return params.centred() if settings.story_centring else params

    def centred(self) -> ClusterParams:
        """These parameters with centred embeddings and the coefficients learned for them."""
        return replace(
            self,
            centring_prior=scorer.CENTRING_PRIOR,
            weights=scorer.CENTRED_WEIGHTS,
            intercept=scorer.CENTRED_INTERCEPT,
        )


@dataclass(frozen=True, slots=True)
class Member:
    """An article of an open story, as the clusterer needs it to group it again."""

    article_id: int | None
    row: int  # its embedding's row in the member matrix
    vector: SparseVector  # its TF-IDF signals (without the words)
    when: datetime


@dataclass(slots=True)
class OpenStory:
    key: int  # the story id (or a provisional key before it is stored)
    embedding_sum: np.ndarray
    terms: SparseSum
    time_sum: float  # sum of member timestamps, for the mean time
    count: int
    last_seen: datetime
    first_seen: datetime
    # The nearest member explains a grouping; settling groups them again.
    members: list[Member] = field(default_factory=list)

    def mean_time(self) -> float:
        return self.time_sum / self.count


@dataclass(slots=True)
class Assignment:
    story_key: int | None  # None: start a new story
    score: float
    # Other stories the article also scored above the threshold against: it bridges
    # them, so they may be one event (the merge pass checks them).
    bridged: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Move:
    """Settling moved an article from one open story to another."""

    member: Member
    from_key: int
    to_key: int
    # Its mean pair probability with the articles of the story it moved to.
    score: float


@dataclass(frozen=True, slots=True)
class Settled:
    moves: list[Move]
    # Stories left without articles → the story that took most of them.
    emptied: dict[int, int]


@dataclass(frozen=True, slots=True)
class Candidates:
    """The retrieved stories of one article and their signals (``scorer.FEATURES``)."""

    keys: list[int]
    features: np.ndarray  # (len(keys), len(FEATURES))


@dataclass
class StoryClusterer:
    params: ClusterParams = field(default_factory=ClusterParams)
    space: TermSpace = field(default_factory=TermSpace)
    stories: dict[int, OpenStory] = field(default_factory=dict)
    index: CentroidIndex = field(default_factory=CentroidIndex)
    member_matrix: MemberMatrix = field(default_factory=MemberMatrix)
    _last_sweep: float = -math.inf
    # Sum and count of the open stories' article embeddings: their mean is what every
    # article of this stream shares (for a politics feed, "US politics"), which says
    # nothing about which event an article reports.
    _open_sum: np.ndarray | None = None
    _open_count: int = 0
    # Stories that took an article, or came near one, since the last settling.
    _unsettled: set[int] = field(default_factory=set)
    _last_settled: float = -math.inf

    def open_mean(self) -> np.ndarray | None:
        """The open stories' mean embedding, shrunk by ``centring_prior``; None when off."""
        prior = self.params.centring_prior
        if prior <= 0 or self._open_sum is None:
            return None
        return self._open_sum / (self._open_count + prior)

    def term_vector(self, text: str, *, observe: bool = True) -> SparseVector:
        """The sparse signals of ``term_text(...)``; ``observe`` counts it in the
        document frequencies first (every article once, in stream order)."""
        return self.space.vector(text, observe=observe)

    def weigh(self, tokens: Tokens, *, observe: bool = True) -> SparseVector:
        """``term_vector`` of a text already tokenised (``sparse.tokenize``)."""
        return self.space.weigh(tokens, observe=observe)

    def prefetch(self, embeddings: np.ndarray) -> None:
        """Score a batch of articles against the open stories in one product; pass each
        article's position as ``best_story(query=)`` while placing the batch in order."""
        self.index.prefetch(embeddings)

    def candidates(
        self,
        embedding: np.ndarray,
        term_vector: SparseVector,
        when: datetime,
        *,
        query: int | None = None,
    ) -> Candidates:
        """The open stories retrieved for an article, with their signals."""
        params = self.params
        stamp = when.timestamp()
        found = self.index.search(
            embedding,
            stamp=stamp,
            window_seconds=params.window_hours * 3600,
            limit=params.candidates,
            query=query,
        )
        if not found:
            return Candidates([], np.zeros((0, len(scorer.FEATURES))))
        keys = [key for key, _ in found]
        stories = [self.stories[key] for key in keys]
        features = np.empty((len(keys), len(scorer.FEATURES)))
        features[:, 0] = self._dense(embedding, stories, [dense for _, dense in found])
        features[:, 1:4] = story_cosines(term_vector, [s.terms for s in stories])
        counts = np.fromiter((s.count for s in stories), np.float64, len(stories))
        time_sums = np.fromiter((s.time_sum for s in stories), np.float64, len(stories))
        features[:, 4] = np.abs(stamp - time_sums / counts) / 86400
        features[:, 5] = np.log(counts)
        return Candidates(keys, features)

    def _dense(
        self, embedding: np.ndarray, stories: list[OpenStory], cosines: list[float]
    ) -> np.ndarray:
        """The dense signal of an article against candidate stories: the retrieval's
        cosines, or with the open stories' mean taken out of both sides."""
        mean = self.open_mean()
        if mean is None:
            return np.asarray(cosines)
        centroids = np.vstack([s.embedding_sum / s.count for s in stories]) - mean
        article = embedding - mean
        norms = np.linalg.norm(centroids, axis=1) * float(np.linalg.norm(article))
        return (centroids @ article) / np.where(norms > 0, norms, 1.0)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return scorer.probabilities(
            features, weights=self.params.weights, intercept=self.params.intercept
        )

    def best_story(
        self,
        embedding: np.ndarray,
        term_vector: SparseVector,
        when: datetime,
        *,
        query: int | None = None,
    ) -> Assignment:
        found = self.candidates(embedding, term_vector, when, query=query)
        if not found.keys:
            return Assignment(None, -math.inf)
        scores = self.probabilities(found.features)
        keys = np.asarray(found.keys)
        # Ties go to the older story so the outcome never depends on search order.
        best = int(np.lexsort((keys, -scores))[0])
        best_score = float(scores[best])
        if self.params.settle:
            self._unsettled.update(int(key) for key in keys[scores >= NEAR])
        if best_score < self.params.threshold:
            return Assignment(None, best_score)
        above = keys[scores >= self.params.threshold]
        return Assignment(
            int(keys[best]),
            best_score,
            bridged=tuple(sorted(int(key) for key in above if key != keys[best])),
        )

    def story_score(self, key: int, other_key: int) -> float:
        """Two open stories scored as one event: the article signals taken centroid
        against centroid, the days between their mean times and the larger one's size."""
        story, other = self.stories[key], self.stories[other_key]
        one, two = story.embedding_sum, other.embedding_sum
        mean = self.open_mean()
        if mean is not None:
            one, two = one / story.count - mean, two / other.count - mean
        dense = float(one @ two) / (float(np.linalg.norm(one) * np.linalg.norm(two)) or 1.0)
        features = np.array(
            [
                dense,
                *story.terms.cosines(other.terms),
                abs(story.mean_time() - other.mean_time()) / 86400,
                math.log(max(story.count, other.count)),
            ]
        )
        return float(self.probabilities(features[None, :])[0])

    def explain(
        self,
        key: int,
        embedding: np.ndarray,
        term_vector: SparseVector,
        *,
        terms: int = 5,
        excluding: int | None = None,
    ) -> dict:
        """Why an article joins story ``key``: its nearest member and the terms and
        entities that weigh most in both (computed before the article is added; or
        after, with the article's id as ``excluding``)."""
        story = self.stories[key]
        others = [m for m in story.members if excluding is None or m.article_id != excluding]
        rows = np.array([member.row for member in others], dtype=np.int64)
        similarities = self.member_matrix.similarities(embedding, rows)
        best = int(np.argmax(similarities)) if len(rows) else -1
        nearest = others[best].article_id if best >= 0 else None
        story_terms = story.terms
        if len(others) < len(story.members):
            story_terms = SparseSum.empty()
            for member in others:
                story_terms.add(member.vector.ids, member.vector.values)
        return {
            "nearest_article_id": nearest,
            "nearest_similarity": round(float(similarities[best]), 3)
            if nearest is not None
            else None,
            "shared_terms": _shared(term_vector, story_terms, signal=0, limit=terms),
            "shared_entities": _shared(term_vector, story_terms, signal=2, limit=terms),
        }

    def add(
        self,
        key: int,
        embedding: np.ndarray,
        term_vector: SparseVector,
        when: datetime,
        *,
        article_id: int | None = None,
    ) -> OpenStory:
        story = self.stories.get(key)
        if story is None:
            story = OpenStory(
                key=key,
                embedding_sum=np.zeros_like(embedding),
                terms=SparseSum.empty(),
                time_sum=0.0,
                count=0,
                last_seen=when,
                first_seen=when,
            )
            self.stories[key] = story
        story.embedding_sum = story.embedding_sum + embedding
        if self.params.centring_prior > 0:
            if self._open_sum is None:
                self._open_sum = np.zeros(embedding.shape, dtype=np.float64)
            self._open_sum += embedding
            self._open_count += 1
        # A member keeps what it weighs, in half the bytes (ids fit 23 bits), and not
        # its words: an open window holds a hundred thousand of them.
        kept = SparseVector(term_vector.ids.astype(np.int32), term_vector.values.astype(np.float32))
        story.members.append(Member(article_id, self.member_matrix.add(embedding), kept, when))
        story.terms.add(term_vector.ids, term_vector.values)
        story.time_sum += when.timestamp()
        story.count += 1
        story.last_seen = max(story.last_seen, when)
        story.first_seen = min(story.first_seen, when)
        self.index.upsert(key, story.embedding_sum, story.last_seen.timestamp())
        if self.params.settle:
            self._unsettled.add(key)
            if self._last_settled == -math.inf:
                self._last_settled = when.timestamp()
        return story

    def absorb(self, source: int, *, into: int) -> None:
        """Story ``source`` joins story ``into`` (the merge pass merged them)."""
        gone = self.stories.pop(source)
        story = self.stories[into]
        story.embedding_sum = story.embedding_sum + gone.embedding_sum
        story.terms.add(gone.terms.ids, gone.terms.values)
        story.time_sum += gone.time_sum
        story.count += gone.count
        story.members.extend(gone.members)
        story.last_seen = max(story.last_seen, gone.last_seen)
        story.first_seen = min(story.first_seen, gone.first_seen)
        self.index.remove(source)
        self.index.upsert(into, story.embedding_sum, story.last_seen.timestamp())

    def pair_probabilities(self, members: list[Member]) -> np.ndarray:
        """P(same story) of every pair of ``members``, each scored as a one-article
        story against the other (the learned scorer, log size 0); 0 for pairs further
        apart than the window, and on the diagonal."""
        params = self.params
        embeddings = self.member_matrix.rows(np.array([m.row for m in members], np.int64))
        mean = self.open_mean()
        if mean is not None:
            embeddings = embeddings - mean
            norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
            embeddings = embeddings / np.where(norms > 0, norms, 1.0)
        weights = params.weights
        logits = weights[0] * (embeddings @ embeddings.T).astype(np.float64)
        for signal, cosines in enumerate(pair_cosines([m.vector for m in members])):
            logits += weights[1 + signal] * cosines
        stamps = np.array([m.when.timestamp() for m in members])
        apart = np.abs(stamps[:, None] - stamps[None, :])
        logits += weights[4] * apart / 86400 + params.intercept
        probabilities = 1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))
        probabilities[apart > params.window_hours * 3600] = 0.0
        np.fill_diagonal(probabilities, 0.0)
        return probabilities

    def settle_due(self, when: datetime) -> bool:
        """Whether to settle before placing an article of time ``when``: a batch
        settles at its end, and within it every ``settle_every_hours`` of stream time,
        so a batch that spans weeks (an import) settles each story before it closes."""
        return bool(self._unsettled) and (
            when.timestamp() - self._last_settled >= self.params.settle_every_hours * 3600
        )

    def mark_settled(self) -> None:
        """Nothing added so far needs settling (the stories reloaded after a restart)."""
        self._unsettled = set()

    @property
    def unsettled(self) -> set[int]:
        """The open stories the next ``settle`` looks at."""
        return {key for key in self._unsettled if key in self.stories}

    def settle(
        self, new_key: Callable[[list[Member]], int], *, pinned: Iterable[int] = ()
    ) -> Settled:
        """Group the articles of the stories that changed since the last settling, and
        of the stories their articles came near (scored ``NEAR`` or more against),
        again, all at once (``settle.average_linkage_groups`` over
        ``pair_probabilities``); move those that belong elsewhere. Stories keep their
        keys where most of their articles stay (``settle.keys_for_groups``); a group
        without one gets ``new_key(its members)``; a story left empty is named in
        ``emptied`` with the story that took most of its articles. ``pinned`` stories
        (corrected by people) are left as they are."""
        left_alone = set(pinned)
        chosen = sorted(self.unsettled - left_alone)
        self._unsettled = set()
        placed = [(key, member) for key in chosen for member in self.stories[key].members]
        if placed:
            latest = max(member.when for _, member in placed).timestamp()
            self._last_settled = max(self._last_settled, latest)
        if len(placed) < 2:
            return Settled([], {})
        members = [member for _, member in placed]
        probabilities = self.pair_probabilities(members)
        groups = average_linkage_groups(probabilities, self.params.settle_threshold)
        current = [key for key, _ in placed]
        keys_now = keys_for_groups(
            groups,
            current,
            lambda group: new_key([m for m, g in zip(members, groups, strict=True) if g == group]),
        )
        if keys_now == current:
            return Settled([], {})
        by_key: dict[int, list[int]] = {}
        for position, key in enumerate(keys_now):
            by_key.setdefault(key, []).append(position)
        moves = []
        went: dict[int, Counter[int]] = {}  # story → where its moved articles went
        for position, (before, after) in enumerate(zip(current, keys_now, strict=True)):
            if before == after:
                continue
            others = [other for other in by_key[after] if other != position]
            score = float(probabilities[position, others].mean()) if others else 0.0
            moves.append(Move(members[position], before, after, score))
            went.setdefault(before, Counter())[after] += 1
        # A story none of whose articles stayed: to where most went (the older on a tie).
        emptied = {
            key: min(went[key], key=lambda target: (-went[key][target], target))
            for key in chosen
            if key not in by_key
        }
        for key in emptied:
            # Its members are in other groups now: their rows stay.
            self.stories.pop(key)
            self.index.remove(key)
        for key, positions in by_key.items():
            self._rebuild(key, [members[position] for position in positions])
        return Settled(moves, emptied)

    def _rebuild(self, key: int, members: list[Member]) -> None:
        """Story ``key`` made of exactly ``members`` (settling moved some in or out)."""
        story = self.stories.get(key)
        if story is not None and [m.row for m in story.members] == [m.row for m in members]:
            return
        rows = np.array([m.row for m in members], np.int64)
        terms = SparseSum.empty()
        for member in members:
            terms.add(member.vector.ids, member.vector.values)
        times = [m.when for m in members]
        self.stories[key] = OpenStory(
            key=key,
            embedding_sum=self.member_matrix.rows(rows).sum(axis=0),
            terms=terms,
            time_sum=sum(when.timestamp() for when in times),
            count=len(members),
            last_seen=max(times),
            first_seen=min(times),
            members=list(members),
        )
        self.index.upsert(key, self.stories[key].embedding_sum, max(times).timestamp())

    def close_before(self, when: datetime) -> None:
        """Forget stories that can no longer take articles (quiet for a whole window).
        Sweeps at most once per stream hour: a sweep walks every open story."""
        if when.timestamp() - self._last_sweep < 3600:
            return
        self._last_sweep = when.timestamp()
        horizon = when.timestamp() - self.params.window_hours * 3600
        for key in [k for k, s in self.stories.items() if s.last_seen.timestamp() < horizon]:
            gone = self.stories.pop(key)
            if self._open_sum is not None:
                self._open_sum -= gone.embedding_sum
                self._open_count -= gone.count
            self.member_matrix.release([member.row for member in gone.members])
            self.index.remove(key)


def _shared(vector: SparseVector, story: SparseSum, *, signal: int, limit: int) -> list[str]:
    """The words of one signal in both the article and the story, weightiest first."""
    ids, values = vector.block(signal)
    shared, mine, theirs = np.intersect1d(ids, story.ids, assume_unique=True, return_indices=True)
    if not len(shared):
        return []
    weight = values[mine] * story.values[theirs]
    order = np.lexsort((shared, -weight))[:limit]
    return [word for i in order if (word := vector.word(int(shared[i]))) is not None]


__all__ = [
    "Assignment",
    "Candidates",
    "ClusterParams",
    "Member",
    "Move",
    "OpenStory",
    "Settled",
    "StoryClusterer",
    "embedding_text",
    "term_text",
]
