"""Story corrections (merge, split, move) through the domain layer, on SQLite and
PostgreSQL: what moves, what the stories' numbers become, what redirects, what is
refused, and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import Engine, select

from newsprism.models import RawArticle
from newsprism.store.articles import add_article
from newsprism.store.corrections import (
    corrections_version,
    lock_corrections_version,
    pinned_article_ids,
)
from newsprism.store.db import as_utc
from newsprism.store.schema import stories as stories_table
from newsprism.store.stories import (
    StoryState,
    attach_article,
    create_story,
    get_story,
    save_story_refresh,
    save_story_state,
    stories_needing_refresh,
    story_articles,
)
from newsprism.stories import corrections
from newsprism.stories.corrections import CorrectionError, UnknownArticle, UnknownStory

START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
DIMENSION = 4


@dataclass
class World:
    """Three stories: A (3 articles, outlets a/b/c), B (2 articles, outlets a/d) and
    C (1 article); each article has a one-hot-ish embedding so sums are checkable."""

    stories: dict[str, int]
    articles: dict[str, list[int]]
    embeddings: dict[int, np.ndarray]
    published: dict[int, datetime]


def _build(engine: Engine) -> World:
    layout = {
        "A": [("a.example", 0), ("b.example", 5), ("c.example", 30)],
        "B": [("a.example", 60), ("d.example", 90)],
        "C": [("e.example", 120)],
    }
    world = World(stories={}, articles={}, embeddings={}, published={})
    with engine.begin() as conn:
        for index, (name, members) in enumerate(layout.items()):
            first_seen = START + timedelta(minutes=members[0][1])
            story_id = create_story(
                conn, title=f"Story {name}", first_seen=first_seen, centroid=b""
            )
            world.stories[name] = story_id
            world.articles[name] = []
            for number, (domain, minutes) in enumerate(members):
                published = START + timedelta(minutes=minutes)
                article_id = add_article(
                    conn,
                    RawArticle(
                        url=f"https://www.{domain}/{name}-{number}.html",
                        title=f"{name} headline {number} from {domain}",
                        lede=f"Lede {number} of story {name}.",
                        published=published,
                        language="en",
                    ),
                )
                vector = np.zeros(DIMENSION, dtype=np.float32)
                vector[index] = 1.0
                vector[3] = 0.1 * (number + 1)
                attach_article(
                    conn,
                    article_id=article_id,
                    story_id=story_id,
                    similarity=0.8,
                    embedding=vector.tobytes(),
                    grouping={"score": 0.8, "threshold": 0.35},
                )
                world.articles[name].append(article_id)
                world.embeddings[article_id] = vector
                world.published[article_id] = published
            save_story_state(
                conn,
                StoryState(
                    id=story_id,
                    title=f"Story {name}",
                    centroid=b"",
                    article_count=len(members),
                    first_seen=first_seen,
                    last_seen=START + timedelta(minutes=members[-1][1]),
                ),
            )
            # Refreshed, as the pipeline leaves a story: a correction must mark it again.
            save_story_refresh(conn, story_id, title=f"Story {name}", summary={}, coverage={})
    return world


@pytest.fixture
def world(engine: Engine) -> World:
    return _build(engine)


def _story_row(engine: Engine, story_id: int):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(stories_table).where(stories_table.c.id == story_id)).one()


def _members(engine: Engine, story_id: int) -> list[int]:
    with engine.connect() as conn:
        return sorted(article["id"] for article in story_articles(conn, story_id))


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        return corrections_version(conn)


def _assert_numbers(engine: Engine, world: World, story_id: int, members: list[int]) -> None:
    """Counts, first/last seen and centroid are those of exactly these articles."""
    row = _story_row(engine, story_id)
    with engine.connect() as conn:
        outlets = {a["outlet_id"] for a in story_articles(conn, story_id)}
    assert row.article_count == len(members)
    assert row.source_count == len(outlets)
    times = [world.published[a] for a in members]
    assert as_utc(row.first_seen) == min(times)
    assert as_utc(row.last_seen) == max(times)
    expected = np.sum([world.embeddings[a] for a in members], axis=0)
    assert np.allclose(np.frombuffer(row.centroid, dtype=np.float32), expected)
    assert row.needs_refresh is True


def test_merge_moves_the_articles_and_the_old_id_redirects(engine, world):
    a, b = world.stories["A"], world.stories["B"]
    assert _version(engine) == 0
    done = corrections.merge(engine, source_id=b, target_id=a, actor="test", note="same event")

    assert (done.action, done.source_story_id, done.target_story_id) == ("merge", b, a)
    assert done.article_ids == sorted(world.articles["B"])
    everything = sorted(world.articles["A"] + world.articles["B"])
    assert _members(engine, a) == everything
    assert _members(engine, b) == []
    _assert_numbers(engine, world, a, everything)
    assert _story_row(engine, a).source_count == 4  # a.example covers both: counted once
    absorbed = _story_row(engine, b)
    assert absorbed.merged_into == a and absorbed.article_count == 0
    with engine.connect() as conn:
        assert get_story(conn, b)["id"] == a  # the old id redirects
        assert pinned_article_ids(conn, a) == sorted(world.articles["B"])
        assert stories_needing_refresh(conn) == [a]  # the absorbed one is never refreshed
        moved = {x["id"]: x for x in story_articles(conn, a)}
    grouping = moved[world.articles["B"][0]]["grouping"]
    assert grouping == {
        "corrected": {
            "correction_id": done.id,
            "action": "merge",
            "from_story_id": b,
            "note": "same event",
        }
    }
    assert moved[world.articles["A"][0]]["grouping"]["score"] == 0.8  # untouched
    assert _version(engine) == done.id


def test_a_story_merged_into_a_merged_story_redirects_to_the_survivor(engine, world):
    a, b, c = (world.stories[name] for name in "ABC")
    corrections.merge(engine, source_id=c, target_id=b)
    corrections.merge(engine, source_id=b, target_id=a)
    assert _story_row(engine, c).merged_into == a  # repointed, not a chain
    with engine.connect() as conn:
        assert get_story(conn, c)["id"] == a
    assert len(_members(engine, a)) == 6


def test_split_makes_a_new_story_of_the_chosen_articles(engine, world):
    a = world.stories["A"]
    first, second, third = world.articles["A"]
    done = corrections.split(engine, story_id=a, article_ids=[third, second, third])

    new = done.target_story_id
    assert new not in world.stories.values()
    assert (done.action, done.source_story_id, done.article_ids) == ("split", a, [second, third])
    assert _members(engine, a) == [first]
    assert _members(engine, new) == [second, third]
    _assert_numbers(engine, world, a, [first])
    _assert_numbers(engine, world, new, [second, third])
    with engine.connect() as conn:
        assert get_story(conn, new)["title"] == "A headline 1 from b.example"  # the earliest
        assert pinned_article_ids(conn, new) == [second, third]
        assert pinned_article_ids(conn, a) == []
        assert stories_needing_refresh(conn) == sorted([a, new])


def test_move_updates_both_stories(engine, world):
    a, b = world.stories["A"], world.stories["B"]
    article = world.articles["A"][2]
    done = corrections.move(engine, article_id=article, story_id=b, note="belongs to B")

    assert (done.source_story_id, done.target_story_id, done.article_ids) == (a, b, [article])
    _assert_numbers(engine, world, a, world.articles["A"][:2])
    _assert_numbers(engine, world, b, sorted(world.articles["B"] + [article]))
    with engine.connect() as conn:
        assert pinned_article_ids(conn, b) == [article]


def test_moving_the_last_article_out_leaves_a_redirect(engine, world):
    """An emptied story would be refreshed forever and shown empty: it redirects to
    where its article went, as a merged story does."""
    b, c = world.stories["B"], world.stories["C"]
    (article,) = world.articles["C"]
    corrections.move(engine, article_id=article, story_id=b)
    assert _story_row(engine, c).merged_into == b
    with engine.connect() as conn:
        assert get_story(conn, c)["id"] == b
        assert c not in stories_needing_refresh(conn)


REFUSALS = [
    ("merge into itself", lambda w: ("merge", w.stories["A"], w.stories["A"]), "into itself"),
    ("merge unknown story", lambda w: ("merge", 999_999, w.stories["A"]), "no story 999999"),
    ("merge into unknown", lambda w: ("merge", w.stories["A"], 999_999), "no story 999999"),
    ("id beyond 32 bits", lambda w: ("merge", w.stories["A"], 2**40), "no story"),
    ("merge a merged story", lambda w: ("merge", w.stories["B"], w.stories["C"]), "merged into"),
    ("merge into merged", lambda w: ("merge", w.stories["C"], w.stories["B"]), "merged into"),
    ("split off nothing", lambda w: ("split", w.stories["A"], []), "at least one"),
    (
        "split off everything",
        lambda w: ("split", w.stories["A"], w.articles["A"]),
        "leave it empty",
    ),
    (
        "split an article of another story",
        lambda w: ("split", w.stories["A"], [w.articles["C"][0]]),
        "is not in story",
    ),
    ("split unknown article", lambda w: ("split", w.stories["A"], [999_999]), "no article"),
    ("split a merged story", lambda w: ("split", w.stories["B"], [1]), "merged into"),
    (
        "move into its own story",
        lambda w: ("move", w.articles["A"][0], w.stories["A"]),
        "already in story",
    ),
    (
        "move into a merged story",
        lambda w: ("move", w.articles["C"][0], w.stories["B"]),
        "merged into",
    ),
    ("move unknown article", lambda w: ("move", 999_999, w.stories["A"]), "no article"),
    ("move into unknown story", lambda w: ("move", w.articles["C"][0], 999_999), "no story"),
    ("move an article id of 0", lambda w: ("move", 0, w.stories["A"]), "no article"),
]


@pytest.mark.parametrize(("case", "make", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_nonsense_is_refused_and_changes_nothing(engine, world, case, make, message):
    b, c = world.stories["B"], world.stories["C"]
    corrections.merge(engine, source_id=b, target_id=c)  # so B is a merged story
    before_version = _version(engine)
    with engine.connect() as conn:
        before = {s: _members(engine, s) for s in world.stories.values()}
        pinned_before = {s: pinned_article_ids(conn, s) for s in world.stories.values()}
    action, first, second = make(world)
    with pytest.raises(CorrectionError, match=message) as raised:
        if action == "merge":
            corrections.merge(engine, source_id=first, target_id=second)
        elif action == "split":
            corrections.split(engine, story_id=first, article_ids=second)
        else:
            corrections.move(engine, article_id=first, story_id=second)
    assert isinstance(raised.value, ValueError)
    if "unknown" in case or "32 bits" in case or "of 0" in case:
        assert isinstance(raised.value, UnknownStory | UnknownArticle)
    assert _version(engine) == before_version
    assert {s: _members(engine, s) for s in world.stories.values()} == before
    with engine.connect() as conn:
        assert {s: pinned_article_ids(conn, s) for s in world.stories.values()} == pinned_before
    assert corrections.corrections_log(engine)[0] == 1  # only the setup merge


def test_moving_an_article_not_yet_clustered_is_refused(engine, world):
    with engine.begin() as conn:
        loose = add_article(
            conn, RawArticle(url="https://www.a.example/loose.html", title="Loose", published=START)
        )
    with pytest.raises(CorrectionError, match="not in a story yet"):
        corrections.move(engine, article_id=loose, story_id=world.stories["A"])


def test_an_overlong_note_is_refused(engine, world):
    with pytest.raises(CorrectionError, match="longer than"):
        corrections.merge(
            engine, source_id=world.stories["B"], target_id=world.stories["A"], note="x" * 2001
        )


def test_the_log_lists_every_correction_newest_first(engine, world):
    a, b, c = (world.stories[name] for name in "ABC")
    merged = corrections.merge(engine, source_id=c, target_id=b, actor="cli", note="one event")
    split = corrections.split(engine, story_id=a, article_ids=[world.articles["A"][0]])
    moved = corrections.move(engine, article_id=world.articles["A"][1], story_id=b, actor="api")

    total, entries = corrections.corrections_log(engine)
    assert total == 3
    assert [e.id for e in entries] == [moved.id, split.id, merged.id]
    assert [e.action for e in entries] == ["move", "split", "merge"]
    assert entries[2].actor == "cli" and entries[2].note == "one event"
    assert entries[2].article_ids == world.articles["C"]
    assert entries[0].at.tzinfo is not None
    assert entries[0].as_dict()["article_ids"] == [world.articles["A"][1]]

    total_c, about_c = corrections.corrections_log(engine, story_id=c)
    assert total_c == 1 and [e.id for e in about_c] == [merged.id]
    _, page = corrections.corrections_log(engine, limit=1, offset=1)
    assert [e.id for e in page] == [split.id]
    assert _version(engine) == moved.id


def test_the_version_lock_reads_the_latest_correction(engine, world):
    done = corrections.merge(engine, source_id=world.stories["B"], target_id=world.stories["A"])
    with engine.begin() as conn:
        assert lock_corrections_version(conn) == done.id
