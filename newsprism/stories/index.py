"""The open stories' centroids in one matrix, so one BLAS product scores articles
against all of them (the first, cheap stage of clustering).

A batch of articles is scored in one matrix-matrix product (``prefetch``): the matrix
is read from memory once per batch instead of once per article. Articles of the batch
are still placed one by one, so each search corrects the prefetched scores for the
rows that changed since (stories the batch's earlier articles joined or started) —
the results are those of searching row by row.

With more than 4,096 rows in use the product compares 128 dimensions, not all 512:
every centroid is also kept rotated by a fixed random orthonormal projection (seeded,
so the same in every process), which a quarter of the arithmetic scores; the best 64
rows by that are re-ranked with every dimension, and the cosines returned are exact.
Fewer rows are compared in full (the product is cheap then), so small instances and
the dev corpora cluster exactly as without the projection. With tens of
thousands of stories open the product is most of the clustering step's time. In a
test with 20,000 open stories around 400 topics (tests/stories/test_index.py) the
search returned the exact top 12 for 98.9 % of queries and the exact best for 99.9 %.

Why not an approximate index (hnswlib, usearch): a story's centroid moves with every
article it takes and stories close as they go quiet, so the index sees as many
updates as queries; search over a contiguous float32 matrix is simple, deterministic
and, for the tens of thousands of stories open in a 3-day window, fast enough. Rows
of closed stories are reused.
"""

from __future__ import annotations

import numpy as np

# Rows beyond ``limit`` whose window search() checks before checking every row, and
# that the exact re-ranking sees.
_SPARE = 52
# Retrieval compares 128 of the embedding's dimensions (a fixed random rotation of
# them); the best ``limit + _SPARE`` rows are then re-ranked with every dimension.
_COARSE_DIM = 128
_ROTATION_SEED = 20240601
# Up to this many rows the product is cheap and compares every dimension.
_EXACT_ROWS = 4096
# ``_largest`` first finds a floor from every _SAMPLE_STRIDE-th row.
_SAMPLE_STRIDE = 16


