"""Per-side framing: "how the left / center / right covered it", one cited line a side.

Only for stories with at least ``min_articles_per_side`` articles on each of at least
two sides (left, center, right; unrated outlets have no side); each such side gets a
line, the others none.

Extractive (the default) scores every opening sentence of a side's articles (the
summary's candidates) by

    centrality - contrast_weight * contrast

where *centrality* is the sentence's cosine to the mean of its own side's candidate
sentences (what that side's articles broadly say) and *contrast* the highest cosine to
another framed side's mean (what the other sides say too). The plain facts every side
reports score high on both and cancel out; a sentence that is typical of one side and
not of the others wins. A weight of 0.5 rather than 1 keeps the line central to its
side: at 1, one article's odd sentence can win merely by being far from everything.
The line cites the side's articles that carry it or a close paraphrase.

With an LLM endpoint the model writes the lines from passages labelled with their side
and each line goes through the same citation check as the summary bullets, with one
more rule: it may cite only articles of its own side. A side whose line fails keeps
the extractive one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.nlp.embed import Embedder
from newsprism.nlp.llm_endpoint import LlmEndpoint
from newsprism.nlp.translate import language_name
from newsprism.summarize.citations import Passage, check_bullets, parse_bullets
from newsprism.summarize.extractive import SummaryInput, SummaryParams, candidate_sentences
from newsprism.summarize.llm import PassageParams, format_passages, story_passages

SIDES = ("left", "center", "right")


@dataclass(frozen=True, slots=True)
class FramingParams:
    min_articles_per_side: int = 2
    contrast_weight: float = 0.5
    support_similarity: float = 0.75  # another article's sentence this close also cites it
    passages_per_side: int = 5  # shown to an LLM


def framed_sides(
    inputs: Sequence[SummaryInput], *, min_articles_per_side: int
) -> dict[str, list[SummaryInput]]:
    """The sides that get a line: each with enough articles, when at least two do."""
    by_side = {side: [item for item in inputs if item.side == side] for side in SIDES}
    framed = {side: items for side, items in by_side.items() if len(items) >= min_articles_per_side}
    return framed if len(framed) >= 2 else {}


def extractive_framing(
    inputs: Sequence[SummaryInput], *, embedder: Embedder, params: FramingParams | None = None
) -> dict[str, dict]:
    """``{side: {"text", "article_ids", "backend": "extractive"}}``; {} when not framed."""
    params = params or FramingParams()
    framed = framed_sides(inputs, min_articles_per_side=params.min_articles_per_side)
    candidates = {
        side: candidate_sentences(items, SummaryParams(max_candidates=60))
        for side, items in framed.items()
    }
    candidates = {side: found for side, found in candidates.items() if found}
    if len(candidates) < 2:
        return {}
    vectors = {
        side: embedder.embed([text for _, text in found]) for side, found in candidates.items()
    }
    centroids = {}
    for side, matrix in vectors.items():
        mean = matrix.mean(axis=0)
        centroids[side] = mean / (float(np.linalg.norm(mean)) or 1.0)
    result = {}
    for side, matrix in vectors.items():
        centrality = matrix @ centroids[side]
        contrast = np.max(
            np.vstack([matrix @ centroids[other] for other in vectors if other != side]), axis=0
        )
        best = int(np.argmax(centrality - params.contrast_weight * contrast))
        items = framed[side]
        similar = matrix @ matrix[best]
        source = candidates[side][best][0]
        also = {
            candidates[side][index][0]
            for index in range(len(matrix))
            if similar[index] >= params.support_similarity
        } - {source}
        result[side] = {
            "text": candidates[side][best][1],
            # The article the sentence is taken from first, then those saying the same.
            "article_ids": [items[index].article_id for index in [source, *sorted(also)]],
            "backend": "extractive",
        }
    return result


def framing_prompt(
    framed: dict[str, list[SummaryInput]], *, language: str, params: FramingParams
) -> tuple[str, str, list[Passage], dict[int, str]]:
    passages: list[Passage] = []
    labels: dict[int, str] = {}
    for side, items in framed.items():
        for passage in story_passages(items, PassageParams(max_passages=params.passages_per_side)):
            passages.append(passage)
            labels[passage.article_id] = side
    names = ", ".join(side.upper() for side in framed)
    system = (
        "You compare how outlets of different political leanings covered one news story. "
        "Each numbered passage is marked with its outlet's side. "
        f"For each of these sides: {names}, write one sentence in {language_name(language)} "
        "saying what that side's passages put first or stress, using only facts they state. "
        "Write one line per side, starting with the side's name and a colon, like "
        "'LEFT: ...', and end it with the numbers of that side's passages it comes from in "
        "square brackets, like [12]. Cite only passages of that side. Write nothing else."
    )
    user = f"Passages:\n\n{format_passages(passages, labels)}\n\nLines:"
    return system, user, passages, labels


def llm_framing(
    inputs: Sequence[SummaryInput],
    *,
    endpoint: LlmEndpoint,
    embedder: Embedder,
    language: str,
    params: FramingParams | None = None,
) -> tuple[dict[str, dict], list[dict]]:
    """The sides whose LLM line passed the checks, and the dropped lines with reasons.
    Raises ``LlmUnavailable`` when the endpoint gives no answer."""
    params = params or FramingParams()
    framed = framed_sides(inputs, min_articles_per_side=params.min_articles_per_side)
    if not framed:
        return {}, []
    system, user, passages, labels = framing_prompt(framed, language=language, params=params)
    answer = endpoint.chat(system, user, max_tokens=400)
    lines: dict[str, dict] = {}
    dropped: list[dict] = []
    for bullet in parse_bullets(answer):
        if bullet.label not in framed or bullet.label in lines:
            continue
        own = [p for p in passages if labels[p.article_id] == bullet.label]
        stray = [i for i in bullet.article_ids if labels.get(i) not in (None, bullet.label)]
        if stray:
            dropped.append(
                {
                    "text": bullet.text,
                    "article_ids": bullet.article_ids,
                    "reason": f"a {bullet.label} line citing another side's articles",
                }
            )
            continue
        checked = check_bullets([bullet], own, embedder=embedder)
        dropped.extend(checked.dropped)
        if checked.kept:
            lines[bullet.label] = {
                "text": bullet.text,
                "article_ids": bullet.article_ids,
                "backend": endpoint.name,
            }
    return lines, dropped
