"""A story's ``summary_json``, as the pipeline stores it: bullets from the configured
backend (extractive, or an LLM whose bullets must pass the citation check, with the
extractive summary as fallback), the per-side framing lines, and translations of the
headlines, ledes and lines that are not in the reader's language.

The format is documented in ``newsprism/coverage/README-format.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprism.nlp.embed import Embedder
from newsprism.nlp.llm_endpoint import LlmEndpoint, LlmUnavailable
from newsprism.nlp.translate import Translator, get_translator
from newsprism.summarize.extractive import SummaryInput, summarize
from newsprism.summarize.framing import (
    FramingParams,
    extractive_framing,
    framed_sides,
    llm_framing,
)
from newsprism.summarize.llm import LlmSummaryFailed, llm_bullets

# The story page shows this much of a lede; translating more would be paid for unseen.
LEDE_CHARACTERS = 320


class _MemoEmbedder:
    """Embeds each distinct text once per story: the bullets, the framing and the
    citation check look at many of the same sentences."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self._vectors: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            for text, vector in zip(missing, self._embedder.embed(missing), strict=True):
                self._vectors[text] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._vectors[text] for text in texts])


@dataclass(slots=True)
class StorySummarizer:
    backend: str = "extractive"  # or "llm"
    llm: LlmEndpoint | None = None
    translator: Translator | None = None
    reader_language: str = "en"
    framing: FramingParams = field(default_factory=FramingParams)

    @classmethod
    def from_settings(cls, settings: Any) -> StorySummarizer:
        llm = LlmEndpoint.from_settings(settings)
        return cls(
            backend=settings.summary_backend,
            llm=llm,
            translator=get_translator(settings.translation_engine, llm=llm),
            reader_language=settings.reader_language,
            framing=FramingParams(min_articles_per_side=settings.framing_min_articles_per_side),
        )

    def summarize(self, inputs: Sequence[SummaryInput], *, embedder: Embedder) -> dict[str, Any]:
        memo = _MemoEmbedder(embedder)
        summary = self._bullets(inputs, memo)
        self._add_framing(inputs, memo, summary)
        if self.translator is not None:
            self._add_translations(inputs, summary, self.translator)
        return summary

    # --- bullets ------------------------------------------------------------------

    def _bullets(self, inputs: Sequence[SummaryInput], embedder: Embedder) -> dict[str, Any]:
        if self.backend != "llm":
            return {**summarize(inputs, embedder=embedder), "backend": "extractive"}
        dropped: list[dict] = []
        if self.llm is None:
            reason = "summary_backend is 'llm' but NEWSPRISM_LLM_URL or _LLM_MODEL is not set"
        else:
            try:
                checked = llm_bullets(
                    inputs, endpoint=self.llm, embedder=embedder, language=self.reader_language
                )
            except LlmSummaryFailed as failure:
                reason, dropped = str(failure), failure.dropped
            else:
                return {
                    "method": f"{self.llm.name}, each bullet checked against the articles it cites",
                    "backend": self.llm.name,
                    "bullets": [
                        {"text": bullet.text, "article_ids": bullet.article_ids}
                        for bullet in checked.kept
                    ],
                    "dropped": checked.dropped,
                }
        fallback = {**summarize(inputs, embedder=embedder), "backend": "extractive"}
        fallback["fallback_reason"] = reason
        if dropped:
            fallback["dropped"] = dropped
        return fallback

    # --- framing ------------------------------------------------------------------

    def _add_framing(
        self, inputs: Sequence[SummaryInput], embedder: Embedder, summary: dict[str, Any]
    ) -> None:
        if not framed_sides(inputs, min_articles_per_side=self.framing.min_articles_per_side):
            return
        lines = extractive_framing(inputs, embedder=embedder, params=self.framing)
        if not lines:
            return
        if self.backend == "llm" and self.llm is not None:
            try:
                from_llm, dropped = llm_framing(
                    inputs,
                    endpoint=self.llm,
                    embedder=embedder,
                    language=self.reader_language,
                    params=self.framing,
                )
            except LlmUnavailable as error:
                summary["framing_fallback_reason"] = f"LLM endpoint: {error}"
            else:
                lines.update(from_llm)  # sides whose LLM line failed keep the extractive one
                if dropped:
                    summary["framing_dropped"] = dropped
        summary["framing"] = {
            side: lines[side] for side in ("left", "center", "right") if side in lines
        }

    # --- translation --------------------------------------------------------------

    def _add_translations(
        self, inputs: Sequence[SummaryInput], summary: dict[str, Any], translator: Translator
    ) -> None:
        target = _base_language(self.reader_language)
        language_of = {item.article_id: _base_language(item.language) for item in inputs}
        # (source language) -> [(where the translation goes, text)]
        wanted: dict[str, list[tuple[tuple, str]]] = defaultdict(list)
        for item in inputs:
            source = language_of[item.article_id]
            if not source or source == target:
                continue
            if item.title.strip():
                wanted[source].append((("article", item.article_id, "title"), item.title.strip()))
            lede = _shorten(item.lede, LEDE_CHARACTERS)
            if lede:
                wanted[source].append((("article", item.article_id, "lede"), lede))
        lines = [("bullet", index, bullet) for index, bullet in enumerate(summary["bullets"])]
        lines += [("framing", side, line) for side, line in (summary.get("framing") or {}).items()]
        if summary.get("backend") == "extractive":  # an LLM already wrote in the reader's language
            for kind, key, line in lines:
                cited = [language_of.get(i) for i in line.get("article_ids") or []]
                source = cited[0] if cited else None
                if source and source != target:
                    wanted[source].append(((kind, key, "text"), line["text"]))
        if not wanted:
            return
        record: dict[str, Any] = {"engine": translator.name, "target": target, "articles": {}}
        errors = []
        for source, entries in wanted.items():
            try:
                translated = translator.translate(
                    [text for _, text in entries], source=source, target=target
                )
            # Any exception: a plug-in engine's failure must not stop the pipeline.
            except Exception as error:
                errors.append(f"{source}→{target}: {error}")
                continue
            for ((kind, key, part), _), text in zip(entries, translated, strict=True):
                if kind == "article":
                    entry = record["articles"].setdefault(str(key), {"source": source})
                    entry[part] = text
                elif kind == "bullet":
                    summary["bullets"][key]["translation"] = text
                else:
                    summary["framing"][key]["translation"] = text
        if errors:
            record["errors"] = errors
        summary["translations"] = record


def _base_language(code: str | None) -> str | None:
    return code.split("-")[0].split("_")[0].lower() if code else None


def _shorten(text: str, length: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"
