"""Reading archives of already-fetched articles (``newsprism import``).

The format is JSON Lines (optionally gzip-compressed), one article an object:

    id, url, outlet, outlet_domain, published, title, text

``published`` (or ``date``) may be a date or a datetime (UTC unless it carries an
offset); ``text`` may be empty; other fields are ignored. ``source`` is accepted for
``outlet``. A line that is not valid JSON, or has no url or title, is reported and
skipped; the rest of the file is still imported.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from newsprism.models import RawArticle
from newsprism.nlp.lang import detect_language
from newsprism.nlp.text import clean, clean_paragraphs, first_words


@dataclass(slots=True)
class ArchiveProblem:
    line: int
    message: str


def parse_time(value: object) -> datetime | None:
    """A date, datetime or ISO string as an aware UTC datetime (dates at midnight UTC)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text[:10])
            except ValueError:
                return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def open_archive(path: Path) -> IO[str]:
    """A JSONL file, gzip-compressed or not, as text."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def lede_of(text: str, *, words: int = 60) -> str:
    """The opening of an article for display: its first paragraph, at most ~60 words."""
    first_paragraph = next((p for p in text.splitlines() if len(p.split()) >= 8), text)
    lede = first_words(clean(first_paragraph), words)
    return lede + ("…" if len(first_paragraph.split()) > words else "")


_TEXT_FIELDS = ("text", "lede", "description", "summary")


def record_to_article(record: dict) -> RawArticle | None:
    url = str(record.get("url") or "").strip()
    title = clean(record.get("title") or record.get("headline"))
    # A file of headlines and ledes may name its text after what it is.
    text = clean_paragraphs(next((record[k] for k in _TEXT_FIELDS if record.get(k)), None))
    if not title and text:
        # Some corpora (NewsWCL50) carry no headline: the first line stands in.
        title = first_words(text.splitlines()[0], 20)
    if not url or not title:
        return None
    return RawArticle(
        url=url,
        title=title,
        text=text,
        lede=lede_of(text) if text else "",
        published=parse_time(record.get("published") or record.get("date")),
        author=record.get("author") or None,
        language=record.get("language") or detect_language(f"{title}. {text[:1000]}"),
        outlet_domain=(record.get("outlet_domain") or None),
        outlet_name=clean(record.get("outlet") or record.get("source")) or None,
        external_id=str(record["id"]) if record.get("id") is not None else None,
        text_source="imported",
        categories=_categories(record),
    )


def _categories(record: dict) -> list[str]:
    """``categories`` or ``tags`` (a list) or ``category`` (one), as the file has them."""
    found = record.get("categories") or record.get("tags") or record.get("category")
    values = found if isinstance(found, list) else [found]
    return [value for value in values if isinstance(value, str) and value.strip()]


def read_records(path: Path) -> Iterator[tuple[int, dict] | ArchiveProblem]:
    """The file's JSON objects with their line numbers, in order; a line that is not
    one is a problem (blank lines are skipped)."""
    with open_archive(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield ArchiveProblem(number, f"not valid JSON: {error.msg}")
                continue
            if not isinstance(record, dict):
                yield ArchiveProblem(number, "not a JSON object")
                continue
            yield number, record


def read_archive(path: Path) -> Iterator[RawArticle | ArchiveProblem]:
    """The file's articles in order. An undated line takes the date of the dated line
    before it, as ``eval stories`` does: an archive is a stream in time order, and the
    import time would put the article years away from the ones around it."""
    last_published = None
    for item in read_records(path):
        if isinstance(item, ArchiveProblem):
            yield item
            continue
        number, record = item
        article = record_to_article(record)
        if article is None:
            yield ArchiveProblem(number, "no url or no title")
            continue
        if article.published is None:
            article.published = last_published
        last_published = article.published or last_published
        yield article
