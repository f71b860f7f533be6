"""The open stories' centroids in one matrix, so one BLAS product scores articles
against all of them (the first, cheap stage of clustering).

A batch of articles is scored in one matrix-matrix product (``prefetch``): the matrix
is read from memory once per batch instead of once per article. Articles of the batch
are still placed one by one, so each search corrects the prefetched scores for the
rows that changed since (stories the batch's earlier articles joined or started) —
the results are those of searching row by row.

Why not an approximate index (hnswlib, usearch): a story's centroid moves with every
article it takes and stories close as they go quiet, so the index sees as many
updates as queries; exact search over a contiguous float32 matrix is simple,
deterministic and, for the tens of thousands of stories open in a 3-day window, fast
enough. Rows of closed stories are reused.
"""

from __future__ import annotations

import numpy as np


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
        # rows, and the rows changed since (their prefetched scores are stale).
        self._prefetched: np.ndarray | None = None
        self._prefetched_rows = 0
        self._changed: set[int] = set()

    def __len__(self) -> int:
        return len(self._row_of)

    def _grow(self) -> None:
        self._capacity *= 2
        assert self._matrix is not None
        matrix = np.zeros((self._capacity, self._matrix.shape[1]), dtype=np.float32)
        matrix[: self._size] = self._matrix[: self._size]
        self._matrix = matrix
        self._last_seen = np.concatenate(
            [self._last_seen, np.full(self._capacity - len(self._last_seen), -np.inf)]
        )
        self._keys = np.concatenate(
            [self._keys, np.full(self._capacity - len(self._keys), -1, dtype=np.int64)]
        )

    def upsert(self, key: int, embedding_sum: np.ndarray, last_seen: float) -> None:
        if self._matrix is None:
            self._matrix = np.zeros((self._capacity, embedding_sum.shape[0]), dtype=np.float32)
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
        if self._prefetched is not None:
            self._changed.add(row)
        self._last_seen[row] = last_seen

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
        if self._matrix is None or not self._size:
            self._prefetched, self._prefetched_rows = None, 0
            return
        self._prefetched_rows = self._size
        self._prefetched = np.asarray(vectors, dtype=np.float32) @ self._matrix[: self._size].T

    def _similarity(self, vector: np.ndarray, query: int | None) -> np.ndarray:
        assert self._matrix is not None
        used = self._size
        if query is None or self._prefetched is None:
            return self._matrix[:used] @ vector
        known = self._prefetched_rows
        similarity = np.empty(used, dtype=np.float32)
        similarity[:known] = self._prefetched[query]
        if used > known:  # stories started since the prefetch
            similarity[known:] = self._matrix[known:used] @ vector
        if self._changed:  # stories that took an article since the prefetch
            rows = np.fromiter(self._changed, dtype=np.int64, count=len(self._changed))
            rows = rows[rows < known]
            similarity[rows] = self._matrix[rows] @ vector
        return similarity

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
        ``query``: the vector's position in the last ``prefetch`` batch, if it was in it."""
        if self._matrix is None or not self._row_of:
            return []
        used = self._size
        similarity = self._similarity(vector, query)
        eligible = (self._keys[:used] >= 0) & (
            np.abs(stamp - self._last_seen[:used]) <= window_seconds
        )
        rows = np.flatnonzero(eligible)
        if not len(rows):
            return []
        scores = similarity[rows]
        if len(rows) > limit:
            top = np.argpartition(-scores, limit - 1)[:limit]
            rows, scores = rows[top], scores[top]
        keys = self._keys[rows]
        order = np.lexsort((keys, -scores))
        return [(int(keys[i]), float(scores[i])) for i in order]
