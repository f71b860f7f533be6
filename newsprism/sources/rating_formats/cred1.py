"""CRED-1, credibility ratings of news domains (CC BY 4.0), one domain a row.

Columns (the first present name is used; the ``cred1_`` names are the merged file's):

* ``domain`` — required;
* ``category`` (or ``cred1_category``) — reliable, mixed, unreliable, conspiracy, rumor,
  fake, satire;
* ``iffy_factual`` (or ``cred1_iffy_factual``) — the factual-reporting code CRED-1 relays
  from Iffy.news: VH, H, MF, M, L, VL;
* ``score`` (or ``cred1_score``) — CRED-1's 0..1 score; read but not used (see below);
* ``date`` (or ``rated_on``, ``year``), optional.

Detected by a category column beside an ``iffy_factual`` or ``score`` one. Mapping onto
factuality: the relayed code when there is one (VH very-high, H high, MF mostly-factual,
M mixed, L low, VL very-low), it being the finer judgement; otherwise the category:
reliable = high, mixed = mixed, unreliable, conspiracy and rumor = low, fake = very-low.
Satire is not a statement about factual reporting and gives no rating. The score has no
published bands, so it is not turned into a label. This is the mapping behind the
``factuality=cred1`` values of the open merged file, which it reproduces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsprism.models import FACTUALITY_AXIS, Rating
from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    column,
    factuality_from_label,
    has_any,
    year_in,
)

NAME = "cred1"
RATER = "cred1"
LICENCE = "CC BY 4.0"

FACTUALITY_OF_CATEGORY = {
    "reliable": "high",
    "mixed": "mixed",
    "unreliable": "low",
    "conspiracy": "low",
    "rumor": "low",
    "fake": "very-low",
}


def factuality_of(category: str | None, iffy_factual: str | None) -> str | None:
    """CRED-1's category and relayed factual code on the factuality scale (rule above)."""
    return factuality_from_label(iffy_factual) or FACTUALITY_OF_CATEGORY.get(
        (category or "").strip().lower()
    )


def detect(columns: Iterable[str]) -> bool:
    columns = list(columns)
    return has_any(columns, "category", "cred1_category") and has_any(
        columns, "iffy_factual", "cred1_iffy_factual", "score", "cred1_score"
    )


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    for row in rows:
        domain = column(row, "domain", "url", "website")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        category = column(row, "category", "cred1_category")
        value = factuality_of(category, column(row, "iffy_factual", "cred1_iffy_factual"))
        ratings = []
        if value:
            ratings.append(
                Rating(
                    axis=FACTUALITY_AXIS,
                    value=value,
                    rater=options.rater or RATER,
                    licence=options.licence or LICENCE,
                    rated_on=year_in(column(row, "date", "rated_on", "year")) or options.rated_on,
                )
            )
        elif category:
            result.skipped[f"category {category!r} says nothing about factuality"] += 1
        result.rows.append(RatingRow(domain=domain, ratings=tuple(ratings)))
