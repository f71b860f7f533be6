"""One rating a row, on any axis known here: the format for a declared axis's ratings.

Columns (header names matched case-insensitively; the first present one is used):

* ``domain`` (or ``url``, ``website``) — the outlet's domain or homepage; required;
* ``axis`` — the axis's name: a built-in one (``us-left-right``, ``factuality``,
  ``wikipedia-reliability``) or one a catalogue declared; required;
* ``value`` — a value of that axis's scale (``Social Democrat`` is ``social-democrat``);
  required;
* ``rater`` — who rated; without the column, ``--rater`` names the rater of the whole
  file; with it, ``--rater`` takes only that rater's rows;
* ``licence`` — the rating's licence (``--licence`` replaces it; one of the two is
  needed);
* ``rated_on`` (or ``date``), ``source_url``, ``name`` — optional.

Detected by an ``axis`` column beside a ``value`` one. The reader knows no axis: the
importer (``sources.rating_import``) leaves out, and reports, a row whose axis is not
known here or whose value is not on its scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsprism.models import Rating
from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    column,
    has_any,
    year_in,
)

NAME = "generic"


def detect(columns: Iterable[str]) -> bool:
    columns = list(columns)
    return has_any(columns, "axis") and has_any(columns, "value")


def _word(text: str | None) -> str:
    """``Social Democrat`` -> ``social-democrat``: values and axes are hyphenated."""
    return "-".join((text or "").lower().split())


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    if not options.rater and "rater" not in first:
        raise ValueError("this file has no rater column: name its rater with --rater")
    if not options.licence and "licence" not in first:
        raise ValueError("this file has no licence column: give the ratings' --licence")
    for row in (first, *rows):
        domain = column(row, "domain", "url", "website")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        rater = column(row, "rater")
        if options.rater and rater and rater != options.rater:
            continue  # --rater takes only that rater's rows
        rater = rater or options.rater
        licence = options.licence or column(row, "licence")
        axis, value = _word(column(row, "axis")), _word(column(row, "value"))
        if not (rater and licence and axis and value):
            result.skipped["row without a rater, licence, axis or value"] += 1
            continue
        source_url = column(row, "source_url")
        # The widths of the ratings table's columns (store.schema).
        if len(rater) > 64 or len(licence) > 128 or len(source_url or "") > 2048:
            result.skipped["row whose rater, licence or source_url is too long"] += 1
            continue
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "name"),
                ratings=(
                    Rating(
                        axis=axis,
                        value=value,
                        rater=rater,
                        licence=licence,
                        rated_on=year_in(column(row, "rated_on", "date")) or options.rated_on,
                        source_url=source_url,
                    ),
                ),
            )
        )
