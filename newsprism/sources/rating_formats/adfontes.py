"""Ad Fontes Media's numeric scores, one source a row, as its Media Bias Chart data gives them.

Columns (the first present name is used):

* ``domain`` (or ``url``, ``website``) — the outlet's domain or homepage; required;
* ``bias`` (or ``bias_score``, ``adfontes_bias_score``) — the bias score, -42 (most
  extreme left) .. +42 (most extreme right);
* ``reliability`` (or ``reliability_score``, ``adfontes_reliability_score``) — the
  reliability score, 0 .. 64;
* ``name`` (or ``source``, ``adfontes_name``), ``date`` (or ``rated_on``), optional.

Detected by a reliability column. Mapping: the chart's seven bias columns, each 12 points
wide, are the seven steps of our scale:

=============  ===============================  ==========
score          Ad Fontes' column                ours
=============  ===============================  ==========
< -30          Most Extreme Left                far-left
-30 .. < -18   Hyper-Partisan Left              left
-18 .. < -6    Skews Left                       lean-left
-6 .. +6       Middle or Balanced Bias          center
> +6 .. +18    Skews Right                      lean-right
> +18 .. +30   Hyper-Partisan Right             right
> +30          Most Extreme Right               far-right
=============  ===============================  ==========

Reliability, by the chart's bands: >= 56 original fact reporting = very-high; 48 .. < 56
fact reporting = high; 40 .. < 48 a mix of fact reporting and analysis = mostly-factual;
24 .. < 40 analysis and opinion = mixed; 8 .. < 24 selective, misleading = low; < 8
inaccurate or fabricated = very-low. The same cut-points reproduce every label of the
merged file's ``adfontes_bias``/``adfontes_factuality`` columns from its scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Rating
from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    column,
    has_any,
    year_in,
)

NAME = "adfontes"
RATER = "adfontes"
LICENCE = "Ad Fontes Media: all rights reserved"
SOURCE_URL = "https://adfontesmedia.com/interactive-media-bias-chart/"

_BIAS_COLUMNS = ("bias", "bias_score", "adfontes_bias_score")
_RELIABILITY_COLUMNS = ("reliability", "reliability_score", "adfontes_reliability_score")

# Upper bounds of |score| for center, lean-*, left/right; beyond the last: far-*.
_BIAS_STEPS = ((6.0, 0), (18.0, 1), (30.0, 2))
# Lower bounds of the reliability bands, best first.
_RELIABILITY_BANDS = (
    (56.0, "very-high"),
    (48.0, "high"),
    (40.0, "mostly-factual"),
    (24.0, "mixed"),
    (8.0, "low"),
)


def bias_from_score(score: float) -> str:
    """An Ad Fontes bias score (-42 .. +42) on the 7-point scale (cut-points above)."""
    steps = next((step for bound, step in _BIAS_STEPS if abs(score) <= bound), 3)
    if steps == 0:
        return "center"
    side = "left" if score < 0 else "right"
    return {1: f"lean-{side}", 2: side, 3: f"far-{side}"}[steps]


def factuality_from_reliability(score: float) -> str:
    """An Ad Fontes reliability score (0 .. 64) on the 6-point factuality scale."""
    return next((label for bound, label in _RELIABILITY_BANDS if score >= bound), "very-low")


def detect(columns: Iterable[str]) -> bool:
    return has_any(columns, *_RELIABILITY_COLUMNS)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    for row in rows:
        domain = column(row, "domain", "url", "website")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        rating = partial(
            Rating,
            rater=options.rater or RATER,
            licence=options.licence or LICENCE,
            rated_on=year_in(column(row, "date", "rated_on")) or options.rated_on,
            source_url=SOURCE_URL,
        )
        ratings = []
        bias_text = column(row, *_BIAS_COLUMNS)
        bias = _number(bias_text)
        if bias is not None and -42 <= bias <= 42:
            ratings.append(rating(axis=BIAS_AXIS, value=bias_from_score(bias)))
        elif bias_text:
            result.skipped[f"bias score {bias_text!r} is not a number in -42..42"] += 1
        reliability_text = column(row, *_RELIABILITY_COLUMNS)
        reliability = _number(reliability_text)
        if reliability is not None and 0 <= reliability <= 64:
            value = factuality_from_reliability(reliability)
            ratings.append(rating(axis=FACTUALITY_AXIS, value=value))
        elif reliability_text:
            result.skipped[f"reliability {reliability_text!r} is not a number in 0..64"] += 1
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "name", "source", "adfontes_name"),
                ratings=tuple(ratings),
            )
        )
