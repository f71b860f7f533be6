"""Jinja filters and small display helpers: times, percentages, scale labels, bars.

Everything here turns stored values into text a reader sees; none of it touches the
database. Times are shown relative ("3 hours ago") with the exact UTC time kept in
``<time datetime>`` so screen readers and copy-paste still get the real value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment

# How raters are called in the UI; unknown raters show as stored.
RATER_NAMES = {
    "allsides": "AllSides",
    "adfontes": "Ad Fontes Media",
    "ad-fontes": "Ad Fontes Media",
    "mbfc": "Media Bias/Fact Check",
    "wikipedia-rsp": "Wikipedia Perennial Sources",
    "wp-rsp": "Wikipedia Perennial Sources",
    "cred1": "CRED-1",
    "cred-1": "CRED-1",
    "opensources": "OpenSources",
    "kagi": "Kagi",
}

_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def relative_time(value: datetime | str | None, now: datetime | None = None) -> str:
    """Relative time: "3 hours ago", "in 2 days", "just now"; empty when missing."""
    value = _as_datetime(value)
    if value is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            text = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def iso_time(value: datetime | str | None) -> str:
    """Machine-readable time for ``<time datetime>``."""
    value = _as_datetime(value)
    return value.isoformat() if value else ""


def absolute_time(value: datetime | str | None) -> str:
    value = _as_datetime(value)
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _as_datetime(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    # Stored times are UTC; SQLite hands them back without a zone.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def percent(value: float | int | None) -> str:
    return "–" if value is None else f"{round(value)}%"


def scale_label(value: str | None) -> str:
    """A scale label for people: lean-left -> "Lean Left"; missing -> "Unrated"."""
    if not value:
        return "Unrated"
    return " ".join(word.capitalize() for word in value.replace("_", "-").split("-"))


def rater_name(rater: str | None) -> str:
    return RATER_NAMES.get((rater or "").lower(), rater or "")


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s); feeds can carry ``javascript:`` links, never render them."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def bar_segments(
    percents: Mapping[str, int | float] | None, keys: Iterable[str]
) -> list[dict[str, Any]]:
    """Consecutive segments (key, x, width) of a 0–100 bar, in the order of ``keys``.

    The bars are SVG rects sized by attributes: the Content-Security-Policy forbids
    inline styles, and attributes are not styles.
    """
    segments = []
    start = 0.0
    for key in keys:
        width = float((percents or {}).get(key) or 0)
        if width > 0:
            segments.append({"key": key, "x": round(start, 3), "width": round(width, 3)})
        start += width
    return segments


def bar_label(percents: Mapping[str, int | float] | None, keys: Iterable[str]) -> str:
    """Text equivalent of a bar: "Left 33%, Center 33%, Right 22%, Unrated 12%"."""
    return ", ".join(f"{scale_label(key)} {percent((percents or {}).get(key, 0))}" for key in keys)


def plural(count: int | None, singular: str, plural_form: str | None = None) -> str:
    count = count or 0
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def truncate_text(text: str | None, length: int = 320) -> str:
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def register(env: Environment) -> None:
    env.filters.update(
        relative_time=relative_time,
        iso_time=iso_time,
        absolute_time=absolute_time,
        percent=percent,
        scale_label=scale_label,
        rater_name=rater_name,
        safe_url=safe_url,
        plural=plural,
        truncate_text=truncate_text,
    )
    env.globals.update(bar_segments=bar_segments, bar_label=bar_label)