def _largest(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest values, in no order (as ``argpartition``).

    Partitioning tens of thousands of rows for each query was a sixth of
    bench/cluster.py's time (cProfile). The ``count``-th largest of every 16th row
    cannot exceed the ``count``-th largest of all, so the rows at or above it hold the
    answer, and only those few hundred are partitioned: the same rows, in a tenth of
    the time on 40,000 rows (47 against 463 µs)."""
    if len(values) < 4 * _SAMPLE_STRIDE * count:
        return np.argpartition(values, len(values) - count)[len(values) - count :]
    sample = values[::_SAMPLE_STRIDE]
    floor = np.partition(sample, len(sample) - count)[len(sample) - count]
    above = np.flatnonzero(values >= floor)
    return above[np.argpartition(values[above], len(above) - count)[len(above) - count :]]


class CentroidIndex:
    def __init__(self, *, capacity: int = 1024) -> None:
        self._capacity = capacity
        self._matrix: np.ndarray | None = None  # (capacity, dim) unit centroids
        self._last_seen = np.full(capacity, -np.inf)
        self._keys = np.full(capacity, -1, dtype=np.int64)
        self._row_of: dict[int, int] = {}
        self._free: list[int] = []
        self._size = 0  # rows ever used
        # prefetch(): scores of a batch of queries against the first _prefetched_rows
        # rows, and those of its rows changed since (their prefetched scores are
        # stale): listed once each in the first _changed_count of _changed_rows, which
        # each search reads as it is; the set only tells whether a row is listed.
        self._prefetched: np.ndarray | None = None
        self._prefetched_rows = 0
        self._changed: set[int] = set()
        self._changed_rows = np.zeros(256, dtype=np.int64)
        self._changed_count = 0
        # (dim, _COARSE_DIM) orthonormal columns; None when the embedding is small.
        self._projection: np.ndarray | None = None
        self._coarse: np.ndarray | None = None  # (capacity, _COARSE_DIM) projected rows
        self._prefetched_coarse = False  # whether the prefetched scores are projected

    def __len__(self) -> int:
        return len(self._row_of)

    def _grow(self) -> None:
        self._capacity *= 2
        assert self._matrix is not None
        matrix = np.zeros((self._capacity, self._matrix.shape[1]), dtype=np.float32)
        matrix[: self._size] = self._matrix[: self._size]
        self._matrix = matrix
        if self._projection is not None:
            assert self._coarse is not None
            coarse = np.zeros((self._capacity, _COARSE_DIM), dtype=np.float32)
            coarse[: self._size] = self._coarse[: self._size]
            self._coarse = coarse
        else:
            self._coarse = matrix
        self._last_seen = np.concatenate(
            [self._last_seen, np.full(self._capacity - len(self._last_seen), -np.inf)]
        )
        self._keys = np.concatenate(
            [self._keys, np.full(self._capacity - len(self._keys), -1, dtype=np.int64)]
        )

    def _start(self, dim: int) -> None:
        self._matrix = np.zeros((self._capacity, dim), dtype=np.float32)
        if dim > _COARSE_DIM:
            gaussian = np.random.default_rng(_ROTATION_SEED).standard_normal((dim, _COARSE_DIM))
            self._projection = np.linalg.qr(gaussian)[0].astype(np.float32)
            self._coarse = np.zeros((self._capacity, _COARSE_DIM), dtype=np.float32)
        else:
            self._coarse = self._matrix

    def _coarse_now(self) -> bool:
        """Whether retrieval compares projected rows: only with many rows in use."""
        return self._projection is not None and self._size > _EXACT_ROWS

    def _rows_and_vector(self, vector: np.ndarray, coarse: bool) -> tuple[np.ndarray, np.ndarray]:
        assert self._matrix is not None and self._coarse is not None
        vector = np.asarray(vector, dtype=np.float32)
        if coarse:
            assert self._projection is not None
            return self._coarse, vector @ self._projection
        return self._matrix, vector

    def upsert(self, key: int, embedding_sum: np.ndarray, last_seen: float) -> None:
        if self._matrix is None:
            self._start(embedding_sum.shape[0])
        assert self._matrix is not None and self._coarse is not None
        row = self._row_of.get(key)
        if row is None:
            if self._free:
                row = self._free.pop()
            else:
                if self._size == self._capacity:
                    self._grow()
                row = self._size
                self._size += 1
            self._row_of[key] = row
            self._keys[row] = key
        norm = float(np.linalg.norm(embedding_sum)) or 1.0
        self._matrix[row] = embedding_sum / norm
        if self._projection is not None:
            self._coarse[row] = self._matrix[row] @ self._projection
        if self._prefetched is not None and row < self._prefetched_rows:
            self._mark_changed(row)
        self._last_seen[row] = last_seen

    def _mark_changed(self, row: int) -> None:
        if row in self._changed:
            return
        self._changed.add(row)
        if self._changed_count == len(self._changed_rows):
            self._changed_rows = np.concatenate([self._changed_rows, self._changed_rows])
        self._changed_rows[self._changed_count] = row
        self._changed_count += 1

    def remove(self, key: int) -> None:
        row = self._row_of.pop(key, None)
        if row is not None:
            self._keys[row] = -1
            self._last_seen[row] = -np.inf
            self._free.append(row)

    def prefetch(self, vectors: np.ndarray) -> None:
        """Score the batch ``vectors`` against every row now; ``search(query=i)`` then
        starts from row i of these scores."""
        self._changed = set()
        self._changed_count = 0
        if self._matrix is None or not self._size:
            self._prefetched, self._prefetched_rows = None, 0
            return
        self._prefetched_rows = self._size
        self._prefetched_coarse = self._coarse_now()
        matrix, vectors = self._rows_and_vector(vectors, self._prefetched_coarse)
        self._prefetched = vectors @ matrix[: self._size].T

    def _similarity(self, vector: np.ndarray, query: int | None) -> tuple[np.ndarray, bool]:
        """The similarity of ``vector`` to every row, and whether it is the projected one."""
        used = self._size
        prefetched = query is not None and self._prefetched is not None
        coarse = self._prefetched_coarse if prefetched else self._coarse_now()
        matrix, vector = self._rows_and_vector(vector, coarse)
        if not prefetched:
            return matrix[:used] @ vector, coarse
        assert self._prefetched is not None and query is not None
        known = self._prefetched_rows
        if used == known:
            # The prefetched row itself: the corrections below write fresh scores of
            # changed rows, the same however often this query is searched.
            similarity = self._prefetched[query]
        else:  # stories started since the prefetch
            similarity = np.empty(used, dtype=np.float32)
            similarity[:known] = self._prefetched[query]
            similarity[known:] = matrix[known:used] @ vector
        if self._changed_count:  # stories that took an article since the prefetch
            rows = self._changed_rows[: self._changed_count]
            similarity[rows] = matrix[rows] @ vector
        return similarity, coarse

    def search(
        self,
        vector: np.ndarray,
        *,
        stamp: float,
        window_seconds: float,
        limit: int,
        query: int | None = None,
    ) -> list[tuple[int, float]]:
        """(story key, cosine) of the ``limit`` most similar stories seen within the
        window of ``stamp``, best first; ties broken by the older (smaller) key.
        ``query``: the vector's position in the last ``prefetch`` batch, if it was in it.

        The best ``limit + _SPARE`` rows by projected similarity are re-ranked with
        every dimension. The window is checked on those rows only (checking every row
        costs more than the product itself with tens of thousands open); when too few
        of them are in the window, on all rows. Either way the rows are those of
        filtering first: a row outside the best ones scores no higher than they do."""
        if self._matrix is None or not self._row_of:
            return []
        used = self._size
        similarity, coarse = self._similarity(vector, query)
        rows: np.ndarray | None = None
        if used > limit + _SPARE:
            top = _largest(similarity, limit + _SPARE)
            inside = (self._keys[top] >= 0) & (
                np.abs(stamp - self._last_seen[top]) <= window_seconds
            )
            if np.count_nonzero(inside) >= limit:
                rows = top[inside]
        if rows is None:
            eligible = (self._keys[:used] >= 0) & (
                np.abs(stamp - self._last_seen[:used]) <= window_seconds
            )
            rows = np.flatnonzero(eligible)
        if not len(rows):
            return []
        if len(rows) > limit + _SPARE:
            rows = rows[np.argpartition(-similarity[rows], limit + _SPARE - 1)[: limit + _SPARE]]
        # Projected scores are re-ranked with every dimension: the cosines returned are exact.
        assert self._matrix is not None
        scores = self._matrix[rows] @ vector if coarse else similarity[rows]
        keys = self._keys[rows]
        order = np.lexsort((keys, -scores))[:limit]
        return list(zip(keys[order].tolist(), scores[order].tolist(), strict=True))


class MemberMatrix:
    """The embeddings of the open stories' articles, one row each, so the nearest
    member of many candidate stories is found by one gather and one product. Rows of
    closed stories are reused: the matrix is as large as the window's articles."""

    def __init__(self, *, capacity: int = 1024) -> None:
        self._matrix: np.ndarray | None = None
        self._capacity = capacity
        self._size = 0
        self._free: list[int] = []

    def add(self, vector: np.ndarray) -> int:
        if self._matrix is None:
            self._matrix = np.zeros((self._capacity, vector.shape[0]), dtype=np.float32)
        if self._free:
            row = self._free.pop()
        else:
            if self._size == self._capacity:
                self._capacity *= 2
                grown = np.zeros((self._capacity, self._matrix.shape[1]), dtype=np.float32)
                grown[: self._size] = self._matrix[: self._size]
                self._matrix = grown
            row = self._size
            self._size += 1
        self._matrix[row] = vector
        return row

    def release(self, rows: list[int]) -> None:
        self._free.extend(rows)

    def row(self, row: int) -> np.ndarray:
        assert self._matrix is not None
        return self._matrix[row]

    def rows(self, rows: np.ndarray) -> np.ndarray:
        assert self._matrix is not None
        return self._matrix[rows]

    def similarities(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine of ``vector`` with the given rows (all of unit length)."""
        if self._matrix is None or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        return self._matrix[rows] @ vector
