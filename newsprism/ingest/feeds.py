"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed by hand.

feedparser gets the raw bytes and the response headers, so it can honour the
encoding the XML declares (ISO-8859-1, GB2312, Windows-1251 …) or the HTTP header.
JSON Feed is a small JSON document feedparser does not read; the dozen lines below
cover it. Titles and summaries come out as plain text with mojibake repaired: feed
HTML is never trusted or kept.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
import nh3

from newsprism.ingest.archive import parse_time
from newsprism.ingest.fastfeed import parse_well_formed
from newsprism.nlp.text import clean


class NotAFeed(ValueError):
    """The body is neither a parseable feed nor a JSON Feed."""


@dataclass(slots=True)
class FeedItem:
    link: str
    title: str
    summary: str = ""
    published: datetime | None = None
    author: str | None = None
    guid: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParsedFeed:
    title: str
    link: str | None
    items: list[FeedItem]
    bozo: str | None = None  # what feedparser complained about, if it still read items


def html_to_text(html: str | None) -> str:
    """Plain text of a snippet of feed HTML (all tags dropped, entities decoded)."""
    if not html:
        return ""
    import html as html_module

    if "<" not in html and "&" not in html:
        return clean(html)  # plain text already: skip the sanitiser (hot path of polling)
    stripped = nh3.clean(html, tags=set(), strip_comments=True)
    return clean(html_module.unescape(stripped))


def _struct_time_to_datetime(value) -> datetime | None:  # type: ignore[no-untyped-def]
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _looks_like_json(body: bytes, content_type: str) -> bool:
    return "json" in content_type or body.lstrip()[:1] == b"{"


def _string(value: object) -> str | None:
    """A JSON Feed value that should be text, or None when the feed put anything else there."""
    return value if isinstance(value, str) else None


def _json_feed_tags(value: object) -> list[str]:
    """JSON Feed ``tags``: a list of strings; some real feeds send one comma-separated
    string instead ("workflow,omnifocus")."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [tag.strip() for tag in value if isinstance(tag, str) and tag.strip()]


def parse_json_feed(body: bytes, *, base_url: str) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise NotAFeed(f"not a JSON Feed: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise NotAFeed("not a JSON Feed: no items list")
    items = []
    for entry in document["items"]:
        if not isinstance(entry, dict):
            continue
        # Values of the wrong JSON type are skipped, not trusted (fuzzing found
        # TypeError/AttributeError on numbers, lists and strings where objects belong).
        link = _string(entry.get("url")) or _string(entry.get("external_url"))
        if not link:
            continue
        authors = entry.get("authors") or ([entry["author"]] if entry.get("author") else [])
        first_author = authors[0] if isinstance(authors, list) and authors else None
        tags = _json_feed_tags(entry.get("tags"))
        summary = (
            _string(entry.get("summary"))
            or html_to_text(_string(entry.get("content_html")))
            or clean(_string(entry.get("content_text")))
        )
        items.append(
            FeedItem(
                link=urljoin(base_url, link),
                title=clean(_string(entry.get("title"))) or "",
                summary=clean(summary),
                published=parse_time(entry.get("date_published") or entry.get("date_modified")),
                author=_string(first_author.get("name"))
                if isinstance(first_author, dict)
                else None,
                guid=str(entry.get("id")) if entry.get("id") is not None else None,
                categories=tags,
            )
        )
    return ParsedFeed(
        title=clean(_string(document.get("title"))),
        link=_string(document.get("home_page_url")),
        items=items,
    )


def _feedparser_parse(body: bytes, *, response_headers: dict[str, str]):  # type: ignore[no-untyped-def]
    try:
        return feedparser.parse(body, response_headers=response_headers)
    except UnicodeDecodeError as error:
        # feedparser 6.0 decodes <?xml encoding="…"?> as UTF-8 without a guard; a
        # declaration with other bytes in it escapes as this error (found by fuzzing).
        raise NotAFeed(f"not a feed: unreadable encoding declaration ({error})") from error
    except Exception as error:
        # Other malformed bodies crash feedparser's own code (found by fuzzing: a bare
        # "</width>" raises TypeError in its image handler, a NUL in the declared
        # encoding ValueError). Whatever it raises, the body is not a feed it can read.
        raise NotAFeed(f"not a feed: the parser failed on it ({error!r})") from error


def parse_feed(body: bytes, *, url: str, headers: dict[str, str] | None = None) -> ParsedFeed:
    """Items of a feed body; raises NotAFeed when nothing usable is in it."""
    headers = headers or {}
    content_type = headers.get("content-type", "")
    if _looks_like_json(body, content_type):
        return parse_json_feed(body, base_url=url)
    fast = parse_well_formed(body, url=url, content_type=content_type)
    if fast is not None and fast[2]:
        title, link, raw_items = fast
        return ParsedFeed(
            title=html_to_text(title),
            link=link,
            items=[
                FeedItem(
                    link=item["link"].strip(),
                    title=html_to_text(item["title"]),
                    summary=html_to_text(item["summary"]),
                    published=item["published"],
                    author=clean(item["author"]) or None,
                    guid=item["guid"],
                    categories=item["categories"],
                )
                for item in raw_items
            ],
        )
    parsed = _feedparser_parse(body, response_headers={**headers, "content-location": url})
    if not parsed.entries and "content-type" in headers:
        # Many real feeds are served as text/html or text/plain, which feedparser then
        # refuses to read as XML: let it sniff the body and its XML declaration instead.
        parsed = _feedparser_parse(body, response_headers={"content-location": url})
    if not parsed.entries and (parsed.bozo or not parsed.feed):
        reason = parsed.get("bozo_exception") or "no items"
        raise NotAFeed(f"not a feed: {reason}")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (alt.get("href") for alt in entry.get("links", []) if alt.get("href")), None
        )
        if not link:
            continue
        summary = entry.get("summary") or ""
        items.append(
            FeedItem(
                link=urljoin(url, link.strip()),
                title=html_to_text(entry.get("title")),
                summary=html_to_text(summary),
                published=_struct_time_to_datetime(
                    entry.get("published_parsed") or entry.get("updated_parsed")
                ),
                author=clean(entry.get("author")) or None,
                guid=entry.get("id"),
                categories=[
                    t.get("label") or t.get("term")
                    for t in entry.get("tags", [])
                    if t.get("label") or t.get("term")
                ],
            )
        )
    bozo = str(parsed.get("bozo_exception")) if parsed.bozo else None
    return ParsedFeed(
        title=html_to_text(parsed.feed.get("title")),
        link=parsed.feed.get("link"),
        items=items,
        bozo=bozo,
    )
