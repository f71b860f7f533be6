"""``newsprism eval summaries``: summarize each gold story of a labelled file, and score
the summaries against human-written references where the file has them.

Input is the import format (JSON Lines, optionally gzip-compressed). Articles are
grouped by their gold ``story_id`` (or ``cluster``, as in the UCI headlines file) —
not re-clustered, so the score is of the summaries alone — and each story goes
through the same ``StorySummarizer`` as ``newsprism run``, with the settings in force
(backend, LLM endpoint, framing). Sides come from the line's ``bias_label`` when it
has one (the import format has no other; an instance takes them from its catalogue).

Where a story's lines carry ``reference_summary`` (a human-written summary of the
story, the same on each of its articles), the bullets, one a line, are scored with
ROUGE-1, ROUGE-2 and ROUGE-L F1 by Google's ``rouge-score`` package, the reference
implementation of ROUGE-1.5.5 (the ``eval`` extra). Its own tokenizer drops every
letter outside a–z, which would score "Nicolás" as "nicol"; newsprism's tokenizer keeps
words in any script (lower-cased ``\\w+``) and applies rouge-score's Porter stemming
only to English, so English figures match rouge-score with stemming on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.ingest.archive import ArchiveProblem, read_records, record_to_article
from newsprism.jobs.evaluate import with_url_from_id
from newsprism.nlp.embed import get_embedder
from newsprism.nlp.lang import detect_language
from newsprism.nlp.text import clean
from newsprism.settings import Settings
from newsprism.summarize.extractive import SummaryInput
from newsprism.summarize.story import StorySummarizer

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_SIDES = {
    "far-left": "left",
    "left": "left",
    "lean-left": "left",
    "center": "center",
    "lean-right": "right",
    "right": "right",
    "far-right": "right",
}
_WORD = re.compile(r"\w+", re.UNICODE)


class WordTokenizer:
    """rouge-score's tokenizer interface (``tokenize(text) -> tokens``) for any script."""

    def __init__(self, *, stem: bool) -> None:
        from nltk.stem import porter  # a dependency of rouge-score

        self._stemmer = porter.PorterStemmer() if stem else None

    def tokenize(self, text: str) -> list[str]:
        tokens = _WORD.findall(text.lower())
        if self._stemmer is None:
            return tokens
        # As rouge-score does: only words longer than three letters are stemmed.
        return [self._stemmer.stem(t) if len(t) > 3 else t for t in tokens]


def rouge_f1(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 of a prediction against one reference (rouge-score)."""
    try:
        from rouge_score import rouge_scorer
    except ImportError as error:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "scoring summaries needs the rouge-score package: pip install 'newsprism[eval]'"
        ) from error
    english = detect_language(reference) in (None, "en")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=WordTokenizer(stem=english))
    scores = scorer.score(reference, prediction)
    return {name: round(scores[name].fmeasure, 4) for name in ROUGE_TYPES}


def _score(prediction: str, reference: str) -> dict[str, float] | None:
    if not reference:
        return None
    if not prediction:  # no bullets at all: nothing of the reference was recalled
        return dict.fromkeys(ROUGE_TYPES, 0.0)
    return rouge_f1(prediction, reference)


@dataclass(slots=True)
class SummaryEvaluation:
    stories: list[dict[str, Any]] = field(default_factory=list)
    unlabelled_lines: int = 0
    skipped_lines: int = 0

    def mean_rouge(self) -> dict[str, float] | None:
        scored = [story["rouge"] for story in self.stories if story.get("rouge")]
        if not scored:
            return None
        return {name: round(sum(s[name] for s in scored) / len(scored), 4) for name in ROUGE_TYPES}

    @property
    def scored_stories(self) -> int:
        return sum(1 for story in self.stories if story.get("rouge"))


def _gold_stories(path: Path, evaluation: SummaryEvaluation) -> Iterator[tuple[str, list[dict]]]:
    stories: dict[str, list[dict]] = defaultdict(list)
    for item in read_records(path):
        if isinstance(item, ArchiveProblem):
            evaluation.skipped_lines += 1
            continue
        _number, record = item
        gold = record.get("story_id", record.get("cluster"))
        if gold in (None, "", "None"):
            evaluation.unlabelled_lines += 1
            continue
        stories[str(gold)].append(record)
    yield from stories.items()


def evaluate_summaries(path: Path, *, settings: Settings) -> SummaryEvaluation:
    evaluation = SummaryEvaluation()
    summarizer = StorySummarizer.from_settings(settings)
    embedder = get_embedder(settings.embedding_backend)
    next_id = 0
    for story_id, records in _gold_stories(path, evaluation):
        inputs = []
        external: dict[int, str] = {}  # our article id -> the file's id, for the output
        for record in records:
            article = record_to_article(with_url_from_id(record, next_id + 1))
            if article is None:
                evaluation.skipped_lines += 1
                continue
            next_id += 1
            external[next_id] = str(record.get("id", next_id))
            inputs.append(
                SummaryInput(
                    article_id=next_id,
                    outlet_key=article.outlet_domain or article.outlet_name or "",
                    side=_SIDES.get(record.get("bias_label") or ""),
                    title=clean(article.title),
                    text=article.text or article.lede,
                    outlet_name=article.outlet_name or article.outlet_domain or "",
                    language=article.language,
                    lede=article.lede or article.text[:400],
                )
            )
        if not inputs:
            continue
        summary = summarizer.summarize(inputs, embedder=embedder)
        reference = next(
            (r["reference_summary"] for r in records if r.get("reference_summary")), ""
        )
        prediction = "\n".join(bullet["text"] for bullet in summary["bullets"])
        evaluation.stories.append(
            {
                "story_id": story_id,
                "articles": len(inputs),
                "outlets": len({item.outlet_key for item in inputs}),
                "backend": summary.get("backend"),
                "fallback_reason": summary.get("fallback_reason"),
                "bullets": [
                    {
                        "text": bullet["text"],
                        "article_ids": [external[i] for i in bullet["article_ids"]],
                    }
                    for bullet in summary["bullets"]
                ],
                "framing": {
                    side: {**line, "article_ids": [external[i] for i in line["article_ids"]]}
                    for side, line in (summary.get("framing") or {}).items()
                },
                "reference_summary": reference or None,
                "rouge": _score(prediction, reference),
            }
        )
    return evaluation
