"""Wikipedia's perennial sources list (WP:RSP): each source's status, with its domain.

Columns (the first present name is used):

* ``domain`` (or ``url``, ``website``) — the source's domain; required;
* ``status`` (or ``rsp_status``, ``wp_rsp_status``) — the list's status, in words
  (``Generally reliable``, ``No consensus``, ``Generally unreliable``, ``Deprecated``,
  ``Blacklisted``) or as the list's legend codes ``gr``, ``nc``, ``gu``, ``d``, ``b``;
  several statuses (``gr|nc``) when the list gives different ones for different topics
  or periods;
* ``source`` (or ``name``, ``wp_rsp_name``) — the source's name on the list;
* ``last`` (or ``date``, ``rated_on``, ``year``) — when it was last discussed, optional.

Detected by a status column. Mapping: the status is kept as it is on its own axis,
``wikipedia-reliability`` (generally-reliable, no-consensus, generally-unreliable,
deprecated, blacklisted): it says whether Wikipedia's editors may cite a source, which is
not quite factuality. It is *also* recorded on the factuality axis (generally reliable =
high, no consensus = mixed, generally unreliable = low, deprecated and blacklisted =
very-low) because the bundled catalogue already counts rater ``wikipedia-rsp`` on that
axis: an import of a newer list must supersede those values, or an outlet would keep a
factuality from a status Wikipedia has since changed.

An entry with several statuses is recorded as no-consensus — the list's own word for
"unclear, or additional considerations apply" — and gives no factuality, since the list
gives no single judgement. A code this reader does not know counts as another status
(``gr|m`` is no-consensus); a cell with no known status gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import partial

from newsprism.models import FACTUALITY_AXIS, Rating
from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    column,
    has_any,
    year_in,
)
from newsprism.sources.ratings import WIKIPEDIA_AXIS

NAME = "wikipedia-rsp"
RATER = "wikipedia-rsp"
LICENCE = "CC BY-SA 4.0"
SOURCE_URL = "https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources"

_STATUS_COLUMNS = ("status", "rsp_status", "wp_rsp_status")
_STATUS_WORDS = {
    "gr": "generally-reliable",
    "generallyreliable": "generally-reliable",
    "nc": "no-consensus",
    "noconsensus": "no-consensus",
    "gu": "generally-unreliable",
    "generallyunreliable": "generally-unreliable",
    "d": "deprecated",
    "deprecated": "deprecated",
    "b": "blacklisted",
    "blacklisted": "blacklisted",
}
FACTUALITY_OF_STATUS = {
    "generally-reliable": "high",
    "no-consensus": "mixed",
    "generally-unreliable": "low",
    "deprecated": "very-low",
    "blacklisted": "very-low",
}


def statuses(text: str | None) -> list[str | None]:
    """The statuses of a status cell, in order, each once; None for a code not known."""
    codes = [re.sub(r"[^a-z]", "", part.lower()) for part in re.split(r"[|,;/]", text or "")]
    found: list[str | None] = []
    for code in filter(None, codes):
        status = _STATUS_WORDS.get(code)
        if status not in found:
            found.append(status)
    return found


def ratings_of_status(
    text: str | None, *, rater: str, licence: str, rated_on: str | None, source_url: str | None
) -> list[Rating]:
    """The reliability rating, and the factuality one where the status is single."""
    found = statuses(text)
    if not any(found):
        return []
    rating = partial(Rating, rater=rater, licence=licence, rated_on=rated_on, source_url=source_url)
    if len(found) > 1:
        return [rating(axis=WIKIPEDIA_AXIS, value="no-consensus")]
    status = found[0]
    assert status is not None
    return [
        rating(axis=WIKIPEDIA_AXIS, value=status),
        rating(axis=FACTUALITY_AXIS, value=FACTUALITY_OF_STATUS[status]),
    ]


def detect(columns: Iterable[str]) -> bool:
    return has_any(columns, *_STATUS_COLUMNS)


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    for row in rows:
        domain = column(row, "domain", "url", "website")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        text = column(row, *_STATUS_COLUMNS)
        ratings = ratings_of_status(
            text,
            rater=options.rater or RATER,
            licence=options.licence or LICENCE,
            rated_on=year_in(column(row, "last", "date", "rated_on", "year")) or options.rated_on,
            source_url=SOURCE_URL,
        )
        if text and not ratings:
            result.skipped[f"status {text!r} is not one of the list's"] += 1
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "source", "name", "wp_rsp_name"),
                ratings=tuple(ratings),
            )
        )
