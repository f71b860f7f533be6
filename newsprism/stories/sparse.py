"""Hashed TF-IDF vectors of an article's words, headline words and entities.

Every token is hashed (CRC-32, stable across processes, unlike ``hash()``) into a
fixed space of ``2**SPACE_BITS`` slots per signal, so document frequencies live in
one numpy array whose size does not grow with the stream, and a vector is two
arrays (sorted slot ids, weights) that numpy multiplies without Python loops. Two
words sharing a slot is rare at a million slots and only nudges a cosine.

An article has three signals, each an L2-normalised TF-IDF block in its own range
of ids (``signal << SPACE_BITS | slot``):

- ``terms``: the words of the headline and the opening of the text;
- ``title``: the words of the headline alone (what three outlets' headlines of one
  event share, however their ledes begin);
- ``entities``: names, acronyms and numbers (``newsprism.nlp.entities``).

Document frequencies: of a word, the articles with it in their headline or text
(the ``terms`` and ``title`` signals share them); of an entity, the articles naming it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from newsprism.nlp.entities import entities
from newsprism.nlp.text import terms

SPACE_BITS = 20
SLOT_MASK = (1 << SPACE_BITS) - 1
SIGNALS = ("terms", "title", "entities")
_CACHE_LIMIT = 500_000  # word -> slot cache entries before it starts afresh
_DENSE_CELLS = 1 << 20  # pair_cosines multiplies dense matrices up to this many cells


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Sorted ids (``signal << SPACE_BITS | slot``) and their weights; each signal's
    block has unit length (or is empty). ``tokens`` are the words of each signal, to
    name the ids in explanations."""

    ids: np.ndarray  # int64, sorted, unique
    values: np.ndarray  # float64
    tokens: tuple[list[str], ...] = ()

    def block(self, signal: int) -> tuple[np.ndarray, np.ndarray]:
        low, high = np.searchsorted(self.ids, [signal << SPACE_BITS, (signal + 1) << SPACE_BITS])
        return self.ids[low:high], self.values[low:high]

    def word(self, id_: int) -> str | None:
        """A word of this vector that hashes to ``id_``."""
        signal = id_ >> SPACE_BITS
        for word in self.tokens[signal] if signal < len(self.tokens) else ():
            if slot_of(word) | (signal << SPACE_BITS) == id_:
                return word
        return None


def slot_of(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) & SLOT_MASK


def split_term_text(text: str) -> tuple[str, str]:
    """``term_text`` puts the headline on the first line; a text without a line break
    (the TF-IDF warm-up of older rows) is all body."""
    title, newline, body = text.partition("\n")
    return (title, body) if newline else ("", title)


@dataclass(frozen=True, slots=True)
class Tokens:
    """An article's tokens before weighting: what ``tokenize`` finds in its text, which
    needs no state, so a backlog's are found in the worker process
    (``jobs.backlog_worker``) while the pipeline places the batch before."""

    ids: np.ndarray  # int64, sorted and unique ``signal << SPACE_BITS | slot`` ids
    signals: np.ndarray  # each id's signal
    # Each id's document-frequency cell: headline words count among the words
    # (signal 0), entities on their own.
    counted: np.ndarray
    observed: np.ndarray  # the cells counting this article (headline words are in 0's)
    term_frequency: np.ndarray  # 1 + log(how often each id occurs in the text)
    words: tuple[list[str], ...]  # each signal's distinct words, to name ids


# word -> slot, per process: most words of a stream recur, and CRC-32 over each anew
# cost as much as the rest of tokenising.
_slot_cache: dict[str, int] = {}


def tokenize(text: str) -> Tokens:
    """The tokens of ``term_text(...)``: words of headline and text, of the headline
    alone, and entities (``newsprism.nlp.entities``)."""
    title, body = split_term_text(text)
    title_words = terms(title)
    blocks = (title_words + terms(body), title_words, entities(title, body))
    every = blocks[0] + blocks[1] + blocks[2]
    global _slot_cache
    known = _slot_cache
    missing = set(every).difference(known)
    if missing:
        if len(known) + len(missing) > _CACHE_LIMIT:
            # A new dict, not clear(): a thread tokenising meanwhile keeps its own.
            # Every word of this text is then missing, not only the ones new before.
            known = _slot_cache = {}
            missing = set(every)
        for word in missing:
            known[word] = slot_of(word)
    ids = np.fromiter(map(known.__getitem__, every), np.int64, len(every))
    ids[len(blocks[0]) : len(blocks[0]) + len(blocks[1])] |= 1 << SPACE_BITS
    ids[len(blocks[0]) + len(blocks[1]) :] |= 2 << SPACE_BITS
    unique, counts = np.unique(ids, return_counts=True)
    signals = unique >> SPACE_BITS
    return Tokens(
        ids=unique,
        signals=signals,
        counted=np.where(signals == 1, unique & SLOT_MASK, unique),
        observed=unique[signals != 1],
        term_frequency=1.0 + np.log(counts),
        words=tuple(list(dict.fromkeys(block)) for block in blocks),
    )


