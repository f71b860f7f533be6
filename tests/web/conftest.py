"""A small real instance for the web tests: three rated outlets, one story of three
articles with coverage numbers and summary bullets, written through the store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient  # on httpx2 (a test dependency), as Starlette asks
from sqlalchemy import Engine, update

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Outlet, Rating, RawArticle
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.outlets import upsert_outlet
from newsprism.store.schema import stories
from newsprism.store.stories import save_story_refresh
from newsprism.web.app import create_app
from tests.fixtures.stories import story_of

ALLSIDES = "CC BY-NC 4.0"
WIKIPEDIA = "CC BY-SA 4.0"
STORY_TITLE = "Maduro reached out to Russia, China and Iran for military support"


def _outlet(domain: str, name: str, bias: str, factuality: str, **extra: Any) -> Outlet:
    return Outlet(
        domain=domain,
        name=name,
        country="US",
        language="en",
        feeds=[f"https://{domain}/rss.xml"],
        ratings=[
            Rating(axis=BIAS_AXIS, value=bias, rater="allsides", licence=ALLSIDES, rated_on="2019"),
            Rating(
                axis=FACTUALITY_AXIS, value=factuality, rater="wikipedia-rsp", licence=WIKIPEDIA
            ),
        ],
        **extra,
    )


OUTLETS = [
    _outlet(
        "nytimes.com",
        "New York Times",
        "lean-left",
        "high",
        owner="The New York Times Company",
        ownership_typology="private",
    ),
    _outlet("foxnews.com", "Fox News", "right", "mixed", ownership_typology="private"),
    _outlet("reuters.com", "Reuters", "center", "very-high", ownership_typology="private"),
]


@dataclass
class Seeded:
    story_id: int
    article_ids: dict[str, int]  # outlet domain -> article id
    outlet_ids: dict[str, int]


def seed_story(
    engine: Engine, *, title: str = STORY_TITLE, url_prefix: str = "story", hours_ago: int = 3
) -> Seeded:
    """One story covered by the three outlets, refreshed like the pipeline does it."""
    now = datetime.now(UTC)
    published = now - timedelta(hours=hours_ago)
    with engine.begin() as conn:
        outlet_ids = {outlet.domain: upsert_outlet(conn, outlet) for outlet in OUTLETS}
        article_ids = {}
        for offset, outlet in enumerate(OUTLETS):
            article_ids[outlet.domain] = add_article(
                conn,
                RawArticle(
                    url=f"https://www.{outlet.domain}/2025/{url_prefix}-{offset}.html",
                    title=f"{outlet.name} on {title}",
                    lede=f"Lede from {outlet.name}: Maduro asked Putin for help.",
                    published=published + timedelta(minutes=offset),
                    language="en",
                ),
            )
        story_id = story_of(
            conn,
            article_ids.values(),
            title=title,
            first_seen=published,
            last_seen=published + timedelta(minutes=2),
        )
        save_story_refresh(
            conn,
            story_id,
            title=title,
            summary={
                "method": "extractive-centroid-mmr (hashing)",
                "bullets": [
                    {
                        "text": "Maduro asked Putin for missiles and radar repairs.",
                        "article_ids": [article_ids["nytimes.com"], article_ids["reuters.com"]],
                    },
                    {
                        "text": "The Kremlin said it respects Venezuela's sovereignty.",
                        "article_ids": [article_ids["foxnews.com"]],
                    },
                    {"text": "U.S. strikes have killed at least 61 people.", "article_ids": []},
                ],
            },
            coverage=_coverage(outlet_ids, published),
        )
    return Seeded(story_id=story_id, article_ids=article_ids, outlet_ids=outlet_ids)


def merged_duplicate(engine: Engine, *, into: int) -> int:
    """The id of another seeded story, merged into story ``into`` (its id redirects)."""
    absorbed = seed_story(engine, title="Old duplicate", url_prefix="dup")
    with engine.begin() as conn:
        conn.execute(
            update(stories).where(stories.c.id == absorbed.story_id).values(merged_into=into)
        )
    return absorbed.story_id


def _coverage(outlet_ids: dict[str, int], published: datetime) -> dict[str, Any]:
    """Coverage in the documented format (coverage/README-format.md), written by hand
    so these tests pin what the pages show, not how the numbers are computed."""
    outlets = []
    for outlet in OUTLETS:
        bias = next(r.value for r in outlet.ratings if r.axis == BIAS_AXIS)
        factuality = next(r.value for r in outlet.ratings if r.axis == FACTUALITY_AXIS)
        outlets.append(
            {
                "outlet_id": outlet_ids[outlet.domain],
                "domain": outlet.domain,
                "name": outlet.name,
                "bias": bias,
                "side": {"lean-left": "left", "center": "center", "right": "right"}[bias],
                "factuality": factuality,
                "ratings": [
                    {
                        "axis": r.axis,
                        "value": r.value,
                        "rater": r.rater,
                        "licence": r.licence,
                        "rated_on": r.rated_on,
                    }
                    for r in outlet.ratings
                ],
                "articles": 1,
            }
        )
    return {
        "article_count": 3,
        "source_count": 3,
        "bias": {
            "far-left": 0,
            "left": 0,
            "lean-left": 1,
            "center": 1,
            "lean-right": 0,
            "right": 1,
            "far-right": 0,
            "unrated": 0,
        },
        "sides": {"left": 1, "center": 1, "right": 1, "unrated": 0},
        "sides_percent": {"left": 34, "center": 33, "right": 33, "unrated": 0},
        "factuality": {
            "very-high": 1,
            "high": 1,
            "mostly-factual": 0,
            "mixed": 1,
            "low": 0,
            "very-low": 0,
            "unrated": 0,
        },
        "factuality_percent": {
            "very-high": 34,
            "high": 33,
            "mostly-factual": 0,
            "mixed": 33,
            "low": 0,
            "very-low": 0,
            "unrated": 0,
        },
        "ownership": {"private": 3},
        "countries": {"US": 3},
        "languages": {"en": 3},
        "headline": "34% of the sources lean Left",
        "first_published": published.isoformat(),
        "last_published": (published + timedelta(minutes=2)).isoformat(),
        "raters": {BIAS_AXIS: ["allsides"], FACTUALITY_AXIS: ["wikipedia-rsp"]},
        "outlets": outlets,
    }


@pytest.fixture
def client(settings: Settings, sqlite_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, sqlite_engine)) as test_client:
        yield test_client


@pytest.fixture
def seeded(sqlite_engine: Engine) -> Seeded:
    return seed_story(sqlite_engine)
