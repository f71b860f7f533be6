"""Readers for the ratings files people hold, one per published format.

Each reader turns the rows of a CSV/TSV file into ``RatingRow``s: an outlet's domain and
name, and its ratings already mapped onto our scales with rater, date, licence and source
(or, for the ownership format, its owner and typology). The mapping of each format is in
its module's docstring; the README's *Ratings* section lists them all.

The format is detected from the header (first match in ``FORMATS`` order), or named.
Readers never touch a database: ``sources.rating_import`` stores what they read.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsprism.sources.rating_formats import (
    adfontes,
    allsides,
    cred1,
    generic,
    mbfc,
    merged,
    ownership,
    wikipedia,
)
from newsprism.sources.rating_formats._base import RatingRow, ReadOptions, ReadResult

__all__ = [
    "FORMATS",
    "RatingRow",
    "ReadOptions",
    "ReadResult",
    "detect_format",
    "read_ratings_file",
]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    detect: Callable[[Iterable[str]], bool]
    read: Callable[[Iterable[Mapping[str, str]], ReadOptions, ReadResult], None]


# Detection order matters: the extended merged file also has the plain one's columns.
FORMATS: dict[str, Format] = {
    format.name: format
    for format in (
        Format(generic.NAME, generic.detect, generic.read),
        Format(merged.EXTENDED, merged.detect_extended, merged.read_extended),
        Format(merged.MERGED, merged.detect_merged, merged.read_merged),
        Format(allsides.NAME, allsides.detect, allsides.read),
        Format(adfontes.NAME, adfontes.detect, adfontes.read),
        Format(mbfc.NAME, mbfc.detect, mbfc.read),
        Format(cred1.NAME, cred1.detect, cred1.read),
        Format(wikipedia.NAME, wikipedia.detect, wikipedia.read),
        Format(ownership.NAME, ownership.detect, ownership.read),
    )
}


def _header_name(name: str | None) -> str:
    """``Factual Reporting`` and ``factual-reporting`` are ``factual_reporting``."""
    return "_".join((name or "").strip().lower().replace("-", " ").split())


def detect_format(columns: Iterable[str]) -> str | None:
    """The first format whose columns the header has, or None."""
    names = [_header_name(name) for name in columns]
    return next((format.name for format in FORMATS.values() if format.detect(names)), None)


def read_ratings_file(
    path: Path, *, format: str | None = None, options: ReadOptions | None = None
) -> ReadResult:
    """Every row of a ratings file, read by the named format or the detected one.

    Raises ValueError for an unknown format name, a header no format recognises, or a
    file its format cannot take as it is (e.g. a merged file without ``--rater``).
    """
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first_line = handle.readline()
        handle.seek(0)
        # Tab-separated research sets (.tsv) and CSV alike.
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = [_header_name(name) for name in reader.fieldnames or []]
        chosen = format or detect_format(header)
        if chosen is None:
            raise ValueError(
                f"cannot tell the format of {path.name} from its columns "
                f"({', '.join(header) or 'none'}); name it with --format "
                f"({', '.join(FORMATS)})"
            )
        reader.fieldnames = header
        result = ReadResult(format=chosen)
        rows = _counted(reader, result)
        FORMATS[chosen].read(rows, options or ReadOptions(), result)
    return result


def _counted(
    rows: Iterable[dict[str | None, str | None]], result: ReadResult
) -> Iterable[Mapping[str, str]]:
    for row in rows:
        result.rows_read += 1
        # A short row has None for missing cells; a long one, extra cells under None.
        yield {key: value or "" for key, value in row.items() if isinstance(key, str)}
