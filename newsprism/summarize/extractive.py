"""Extractive summary bullets: centroid + maximal marginal relevance over the story's
opening sentences, each bullet citing every article that says the same thing.

Why opening sentences: news is written top-down, so the first sentences of each
article carry its facts, and embedding only those keeps a 150-article story cheap.
Candidates are taken round-robin across outlets so one prolific outlet cannot fill
the summary; MMR then trades closeness to the story centroid against redundancy
with bullets already chosen, and prefers a side (left/center/right) not yet cited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.nlp.embed import Embedder
from newsprism.nlp.text import clean_paragraphs, sentences

METHOD = "extractive-centroid-mmr"


@dataclass(slots=True)
class SummaryInput:
    article_id: int
    outlet_key: str
    side: str | None
    title: str
    text: str


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
    side_bonus: float = 0.05


def _candidates(inputs: Sequence[SummaryInput], params: SummaryParams) -> list[tuple[int, str]]:
    per_article: list[list[str]] = []
    for item in inputs:
        found = []
        for sentence in sentences(clean_paragraphs(item.text))[: params.sentences_per_article * 2]:
            words = len(sentence.split())
            if params.min_words <= words <= params.max_words and not sentence.endswith("?"):
                found.append(sentence)
            if len(found) == params.sentences_per_article:
                break
        per_article.append(found)
    # Round-robin across articles, so every outlet's lead is in before anyone's second.
    picked: list[tuple[int, str]] = []
    seen: set[str] = set()
    for depth in range(params.sentences_per_article):
        for index, found in enumerate(per_article):
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
    candidates = _candidates(inputs, params)
    if not candidates:
        return {"method": METHOD, "bullets": []}
    vectors = embedder.embed([text for _, text in candidates])
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    relevance = vectors @ (centroid / norm)
    similarity = vectors @ vectors.T

    chosen: list[int] = []
    sides_cited: set[str | None] = set()
    wanted = min(params.max_bullets, max(params.min_bullets, len(inputs)))
    while len(chosen) < wanted:
        best, best_score = -1, -np.inf
        for index in range(len(candidates)):
            if index in chosen:
                continue
            redundancy = max((similarity[index, j] for j in chosen), default=0.0)
            if redundancy >= params.duplicate_similarity:
                continue
            side = inputs[candidates[index][0]].side
            bonus = params.side_bonus if side and side not in sides_cited else 0.0
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

    # Keep the story's reading order: earlier-in-article sentences first.
    chosen.sort()
    bullets = []
    for index in chosen:
        source = candidates[index][0]
        supporting = {source} | {
            candidates[other][0]
            for other in range(len(candidates))
            if similarity[index, other] >= params.support_similarity
        }
        bullets.append(
            {
                "text": candidates[index][1],
                "article_ids": [inputs[i].article_id for i in sorted(supporting)],
            }
        )
    return {"method": f"{METHOD} ({embedder.name})", "bullets": bullets}
