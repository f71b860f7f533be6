"""Online story clustering: each article, in time order, joins the best open story or
starts a new one.

The score of an article against a story mixes two signals and a time penalty:

    score = w * cos(article embedding, story embedding centroid)
          + (1 - w) * cos(article TF-IDF, story TF-IDF centroid)
          - decay * max(0, days between the article and the story's mean time - 1)

Dense multilingual embeddings catch paraphrase and other languages; TF-IDF over
title + body catches the names and rare words that tell two events of one topic apart
(a shutdown story and the next day's impeachment row). The decay stops a long-running
topic from swallowing its follow-up events. Only stories seen within ``window_hours``
of the article are candidates; the best ``candidates`` by embedding similarity are
scored in full (two-stage: cheap dense retrieval, then the mixed score).

Merging: an article that scores above the threshold against two stories bridges
them. After it joins the better one, the two stories are scored against each other
the same way (centroid against centroid) and merged when that score reaches
``merge_threshold`` (stricter than joining): two stories that began apart and turned
out to be one event.

Deterministic: the same articles in the same order give the same stories. Weights were
tuned on the BASIL dev corpus and checked on the others (see tests/stories).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from newsprism.nlp.text import clean, first_words, terms
from newsprism.stories.index import CentroidIndex


def embedding_text(title: str, lede: str, text: str) -> str:
    """What the clusterer embeds: the headline and the opening of the article (30 words score as
    well as 60 on the dev sets and cost half the embedding time)."""
    return f"{clean(title)}. {first_words(clean(lede or text), 30)}".strip(". ")


def term_text(title: str, lede: str, text: str) -> str:
    """What the clusterer weighs by TF-IDF: the headline and the first 300 words."""
    return f"{clean(title)} {first_words(clean(text or lede), 300)}"


@dataclass(frozen=True, slots=True)
class ClusterParams:
    threshold: float = 0.35
    embedding_weight: float = 0.65
    decay_per_day: float = 0.1
    window_hours: float = 72.0
    candidates: int = 24
    # Two open stories scoring this much as one event are merged (0 turns it off).
    # Conservative: at 0.45 NewsWCL50 gains (BCubed 0.933 -> 0.947) but the UCI
    # headlines lose pairwise F1 (0.503 -> 0.492); at 0.5 no dev set merges anything.
    merge_threshold: float = 0.5

    @classmethod
    def from_settings(cls, settings: Any) -> ClusterParams:
        return cls(
            threshold=settings.story_threshold,
            window_hours=settings.story_window_hours,
            merge_threshold=settings.story_merge_threshold,
        )


@dataclass(slots=True)
class OpenStory:
    key: int  # the story id (or a provisional key before it is stored)
    embedding_sum: np.ndarray
    term_sum: dict[str, float]
    time_sum: float  # sum of member timestamps, for the mean time
    count: int
    last_seen: datetime
    first_seen: datetime
    # (article id, embedding) of each member: the nearest one explains a grouping.
    members: list[tuple[int, np.ndarray]] = field(default_factory=list)
    term_norm_sq: float = 0.0  # squared norm of term_sum

    def mean_time(self) -> float:
        return self.time_sum / self.count


@dataclass(slots=True)
class Assignment:
    story_key: int | None  # None: start a new story
    score: float
    # Other stories the article also scored above the threshold against: it bridges
    # them, so they may be one event (the merge pass checks them).
    bridged: tuple[int, ...] = ()


class TermWeights:
    """Online document frequencies for TF-IDF over the stream seen so far."""

    def __init__(self) -> None:
        self.document_frequency: Counter[str] = Counter()
        self.documents = 0

    def observe(self, words: list[str]) -> None:
        self.documents += 1
        self.document_frequency.update(set(words))

    def vector(self, words: list[str]) -> dict[str, float]:
        counts = Counter(words)
        n = self.documents + 1
        weights = {
            word: (1.0 + math.log(count)) * math.log(n / (self.document_frequency[word] + 0.5))
            for word, count in counts.items()
        }
        norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
        return {word: value / norm for word, value in weights.items()}


def _sparse_dot(vector: dict[str, float], other: dict[str, float]) -> float:
    return sum(value * other.get(word, 0.0) for word, value in vector.items())


def _sparse_cosine(vector: dict[str, float], story: OpenStory) -> float:
    """Cosine of a unit term vector with a story's term sum (its norm kept up to date
    as articles join, not recomputed over thousands of terms per comparison)."""
    if story.term_norm_sq <= 0:
        return 0.0
    return _sparse_dot(vector, story.term_sum) / math.sqrt(story.term_norm_sq)


@dataclass
class StoryClusterer:
    params: ClusterParams = field(default_factory=ClusterParams)
    weights: TermWeights = field(default_factory=TermWeights)
    stories: dict[int, OpenStory] = field(default_factory=dict)
    index: CentroidIndex = field(default_factory=CentroidIndex)
    _last_sweep: float = -math.inf

    def term_vector(self, text: str, *, observe: bool = True) -> dict[str, float]:
        words = terms(text)
        if observe:
            self.weights.observe(words)
        return self.weights.vector(words)

    def prefetch(self, embeddings: np.ndarray) -> None:
        """Score a batch of articles against the open stories in one product; pass each
        article's position as ``best_story(query=)`` while placing the batch in order."""
        self.index.prefetch(embeddings)

    def best_story(
        self,
        embedding: np.ndarray,
        term_vector: dict[str, float],
        when: datetime,
        *,
        query: int | None = None,
    ) -> Assignment:
        params = self.params
        stamp = when.timestamp()
        candidates = self.index.search(
            embedding,
            stamp=stamp,
            window_seconds=params.window_hours * 3600,
            limit=params.candidates,
            query=query,
        )
        best: Assignment = Assignment(None, -math.inf)
        above: list[int] = []
        for key, dense in candidates:
            story = self.stories[key]
            gap_days = abs(stamp - story.mean_time()) / 86400
            score = (
                params.embedding_weight * dense
                + (1 - params.embedding_weight) * _sparse_cosine(term_vector, story)
                - params.decay_per_day * max(0.0, gap_days - 1.0)
            )
            if score >= params.threshold:
                above.append(key)
            # Ties go to the older story so the outcome never depends on search order.
            if score > best.score or (score == best.score and key < (best.story_key or 0)):
                best = Assignment(key, score)
        if best.score < params.threshold:
            return Assignment(None, best.score)
        best.bridged = tuple(sorted(key for key in above if key != best.story_key))
        return best

    def story_score(self, key: int, other_key: int) -> float:
        """Two open stories scored as one event: centroid against centroid, embedding
        and TF-IDF cosines mixed as for an article, minus the time penalty between
        their mean times."""
        params = self.params
        story, other = self.stories[key], self.stories[other_key]
        dense = float(story.embedding_sum @ other.embedding_sum) / (
            float(np.linalg.norm(story.embedding_sum) * np.linalg.norm(other.embedding_sum)) or 1.0
        )
        norms = math.sqrt(story.term_norm_sq * other.term_norm_sq)
        smaller, larger = sorted((story.term_sum, other.term_sum), key=len)
        term = _sparse_dot(smaller, larger) / norms if norms > 0 else 0.0
        gap_days = abs(story.mean_time() - other.mean_time()) / 86400
        return (
            params.embedding_weight * dense
            + (1 - params.embedding_weight) * term
            - params.decay_per_day * max(0.0, gap_days - 1.0)
        )

    def explain(
        self, key: int, embedding: np.ndarray, term_vector: dict[str, float], *, terms: int = 5
    ) -> dict:
        """Why an article joins story ``key``: its nearest member and the terms that
        weigh most in both (computed before the article is added)."""
        story = self.stories[key]
        nearest, similarity = None, -1.0
        for article_id, vector in story.members:
            value = float(vector @ embedding)
            if value > similarity:
                nearest, similarity = article_id, value
        shared = sorted(
            (word for word in term_vector if word in story.term_sum),
            key=lambda word: -term_vector[word] * story.term_sum[word],
        )
        return {
            "nearest_article_id": nearest,
            "nearest_similarity": round(similarity, 3) if nearest is not None else None,
            "shared_terms": shared[:terms],
        }

    def add(
        self,
        key: int,
        embedding: np.ndarray,
        term_vector: dict[str, float],
        when: datetime,
        *,
        article_id: int | None = None,
    ) -> OpenStory:
        story = self.stories.get(key)
        if story is None:
            story = OpenStory(
                key=key,
                embedding_sum=np.zeros_like(embedding),
                term_sum={},
                time_sum=0.0,
                count=0,
                last_seen=when,
                first_seen=when,
            )
            self.stories[key] = story
        story.embedding_sum = story.embedding_sum + embedding
        if article_id is not None:
            story.members.append((article_id, embedding))
        # |a + b|² = |a|² + 2 a·b + |b|²: the norm follows the sum without a full pass.
        story.term_norm_sq += 2 * _sparse_dot(term_vector, story.term_sum) + sum(
            value * value for value in term_vector.values()
        )
        for word, value in term_vector.items():
            story.term_sum[word] = story.term_sum.get(word, 0.0) + value
        story.time_sum += when.timestamp()
        story.count += 1
        story.last_seen = max(story.last_seen, when)
        story.first_seen = min(story.first_seen, when)
        self.index.upsert(key, story.embedding_sum, story.last_seen.timestamp())
        return story

    def absorb(self, source: int, *, into: int) -> None:
        """Story ``source`` joins story ``into`` (the merge pass merged them)."""
        gone = self.stories.pop(source)
        story = self.stories[into]
        story.embedding_sum = story.embedding_sum + gone.embedding_sum
        for word, value in gone.term_sum.items():
            story.term_sum[word] = story.term_sum.get(word, 0.0) + value
        story.term_norm_sq = sum(value * value for value in story.term_sum.values())
        story.time_sum += gone.time_sum
        story.count += gone.count
        story.members.extend(gone.members)
        story.last_seen = max(story.last_seen, gone.last_seen)
        story.first_seen = min(story.first_seen, gone.first_seen)
        self.index.remove(source)
        self.index.upsert(into, story.embedding_sum, story.last_seen.timestamp())

    def close_before(self, when: datetime) -> None:
        """Forget stories that can no longer take articles (quiet for a whole window).
        Sweeps at most once per stream hour: a sweep walks every open story."""
        if when.timestamp() - self._last_sweep < 3600:
            return
        self._last_sweep = when.timestamp()
        horizon = when.timestamp() - self.params.window_hours * 3600
        for key in [k for k, s in self.stories.items() if s.last_seen.timestamp() < horizon]:
            del self.stories[key]
            self.index.remove(key)
