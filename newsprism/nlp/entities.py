"""Named-entity-like tokens without a model: the names, acronyms and numbers of a text.

Story clustering needs to tell apart two events of one topic (two shootings, two
votes on one day); what differs between them is mostly *who*, *where* and *how many*.
A tagger model cannot be downloaded here, and the catalogue spans many languages, so
this takes what Latin, Greek and Cyrillic scripts mark in writing:

- a capitalised word that does not open a sentence ("… said Steele on Friday");
- an acronym or a word with inner capitals ("NATO", "DeMint", "iPhone");
- a number of two or more digits ("129 people", "A42", "2017").

Headlines are often written in Title Case, where every word is capitalised: a title
whose words are mostly capitalised only contributes the words its text shows to be
names by the rules above, and its numbers.
Entities are returned lower-cased, so "Steele" in a headline meets "steele" in a
lede, and without stopwords (a capitalised "The" after a colon names nothing).
"""

from __future__ import annotations

import re

# Capitalised words that name nothing: function words a headline capitalises, and
# days and months, which every story of a week shares.
_NOT_NAMES = frozenset(
    """
    the a an and or of to in on for with at by from as is are was be it its this that
    he she they we you i his her their our not but if no new after over about
    el la los las de del y en un una le les des du et der die das und ein eine
    monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december
    """.split()
)

# Upper-case letters of the scripts that have case (Latin, Greek, Cyrillic, Armenian…).
_UPPER = "".join(c for c in map(chr, range(0x41, 0x2000)) if c.isupper() and c.isalpha())
# A token with at least one capital; a token with a digit; where a sentence's first
# word starts (after a break and any quotes, brackets or spaces).
_CASED = re.compile(rf"(?<![\w'’\-])[^\W\d_]*[{_UPPER}][^\W_]*(?:['’\-][^\W_]+)*")
_NUMBER = re.compile(r"(?<![\w'’\-])[^\W_]*\d[^\W_]*")
_OPENER = re.compile(r"(?:^|[.!?:;…\"“”«»—–\n|])\W*(?=\w)")
_DIGIT = re.compile(r"\d")


def _numbers(text: str) -> list[str]:
    """Numbers of two or more digits and codes mixing letters and digits (A42, 5G)."""
    found: list[str] = []
    if not _DIGIT.search(text):  # most headlines: skip the slower scan
        return found
    for token in _NUMBER.findall(text):
        if token[0].isalpha() and not token.islower():
            continue  # a capitalised code (A42): one of the names already
        if not token.isdigit() or len(token) >= 2:
            found.append(token.lower())
    return found


def _names(text: str) -> tuple[list[str], list[str]]:
    """(names anywhere, capitalised words opening a sentence) of ``text``, lower-cased."""
    opens = {match.end() for match in _OPENER.finditer(text)}
    names, openers = [], []
    for match in _CASED.finditer(text):
        token = match.group()
        lowered = token.lower()
        if lowered.endswith(("'s", "’s")):  # possessive; run for every capitalised word
            lowered = lowered[:-2]
        if len(lowered) < 2 or lowered in _NOT_NAMES:
            continue
        # Acronyms (NATO) and inner capitals (DeMint, iPhone) are names anywhere.
        shaped = token.isupper() or not token[1:].islower()
        if shaped or match.start() not in opens:
            names.append(lowered)
        else:
            openers.append(lowered)
    return names, openers


def _title_case(title: str) -> bool:
    words = [word for word in title.split() if len(word) > 3 and word[0].isalpha()]
    return len(words) >= 3 and sum(word[0].isupper() for word in words) >= 0.6 * len(words)


def entities(title: str, text: str = "") -> list[str]:
    """The entity-like tokens of a headline and a text (lede), lower-cased, in order,
    repeated as often as they occur."""
    body_names, body_openers = _names(text)
    known = set(body_names)
    found: list[str] = []
    if title:
        title_names, title_openers = _names(title)
        if _title_case(title):
            # Every word is capitalised: only what the text itself shows to be a name.
            found += [word for word in title_names + title_openers if word in known]
        else:
            found += title_names + [word for word in title_openers if word in known]
        found += _numbers(title)
    found += body_names + [word for word in body_openers if word in known]
    found += _numbers(text)
    return found
