"""Text helpers shared by clustering and summaries: cleaning, ledes, sentences, terms."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_SPACES = re.compile(r"\s+")

# Short stopword lists for the languages of the bundled catalogue; TF-IDF weights do
# most of the work, these only keep the commonest words out of the term vectors.
_STOPWORDS = frozenset(
    """
    the a an and or of to in on for with at by from as is was are were be been being has have
    had it its this that these those he she they we you i not but said says say will would
    could should about after over into than more most new his her their our who what when
    where which while also just up out one two can may might no so if there then them him
    el la los las de del y en que un una por con para es se al lo su sus como más pero ha
    le les des du et à au aux est une pour dans sur par qui pas ce cette il elle ont été
    der die das und ist im den dem ein eine zu mit von auf für nicht sich des es auch bei
    o os as um uma do da dos das em no na com não por para
    """.split()
)


# What ftfy can repair leaves one of these traces: a UTF-8 lead byte read as Latin-1 or
# Windows-1252 (Â..ô) followed by a continuation byte read the same way ("Ã©", "â€™"),
# a control or formatting character ftfy removes (C1, BOM, ...), an HTML entity, a
# ligature, a full-width form, a surrogate or U+FFFD.
# Text without any is left to NFC normalisation alone: running ftfy over every
# accented paragraph costs more than embedding it.
_REPAIRABLE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
    "|[\u0080-\u009f\u206a-\u206f\ud800-\udfff\ufb00-\ufb06\ufeff\uff01-\uff5e\ufff9-\ufffd"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f]|&#?\\w+;"
)


def clean(text: str | None) -> str:
    """Repair mojibake (ftfy) and collapse whitespace; '' for None or 'None'."""
    if not text or text == "None":
        return ""
    if not text.isascii():  # pure ASCII cannot be mojibake: skip ftfy (hot path)
        if _REPAIRABLE.search(text):
            # Curly quotes are the publisher's typography, not damage: keep them.
            text = ftfy.fix_text(text, uncurl_quotes=False)
        else:
            text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


def clean_paragraphs(text: object) -> str:
    """Like ``clean`` but keeps one paragraph a line (sentence splitting needs them)."""
    if not text or text == "None":
        return ""
    text = str(text)
    if not text.isascii():
        if _REPAIRABLE.search(text):
            return "\n".join(line for line in map(clean, text.splitlines()) if line)
        # What ``clean`` does to each line, done once: no line needs ftfy.
        text = unicodedata.normalize("NFC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def first_words(text: str, count: int) -> str:
    # A bounded split: the opening of a long article need not split all of it.
    return " ".join(text.split(None, count)[:count])


def terms(text: str) -> list[str]:
    """Lower-cased word tokens without stopwords (any script with word characters)."""
    # Each word lowered after it is found: lowering the text first turns a Turkish "İ"
    # into "i" and a combining dot that no word pattern takes ("İstanbul" -> "stanbul").
    return [word for word in (w.lower() for w in _WORD.findall(text)) if word not in _STOPWORDS]


# A sentence ends at . ! ? … (optionally followed by quotes/brackets) before whitespace
# and an upper-case letter, digit or opening quote; common abbreviations don't end one.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[¿¡]?[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω0-9])")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|St|Jr|Sr|Inc|Corp|Co|Ltd|"
    r"U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|etc|Sr|Sra|"
    r"Dña|Mme|Mlle|Hr|Fr|Nr|z\.B|bzw|ca)|\b[A-Z])\.$"
)


# A wire dateline opening a report: "WASHINGTON —", "NEW YORK (Reuters) -",
# "ALEXANDRIA, Va. (AP) —", "(CNN) —", "MADRID, 3 dic (EFE).-". An upper-case place
# (or places: "SEOUL/WASHINGTON"), then perhaps a region or date after a comma and an
# agency in brackets, then a dash before the sentence proper (a capital, digit or
# quote: "NASA — the agency said" is a sentence, not a dateline).
_UPPER = "A-ZÀ-ÖØ-Þ"
_DATELINE = re.compile(
    rf"^(?:(?:[{_UPPER}][{_UPPER}.'’/ -]*[{_UPPER}.]"
    r"(?:,(?:\s+[\w.]{1,12}){1,3})?\s*(?:\([\w.&/ -]{1,30}\))?"
    r"|\([\w.&/ -]{1,30}\))"
    # A hyphen needs a space after it ("COVID-19" is a word); a dash or "--" does not.
    r"(?:\s*\.?\s*-{1,2}\s+|\s*\.?\s*(?:[–—―]|--)\s*)"
    # CNN's own: the agency in brackets and no dash ("(CNN) North Korea fired").
    rf"|\([{_UPPER}][\w.&/-]{{1,15}}\)\s+)"
    rf"(?=[\"“‘'«(¿¡]?[{_UPPER}0-9])"
)
# A photo caption that opens an agency's text ("FILE - In this March 3 photo, ...",
# "FILE PHOTO: ..."): it describes a picture the reader does not see.
_PHOTO_CAPTION = re.compile(r"^FILE(?: PHOTO)?\s*[-–—:]")


def strip_dateline(sentence: str) -> str:
    """The sentence without a wire dateline at its start (the place and agency a report
    was filed from say nothing in a summary bullet)."""
    found = _DATELINE.match(sentence)
    return sentence[found.end() :] if found else sentence


def is_photo_caption(sentence: str) -> bool:
    return bool(_PHOTO_CAPTION.match(sentence))


# Sentence openers that lean on the sentence before ("He said…", "It landed at…",
# "But the vote…"): out of their article they read as riddles. Demonstratives that
# open time phrases as often ("This week", "Diese Woche") are not among them.
_LEANING_OPENERS = {
    "en": "he she it they his her its their them but and however yet",
    "es": "él ella ellos ellas su sus esto pero",
    "fr": "il elle ils elles son sa ses leur leurs cela ceci mais cependant",
    "de": "er sie sein seine ihr ihre dies aber jedoch",
    "pt": "ele ela eles elas seu sua seus suas isso isto mas porém",
}
_LEANING = {lang: frozenset(words.split()) for lang, words in _LEANING_OPENERS.items()}


def leans_on_context(sentence: str, language: str | None) -> bool:
    """Whether the sentence opens with a pronoun or connective that refers back (an
    unknown language is taken for English; other languages without a list: never)."""
    opener = sentence.split(maxsplit=1)[0].strip("\"“‘'«,").lower() if sentence.strip() else ""
    return opener in _LEANING.get(language or "en", frozenset())


def sentences(text: str) -> list[str]:
    """Split news text into sentences; paragraphs (newlines) always split."""
    result: list[str] = []
    for paragraph in text.splitlines():
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        pending = ""
        for piece in _SENTENCE_END.split(paragraph):
            pending = f"{pending} {piece}".strip() if pending else piece.strip()
            if _ABBREVIATIONS.search(pending):
                continue
            result.append(pending)
            pending = ""
        if pending:
            result.append(pending)
    return result
