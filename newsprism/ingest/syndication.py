"""Syndicated copies: the same wire text (AP, Reuters, AFP, …) published by several outlets.

Each article body becomes a MinHash signature over its 5-word shingles; the signature's
bands go into ``syndication_bands`` so that a new article finds the stored articles it
may copy (locality-sensitive hashing) without comparing against everything. A candidate
whose full signature agrees on at least ``COPY_THRESHOLD`` of the hash functions (the
estimated Jaccard similarity of the two shingle sets) carries the same text — as does
one that holds ``CONTAINMENT_THRESHOLD`` of the shorter text (a trimmed or earlier
version of the wire story). The copy is linked to the earliest published article of
that text (``articles.syndicated_of``), so all copies of one text point at one article.

Everything is deterministic: shingles are hashed with blake2b (Python's ``hash()`` is
salted per process) and the hash functions come from a fixed seed, so a signature
computed today matches one computed by another process next year.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import filterfalse
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Connection, Engine

from newsprism.store import syndication as syndication_store

if TYPE_CHECKING:
    from newsprism.jobs.backlog_worker import BacklogWorker

__all__ = [
    "BANDS",
    "BAND_RETENTION_DAYS",
    "CONTAINMENT_THRESHOLD",
    "COPY_THRESHOLD",
    "MIN_WORDS",
    "ROWS_PER_BAND",
    "SHINGLE_WORDS",
    "Fingerprint",
    "band_keys",
    "estimated_containment",
    "estimated_jaccard",
    "fingerprint",
    "is_copy",
    "mark_syndicated_copies",
    "prune_old_bands",
    "text_words",
]

log = logging.getLogger(__name__)

SHINGLE_WORDS = 5
NUM_HASHES = 128
# 32 bands of 4 rows: two texts become candidates with probability 1-(1-J^4)^32, which
# is ~0.9998 at J=0.7 and still ~0.87 at J=0.5, so the full-signature check below (not
# the banding) decides. 16 bands of 8 rows would miss 4 in 10 pairs at J=0.7 — exactly
# the trimmed wire copies (an outlet cutting the last paragraphs) this is for.
BANDS = 32
ROWS_PER_BAND = NUM_HASHES // BANDS
# Share of agreeing hash functions (≈ Jaccard of the shingle sets) that makes a copy.
# Copies with another first line, a copyright line and a few words edited score
# 0.8–0.95; different outlets' own reports of one event score below 0.05.
COPY_THRESHOLD = 0.7
# Shorter texts (a teaser, a lede, a paywall stub) share too little to tell a copy from
# a stock phrase, so they are never marked.
MIN_WORDS = 60
# An outlet that runs a shorter or an earlier version of a wire story shares most of
# its text with the full one at a lower Jaccard (0.45–0.55 for AP/Bloomberg versions in
# the article-bias corpus, with 75–78% of the shorter text inside the longer): such a
# pair is a copy too when this share of the shorter text is in the other.
CONTAINMENT_THRESHOLD = 0.75
# How far apart in time a copy and its original may be published.
WINDOW_DAYS = 7
# An article's bands find its copies among articles published within WINDOW_DAYS of
# it. They are kept this long after publication (for a late feed, or an archive
# imported soon after), then dropped, at most once a day: an instance keeps a month of
# bands, not its whole history (32 rows, ~3.9 KB an article, 16 % of a database of
# full-text articles). A copy checked later than that finds no original.
BAND_RETENTION_DAYS = 30
_PRUNE_EVERY = timedelta(days=1)
# At most this many fingerprints are kept in memory during one pass (~0.6 KB each).
_KNOWN_FINGERPRINTS = 50_000

_SEED = 20_190_101
# Odd 64-bit multiplier combining a shingle's word hashes (the golden-ratio constant).
_POLYNOMIAL = np.uint64(0x9E3779B97F4A7C15)
_WORD = re.compile(r"[^\W_]+")


def _hash_parameters() -> tuple[np.ndarray, np.ndarray]:
    """Multiply-add-shift hash functions h(x) = (a·x + b) mod 2^64 >> 32, a odd."""
    rng = np.random.Generator(np.random.PCG64(_SEED))
    multipliers = rng.integers(0, 2**64, size=NUM_HASHES, dtype=np.uint64, endpoint=False) | 1
    increments = rng.integers(0, 2**64, size=NUM_HASHES, dtype=np.uint64, endpoint=False)
    return multipliers, increments


_MULTIPLIERS, _INCREMENTS = _hash_parameters()


def text_words(text: str) -> list[str]:
    """Lower-cased words with punctuation, quote styles and dashes dropped: the forms
    outlets change when they reprint ("—" for "--", curly quotes) do not count."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _stable_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


