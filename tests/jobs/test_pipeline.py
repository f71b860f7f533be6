"""The processing pipeline on both databases: idempotent, crash-safe, deterministic."""

import json
from collections import defaultdict

from newsprism.ingest.archive import record_to_article
from newsprism.jobs.pipeline import Pipeline
from newsprism.store.articles import add_article
from newsprism.store.stories import get_story, iter_all_story_ids, story_articles
from newsprism.stories.cluster import ClusterParams
from tests.conftest import SHARED_DATA


def _three_basil_events():
    lines = (SHARED_DATA / "corpora" / "basil.jsonl").read_text(encoding="utf-8").splitlines()
    by_event = defaultdict(list)
    for line in lines:
        record = json.loads(line)
        by_event[record["story_id"]].append(record)
    events = [by_event[key] for key in sorted(by_event)[:3]]
    return [record for event in events for record in event]


def _stories(engine):
    with engine.connect() as conn:
        return {
            story_id: sorted(a["external_id"] for a in story_articles(conn, story_id))
            for story_id in iter_all_story_ids(conn)
        }


def test_pipeline_groups_refreshes_and_is_idempotent(engine):
    records = _three_basil_events()
    with engine.begin() as conn:
        for record in records:
            assert add_article(conn, record_to_article(record)) is not None
    pipeline = Pipeline(engine, params=ClusterParams())
    report = pipeline.process()
    assert report.articles_clustered == 9
    stories = _stories(engine)
    gold = defaultdict(list)
    for record in records:
        gold[record["story_id"]].append(record["id"])
    assert sorted(stories.values()) == sorted(sorted(ids) for ids in gold.values())
    with engine.connect() as conn:
        for story_id in stories:
            story = get_story(conn, story_id)
            assert story["source_count"] == 3 and story["article_count"] == 3
            assert story["coverage"]["source_count"] == 3
            assert story["summary"]["bullets"]
            assert story["title"]
    # A second pass finds nothing to do and changes nothing.
    again = Pipeline(engine, params=ClusterParams()).process()
    assert again.articles_clustered == 0 and again.stories_refreshed == 0
    assert _stories(engine) == stories


def test_a_restarted_pipeline_continues_the_open_stories(engine):
    """A crash between batches: the next process reloads open stories from the database."""
    records = _three_basil_events()
    records.sort(key=lambda r: r["published"])
    first_half, second_half = records[:5], records[5:]
    with engine.begin() as conn:
        for record in first_half:
            add_article(conn, record_to_article(record))
    Pipeline(engine, params=ClusterParams()).process()
    with engine.begin() as conn:
        for record in second_half:
            add_article(conn, record_to_article(record))
    Pipeline(engine, params=ClusterParams()).process()
    assert len(_stories(engine)) == 3


def test_a_restarted_centring_pipeline_takes_its_mean_over_the_same_stories(engine):
    """Centring's mean counts every story a running clusterer still holds (quiet for
    less than two windows): a restart must reload those, not only the searchable ones."""
    from datetime import datetime, timedelta

    import numpy as np
    from sqlalchemy import text

    from newsprism.nlp.embed import from_bytes
    from newsprism.stories import scorer

    records = _three_basil_events()[:6]
    start = datetime(2020, 1, 1)
    # Two events on day 0, the third on day 4: more than a window (3 days) later, less
    # than two, so a clusterer that ran through would still hold the first two.
    for number, record in enumerate(records):
        day = 0 if number < 4 else 4
        record["published"] = (start + timedelta(days=day, minutes=number)).isoformat()
    params = ClusterParams().centred()
    pipeline = None
    for part in (records[:4], records[4:]):  # a new process for each part
        with engine.begin() as conn:
            for record in part:
                add_article(conn, record_to_article(record))
        pipeline = Pipeline(engine, params=params)
        pipeline.process()
    with engine.connect() as conn:
        embeddings = [
            from_bytes(row[0]) for row in conn.execute(text("SELECT embedding FROM articles"))
        ]
    assert len(embeddings) == 6 and len(_stories(engine)) == 3
    expected = np.sum(embeddings, axis=0) / (6 + scorer.CENTRING_PRIOR)
    assert np.allclose(pipeline._clusterer.open_mean(), expected, atol=1e-6)
