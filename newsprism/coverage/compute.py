"""A story's coverage numbers from its articles and their outlets' ratings.

Every percentage is a share of the story's *sources* (distinct outlets), the unrated
share included, so the shares always add up to 100 and nothing is silently dropped.
Percentages are rounded with the largest-remainder method for the same reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsprism.coverage.blindspot import blindspot_side
from newsprism.coverage.timeline import TimedArticle, compute_timeline
from newsprism.models import (
    BIAS_AXIS,
    BIAS_SCALE,
    FACTUALITY_AXIS,
    FACTUALITY_SCALE,
    Rating,
    side_of,
)
from newsprism.sources.ratings import combined_value

SIDES = ("left", "center", "right")
UNRATED = "unrated"
# How many of the owners with the most sources a story's coverage lists.
TOP_OWNERS = 5


@dataclass(slots=True)
class SourceArticle:
    """One article of a story with the outlet facts coverage needs."""

    article_id: int
    outlet_id: int | None
    outlet_domain: str | None
    outlet_name: str | None
    published: datetime | None
    country: str | None = None
    language: str | None = None
    ownership_typology: str | None = None
    ratings: list[Rating] = field(default_factory=list)
    # The earliest article carrying the same (wire) text, when this one is a copy.
    syndicated_of: int | None = None
    owner: str | None = None  # the outlet's owner (outlets.owner), for the largest owners


def percentages(counts: Mapping[str, int]) -> dict[str, int]:
    """Whole-number shares that add up to exactly 100 (largest remainder)."""
    total = sum(counts.values())
    if not total:
        return dict.fromkeys(counts, 0)
    exact = {key: value * 100 / total for key, value in counts.items()}
    result = {key: int(value) for key, value in exact.items()}
    leftover = 100 - sum(result.values())
    by_remainder = sorted(
        exact, key=lambda key: (-(exact[key] - result[key]), list(counts).index(key))
    )
    for key in by_remainder[:leftover]:
        result[key] += 1
    return result


def _headline(side_counts: Mapping[str, int]) -> str:
    rated = {side: side_counts[side] for side in SIDES}
    if not sum(rated.values()):
        return "No source of this story has a bias rating yet"
    share = percentages(dict(side_counts))
    top = max(SIDES, key=lambda side: (rated[side], side == "center"))
    if top == "center":
        return f"{share[top]}% of the sources are Center"
    return f"{share[top]}% of the sources lean {top.capitalize()}"


def compute_coverage(articles: Iterable[SourceArticle]) -> dict[str, Any]:
    """The coverage object stored with a story (format: coverage/README-format.md)."""
    articles = list(articles)
    by_outlet: dict[Any, list[SourceArticle]] = {}
    for article in articles:
        by_outlet.setdefault(_source_key(article), []).append(article)

    bias_counts: Counter[str] = Counter(dict.fromkeys((*BIAS_SCALE, UNRATED), 0))
    side_counts: Counter[str] = Counter(dict.fromkeys((*SIDES, UNRATED), 0))
    factuality_counts: Counter[str] = Counter(dict.fromkeys((*FACTUALITY_SCALE, UNRATED), 0))
    ownership: Counter[str] = Counter()
    owners: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    raters: dict[str, set[str]] = {BIAS_AXIS: set(), FACTUALITY_AXIS: set()}
    outlets = []
    side_of_source: dict[Any, str | None] = {}
    for key, group in by_outlet.items():
        first = group[0]
        bias = combined_value(first.ratings, BIAS_AXIS)
        side_of_source[key] = side_of(bias)
        factuality = combined_value(first.ratings, FACTUALITY_AXIS)
        bias_counts[bias or UNRATED] += 1
        side_counts[side_of(bias) or UNRATED] += 1
        factuality_counts[factuality or UNRATED] += 1
        ownership[first.ownership_typology or "unknown"] += 1
        if first.owner:
            owners[first.owner] += 1
        countries[first.country or "unknown"] += 1
        languages[_article_language(group)] += 1
        for rating in first.ratings:
            if rating.axis in raters:
                raters[rating.axis].add(rating.rater)
        outlets.append(
            {
                "outlet_id": first.outlet_id,
                "domain": first.outlet_domain,
                "name": first.outlet_name or first.outlet_domain,
                "bias": bias,
                "side": side_of(bias),
                "factuality": factuality,
                "ratings": [
                    {
                        "axis": r.axis,
                        "value": r.value,
                        "rater": r.rater,
                        "licence": r.licence,
                        "rated_on": r.rated_on,
                    }
                    for r in first.ratings
                ],
                "articles": len(group),
            }
        )
    times = [a.published for a in articles if a.published is not None]
    # Distinct texts: a copy whose original is outside the story still brings its text
    # once, so a story of three copies of one wire report has one original, not none.
    original_count = len({a.syndicated_of or a.article_id for a in articles})
    outlets.sort(key=lambda o: (-o["articles"], o["name"] or ""))
    return {
        "article_count": len(articles),
        "source_count": len(by_outlet),
        "original_count": original_count,
        "syndicated_count": len(articles) - original_count,
        "bias": dict(bias_counts),
        "sides": dict(side_counts),
        "sides_percent": percentages(dict(side_counts)),
        "factuality": dict(factuality_counts),
        "factuality_percent": percentages(dict(factuality_counts)),
        "ownership": dict(ownership.most_common()),
        "countries": dict(countries.most_common()),
        "languages": dict(languages.most_common()),
        "owners": _largest_owners(owners),
        "headline": _headline(side_counts),
        "blindspot": blindspot_side(side_counts),
        "first_published": min(times).isoformat() if times else None,
        "last_published": max(times).isoformat() if times else None,
        "raters": {axis: sorted(names) for axis, names in raters.items()},
        "outlets": outlets,
        "timeline": compute_timeline(_timed(articles, side_of_source)),
    }


def _largest_owners(owners: Counter[str]) -> list[dict[str, Any]]:
    """The owners with the most sources in the story, most first (ties by name)."""
    ranked = sorted(owners.items(), key=lambda item: (-item[1], item[0]))
    return [{"owner": owner, "sources": count} for owner, count in ranked[:TOP_OWNERS]]


def _source_key(article: SourceArticle) -> Any:
    """What makes two articles the same source: their outlet."""
    return article.outlet_id if article.outlet_id is not None else article.outlet_domain


def _timed(
    articles: list[SourceArticle], side_of_source: Mapping[Any, str | None]
) -> list[TimedArticle]:
    """The articles as the timeline sees them, each with its source's side as counted
    in the coverage numbers."""
    return [
        TimedArticle(
            article_id=article.article_id,
            outlet_key=_source_key(article),
            outlet_name=article.outlet_name or article.outlet_domain,
            side=side_of_source[_source_key(article)],
            published=article.published,
            syndicated=article.syndicated_of is not None,
        )
        for article in articles
    ]


def _article_language(group: list[SourceArticle]) -> str:
    found = Counter(a.language for a in group if a.language)
    return found.most_common(1)[0][0] if found else "unknown"