# Words recur from article to article (a news vocabulary is a few hundred thousand
# words), and hashing one with blake2b costs ~1 µs: most of a fingerprint's time before
# this cache. Cleared when full, so memory stays bounded (~40 MB at most).
_WORD_HASHES: dict[str, int] = {}
_WORD_HASHES_MAX = 300_000


def _word_hashes(words: list[str]) -> dict[str, int]:
    if len(_WORD_HASHES) > _WORD_HASHES_MAX:
        _WORD_HASHES.clear()
    known = _WORD_HASHES
    # Most words are known: looking each up beats building the text's set of words.
    for word in set(filterfalse(known.__contains__, words)):
        known[word] = _stable_hash(word)
    return known


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """A stable 64-bit hash of every distinct ``SHINGLE_WORDS``-word shingle.

    Each distinct word is hashed once (blake2b); a shingle's hash is a polynomial of
    its words' hashes finished with the splitmix64 mixer, all in wrapping uint64.
    """
    codes = _word_hashes(words)
    word_hashes = np.fromiter(map(codes.__getitem__, words), dtype=np.uint64, count=len(words))
    count = max(len(words) - SHINGLE_WORDS + 1, 1)
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(min(SHINGLE_WORDS, len(words))):
        mixed = mixed * _POLYNOMIAL + word_hashes[offset : offset + count]
    mixed ^= mixed >> np.uint64(30)
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    mixed ^= mixed >> np.uint64(27)
    mixed *= np.uint64(0x94D049BB133111EB)
    mixed ^= mixed >> np.uint64(31)
    # np.unique, by sorting and dropping repeats (np.unique's own overhead is ~5x that).
    mixed.sort()
    first = np.empty(len(mixed), dtype=bool)
    first[:1] = True
    np.not_equal(mixed[1:], mixed[:-1], out=first[1:])
    return mixed[first]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's MinHash signature and the size of its shingle set."""

    signature: np.ndarray
    shingles: int


def fingerprint(text: str, *, min_words: int = MIN_WORDS) -> Fingerprint | None:
    """The text's MinHash fingerprint, or None when it has fewer than ``min_words`` words."""
    words = text_words(text)
    if len(words) < max(min_words, 1):
        return None
    hashes = _shingle_hashes(words)
    # uint64 arithmetic wraps, which is the "mod 2^64" of the hash family. The shift
    # keeps the order, so it is taken after the minimum: on 128 values, not all.
    mixed = hashes[:, None] * _MULTIPLIERS[None, :]
    mixed += _INCREMENTS
    sig = (mixed.min(axis=0) >> np.uint64(32)).astype(np.uint32)
    return Fingerprint(signature=sig, shingles=len(hashes))


