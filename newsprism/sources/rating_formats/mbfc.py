"""Media Bias/Fact Check ratings, one source a row, as MBFC publishes them per source.

Columns (CSV or tab-separated; the first present name is used):

* ``domain`` (or ``source_url_normalized``, ``source_url``, ``website``) — the outlet's
  domain or homepage; required;
* ``bias`` (or ``bias_rating``, ``mbfc_bias``, ``mbfc_bias_raw``) — MBFC's bias rating;
* ``fact`` (or ``factual``, ``factual_reporting``, ``mbfc_factual``, ``mbfc_factual_raw``)
  — MBFC's factual reporting;
* ``ref`` (or ``mbfc_url``, ``mbfc_page``) — the source's page on mediabiasfactcheck.com;
* ``name`` (or ``source``), and ``date`` (or ``rated_on``, ``updated``), both optional.

This is the shape of MBFC's own source pages and of the research sets built from them
(Baly et al., EMNLP 2018 and ACL 2020: ``source_url, source_url_normalized, ref, fact,
bias``). Detected by a ``fact``/``factual_reporting`` column beside a ``bias`` one.

Mapping, bias: extreme-left = far-left, left = left, left-center = lean-left,
center/least biased = center, right-center = lean-right, right = right, extreme-right =
far-right (the spellings of MBFC's 2021 badge images, ``leftcenter.png``, too). MBFC's
other categories — fake news/questionable, conspiracy-pseudoscience, pro-science, satire —
are not positions on the left-right axis and give no bias rating (they are counted as
skipped). Factuality: very high, high, mostly factual, mixed, low, very low are our six
values one to one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Rating
from newsprism.sources.rating_formats._base import (
    RatingRow,
    ReadOptions,
    ReadResult,
    bias_from_label,
    column,
    factuality_from_label,
    has_any,
    year_in,
)

NAME = "mbfc"
RATER = "mbfc"
LICENCE = "MBFC: all rights reserved"
SOURCE_URL = "https://mediabiasfactcheck.com/"

_BIAS_COLUMNS = ("bias", "bias_rating", "mbfc_bias", "mbfc_bias_raw")
_FACT_COLUMNS = ("fact", "factual", "factual_reporting", "mbfc_factual", "mbfc_factual_raw")


def detect(columns: Iterable[str]) -> bool:
    columns = list(columns)
    return has_any(columns, *_BIAS_COLUMNS) and has_any(
        columns, "fact", "factual", "factual_reporting", "mbfc_factual"
    )


def read(rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult) -> None:
    for row in rows:
        domain = column(row, "domain", "source_url_normalized", "source_url", "website")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        rating = partial(
            Rating,
            rater=options.rater or RATER,
            licence=options.licence or LICENCE,
            rated_on=year_in(column(row, "date", "rated_on", "updated")) or options.rated_on,
            source_url=column(row, "ref", "mbfc_url", "mbfc_page") or SOURCE_URL,
        )
        ratings = []
        bias_label = column(row, *_BIAS_COLUMNS)
        if bias := bias_from_label(bias_label):
            ratings.append(rating(axis=BIAS_AXIS, value=bias))
        elif bias_label:
            result.skipped[f"bias {bias_label!r} is not a left-right position"] += 1
        fact_label = column(row, *_FACT_COLUMNS)
        if fact := factuality_from_label(fact_label):
            ratings.append(rating(axis=FACTUALITY_AXIS, value=fact))
        elif fact_label:
            result.skipped[f"factuality {fact_label!r} is not on the scale"] += 1
        result.rows.append(
            RatingRow(domain=domain, name=column(row, "name", "source"), ratings=tuple(ratings))
        )
