"""Outlet ownership, in the shape of Kite by Kagi's ownership list (MIT).

Columns: ``domain`` (required), ``owner``, ``typology``, and optionally ``name``,
``country``. Detected by ``owner`` and ``typology`` columns.

The owner is kept as its first sentence (citation marks like ``[43]`` dropped, at most
about 200 characters), as the bundled catalogue keeps it; the typology is folded into
the catalogue's small vocabulary (private, private-independent, state-funded,
state-controlled, public-broadcaster, non-profit) — a typology outside it is kept,
lower-cased and hyphenated. Both go onto the outlet with their source
(``--rater`` names it; the default is Kite's ownership list, MIT).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    column,
    has_any,
)

NAME = "ownership"
SOURCE = "https://github.com/kagisearch/kite-public (ownership)"
LICENCE = "MIT"

# Kite's ownership typologies folded into a small vocabulary of our own; the bundled
# catalogue (scripts/build_catalogue.py) uses the same, so both speak the same words.
TYPOLOGY = {
    "private media": "private",
    "private enterprise": "private",
    "print media": "private",
    "independent media": "private-independent",
    "private independent media": "private-independent",
    "state funded media": "state-funded",
    "state media / digital": "state-controlled",
    "public media": "public-broadcaster",
    "public broadcaster": "public-broadcaster",
    "public agency (statutory, editorially independent)": "public-broadcaster",
    "non-profit": "non-profit",
}
_CITATION = re.compile(r"\[\d+\]")


def short_owner(owner: str | None) -> str | None:
    """The first sentence of an owner description, without citation marks, ~200 chars."""
    owner = _CITATION.sub("", owner or "").strip()
    if not owner:
        return None
    first = re.split(r"(?<=[a-z)])\.\s", owner, maxsplit=1)[0].rstrip(".")
    if len(first) > 200:
        first = first[:197].rsplit(" ", 1)[0] + "…"
    return first


def typology_of(text: str | None) -> str | None:
    text = " ".join((text or "").lower().split())
    if not text:
        return None
    return TYPOLOGY.get(text) or re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def detect(columns: Iterable[str]) -> bool:
    columns = list(columns)
    return has_any(columns, "owner") and has_any(columns, "typology")


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    source = f"{options.rater or SOURCE}, {options.licence or LICENCE}"
    for row in rows:
        domain = column(row, "domain")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        owner = short_owner(column(row, "owner"))
        typology = typology_of(column(row, "typology"))
        if not (owner or typology):
            result.skipped["row with neither owner nor typology"] += 1
            continue
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "name"),
                country=(column(row, "country") or "").upper() or None,
                owner=owner,
                ownership_typology=typology,
                ownership_source=source,
            )
        )
