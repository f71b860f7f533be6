"""Outlets and their feeds as CSV: one row per feed (an outlet without feeds gets one row).

Columns: domain, name, country, language, homepage, feed_url, owner, ownership_typology.
Ratings are not part of the file: they carry their own licences and come from raters.
"""

from __future__ import annotations

import csv
from typing import TextIO

from newsprism.models import Outlet

__all__ = ["CSV_COLUMNS", "read_outlets_csv", "write_outlets_csv"]

CSV_COLUMNS = (
    "domain",
    "name",
    "country",
    "language",
    "homepage",
    "feed_url",
    "owner",
    "ownership_typology",
)


def write_outlets_csv(outlets: list[Outlet], out: TextIO) -> int:
    """Write the outlets; returns the number of rows (header excluded)."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = 0
    for outlet in outlets:
        common = {
            "domain": outlet.domain,
            "name": outlet.name,
            "country": outlet.country or "",
            "language": outlet.language or "",
            "homepage": outlet.homepage or "",
            "owner": outlet.owner or "",
            "ownership_typology": outlet.ownership_typology or "",
        }
        for feed_url in outlet.feeds or [""]:
            writer.writerow({**common, "feed_url": feed_url})
            rows += 1
    return rows


def read_outlets_csv(source: TextIO) -> list[Outlet]:
    """Outlets from a CSV with at least a ``domain`` column, rows of one domain merged."""
    reader = csv.DictReader(source)
    if reader.fieldnames is None or "domain" not in reader.fieldnames:
        raise ValueError("not an outlets CSV: it needs a 'domain' column")
    by_domain: dict[str, Outlet] = {}
    for row in reader:
        domain = _clean_domain(row.get("domain"))
        if not domain:
            continue
        outlet = by_domain.get(domain)
        if outlet is None:
            outlet = Outlet(
                domain=domain,
                name=_value(row, "name") or domain,
                country=(_value(row, "country") or "").upper() or None,
                language=_value(row, "language"),
                homepage=_value(row, "homepage"),
                owner=_value(row, "owner"),
                ownership_typology=_value(row, "ownership_typology"),
            )
            by_domain[domain] = outlet
        feed_url = _value(row, "feed_url")
        if feed_url and feed_url not in outlet.feeds:
            outlet.feeds.append(feed_url)
    return list(by_domain.values())


def _value(row: dict[str, str | None], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _clean_domain(value: str | None) -> str:
    domain = (value or "").strip().lower().rstrip(".")
    return domain.removeprefix("www.")
