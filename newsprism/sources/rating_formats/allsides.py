"""AllSides media bias ratings as CSV.

Columns (header names are matched case-insensitively; the first present one is used):

* ``domain`` (or ``url``, ``website``) — the outlet's domain or homepage; required;
* ``bias`` (or ``rating``, ``allsides_bias``) — Left, Lean Left (also ``left-center``),
  Center, Lean Right (``right-center``), Right;
* ``allsides_snapshot`` (or ``date``, ``rated_on``, ``year``) — e.g. ``allsides-2019``:
  its year or date becomes the rating's date;
* ``name`` (or ``allsides_name``, ``news_source``) — the outlet's name;
* ``allsides_url`` — the outlet's page on allsides.com, kept as the rating's source.

Mapping: AllSides' five labels are five points of the 7-point scale (Left = left, Lean
Left = lean-left, ...); far-left and far-right stay unused, as AllSides has no such label.
Detected by an ``allsides_snapshot`` or ``allsides_name`` column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsprism.models import BIAS_AXIS, Rating
from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    bias_from_label,
    column,
    has_any,
    year_in,
)

NAME = "allsides"
RATER = "allsides"
LICENCE = "CC BY-NC 4.0"
SOURCE_URL = "https://www.allsides.com/media-bias"


def detect(columns: Iterable[str]) -> bool:
    return has_any(columns, "allsides_snapshot", "allsides_name")


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    for row in rows:
        domain = column(row, "domain", "url", "website")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        label = column(row, "bias", "rating", "allsides_bias")
        value = bias_from_label(label)
        ratings = []
        if value:
            ratings.append(
                Rating(
                    axis=BIAS_AXIS,
                    value=value,
                    rater=options.rater or RATER,
                    licence=options.licence or LICENCE,
                    rated_on=year_in(column(row, "allsides_snapshot", "date", "rated_on", "year"))
                    or options.rated_on,
                    source_url=column(row, "allsides_url") or SOURCE_URL,
                )
            )
        elif label:
            result.skipped[f"bias label {label!r} is not on the scale"] += 1
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "name", "allsides_name", "news_source"),
                ratings=tuple(ratings),
            )
        )
