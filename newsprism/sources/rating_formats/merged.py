"""The merged outlet files: values already on our scales, several raters in one file.

Two shapes, both with ``domain, name, bias, factuality, country, language,
rating_source``:

``merged`` — just those columns (``outlets-merged.csv``, ``outlets-open.csv``). ``bias``
and ``factuality`` are on our scales already, but each may average several raters
(``rating_source``, e.g. ``bias=mbfc+allsides-2019;factuality=wp-rsp``), so the file as a
whole is one rater that you name with ``--rater``. Each rating's licence lists the
licences of the raters ``rating_source`` names for it (``--licence`` replaces them).

``merged-extended`` — the same plus each rater's own columns (``outlets-merged-
extended.csv``). Every rater becomes its own rater here, dated where the file says when:

=================  =====================================================================
rater              columns
=================  =====================================================================
``mbfc``           ``mbfc_lean_used``, ``mbfc_fact_used`` (on our scales), dated by
                   ``mbfc_lean_source``/``mbfc_fact_source`` (``mbfc-2021`` = 2021,
                   ``mbfc-baly2018`` = 2018, ``mbfc`` = undated); ``mbfc_url``
``allsides``       ``allsides_bias``, dated by ``allsides_source`` (``allsides-2019``)
``adfontes``       ``adfontes_bias_score``, ``adfontes_reliability_score`` mapped as in
                   the ``adfontes`` format (the labels when a score is missing)
``wikipedia-rsp``  ``wp_rsp_status`` mapped as in the ``wikipedia-rsp`` format
``cred1``          ``cred1_category``, ``cred1_iffy_factual`` mapped as in ``cred1``
ownership          ``kite_owner``, ``kite_typology`` as in the ``ownership`` format
=================  =====================================================================

``adfontes``, ``wikipedia-rsp`` and ``cred1`` are dated by the year ``rating_source``
gives them anywhere in the file (``adfontes-2023``). ``--rater NAME`` takes only that
rater's columns. Not imported: ``opensources_types`` (a 2017 list of labels, not ratings),
``baly2018``/``baly2020`` (MBFC snapshots, already in the ``mbfc_*_source`` columns) and
``lin2023_pc1`` (a score with no published bands).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE, Rating
from newsprism.sources.rating_formats import adfontes, allsides, cred1, mbfc, ownership, wikipedia
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

MERGED = "merged"
EXTENDED = "merged-extended"

# rating_source codes (less any -year suffix) -> the licence of that rater's labels.
_LICENCE_OF_CODE = {
    "mbfc": mbfc.LICENCE,
    "allsides": allsides.LICENCE,
    "adfontes": adfontes.LICENCE,
    "wp-rsp": wikipedia.LICENCE,
    "cred1": cred1.LICENCE,
    "opensources": "LGPL-3.0",
}
_AXIS_OF_KEY = {"bias": BIAS_AXIS, "factuality": FACTUALITY_AXIS}


def detect_merged(columns: Iterable[str]) -> bool:
    columns = list(columns)
    return has_any(columns, "rating_source") and has_any(columns, "bias", "factuality")


def detect_extended(columns: Iterable[str]) -> bool:
    return has_any(columns, "mbfc_lean_used", "label_licences")


def _sources(rating_source: str | None) -> dict[str, list[str]]:
    """``bias=mbfc+allsides-2019;factuality=wp-rsp`` -> {bias: [mbfc, allsides-2019], ...}."""
    found: dict[str, list[str]] = {}
    for part in filter(None, (rating_source or "").split(";")):
        key, _, codes = part.partition("=")
        found[key.strip()] = [code.strip() for code in codes.split("+") if code.strip()]
    return found


def _code_base(code: str) -> str:
    """``allsides-2019`` -> ``allsides``; ``mbfc-baly2018`` -> ``mbfc``."""
    for base in _LICENCE_OF_CODE:
        if code == base or code.startswith(f"{base}-"):
            return base
    return code


def _licence_of(codes: list[str]) -> str:
    licences = sorted({_LICENCE_OF_CODE.get(_code_base(code), code) for code in codes})
    return "; ".join(licences)[:128] or "unknown"


def read_merged(
    rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult
) -> None:
    if not options.rater:
        raise ValueError(
            "a merged file's values combine several raters: name them with --rater "
            "(or import the extended file, whose per-rater columns name each rater)"
        )
    scales = {BIAS_AXIS: BIAS_SCALE, FACTUALITY_AXIS: FACTUALITY_SCALE}
    for row in rows:
        domain = column(row, "domain")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        sources = _sources(column(row, "rating_source"))
        ratings = []
        for key, axis in _AXIS_OF_KEY.items():
            value = column(row, key)
            if not value:
                continue
            if value not in scales[axis]:
                result.skipped[f"{key} {value!r} is not on the scale"] += 1
                continue
            ratings.append(
                Rating(
                    axis=axis,
                    value=value,
                    rater=options.rater,
                    licence=options.licence or _licence_of(sources.get(key, [])),
                    rated_on=options.rated_on,
                )
            )
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "name"),
                ratings=tuple(ratings),
                country=(column(row, "country") or "").upper() or None,
                language=column(row, "language"),
            )
        )


def _years_by_rater(rows: list[Mapping[str, str]]) -> dict[str, str]:
    """The newest year ``rating_source`` gives each rater code anywhere in the file."""
    years: dict[str, str] = {}
    for row in rows:
        for codes in _sources(row.get("rating_source")).values():
            for code in codes:
                year = year_in(code)
                base = _code_base(code)
                if year and year > years.get(base, ""):
                    years[base] = year
    return years


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


# One rater's columns of one row -> (axis, value or None, the date the file gives it).
_Found = list[tuple[str, str | None, str | None]]


def _mbfc_columns(row: Mapping[str, str], years: dict[str, str]) -> _Found:
    return [
        (BIAS_AXIS, column(row, "mbfc_lean_used"), year_in(row.get("mbfc_lean_source"))),
        (FACTUALITY_AXIS, column(row, "mbfc_fact_used"), year_in(row.get("mbfc_fact_source"))),
    ]


def _allsides_columns(row: Mapping[str, str], years: dict[str, str]) -> _Found:
    return [(BIAS_AXIS, column(row, "allsides_bias"), year_in(row.get("allsides_source")))]


def _adfontes_columns(row: Mapping[str, str], years: dict[str, str]) -> _Found:
    bias = _number(column(row, "adfontes_bias_score"))
    reliability = _number(column(row, "adfontes_reliability_score"))
    return [
        (
            BIAS_AXIS,
            adfontes.bias_from_score(bias)
            if bias is not None
            else bias_from_label(column(row, "adfontes_bias")),
            years.get("adfontes"),
        ),
        (
            FACTUALITY_AXIS,
            adfontes.factuality_from_reliability(reliability)
            if reliability is not None
            else factuality_from_label(column(row, "adfontes_factuality")),
            years.get("adfontes"),
        ),
    ]


def _wikipedia_columns(row: Mapping[str, str], years: dict[str, str]) -> _Found:
    ratings = wikipedia.ratings_of_status(
        column(row, "wp_rsp_status"), rater="", licence="", rated_on=None, source_url=None
    )
    return [(rating.axis, rating.value, years.get("wp-rsp")) for rating in ratings]


def _cred1_columns(row: Mapping[str, str], years: dict[str, str]) -> _Found:
    value = cred1.factuality_of(column(row, "cred1_category"), column(row, "cred1_iffy_factual"))
    return [(FACTUALITY_AXIS, value, years.get("cred1"))]


# rater -> (its columns, its licence, the source URL of its ratings)
_EXTENDED: dict[
    str, tuple[Callable[[Mapping[str, str], dict[str, str]], _Found], str, str | None]
] = {
    mbfc.RATER: (_mbfc_columns, mbfc.LICENCE, mbfc.SOURCE_URL),
    allsides.RATER: (_allsides_columns, allsides.LICENCE, allsides.SOURCE_URL),
    adfontes.RATER: (_adfontes_columns, adfontes.LICENCE, adfontes.SOURCE_URL),
    wikipedia.RATER: (_wikipedia_columns, wikipedia.LICENCE, wikipedia.SOURCE_URL),
    cred1.RATER: (_cred1_columns, cred1.LICENCE, None),
}
EXTENDED_RATERS = tuple(_EXTENDED)


def _extended_ratings(
    row: Mapping[str, str], rater: str, years: dict[str, str], options: ReadOptions
) -> list[Rating]:
    columns_of, licence, source_url = _EXTENDED[rater]
    if rater == mbfc.RATER:
        source_url = column(row, "mbfc_url") or source_url  # the outlet's own MBFC page
    return [
        Rating(
            axis=axis,
            value=value,
            rater=rater,
            licence=options.licence or licence,
            rated_on=rated_on or options.rated_on,
            source_url=source_url,
        )
        for axis, value, rated_on in columns_of(row, years)
        if value
    ]


def read_extended(
    rows: Iterable[Mapping[str, str]], options: ReadOptions, result: ReadResult
) -> None:
    if options.rater and options.rater not in EXTENDED_RATERS:
        raise ValueError(
            f"this file has columns for the raters {', '.join(EXTENDED_RATERS)}; "
            f"--rater {options.rater} is not one of them"
        )
    raters = (options.rater,) if options.rater else EXTENDED_RATERS
    rows = list(rows)
    years = _years_by_rater(rows)
    for row in rows:
        domain = column(row, "domain")
        if not domain:
            result.skipped["row without a domain"] += 1
            continue
        ratings = [
            rating for rater in raters for rating in _extended_ratings(row, rater, years, options)
        ]
        owner = ownership.short_owner(column(row, "kite_owner")) if not options.rater else None
        typology = (
            ownership.typology_of(column(row, "kite_typology")) if not options.rater else None
        )
        result.rows.append(
            RatingRow(
                domain=domain,
                name=column(row, "name"),
                ratings=tuple(ratings),
                country=(column(row, "country") or "").upper() or None,
                language=column(row, "language"),
                owner=owner,
                ownership_typology=typology,
                ownership_source=f"{ownership.SOURCE}, {ownership.LICENCE}"
                if owner or typology
                else None,
            )
        )
