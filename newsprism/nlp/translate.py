"""Translation of headlines, ledes and summary lines into the reader's language,
behind one small interface with pluggable engines.

An engine has a ``name`` (shown next to every translation it makes) and
``translate(texts, source=..., target=...)`` returning one translation per text, in
order, or raising ``TranslationFailed``. Engines shipped:

- ``llm``: the OpenAI-compatible endpoint of the LLM settings.
- a plug-in named as ``package.module:ClassName`` in ``NEWSPRISM_TRANSLATION_ENGINE``
  (as for embedders), built with no arguments — e.g. a wrapper around an offline
  engine whose models you installed. No offline engine ships its model weights inside
  a PyPI package (Argos Translate, Opus-MT and Bergamot all download them), so none is
  bundled: newsprism never downloads a model at run time.

With ``none`` nothing is translated and pages show each original with its language.
"""

from __future__ import annotations

import importlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from newsprism.nlp.llm_endpoint import LlmEndpoint, LlmUnavailable

# The languages of the embedding model (USE v3) and of the bundled catalogue, for prompts.
_LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


def language_name(code: str) -> str:
    """ "Spanish" for "es"; an unknown code is named by itself (models know ISO codes)."""
    return _LANGUAGE_NAMES.get(code.lower(), code)


class TranslationFailed(Exception):
    """The engine could not translate; ``str()`` says why."""


class Translator(Protocol):
    name: str

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """One translation per text, in order; raises ``TranslationFailed``."""
        ...


class LlmTranslator:
    """Translation by the LLM endpoint: the texts go as a JSON array, one request per
    batch, and must come back as a JSON array of the same length."""

    def __init__(self, endpoint: LlmEndpoint) -> None:
        self._endpoint = endpoint
        self.name = endpoint.name

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        if not texts:
            return []
        system = (
            f"Translate each string of the JSON array from {language_name(source)} to "
            f"{language_name(target)}. Keep names as they are. Answer with a JSON array of "
            "the translations, in the same order and of the same length, and nothing else."
        )
        try:
            answer = self._endpoint.chat(
                system, json.dumps(list(texts), ensure_ascii=False), max_tokens=2000
            )
        except LlmUnavailable as error:
            raise TranslationFailed(str(error)) from None
        start, end = answer.find("["), answer.rfind("]")
        try:
            translated = json.loads(answer[start : end + 1]) if start >= 0 else None
        except ValueError:
            translated = None
        if (
            not isinstance(translated, list)
            or len(translated) != len(texts)
            or not all(isinstance(item, str) for item in translated)
        ):
            raise TranslationFailed(f"the answer is not a JSON array of {len(texts)} strings")
        return [item.strip() for item in translated]


class CachedTranslator:
    """Remembers recent translations, so a story refreshed for its new article does not
    pay again for the headlines it had (kept in memory: a restart translates once more)."""

    def __init__(self, engine: Translator, *, size: int = 20_000) -> None:
        self._engine = engine
        self._size = size
        self._cache: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self.name = engine.name

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        missing = list(dict.fromkeys(t for t in texts if (source, target, t) not in self._cache))
        if missing:
            for text, translation in zip(
                missing, self._engine.translate(missing, source=source, target=target), strict=True
            ):
                self._cache[(source, target, text)] = translation
                self._cache.move_to_end((source, target, text))
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return [self._cache[(source, target, text)] for text in texts]


def get_translator(engine: str, *, llm: LlmEndpoint | None = None) -> Translator | None:
    """The engine a ``translation_engine`` setting names; None for ``none``."""
    if engine in ("", "none"):
        return None
    if engine == "llm":
        if llm is None:
            raise ValueError("translation_engine 'llm' needs NEWSPRISM_LLM_URL and _LLM_MODEL")
        return CachedTranslator(LlmTranslator(llm))
    module_name, _, class_name = engine.partition(":")
    if not class_name:
        raise ValueError(
            f"unknown translation engine {engine!r}: use 'none', 'llm' or "
            "'package.module:ClassName'"
        )
    return CachedTranslator(getattr(importlib.import_module(module_name), class_name)())
