"""What keeps story listings and story reads fast on a large instance (bench/web.py):
the listing indexes of migration 0007, used by the planner, and the JSON columns read
back with orjson, or the standard library where orjson refuses what it wrote."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, update
from sqlalchemy.dialects import sqlite

from newsprism.store.schema import stories
from newsprism.store.stories import create_story, get_story, list_stories, load_json
from newsprism.store.web_reads import StoryFilters, count_filtered_stories, filtered_stories

DAY = datetime(2024, 6, 1, 12, tzinfo=UTC)


def _stories(engine: Engine, count: int) -> list[int]:
    with engine.begin() as conn:
        ids = [
            create_story(conn, title=f"story {n}", first_seen=DAY, centroid=b"")
            for n in range(count)
        ]
        for n, story_id in enumerate(ids):
            conn.execute(
                update(stories)
                .where(stories.c.id == story_id)
                .values(source_count=n % 4, last_seen=DAY + timedelta(hours=n))
            )
    return ids


def test_the_listing_indexes_exist(engine: Engine) -> None:
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("stories")}
    assert indexes["ix_stories_biggest"]["column_names"] == ["source_count", "last_seen", "id"]
    assert indexes["ix_stories_latest"]["column_names"] == ["last_seen", "id"]


def test_listings_are_ordered_as_before(engine: Engine) -> None:
    ids = _stories(engine, 12)
    with engine.connect() as conn:
        biggest = [s["id"] for s in filtered_stories(conn, StoryFilters(), limit=50)]
        latest = [s["id"] for s in filtered_stories(conn, StoryFilters(), limit=50, order="latest")]
        total = count_filtered_stories(conn, StoryFilters())
        listed = [s["id"] for s in list_stories(conn, limit=50)]
    # source_count 0 is not listed; most sources first, then the latest seen
    expected = sorted(
        (story_id for n, story_id in enumerate(ids) if n % 4),
        key=lambda story_id: (-(ids.index(story_id) % 4), -ids.index(story_id)),
    )
    assert biggest == expected == listed
    assert latest == sorted(expected, key=ids.index, reverse=True)
    assert total == len(expected) == 9


def _plan(engine: Engine, statement: object) -> str:
    sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        return " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))


def test_sqlite_walks_the_indexes_instead_of_every_story(sqlite_engine: Engine) -> None:
    """Regression: the home page read every story row (coverage JSON included) to count
    and sort them; ~1 s a page with 10,000 stories."""
    from sqlalchemy import func, select

    from newsprism.store.web_reads import _conditions

    _stories(sqlite_engine, 3)
    with sqlite_engine.connect() as conn:
        where = _conditions(conn, StoryFilters())
    count = select(func.count()).select_from(stories).where(*where)
    biggest = (
        select(stories)
        .where(*where)
        .order_by(stories.c.source_count.desc(), stories.c.last_seen.desc(), stories.c.id.desc())
        .limit(20)
    )
    latest = (
        select(stories)
        .where(*where)
        .order_by(stories.c.last_seen.desc(), stories.c.id.desc())
        .limit(20)
    )
    assert "ix_stories_biggest" in _plan(sqlite_engine, count)
    for statement, index in ((biggest, "ix_stories_biggest"), (latest, "ix_stories_latest")):
        plan = _plan(sqlite_engine, statement)
        assert index in plan and "TEMP B-TREE" not in plan, plan


def test_stored_json_reads_back_with_what_orjson_refuses(engine: Engine) -> None:
    # json.dumps writes NaN and integers past 64 bits; orjson will not read them.
    coverage = {"source_count": 2, "score": float("nan"), "big": 2**70, "name": "Zürich"}
    with engine.begin() as conn:
        story_id = create_story(conn, title="t", first_seen=DAY, centroid=b"")
        conn.execute(
            update(stories)
            .where(stories.c.id == story_id)
            .values(coverage_json=json.dumps(coverage), summary_json='{"bullets": []}')
        )
    with engine.connect() as conn:
        story = get_story(conn, story_id)
    assert story is not None
    assert story["coverage"]["big"] == 2**70 and story["coverage"]["name"] == "Zürich"
    assert story["coverage"]["score"] != story["coverage"]["score"]  # NaN
    assert story["summary"] == {"bullets": []}
    assert load_json('{"a": [1, 2.5, "é", null, true]}') == {"a": [1, 2.5, "é", None, True]}
