"""Import and export of outlet lists (CSV, OPML, a catalogue's JSON) against a database.

CSV and OPML carry outlets and feeds only. A JSON catalogue (the bundled
``outlets.json``'s format) also carries ratings and may declare rating axes
(``sources.catalogue``); CSV and OPML cannot declare axes.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from newsprism.models import Outlet
from newsprism.sources.catalogue import Catalogue, parse_catalogue, store_catalogue
from newsprism.sources.csv_io import read_outlets_csv, write_outlets_csv
from newsprism.sources.opml import read_outlets_opml, write_outlets_opml
from newsprism.store.outlets import (
    count_feeds,
    count_outlets,
    count_ratings,
    list_outlets,
    upsert_outlet,
)

__all__ = [
    "EXPORT_FORMATS",
    "CatalogueImport",
    "export_outlets",
    "import_catalogue",
    "import_file",
    "import_outlets",
    "read_catalogue_file",
    "read_file",
]

EXPORT_FORMATS = ("csv", "opml")
_OPML_SUFFIXES = (".opml", ".xml")
_CATALOGUE_SUFFIX = ".json"


def read_file(path: Path) -> list[Outlet]:
    """Outlets from a .csv or .opml/.xml file (or a .json catalogue's outlets)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return read_outlets_csv(handle)
    if suffix in _OPML_SUFFIXES:
        return read_outlets_opml(path.read_bytes())
    if suffix == _CATALOGUE_SUFFIX:
        return read_catalogue_file(path).outlets
    raise ValueError(f"cannot import {path.name}: expected a .csv, .opml, .xml or .json file")


def read_catalogue_file(path: Path) -> Catalogue:
    """A catalogue JSON file (outlets, their ratings, declared axes); ValueError if not."""
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path.name} is not JSON: {error}") from error
    return parse_catalogue(data)


def import_outlets(engine: Engine, outlets: list[Outlet]) -> dict[str, int]:
    """Upsert outlets and their feeds (origin "import"); what it added, counted."""
    with engine.begin() as conn:
        outlets_before, feeds_before = count_outlets(conn), count_feeds(conn)
        for outlet in outlets:
            upsert_outlet(conn, outlet, origin="import")
        return {
            "outlets_in_file": len(outlets),
            "feeds_in_file": sum(len(outlet.feeds) for outlet in outlets),
            "outlets_added": count_outlets(conn) - outlets_before,
            "feeds_added": count_feeds(conn) - feeds_before,
        }


@dataclass(slots=True)
class CatalogueImport:
    """What importing a catalogue did: counts (the CLI's table) and the ratings left
    out, by reason."""

    counts: dict[str, int]
    skipped: Counter[str]


def import_catalogue(engine: Engine, catalogue: Catalogue) -> CatalogueImport:
    """Store a user's catalogue (origin "import") in one transaction; idempotent."""
    with engine.begin() as conn:
        before = count_outlets(conn), count_feeds(conn), count_ratings(conn)
        load = store_catalogue(conn, catalogue, origin="import")
        after = count_outlets(conn), count_feeds(conn), count_ratings(conn)
    return CatalogueImport(
        counts={
            "outlets_in_file": len(catalogue.outlets),
            "feeds_in_file": sum(len(outlet.feeds) for outlet in catalogue.outlets),
            "outlets_added": after[0] - before[0],
            "feeds_added": after[1] - before[1],
            "axes_in_file": len(catalogue.axes),
            "axes_added": load.axes.added,
            "axes_updated": load.axes.updated,
            "ratings_in_file": sum(len(outlet.ratings) for outlet in catalogue.outlets),
            "ratings_added": after[2] - before[2],
            "ratings_skipped": sum(load.skipped.values()),
        },
        skipped=load.skipped,
    )


def import_file(engine: Engine, path: Path) -> dict[str, int]:
    """Import a .csv, .opml/.xml or .json (catalogue) file; what it added, counted."""
    if path.suffix.lower() == _CATALOGUE_SUFFIX:
        return import_catalogue(engine, read_catalogue_file(path)).counts
    return import_outlets(engine, read_file(path))


def export_outlets(engine: Engine, *, format: str) -> str:
    """Every outlet with its feeds as CSV or OPML text."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; use one of {EXPORT_FORMATS}")
    with engine.connect() as conn:
        outlets = list_outlets(conn)
    out = io.StringIO()
    if format == "csv":
        write_outlets_csv(outlets, out)
    else:
        write_outlets_opml(outlets, out)
    return out.getvalue()