def band_keys(sig: np.ndarray) -> list[str]:
    """One key per band: the band number and a digest of its rows (fits String(40))."""
    keys = []
    for band in range(BANDS):
        rows = sig[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        digest = hashlib.blake2b(rows.astype("<u4").tobytes(), digest_size=12).hexdigest()
        keys.append(f"{band:02d}:{digest}")
    return keys


def estimated_jaccard(first: Fingerprint, second: Fingerprint) -> float:
    """Share of hash functions whose minimum agrees: an estimate of the Jaccard index."""
    return float(np.mean(first.signature == second.signature))


def estimated_containment(first: Fingerprint, second: Fingerprint) -> float:
    """Share of the smaller shingle set found in the other, from the Jaccard estimate
    (|A∩B| = J·(|A|+|B|)/(1+J))."""
    jaccard = estimated_jaccard(first, second)
    shared = jaccard * (first.shingles + second.shingles) / (1 + jaccard)
    return min(shared / min(first.shingles, second.shingles), 1.0)


def is_copy(
    first: Fingerprint,
    second: Fingerprint,
    *,
    threshold: float = COPY_THRESHOLD,
    containment_threshold: float = CONTAINMENT_THRESHOLD,
) -> bool:
    return (
        estimated_jaccard(first, second) >= threshold
        or estimated_containment(first, second) >= containment_threshold
    )


@dataclass(slots=True)
class _Checked:
    id: int
    when: datetime
    fingerprint: Fingerprint


def mark_syndicated_copies(
    engine: Engine,
    *,
    batch_size: int = 500,
    threshold: float = COPY_THRESHOLD,
    containment_threshold: float = CONTAINMENT_THRESHOLD,
    window_days: int = WINDOW_DAYS,
    min_words: int = MIN_WORDS,
    worker: BacklogWorker | None = None,
) -> int:
    """Check every article stored since the last call; the number that became copies.

    Articles are taken in id order and the id of the last one checked is kept in the
    meta table, so a re-run checks nothing twice; each batch is one transaction, so a
    crash loses at most the batch in flight. With a ``worker`` (a long backlog), the
    next batch is fingerprinted in its process while this one is checked. Then, at
    most once a day, the bands of old articles are dropped (``prune_old_bands``).
    """
    marked = 0
    window = timedelta(days=window_days)
    limits = {"threshold": threshold, "containment_threshold": containment_threshold}
    # Fingerprints of the articles checked in this pass: a later article's candidates
    # are mostly among them, and need not be read and hashed again.
    known: dict[int, Fingerprint] = {}

    def read(after: int) -> list[syndication_store.ArticleText]:
        with engine.connect() as conn:
            return syndication_store.articles_to_check(conn, after_id=after, limit=batch_size)

    def fingerprints(batch: list[syndication_store.ArticleText]) -> Future[list]:
        if worker is not None:
            return worker.fingerprints([a.text for a in batch], min_words=min_words)
        done: Future[list] = Future()
        done.set_result([fingerprint(a.text, min_words=min_words) for a in batch])
        return done

    with engine.connect() as conn:
        after = syndication_store.checked_up_to(conn)
    batch = read(after)
    pending = fingerprints(batch) if batch else None
    while batch and pending is not None:
        following = read(batch[-1].id)
        found_all = pending.result()
        pending = fingerprints(following) if following else None
        with engine.begin() as conn:
            # Another process may have checked some meanwhile (read outside this
            # transaction): those are skipped.
            start = syndication_store.checked_up_to(conn)
            for article, found in zip(batch, found_all, strict=True):
                if found is None or article.id <= start:
                    continue
                keys = band_keys(found.signature)
                candidates = syndication_store.candidates_sharing_bands(
                    conn,
                    keys,
                    exclude_id=article.id,
                    since=article.when - window,
                    until=article.when + window,
                )
                syndication_store.store_bands(conn, article.id, keys, published_at=article.when)
                if candidates:
                    checked = _Checked(id=article.id, when=article.when, fingerprint=found)
                    marked += _link_copy(conn, checked, candidates, known, **limits)
                if len(known) >= _KNOWN_FINGERPRINTS:
                    known.clear()
                known[article.id] = found
            syndication_store.set_checked_up_to(conn, max(start, batch[-1].id))
        log.info("syndication: checked up to article %d, %d copies so far", batch[-1].id, marked)
        batch = following
    if pending is not None:
        pending.cancel()
    prune_old_bands(engine)
    return marked


def prune_old_bands(engine: Engine, *, now: datetime | None = None) -> int:
    """Drop the bands of articles published over ``BAND_RETENTION_DAYS`` before ``now``
    if a day has passed since the last pruning; the rows dropped. A new database
    starts the clock on its first pass, so a short-lived one (``eval stories``, a
    one-off import) never spends time pruning."""
    now = now or datetime.now(UTC)
    with engine.begin() as conn:
        last = syndication_store.bands_pruned_at(conn)
        if last is not None and now - last < _PRUNE_EVERY:
            return 0
        removed = 0
        if last is not None:
            removed = syndication_store.prune_bands(
                conn, published_before=now - timedelta(days=BAND_RETENTION_DAYS)
            )
        syndication_store.set_bands_pruned_at(conn, now)
    if removed:
        log.info(
            "syndication: pruned %d bands of articles over %d days old",
            removed,
            BAND_RETENTION_DAYS,
        )
    return removed


def _link_copy(
    conn: Connection,
    article: _Checked,
    candidate_ids: list[int],
    known: dict[int, Fingerprint],
    *,
    threshold: float,
    containment_threshold: float,
) -> int:
    """Link the article and its matches to the earliest article carrying their text;
    the number of articles that became copies. ``known``: fingerprints by article id."""
    matches = []
    for candidate in syndication_store.copy_candidates(conn, candidate_ids):
        other = known.get(candidate.id)
        if other is None:
            # A candidate has bands, so it was long enough when it was checked.
            text = syndication_store.article_text(conn, candidate.id)
            other = fingerprint(text, min_words=1)
        if other is not None and is_copy(
            article.fingerprint,
            other,
            threshold=threshold,
            containment_threshold=containment_threshold,
        ):
            matches.append(candidate)
    if not matches:
        return 0
    # The matches may already be copies; their originals are the text's earlier holders.
    root_ids = {m.syndicated_of or m.id for m in matches}
    roots = syndication_store.article_times(conn, sorted(root_ids))
    earliest_id, earliest_when = min(roots.items(), key=lambda item: (item[1], item[0]))
    if (article.when, article.id) < (earliest_when, earliest_id):
        # Stored later but published earlier (a feed catching up): this article becomes
        # the original of the whole group, so every copy keeps pointing at one article.
        syndication_store.repoint_copies(conn, from_ids=sorted(root_ids), to_id=article.id)
        return len(root_ids)
    others = sorted(root_ids - {earliest_id})
    if others:
        # Two groups turn out to carry one text: the later group joins the earlier.
        syndication_store.repoint_copies(conn, from_ids=others, to_id=earliest_id)
    syndication_store.set_syndicated_of(conn, article.id, earliest_id)
    return len(others) + 1
