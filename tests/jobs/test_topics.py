"""Stories' topics through the real pipeline (both databases): computed on refresh from
the articles' categories and the clusterer's shared terms, replaced on the next
refresh, backfilled once for stories stored before topics, listed and filtered."""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import delete, select

from newsprism.ingest.archive import record_to_article
from newsprism.jobs.pipeline import Pipeline
from newsprism.jobs.topics import TOPIC_RULES_VERSION, backfill_story_topics
from newsprism.nlp.text import terms
from newsprism.store import topics as topic_store
from newsprism.store.articles import add_article
from newsprism.store.outlets import get_meta, set_meta
from newsprism.store.schema import story_topics
from newsprism.store.stories import iter_all_story_ids, story_articles
from newsprism.stories import corrections
from newsprism.stories.cluster import ClusterParams
from tests.conftest import SHARED_DATA

CATEGORIES = [["Politics", "US News"], ["Politics"], ["World"]]


def _three_basil_events_with_categories() -> list[dict]:
    """Three real events of three outlets each; every article of event N gets the
    categories CATEGORIES[N] (BASIL has none of its own)."""
    lines = (SHARED_DATA / "corpora" / "basil.jsonl").read_text(encoding="utf-8").splitlines()
    by_event = defaultdict(list)
    for line in lines:
        record = json.loads(line)
        by_event[record["story_id"]].append(record)
    records = []
    for index, key in enumerate(sorted(by_event)[:3]):
        for record in by_event[key]:
            records.append({**record, "categories": CATEGORIES[index]})
    return records


def _topics_by_story(engine) -> dict[int, list[dict]]:
    with engine.connect() as conn:
        ids = list(iter_all_story_ids(conn))
        return topic_store.topics_of_stories(conn, ids)


def test_the_pipeline_gives_stories_their_topics(engine):
    records = _three_basil_events_with_categories()
    with engine.begin() as conn:
        for record in records:
            add_article(conn, record_to_article(record))
    Pipeline(engine, params=ClusterParams()).process()
    topics = _topics_by_story(engine)
    assert len(topics) == 3
    category_sets = sorted(
        sorted(t["slug"] for t in found if t["origin"] == "category") for found in topics.values()
    )
    # "US News" is the topic "us"; the third event is only "World".
    assert category_sets == [["politics"], ["politics", "us"], ["world"]]
    with engine.connect() as conn:
        for story_id, found in topics.items():
            members = story_articles(conn, story_id)
            for topic in (t for t in found if t["origin"] == "keyword"):
                # A keyword stands in the headlines of two different outlets.
                outlets = {
                    m["outlet_domain"] for m in members if topic["slug"] in terms(m["title"])
                }
                assert len(outlets) >= 2, (topic, [m["title"] for m in members])
        listed = {row["slug"]: row["story_count"] for row in topic_store.list_topics(conn)}
    assert listed["politics"] == 2 and listed["world"] == 1


def test_a_correction_recomputes_topics_and_merged_stories_leave_the_listing(engine):
    records = _three_basil_events_with_categories()
    with engine.begin() as conn:
        for record in records:
            add_article(conn, record_to_article(record))
    pipeline = Pipeline(engine, params=ClusterParams())
    pipeline.process()
    topics = _topics_by_story(engine)
    world = next(sid for sid, found in topics.items() if found[0]["slug"] == "world")
    other = next(sid for sid in topics if sid != world)
    corrections.merge(engine, source_id=world, target_id=other, actor="test")
    pipeline.refresh_stories()
    with engine.connect() as conn:
        merged = {t["slug"] for t in topic_store.topics_of_stories(conn, [other])[other]}
        listed = {row["slug"]: row["story_count"] for row in topic_store.list_topics(conn)}
    # Three World articles joined three Politics ones: both categories are the story's.
    assert {"politics", "world"} <= merged
    # The absorbed story's own rows no longer count: one story has World, not two.
    assert listed["world"] == 1 and listed["politics"] == 2


def test_stories_stored_before_topics_get_them_once(engine):
    records = _three_basil_events_with_categories()
    with engine.begin() as conn:
        for record in records:
            add_article(conn, record_to_article(record))
    Pipeline(engine, params=ClusterParams()).process()
    computed = _topics_by_story(engine)
    # As a database upgraded from before topics: no topics, no rules version.
    with engine.begin() as conn:
        conn.execute(delete(story_topics))
        set_meta(conn, "topic_rules_version", "0")
    assert backfill_story_topics(engine) == 3
    assert _topics_by_story(engine) == computed
    with engine.connect() as conn:
        assert get_meta(conn, "topic_rules_version") == TOPIC_RULES_VERSION
    # Done under these rules: the next pass does nothing.
    with engine.begin() as conn:
        conn.execute(delete(story_topics))
    assert backfill_story_topics(engine) == 0
    with engine.connect() as conn:
        assert conn.execute(select(story_topics)).first() is None
