"""Bullets that cite their passages: parse an LLM's answer, then keep only the bullets
that the passages they cite actually support.

A bullet is kept when all of these hold (``SupportParams`` has the numbers):

1. it cites at least one passage, and every passage it cites is one of the story's;
2. every number in it (counts, dates, amounts: the facts models invent most) appears
   in the passages it cites;
3. it says what its passages say, measured two ways:
   - *term recall*: the share of the bullet's content words (stopwords out, each word
     cut to its first five letters, so "missiles" matches "missile" and "launched"
     matches "launch") found in the cited passages. A bullet naming people, places or
     things its sources never mention scores low;
   - *meaning*: the cosine, in the multilingual sentence embedding (USE v3), between
     the bullet and the closest sentence of its cited passages. Term overlap alone
     passes a bullet that recombines the right words into a wrong claim; the embedding
     alone passes a fluent on-topic invention.
   Kept when recall >= ``min_term_recall`` and similarity >= ``min_similarity``, or
   (a bullet written in another language than its sources, where words cannot
   overlap) when similarity >= ``cross_language_similarity``.

Then a bullet that says the same as one kept before it (similarity >=
``duplicate_similarity``) is dropped too: no two bullets may say the same thing.

The thresholds were set on real stories (basil, giveme5w1h): sentences of the cited
articles and close paraphrases of them pass, sentences from other stories cited in
their place and invented claims do not; ``tests/summarize/test_citations.py`` pins both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsprism.nlp.embed import Embedder
from newsprism.nlp.text import sentences, terms


@dataclass(frozen=True, slots=True)
class Passage:
    """What the model was shown of one article, under the article's id."""

    article_id: int
    outlet: str
    title: str
    text: str

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(slots=True)
class CitedBullet:
    text: str
    article_ids: list[int]
    label: str | None = None  # e.g. "left" in a framing answer ("LEFT: ... [3]")


@dataclass(frozen=True, slots=True)
class SupportParams:
    min_term_recall: float = 0.5
    min_similarity: float = 0.5
    cross_language_similarity: float = 0.75
    duplicate_similarity: float = 0.85
    stem_length: int = 5


@dataclass(slots=True)
class CheckResult:
    kept: list[CitedBullet] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)  # {"text", "article_ids", "reason"}


_BULLET_MARK = re.compile(r"^\s*(?:[-*•‣–—]|\d{1,2}[.)])\s+")
_CITATION = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_LABEL = re.compile(r"^\s*\**\s*(left|center|centre|right)\s*\**\s*[:—–-]\s*", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def parse_bullets(answer: str) -> list[CitedBullet]:
    """Bullets of an answer, one a line, each with the ids in its ``[12]`` / ``[12, 40]``
    citations (which are taken out of the text). Where some lines carry a bullet mark,
    lines without one (a preamble such as "Here is the summary:") are not bullets."""
    lines = [line for line in answer.splitlines() if line.strip()]
    marked = [line for line in lines if _BULLET_MARK.match(line) or _LABEL.match(line)]
    bullets = []
    for line in marked or lines:
        line = _BULLET_MARK.sub("", line, count=1)
        label = None
        if found := _LABEL.match(line):
            label = found.group(1).lower().replace("centre", "center")
            line = line[found.end() :]
        ids: list[int] = []
        for group in _CITATION.findall(line):
            for number in re.split(r"[,;]", group):
                if int(number) not in ids:
                    ids.append(int(number))
        text = _CITATION.sub("", line).replace("**", "")
        text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()
        if text:
            bullets.append(CitedBullet(text=text, article_ids=ids, label=label))
    return bullets


def _stems(text: str, length: int) -> set[str]:
    return {word[:length] for word in terms(text)}


def _numbers(text: str) -> set[str]:
    return {number.replace(",", "").rstrip(".") for number in _NUMBER.findall(text)}


def check_bullets(
    bullets: Sequence[CitedBullet],
    passages: Sequence[Passage],
    *,
    embedder: Embedder,
    params: SupportParams | None = None,
) -> CheckResult:
    """Split the bullets into those the cited passages support and those dropped (with
    the reason, kept for the story's record)."""
    params = params or SupportParams()
    by_id = {passage.article_id: passage for passage in passages}
    result = CheckResult()
    candidates: list[CitedBullet] = []
    for bullet in bullets:
        reason = _citation_problem(bullet, by_id)
        if reason is None:
            cited = " ".join(by_id[i].full_text for i in bullet.article_ids)
            missing = _numbers(bullet.text) - _numbers(cited)
            if missing:
                reason = f"numbers not in the cited articles: {', '.join(sorted(missing))}"
        if reason is None:
            candidates.append(bullet)
        else:
            result.dropped.append(_dropped(bullet, reason))
    if not candidates:
        return result

    # One embedding call for the bullets and every sentence of the cited passages.
    cited_ids = sorted({i for bullet in candidates for i in bullet.article_ids})
    passage_sentences = {
        i: [by_id[i].title, *sentences(by_id[i].text)]
        if by_id[i].title
        else sentences(by_id[i].text)
        for i in cited_ids
    }
    texts = [bullet.text for bullet in candidates]
    offsets = {}
    for i in cited_ids:
        offsets[i] = (len(texts), len(texts) + len(passage_sentences[i]))
        texts.extend(passage_sentences[i])
    vectors = embedder.embed(texts)

    kept_vectors: list[np.ndarray] = []
    for index, bullet in enumerate(candidates):
        vector = vectors[index]
        rows = np.vstack([vectors[slice(*offsets[i])] for i in bullet.article_ids])
        similarity = float(np.max(rows @ vector)) if len(rows) else 0.0
        bullet_stems = _stems(bullet.text, params.stem_length)
        cited_stems = set().union(
            *(_stems(by_id[i].full_text, params.stem_length) for i in bullet.article_ids)
        )
        recall = len(bullet_stems & cited_stems) / len(bullet_stems) if bullet_stems else 0.0
        supported = (
            recall >= params.min_term_recall and similarity >= params.min_similarity
        ) or similarity >= params.cross_language_similarity
        if not supported:
            result.dropped.append(
                _dropped(
                    bullet,
                    f"not supported by the cited articles (term recall {recall:.2f}, "
                    f"similarity {similarity:.2f})",
                )
            )
            continue
        if any(float(vector @ other) >= params.duplicate_similarity for other in kept_vectors):
            result.dropped.append(_dropped(bullet, "repeats an earlier bullet"))
            continue
        kept_vectors.append(vector)
        result.kept.append(bullet)
    return result


def _citation_problem(bullet: CitedBullet, by_id: dict[int, Passage]) -> str | None:
    if not bullet.article_ids:
        return "no citation"
    unknown = [i for i in bullet.article_ids if i not in by_id]
    if unknown:
        return f"cites articles not in the story: {', '.join(map(str, unknown))}"
    return None


def _dropped(bullet: CitedBullet, reason: str) -> dict:
    return {"text": bullet.text, "article_ids": bullet.article_ids, "reason": reason}
