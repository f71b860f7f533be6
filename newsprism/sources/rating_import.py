"""Import a ratings file into a database: read it, match its domains to outlets, store.

A row's domain (``www.`` and any scheme or path dropped) is matched to the outlet with
exactly that domain. It is not matched to a parent domain's outlet: a rating of
``abcnews.go.com`` says nothing about ``go.com``. Articles reach their outlet by the
longest suffix of their host (``sources.hosts``), so once ``abcnews.go.com`` is an outlet
(``--add-outlets``), its articles carry its ratings and ``go.com``'s articles do not.

Domains that are no outlet are reported, never invented, unless ``add_outlets``.
A rating on an axis not known here (built in, or declared by a catalogue) or with a
value off its axis's scale is left out and reported, never stored.
Everything happens in one transaction: a file that fails half-way stores nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine

from newsprism.models import Rating
from newsprism.sources.axes import AxisRegistry
from newsprism.sources.hosts import longest_suffix_match, normalise_host
from newsprism.sources.rating_formats import RatingRow, ReadOptions, read_ratings_file
from newsprism.store.axes import axis_registry
from newsprism.store.outlets import ensure_outlet, outlet_ids_by_domain, update_ownership
from newsprism.store.ratings import OVERRIDE_RATER, store_ratings

__all__ = ["RatingImportReport", "import_ratings_file"]

UNKNOWN_SHOWN = 10


@dataclass(slots=True)
class RatingImportReport:
    format: str
    rows_read: int = 0
    ratings_in_file: int = 0
    outlets_matched: int = 0
    outlets_added: int = 0
    ratings_added: int = 0
    ratings_updated: int = 0
    ratings_unchanged: int = 0
    ownership_updated: int = 0
    # Domains of the file that are no outlet here (sorted), and those among them that
    # are a subdomain of one: (domain, the outlet it was *not* applied to).
    unknown_domains: list[str] = field(default_factory=list)
    unknown_subdomains: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def import_ratings_file(
    engine: Engine,
    path: Path,
    *,
    format: str | None = None,
    rater: str | None = None,
    licence: str | None = None,
    rated_on: str | None = None,
    add_outlets: bool = False,
    today: date,
) -> RatingImportReport:
    """Read ``path`` (its format detected unless named) and store its ratings.

    ``rater``, ``licence`` and ``rated_on`` are the ``ReadOptions`` of the readers;
    ratings the file leaves undated are stored as of ``today`` when they change
    something (``store.ratings.store_ratings``). Raises ValueError for a file that
    cannot be read as asked.
    """
    if rater == OVERRIDE_RATER:
        raise ValueError(f"rater {OVERRIDE_RATER!r} is reserved for local overrides")
    read = read_ratings_file(
        path, format=format, options=ReadOptions(rater=rater, licence=licence, rated_on=rated_on)
    )
    report = RatingImportReport(
        format=read.format, rows_read=read.rows_read, skipped=Counter(read.skipped)
    )
    report.ratings_in_file = sum(len(row.ratings) for row in read.rows)
    with engine.begin() as conn:
        rows = _on_known_axes(read.rows, axis_registry(conn), report)
        pairs = _match_rows(conn, rows, report, add_outlets=add_outlets)
        counts = store_ratings(conn, pairs, undated_on=today.isoformat())
    report.ratings_added = counts.added
    report.ratings_updated = counts.updated
    report.ratings_unchanged = counts.unchanged
    return report


def _on_known_axes(
    rows: list[RatingRow], axes: AxisRegistry, report: RatingImportReport
) -> list[RatingRow]:
    """The rows with only the ratings whose axis is known and value on its scale."""
    kept_rows = []
    for row in rows:
        kept = []
        for rating in row.ratings:
            scale = axes.scale(rating.axis)
            if scale is None:
                report.skipped[f"axis {rating.axis!r} is not known here (not declared)"] += 1
            elif rating.value not in scale:
                report.skipped[f"{rating.value!r} is not on the {rating.axis} scale"] += 1
            else:
                kept.append(rating)
        unchanged = len(kept) == len(row.ratings)
        kept_rows.append(row if unchanged else replace(row, ratings=tuple(kept)))
    return kept_rows


def _match_rows(
    conn: Connection, rows: list[RatingRow], report: RatingImportReport, *, add_outlets: bool
) -> list[tuple[int, Rating]]:
    """(outlet id, rating) for every row whose outlet exists (or is added); ownership set."""
    known = outlet_ids_by_domain(conn)
    matched: set[int] = set()
    unknown: set[str] = set()
    pairs: list[tuple[int, Rating]] = []
    for row in rows:
        domain = normalise_host(row.domain)
        if not domain:
            report.skipped["row whose domain is not a host name"] += 1
            continue
        outlet_id = known.get(domain)
        if outlet_id is None and add_outlets and (row.ratings or row.owner):
            outlet_id = ensure_outlet(
                conn,
                domain=domain,
                name=row.name,
                origin="import",
                country=row.country,
                language=row.language,
            )
            known[domain] = outlet_id
            report.outlets_added += 1
        if outlet_id is None:
            unknown.add(domain)
            continue
        matched.add(outlet_id)
        pairs.extend((outlet_id, rating) for rating in row.ratings)
        if (row.owner or row.ownership_typology) and update_ownership(
            conn,
            outlet_id,
            owner=row.owner,
            typology=row.ownership_typology,
            source=row.ownership_source,
        ):
            report.ownership_updated += 1
    report.outlets_matched = len(matched)
    report.unknown_domains = sorted(unknown)
    outlet_domains = {domain: domain for domain in known}
    for domain in report.unknown_domains:
        parent = longest_suffix_match(domain, outlet_domains)
        if parent is not None:
            report.unknown_subdomains.append((domain, parent))
    return pairs
