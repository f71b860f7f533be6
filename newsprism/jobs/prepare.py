"""What the clusterer needs of each article before placing it, a batch at a time.

Each article's embedding and its tokens (``stories.sparse.tokenize``) depend on its
text alone, so for a backlog they are computed in the worker process
(``jobs.backlog_worker``) while the pipeline places the batch before. Embedding is
the worker's larger share; where it is slower than placing (USE on one core, full-text
articles) the worker is the half that keeps the other waiting, and tokenising there
too would only lengthen the wait. So the worker tokenises a batch only when the
pipeline did not have to wait for the previous batch's embeddings; otherwise the
pipeline tokenises it itself, in time it would have spent waiting. Either way the
tokens are the same, and so are the stories.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from newsprism.jobs.backlog_worker import BacklogWorker
from newsprism.models import ArticleForClustering, RawArticle
from newsprism.nlp.embed import Embedder
from newsprism.stories.cluster import embedding_text, term_text
from newsprism.stories.sparse import Tokens, tokenize

# A wait for the worker's embeddings longer than this means the worker is the slower
# half: the next batch is tokenised here.
_WAITED_SECONDS = 0.01


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """Articles to place, with what is computed for each alone."""

    articles: list[ArticleForClustering]
    embeddings: np.ndarray
    tokens: list[Tokens]


@dataclass(slots=True)
class _InWorker:
    articles: list[ArticleForClustering]
    embeddings: Future[np.ndarray]
    tokens: Future[list[Tokens]] | None

    @classmethod
    def submit(
        cls, worker: BacklogWorker, articles: list[ArticleForClustering], *, tokens: bool
    ) -> _InWorker:
        return cls(
            articles,
            worker.embed(embedding_texts(articles)),
            worker.tokens(term_texts(articles)) if tokens else None,
        )


def prepared_batches(
    read: Callable[[ArticleForClustering | None], list[ArticleForClustering]],
    embedder: Callable[[], Embedder],
    worker: BacklogWorker | None,
) -> Iterator[PreparedBatch]:
    """The batches ``read(after)`` gives (``after``: the last article of the batch
    before, None for the first), each prepared; ``embedder`` is called only without a
    ``worker``."""
    if worker is None:
        while articles := read(None):
            embeddings = embedder().embed(embedding_texts(articles))
            yield PreparedBatch(articles, embeddings, tokens_of(articles))
        return
    tokens_in_worker = True
    while articles := read(None):
        pending: _InWorker | None = _InWorker.submit(worker, articles, tokens=tokens_in_worker)
        while pending is not None:
            # Read before this batch is placed: the articles that follow it.
            following = read(pending.articles[-1])
            started = time.perf_counter()
            embeddings = pending.embeddings.result()
            tokens_in_worker = time.perf_counter() - started < _WAITED_SECONDS
            tokens = pending.tokens.result() if pending.tokens else tokens_of(pending.articles)
            ready = PreparedBatch(pending.articles, embeddings, tokens)
            pending = (
                _InWorker.submit(worker, following, tokens=tokens_in_worker) if following else None
            )
            yield ready
        # Articles stored meanwhile that sort before the last one placed are read by
        # the next turn of the outer loop.


def tokens_of(articles: list[ArticleForClustering]) -> list[Tokens]:
    return [tokenize(text) for text in term_texts(articles)]


def term_texts(articles: list[ArticleForClustering]) -> list[str]:
    return [term_text(article.title, article.lede, article.text) for article in articles]


def embedding_texts(articles: list[ArticleForClustering]) -> list[str]:
    return [embedding_text(article.title, article.lede, article.text) for article in articles]


class WorkAhead:
    """The worker for a backlog being stored, and what to hand it as it is stored: each
    stored chunk's texts to fingerprint at once (the copies check takes articles in
    storage order), then, once all are stored, every article's embedding text in the
    order the pipeline places them (oldest first; undated ones, which take the time
    they were stored, last), so the first batches' embeddings are computed first.

    The worker is started by the first stored chunk that is itself a backlog of several
    batches (``start``: ``Pipeline.worker_for``), and closed on leaving the ``with``;
    a shorter stream gets none here (``worker`` stays None) and the pipeline decides."""

    def __init__(self, start: Callable[[int], BacklogWorker | None]) -> None:
        self._start = start
        self.worker: BacklogWorker | None = None
        # (when, storage position, embedding text); when as a timestamp, so dates with
        # and without a zone sort together (the order only decides what comes first).
        self._to_embed: list[tuple[float, int, str]] = []

    def stored(self, articles: Sequence[RawArticle]) -> None:
        if self.worker is None:
            self.worker = self._start(len(articles))
        if self.worker is None:
            return
        self.worker.compute_ahead(fingerprint_texts=[article.text or "" for article in articles])
        start = len(self._to_embed)
        self._to_embed += [
            (
                article.published.timestamp() if article.published else math.inf,
                start + position,
                embedding_text(article.title, article.lede, article.text),
            )
            for position, article in enumerate(articles)
        ]

    def all_stored(self) -> BacklogWorker | None:
        """Hand the worker the embeddings; the worker, for ``Pipeline.process``."""
        if self.worker is not None:
            self._to_embed.sort()
            self.worker.compute_ahead(embedding_texts=[text for *_, text in self._to_embed])
        self._to_embed.clear()
        return self.worker

    def __enter__(self) -> WorkAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.worker is not None:
            self.worker.close()
