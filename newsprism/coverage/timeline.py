"""A story's timeline: who reported first, how fast it spread, articles per hour by side.

A pure function over the story's articles (outlet, side, publication time, whether the
article is a syndicated copy); the result is stored as coverage's ``"timeline"``
(format: coverage/README-format.md) and drawn on the story page.

* **First report**: the earliest article, its outlet and time. When that article is a
  syndicated copy (its wire original lies in another story), it says so.
* **Time until N sources**: from the first article to the first article of the N-th
  distinct outlet (``SOURCE_MILESTONES``: 5 and 10), in seconds; None while the story
  has fewer sources.
* **Articles per hour by side**: every article (copies included: a reader sees them)
  counted in the hour it was published, by its outlet's side (left, center, right, or
  unrated). Hours run from the hour of the first article to that of the last. A story
  spanning more than ``MAX_BUCKETS`` hours is counted in wider buckets (2, 3, 6, 12, 24…
  hours, the first width from ``BUCKET_HOURS`` that fits) so the series stays small.

Articles without a time are left out of the timeline (``undated`` counts them).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "BUCKET_HOURS",
    "MAX_BUCKETS",
    "SOURCE_MILESTONES",
    "TIMELINE_SIDES",
    "TimedArticle",
    "compute_timeline",
]

SOURCE_MILESTONES = (5, 10)
MAX_BUCKETS = 48
BUCKET_HOURS = (1, 2, 3, 6, 12, 24, 48, 168)
TIMELINE_SIDES = ("left", "center", "right", "unrated")


@dataclass(frozen=True, slots=True)
class TimedArticle:
    """What the timeline needs of one article."""

    article_id: int
    outlet_key: Hashable  # what makes two articles the same source (outlet id or domain)
    outlet_name: str | None
    side: str | None  # left / center / right; None when the outlet has no bias rating
    published: datetime | None
    syndicated: bool = False


def compute_timeline(articles: Iterable[TimedArticle]) -> dict[str, Any]:
    """The timeline object stored in coverage (see the module docstring)."""
    articles = list(articles)
    dated = sorted(
        (a for a in articles if a.published is not None),
        key=lambda a: (_utc(a.published), a.article_id),
    )
    timeline: dict[str, Any] = {
        "first": None,
        "undated": len(articles) - len(dated),
        **{f"time_to_{n}_sources": None for n in SOURCE_MILESTONES},
        "per_hour": None,
    }
    if not dated:
        return timeline
    first = dated[0]
    start = _utc(first.published)
    timeline["first"] = {
        "article_id": first.article_id,
        "outlet": first.outlet_name,
        "published": start.isoformat(),
        "syndicated": first.syndicated,
    }
    seen: set[Hashable] = set()
    for article in dated:
        if article.outlet_key in seen:
            continue
        seen.add(article.outlet_key)
        if len(seen) in SOURCE_MILESTONES:
            elapsed = _utc(article.published) - start
            timeline[f"time_to_{len(seen)}_sources"] = int(elapsed.total_seconds())
    timeline["per_hour"] = _per_hour(dated)
    return timeline


def _per_hour(dated: list[TimedArticle]) -> dict[str, Any]:
    first_hour = _utc(dated[0].published).replace(minute=0, second=0, microsecond=0)
    last = _utc(dated[-1].published)
    hours = int((last - first_hour) // timedelta(hours=1)) + 1
    width = next(
        (size for size in BUCKET_HOURS if math.ceil(hours / size) <= MAX_BUCKETS),
        math.ceil(hours / MAX_BUCKETS),
    )
    buckets = math.ceil(hours / width)
    counts = {side: [0] * buckets for side in TIMELINE_SIDES}
    for article in dated:
        index = int((_utc(article.published) - first_hour) // timedelta(hours=width))
        counts[article.side if article.side in TIMELINE_SIDES else "unrated"][index] += 1
    return {"start": first_hour.isoformat(), "bucket_hours": width, **counts}


def _utc(value: datetime | None) -> datetime:
    assert value is not None
    # Stored times are UTC; SQLite hands them back without a zone.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
