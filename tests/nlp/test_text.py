"""Text cleaning: mojibake repaired, clean text untouched, same answers as ftfy."""

import json

import ftfy
import pytest

from newsprism.nlp.text import clean, is_photo_caption, leans_on_context, strip_dateline
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


# Openings of real reports in ../shared/data/corpora (AllSides 2018–2020, BASIL) and a
# Spanish wire opening: the dateline goes, the sentence stays whole.
@pytest.mark.parametrize(
    ("opening", "sentence"),
    [
        ("WASHINGTON (Reuters) - The U.S. Senate voted", "The U.S. Senate voted"),
        ("SEOUL/WASHINGTON (Reuters) - North Korea said", "North Korea said"),
        ("ALEXANDRIA, Va. (Reuters) - A jury found", "A jury found"),
        ("COLUMBIA, S.C. (AP) — Joe Biden won", "Joe Biden won"),
        ("WASHINGTON – The Trump administration", "The Trump administration"),
        ("JERUSALEM, Israel – Israeli Prime Minister", "Israeli Prime Minister"),
        ("SAN DIEGO—The caravan", "The caravan"),
        ("WASHINGTON, D.C. -- The House", "The House"),
        ("(Reuters) - Facebook Inc said", "Facebook Inc said"),
        ("LAS VEGAS — “We will", "“We will"),
        ("MADRID, 3 dic (EFE).- El Gobierno", "El Gobierno"),
        ("WASHINGTON ― In recent years", "In recent years"),
        ("(CNN) In a major show of defiance", "In a major show of defiance"),
    ],
)
def test_strip_dateline_drops_the_wire_dateline(opening, sentence):
    assert strip_dateline(opening) == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "COVID-19 cases rose again in Texas.",
        "NASA — the agency said on Monday — will launch.",
        "U.S. stocks fell — sharply — on Friday.",
        "The WASHINGTON — based group said so.",
        "Speaker Nancy Pelosi — who was asked — declined.",
        "(but not always) the vote passed.",
    ],
)
def test_strip_dateline_keeps_sentences_without_one(sentence):
    assert strip_dateline(sentence) == sentence


def test_agency_photo_captions_are_recognised():
    assert is_photo_caption("FILE - In this March 3, 2020 file photo, Jerome Powell pauses.")
    assert is_photo_caption("FILE PHOTO: Special Counsel Robert Mueller departs.")
    assert not is_photo_caption("FILES released on Friday show the plan.")


@pytest.mark.parametrize(
    ("sentence", "language", "leans"),
    [
        ("It landed in Los Angeles at 7:33 p.m., the airline said.", "en", True),
        ("But the vote was delayed again.", "en", True),
        ("“They lied to us,” he said.", "en", True),
        ("This week the Senate returns.", "en", False),
        ("Italy won the final on penalties.", "en", False),
        ("The Senate passed the bill.", "en", False),
        ("Él dijo que no habrá elecciones.", "es", True),
        ("El Gobierno aprobó la ley.", "es", False),
        ("Es gibt keine Einigung.", "de", False),
        ("He said so.", None, True),
        ("He said so.", "ja", False),
    ],
)
def test_sentences_that_refer_back_are_recognised(sentence, language, leans):
    assert leans_on_context(sentence, language) is leans


def test_terms_lower_each_word_after_finding_it():
    from newsprism.nlp.text import terms

    # Lowering the whole text first would drop a Turkish "İ" from its word.
    assert terms("İstanbul belediyesi and the ΣΟΦΟΣ") == ["i̇stanbul", "belediyesi", "σοφος"]
