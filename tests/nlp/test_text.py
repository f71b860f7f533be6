"""Text cleaning: mojibake repaired, clean text untouched, same answers as ftfy."""

import json

import ftfy
import pytest

from newsprism.nlp.text import clean
from tests.conftest import SHARED_DATA


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("SÃ£o Paulo", "São Paulo"),
        ("donâ€™t stop", "don’t stop"),
        ("caf&eacute; Nicolás", "café Nicolás"),
        ("ﬁnance in Zürich", "finance in Zürich"),
        ("Ｔｏｋｙｏ Olympics, Genève", "Tokyo Olympics, Genève"),
        ("\ufeffMéxico", "México"),
        ("L'Élysée a déclaré « non »  ", "L'Élysée a déclaré « non »"),
    ],
)
def test_clean_repairs_mojibake_and_keeps_real_accents(damaged, repaired):
    assert clean(damaged) == repaired


def _full_ftfy(text: str) -> str:
    """What clean() did before it learned to skip ftfy on text with no damage."""
    return " ".join(ftfy.fix_text(text, uncurl_quotes=False).split())


def test_clean_agrees_with_ftfy_on_real_non_ascii_text():
    paragraphs = []
    for name in ("basil.jsonl", "giveme5w1h_news_cluster.jsonl", "newswcl50.jsonl"):
        with (SHARED_DATA / "corpora" / name).open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                paragraphs += [row.get("title") or "", *(row.get("text") or "").splitlines()]
    for path in sorted((SHARED_DATA / "feeds").rglob("*")):
        if path.is_file():
            paragraphs += path.read_text(encoding="utf-8", errors="replace").splitlines()
    non_ascii = [p for p in paragraphs if p.strip() and not p.isascii()]
    assert len(non_ascii) > 5_000
    assert [clean(p) for p in non_ascii] == [_full_ftfy(p) for p in non_ascii]
