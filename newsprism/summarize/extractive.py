"""Extractive summary bullets: centroid + maximal marginal relevance over the story's
opening sentences, each bullet citing every article that says the same thing.

Why opening sentences: news is written top-down, so the first sentences of each
article carry its facts, and embedding only those keeps a 150-article story cheap.
Candidates are taken round-robin across outlets so one prolific outlet cannot fill
the summary; MMR then trades closeness to the story centroid against redundancy
with bullets already chosen, and prefers a side (left/center/right), then an outlet,
not yet cited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.nlp.embed import Embedder
from newsprism.nlp.text import (
    clean_paragraphs,
    is_photo_caption,
    leans_on_context,
    sentences,
    strip_dateline,
)

METHOD = "extractive-centroid-mmr"
LEAD_METHOD = "extractive-lead (one article)"


@dataclass(slots=True)
class SummaryInput:
    article_id: int
    outlet_key: str
    side: str | None
    title: str
    text: str
    outlet_name: str = ""  # shown to an LLM with the passage; the key stands in when empty
    language: str | None = None  # ISO 639-1, for translation into the reader's language
    lede: str = ""  # what the story page shows under the headline


@dataclass(frozen=True, slots=True)
class SummaryParams:
    max_bullets: int = 5
    min_bullets: int = 3
    sentences_per_article: int = 4
    max_candidates: int = 120
    min_words: int = 8
    max_words: int = 60
    redundancy_weight: float = 0.45  # lambda of MMR on the redundancy side
    duplicate_similarity: float = 0.85  # a candidate this close to a bullet is the same fact
    support_similarity: float = 0.75  # another article's sentence this close also cites it
    side_bonus: float = 0.05  # for a bullet from a side (left/center/right) not cited yet
    outlet_bonus: float = 0.03  # for a bullet from an outlet not cited yet


def candidate_sentences(
    inputs: Sequence[SummaryInput], params: SummaryParams | None = None
) -> list[tuple[int, str]]:
    """``(index into inputs, sentence)`` for the opening sentences worth a bullet, taken
    round-robin: every outlet's first article's lead, then its second article's, …, so
    one prolific outlet cannot fill the list before the others are in."""
    params = params or SummaryParams()
    per_article: list[list[str]] = []
    for item in inputs:
        found = []
        for sentence in sentences(clean_paragraphs(item.text))[: params.sentences_per_article * 2]:
            if is_photo_caption(sentence):
                continue
            # Without its dateline, a report's first sentence may open by pointing back.
            sentence = strip_dateline(sentence)
            if leans_on_context(sentence, item.language):
                continue
            words = len(sentence.split())
            if params.min_words <= words <= params.max_words and not sentence.endswith("?"):
                found.append(sentence)
            if len(found) == params.sentences_per_article:
                break
        per_article.append(found)
    rank_in_outlet: list[int] = []
    seen_per_outlet: dict[str, int] = {}
    for item in inputs:
        rank_in_outlet.append(seen_per_outlet.get(item.outlet_key, 0))
        seen_per_outlet[item.outlet_key] = rank_in_outlet[-1] + 1
    order = sorted(range(len(inputs)), key=lambda index: (rank_in_outlet[index], index))
    picked: list[tuple[int, str]] = []
    seen: set[str] = set()
    for depth in range(params.sentences_per_article):
        for index in order:
            found = per_article[index]
            if depth < len(found) and found[depth] not in seen:
                seen.add(found[depth])
                picked.append((index, found[depth]))
                if len(picked) == params.max_candidates:
                    return picked
    return picked


def summarize(
    inputs: Sequence[SummaryInput],
    *,
    embedder: Embedder,
    params: SummaryParams | None = None,
) -> dict:
    """``{"method": ..., "bullets": [{"text": ..., "article_ids": [...]}]}``."""
    params = params or SummaryParams()
    candidates = candidate_sentences(inputs, params)
    if not candidates:
        return {"method": METHOD, "bullets": []}
    if len(inputs) == 1:
        # One article: its opening sentences in order (the lead, news's own summary).
        # Centroid and MMR over one article's few sentences pick much the same, and
        # most stories have one article: skipping their embedding is most of what
        # summaries cost a polling pass (bench/ingest.py).
        wanted = min(params.max_bullets, params.min_bullets)
        bullets = [
            {"text": text, "article_ids": [inputs[0].article_id]} for _, text in candidates[:wanted]
        ]
        return {"method": LEAD_METHOD, "bullets": bullets}
    vectors = embedder.embed([text for _, text in candidates])
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    relevance = vectors @ (centroid / norm)
    similarity = vectors @ vectors.T

    chosen: list[int] = []
    sides_cited: set[str | None] = set()
    outlets_cited: set[str] = set()
    wanted = min(params.max_bullets, max(params.min_bullets, len(inputs)))
    while len(chosen) < wanted:
        best, best_score = -1, -np.inf
        for index in range(len(candidates)):
            if index in chosen:
                continue
            redundancy = max((similarity[index, j] for j in chosen), default=0.0)
            if redundancy >= params.duplicate_similarity:
                continue
            source = inputs[candidates[index][0]]
            bonus = params.side_bonus if source.side and source.side not in sides_cited else 0.0
            if source.outlet_key not in outlets_cited:
                bonus += params.outlet_bonus
            score = (
                (1 - params.redundancy_weight) * relevance[index]
                - params.redundancy_weight * redundancy
                + bonus
            )
            if score > best_score:
                best, best_score = index, score
        if best < 0:
            break
        chosen.append(best)
        sides_cited.add(inputs[candidates[best][0]].side)
        outlets_cited.add(inputs[candidates[best][0]].outlet_key)

    # Keep the story's reading order: earlier-in-article sentences first.
    chosen.sort()
    bullets = []
    for index in chosen:
        source = candidates[index][0]
        supporting = {
            candidates[other][0]
            for other in range(len(candidates))
            if similarity[index, other] >= params.support_similarity
        } - {source}
        # The article the sentence is taken from first, then those saying the same.
        cited = [source, *sorted(supporting)]
        bullets.append(
            {"text": candidates[index][1], "article_ids": [inputs[i].article_id for i in cited]}
        )
    return {"method": f"{METHOD} ({embedder.name})", "bullets": bullets}
