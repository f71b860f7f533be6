"""What every ratings-file reader shares: the row it yields, its options, label mapping."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newsprism.models import BIAS_SCALE, FACTUALITY_SCALE, Rating

__all__ = [
    "RatingRow",
    "ReadOptions",
    "ReadResult",
    "bias_from_label",
    "column",
    "factuality_from_label",
    "has_any",
    "year_in",
]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the person importing says about the file (``--rater``, ``--licence``, ...).

    ``rater``: the rater of a one-rater file (each format has a default), or, for a file
    with per-rater columns, the one rater to take. ``licence`` replaces the format's
    default licence. ``rated_on`` dates the ratings the file leaves undated.
    """

    rater: str | None = None
    licence: str | None = None
    rated_on: str | None = None


@dataclass(frozen=True, slots=True)
class RatingRow:
    """What one line of a ratings file says about one outlet.

    ``rated_on`` of a rating is None when the file does not date it; the importer then
    dates it (see ``sources.rating_import``).
    """

    domain: str
    name: str | None = None
    ratings: tuple[Rating, ...] = ()
    country: str | None = None
    language: str | None = None
    owner: str | None = None
    ownership_typology: str | None = None
    ownership_source: str | None = None


@dataclass(slots=True)
class ReadResult:
    format: str
    rows_read: int = 0
    rows: list[RatingRow] = field(default_factory=list)
    # Values the reader could not put on a scale, by reason: reported, never guessed.
    skipped: Counter[str] = field(default_factory=Counter)


def column(row: Mapping[str, str | None], *names: str) -> str | None:
    """The first non-empty value among ``names`` (header names are normalised already)."""
    for name in names:
        value = (row.get(name) or "").strip()
        if value:
            return value
    return None


def has_any(columns: Iterable[str], *names: str) -> bool:
    present = set(columns)
    return any(name in present for name in names)


_YEAR = re.compile(r"(?<!\d)(\d{4})(?:-\d{2}(?:-\d{2})?)?(?!\d)")


def year_in(text: str | None) -> str | None:
    """The ISO date or year in a date cell or snapshot name: ``allsides-2019`` -> ``2019``,
    ``2024-05-01T10:00`` -> ``2024-05-01``, ``05/01/2024`` -> ``2024``.

    Dates are compared as strings to find a rater's newest rating, so only these ISO
    prefixes may be stored.
    """
    found = _YEAR.search(text or "")
    return found.group(0) if found else None


def _compact(label: str | None) -> str:
    """``Left-Center``, ``left center``, ``leftcenter.?.?.?.png``, ``MBFCHigh.png`` alike."""
    text = (label or "").strip().lower()
    text = re.sub(r"\.(png|jpe?g|gif|svg)$", "", text)
    text = re.sub(r"[^a-z]", "", text)
    return text.removeprefix("mbfc") if text != "mbfc" else text


# Every spelling the published formats use, compacted, onto the 7-point scale. AllSides'
# five labels and MBFC's are points of it: "left" is our left (not far-left), MBFC's
# left-center is lean-left, its extreme-left far-left; Ad Fontes' column names too.
_BIAS_WORDS: dict[str, str] = {
    **dict.fromkeys(("farleft", "extremeleft", "mostextremeleft", "extremeleftbias"), "far-left"),
    **dict.fromkeys(("left", "leftbias", "hyperpartisanleft"), "left"),
    **dict.fromkeys(
        ("leanleft", "leftcenter", "centerleft", "leftcenterbias", "skewsleft"), "lean-left"
    ),
    **dict.fromkeys(
        ("center", "centre", "leastbiased", "middle", "neutral", "middleorbalancedbias"),
        "center",
    ),
    **dict.fromkeys(
        ("leanright", "rightcenter", "centerright", "rightcenterbias", "skewsright"),
        "lean-right",
    ),
    **dict.fromkeys(("right", "rightbias", "hyperpartisanright"), "right"),
    **dict.fromkeys(
        ("farright", "extremeright", "mostextremeright", "extremerightbias"), "far-right"
    ),
}
# Factuality words and the one- or two-letter codes (VH, H, MF, M, L, VL) of Iffy.news.
_FACTUALITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("veryhigh", "vh"), "very-high"),
    **dict.fromkeys(("high", "h"), "high"),
    **dict.fromkeys(("mostlyfactual", "mf"), "mostly-factual"),
    **dict.fromkeys(("mixed", "m"), "mixed"),
    **dict.fromkeys(("low", "l"), "low"),
    **dict.fromkeys(("verylow", "vl"), "very-low"),
}
assert set(_BIAS_WORDS.values()) == set(BIAS_SCALE)
assert set(_FACTUALITY_WORDS.values()) == set(FACTUALITY_SCALE)


def bias_from_label(label: str | None) -> str | None:
    """A bias label onto the 7-point scale; None for what is not a left-right position
    (MBFC's ``fake-news``, ``conspiracy-pseudoscience``, ``pro-science``, ``satire``)."""
    return _BIAS_WORDS.get(_compact(label))


def factuality_from_label(label: str | None) -> str | None:
    """A factuality label or code onto the 6-point scale; None when it is not one."""
    return _FACTUALITY_WORDS.get(_compact(label))
