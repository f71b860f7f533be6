"""Import and export of outlet lists (CSV, OPML) against a database."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import Engine

from newsprism.models import Outlet
from newsprism.sources.csv_io import read_outlets_csv, write_outlets_csv
from newsprism.sources.opml import read_outlets_opml, write_outlets_opml
from newsprism.store.outlets import count_feeds, count_outlets, list_outlets, upsert_outlet

__all__ = ["EXPORT_FORMATS", "export_outlets", "import_file", "import_outlets", "read_file"]

EXPORT_FORMATS = ("csv", "opml")
_OPML_SUFFIXES = (".opml", ".xml")


def read_file(path: Path) -> list[Outlet]:
    """Outlets from a .csv or .opml/.xml file, chosen by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return read_outlets_csv(handle)
    if suffix in _OPML_SUFFIXES:
        return read_outlets_opml(path.read_bytes())
    raise ValueError(f"cannot import {path.name}: expected a .csv, .opml or .xml file")


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


def import_file(engine: Engine, path: Path) -> dict[str, int]:
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
