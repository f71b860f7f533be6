"""Story listings filtered by side, blindspot, outlet, language and dates, on SQLite
and PostgreSQL (the side and blindspot filters read the stored coverage JSON)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, update

from newsprism.coverage.blindspot import blindspot_side
from newsprism.models import RawArticle
from newsprism.store.articles import add_article
from newsprism.store.schema import stories
from newsprism.store.stories import save_story_refresh
from newsprism.store.web_reads import (
    StoryFilters,
    count_filtered_stories,
    filtered_stories,
    outlet_by_domain,
)
from tests.fixtures.stories import story_of

DAY = datetime(2024, 6, 1, 12, tzinfo=UTC)


def _story(
    engine: Engine,
    key: str,
    *,
    domains: list[str],
    sides: dict[str, int],
    language: str = "en",
    first_seen: datetime = DAY,
) -> int:
    with engine.begin() as conn:
        ids = [
            add_article(
                conn,
                RawArticle(
                    url=f"https://www.{domain}/{key}-{n}",
                    title=f"{key} {n}",
                    language=language,
                    published=first_seen,
                ),
            )
            for n, domain in enumerate(domains)
        ]
        story_id = story_of(
            conn,
            ids,
            title=key,
            first_seen=first_seen,
            last_seen=first_seen + timedelta(hours=6),
            similarity=None,
        )
        save_story_refresh(
            conn,
            story_id,
            title=key,
            summary={"bullets": []},
            coverage={"sides": {"unrated": 0, **sides}, "blindspot": blindspot_side(sides)},
        )
    return story_id


@pytest.fixture
def three(engine: Engine) -> dict[str, int]:
    return {
        # covered by the right only: a blindspot for the left
        "right-only": _story(
            engine, "right-only", domains=["foxnews.com", "breitbart.com", "nypost.com"],
            sides={"left": 0, "center": 0, "right": 3},
        ),
        # balanced; in Spanish, a week earlier
        "balanced": _story(
            engine, "balanced", domains=["nytimes.com", "reuters.com", "foxnews.com"],
            sides={"left": 1, "center": 1, "right": 1}, language="es",
            first_seen=DAY - timedelta(days=7),
        ),
        # left only, but too few rated sources to call it a blindspot
        "left-pair": _story(
            engine, "left-pair", domains=["nytimes.com", "huffpost.com"],
            sides={"left": 2, "center": 0, "right": 0}, first_seen=DAY + timedelta(days=7),
        ),
    }  # fmt: skip


def _listed(engine: Engine, **filters: object) -> list[int]:
    chosen = StoryFilters(**filters)  # type: ignore[arg-type]
    with engine.connect() as conn:
        found = [s["id"] for s in filtered_stories(conn, chosen, order="latest")]
        assert count_filtered_stories(conn, chosen) == len(found)
    return found


def test_filters(engine: Engine, three: dict[str, int]) -> None:
    everything = _listed(engine)
    assert everything == [three["left-pair"], three["right-only"], three["balanced"]]
    assert _listed(engine, side="left") == [three["left-pair"], three["balanced"]]
    assert _listed(engine, side="center") == [three["balanced"]]
    assert _listed(engine, blindspot="left") == [three["right-only"]]
    assert _listed(engine, blindspot="right") == []
    assert _listed(engine, outlet_domain="foxnews.com") == [three["right-only"], three["balanced"]]
    assert _listed(engine, outlet_domain="nowhere.example") == []
    assert _listed(engine, language="es") == [three["balanced"]]
    assert _listed(engine, language="EN") == [three["left-pair"], three["right-only"]]
    assert _listed(engine, since=DAY) == [three["left-pair"], three["right-only"]]
    assert _listed(engine, until=DAY) == [three["right-only"], three["balanced"]]
    assert _listed(engine, since=DAY, until=DAY) == [three["right-only"]]
    assert _listed(engine, side="right", language="es", outlet_domain="reuters.com") == [
        three["balanced"]
    ]
    # PostgreSQL refuses NUL in text: such a filter matches nothing instead of failing
    assert _listed(engine, outlet_domain="foxnews.com\x00") == []
    assert _listed(engine, language="\x00") == []
    with engine.connect() as conn:
        assert outlet_by_domain(conn, "foxnews.com\x00") is None
        assert outlet_by_domain(conn, "foxnews.com")["name"] == "foxnews.com"


def test_times_compare_in_utc_whatever_their_zone(engine: Engine, three: dict[str, int]) -> None:
    tokyo = timezone(timedelta(hours=9))
    # 21:00 in Tokyo is 12:00 UTC: the right-only story begins exactly then.
    assert three["right-only"] in _listed(engine, until=datetime(2024, 6, 1, 21, tzinfo=tokyo))
    assert three["right-only"] not in _listed(
        engine, until=datetime(2024, 6, 1, 20, 59, tzinfo=tokyo)
    )
    assert _listed(engine, until=datetime(2024, 6, 1, 11, 59)) == [three["balanced"]]  # naive: UTC
    # the ends of the calendar are no error
    assert len(_listed(engine, since=datetime(1, 1, 1, tzinfo=tokyo))) == 3
    assert (
        len(_listed(engine, until=datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=5)))))
        == 3
    )


def test_merged_and_empty_stories_are_not_listed(engine: Engine, three: dict[str, int]) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(stories)
            .where(stories.c.id == three["balanced"])
            .values(merged_into=three["right-only"])
        )
    assert three["balanced"] not in _listed(engine)
    assert _listed(engine, language="es") == []
