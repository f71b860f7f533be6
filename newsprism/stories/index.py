"""The open stories' centroids in one matrix, so one BLAS matrix-vector product scores
an article against all of them (the first, cheap stage of clustering).

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
        self._last_seen[row] = last_seen

    def remove(self, key: int) -> None:
        row = self._row_of.pop(key, None)
        if row is not None:
            self._keys[row] = -1
            self._last_seen[row] = -np.inf
            self._free.append(row)

    def search(
        self, vector: np.ndarray, *, stamp: float, window_seconds: float, limit: int
    ) -> list[tuple[int, float]]:
        """(story key, cosine) of the ``limit`` most similar stories seen within the
        window of ``stamp``, best first; ties broken by the older (smaller) key."""
        if self._matrix is None or not self._row_of:
            return []
        used = self._size
        similarity = self._matrix[:used] @ vector
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