class TermSpace:
    """Online document frequencies over the stream so far, and vectors weighted by them."""

    def __init__(self) -> None:
        self.document_frequency = np.zeros(len(SIGNALS) << SPACE_BITS, dtype=np.int32)
        self.documents = 0

    def vector(self, text: str, *, observe: bool = True) -> SparseVector:
        """The article's vector; ``observe`` first counts it in the frequencies."""
        return self.weigh(tokenize(text), observe=observe)

    def weigh(self, tokens: Tokens, *, observe: bool = True) -> SparseVector:
        """The vector of tokens from ``tokenize``; ``observe`` as in ``vector``."""
        signals = tokens.signals
        if observe:
            self.documents += 1
            self.document_frequency[tokens.observed] += 1
        df = self.document_frequency[tokens.counted]
        weights = tokens.term_frequency * np.log((self.documents + 1) / (df + 0.5))
        norms = np.sqrt(np.bincount(signals, weights=weights * weights, minlength=len(SIGNALS)))
        norms[norms == 0] = 1.0
        return SparseVector(tokens.ids, weights / norms[signals], tokens.words)


@dataclass(slots=True)
class SparseSum:
    """The running sum of a story's article vectors, with each signal's squared norm
    (so a cosine against it needs no pass over its thousands of terms)."""

    ids: np.ndarray
    values: np.ndarray
    norm_sq: np.ndarray  # one per signal

    @classmethod
    def empty(cls) -> SparseSum:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float64), np.zeros(len(SIGNALS)))

    def add(self, ids: np.ndarray, values: np.ndarray) -> None:
        if not len(ids):
            return
        from newsprism.stories.kernels import merge_sums  # numba, loaded on first use

        # Open stories' members keep narrower arrays (cluster.Member); sums stay wide.
        ids, values = ids.astype(np.int64, copy=False), values.astype(np.float64, copy=False)
        self.ids, self.values, self.norm_sq = merge_sums(
            self.ids, self.values, ids, values, SPACE_BITS, len(SIGNALS)
        )

    def cosines(self, other: SparseSum) -> np.ndarray:
        """Per-signal cosine of two sums."""
        shared, mine, theirs = np.intersect1d(
            self.ids, other.ids, assume_unique=True, return_indices=True
        )
        dots = np.bincount(
            shared >> SPACE_BITS,
            weights=self.values[mine] * other.values[theirs],
            minlength=len(SIGNALS),
        )
        norms = np.sqrt(self.norm_sq * other.norm_sq)
        return np.divide(dots, norms, out=np.zeros(len(SIGNALS)), where=norms > 0)


def pair_cosines(vectors: list[SparseVector]) -> np.ndarray:
    """(signals, n, n): each signal's cosine for every pair of ``vectors`` — one sparse
    product per signal (scipy), as every block has unit length."""
    count = len(vectors)
    result = np.zeros((len(SIGNALS), count, count))
    if not count:
        return result
    ids = np.concatenate([v.ids for v in vectors])
    values = np.concatenate([v.values for v in vectors])
    owner = np.repeat(np.arange(count), [len(v.ids) for v in vectors])
    # Columns numbered by the ids present, not the million slots: a product's cost
    # grows with its columns.
    present, column = np.unique(ids, return_inverse=True)
    signal = present >> SPACE_BITS
    starts = np.searchsorted(signal, np.arange(len(SIGNALS) + 1))
    for number in range(len(SIGNALS)):
        mine = (column >= starts[number]) & (column < starts[number + 1])
        if not mine.any():
            continue
        shape = (count, int(starts[number + 1] - starts[number]))
        if shape[0] * shape[1] <= _DENSE_CELLS:
            # A few articles (most settlings): numpy's product beats building sparse ones.
            matrix = np.zeros(shape)
            matrix[owner[mine], column[mine] - starts[number]] = values[mine]
            result[number] = matrix @ matrix.T
            continue
        sparse = csr_matrix((values[mine], (owner[mine], column[mine] - starts[number])), shape)
        result[number] = (sparse @ sparse.T).toarray()
    return result


def story_cosines(vector: SparseVector, sums: list[SparseSum]) -> np.ndarray:
    """(len(sums), signals) cosines of an article's ``vector`` with each story sum, one
    compiled pass over each sum's ids (``kernels.cosines_with_sum``)."""
    from newsprism.stories.kernels import cosines_with_sum  # numba, loaded on first use

    result = np.zeros((len(sums), len(SIGNALS)))
    if len(vector.ids):
        for row, story in zip(result, sums, strict=True):
            cosines_with_sum(
                vector.ids, vector.values, story.ids, story.values, story.norm_sq, SPACE_BITS, row
            )
    return result
