"""One polling pass: fetch every due feed, store its new articles.

For each due feed: a conditional GET (ETag / Last-Modified); a 304, or a body whose
hash did not change, costs no parsing. New items (their normalised URL not yet
stored) get their page fetched and extracted; when the page cannot be fetched or
yields no text, the feed's own title and summary are kept and the article is marked
``feed-only``. Every failure is recorded on the feed and as an event a user sees on
the feed-health page, and the pass goes on with the other feeds. Re-running a pass
stores nothing twice.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from newsprism.ingest.archive import parse_time
from newsprism.ingest.extract import extract_page
from newsprism.ingest.feeds import FeedItem, NotAFeed, parse_feed
from newsprism.ingest.http import RETRY, Fetcher, FetchResult
from newsprism.ingest.urls import url_hash
from newsprism.models import RawArticle
from newsprism.settings import Settings
from newsprism.store.articles import add_article, known_url_hashes
from newsprism.store.db import utcnow
from newsprism.store.events import add_event
from newsprism.store.feeds import DueFeed, due_feeds, record_poll_failure, record_poll_success

ProgressCallback = Callable[..., None]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
MAX_BACKOFF = timedelta(days=1)
# A lede is the first ~300 characters of the text, cut at a word boundary.
LEDE_CHARACTERS = 300


@dataclass(slots=True)
class PollReport:
    feeds_polled: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    items_seen: int = 0
    articles_new: int = 0
    articles_extracted: int = 0
    articles_feed_only: int = 0
    pages_failed: int = 0


def lede_from(text: str) -> str:
    if len(text) <= LEDE_CHARACTERS:
        return text
    return text[:LEDE_CHARACTERS].rsplit(" ", 1)[0] + "…"


def _retry_after(result: FetchResult) -> timedelta | None:
    value = result.headers.get("retry-after", "")
    if value.isdigit():
        return timedelta(seconds=int(value))
    return None


def next_poll_after_failure(
    *, now: datetime, interval_seconds: int, error_count: int, result: FetchResult | None
) -> datetime:
    """Exponential backoff on errors, honouring a server's Retry-After."""
    backoff = timedelta(seconds=interval_seconds * 2 ** min(error_count + 1, 6))
    if result is not None and (asked := _retry_after(result)) is not None:
        backoff = max(backoff, asked)
    return now + min(backoff, MAX_BACKOFF)


class _Pass:
    def __init__(self, engine: Engine, settings: Settings, fetcher: Fetcher, report: PollReport):
        self.engine = engine
        self.settings = settings
        self.fetcher = fetcher
        self.report = report

    async def poll(self, feed: DueFeed) -> None:
        now = utcnow()
        result = await self.fetcher.get(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
        )
        self.report.feeds_polled += 1
        if result.not_modified:
            self._unchanged(feed, result, now)
            return
        if not result.ok:
            self._failed(feed, result.error or "no answer", result, now)
            return
        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == feed.body_hash:
            self._unchanged(feed, result, now)
            return
        try:
            parsed = parse_feed(result.body, url=result.final_url, headers=result.headers)
        except NotAFeed as error:
            self._failed(feed, str(error), result, now)
            return
        items = parsed.items[: self.settings.max_articles_per_feed]
        self.report.items_seen += len(items)
        with self.engine.connect() as conn:
            known = known_url_hashes(conn, [url_hash(item.link) for item in items])
        fresh = _unique_by_url([item for item in items if url_hash(item.link) not in known])
        articles = await asyncio.gather(*(self._article(item) for item in fresh))
        new = 0
        with self.engine.begin() as conn:
            for article in articles:
                if add_article(conn, article, feed_id=feed.id, outlet_id=feed.outlet_id) is None:
                    continue
                new += 1
                if article.text_source == "feed-only":
                    self.report.articles_feed_only += 1
                    add_event(
                        conn,
                        level="warning",
                        kind="extract-error",
                        message=f"kept the feed's title and summary: {article.extraction_error}",
                        feed_id=feed.id,
                        url=article.url,
                    )
                else:
                    self.report.articles_extracted += 1
            record_poll_success(
                conn,
                feed.id,
                status=result.status or 200,
                etag=result.headers.get("etag"),
                last_modified=result.headers.get("last-modified"),
                body_hash=body_hash,
                next_poll_at=now + timedelta(seconds=self.settings.poll_interval_seconds),
                new_articles=new,
                title=parsed.title,
            )
        self.report.articles_new += new

    async def _article(self, item: FeedItem) -> RawArticle:
        article = RawArticle(
            url=item.link,
            title=item.title,
            text=item.summary,
            lede=lede_from(item.summary),
            published=item.published,
            author=item.author,
            text_source="feed-only",
        )
        if not self.settings.fetch_articles:
            article.extraction_error = "page fetching is turned off"
            return article
        page = await self.fetcher.get(item.link, accept="text/html,application/xhtml+xml")
        if not page.ok:
            self.report.pages_failed += 1
            article.extraction_error = f"page not fetched: {page.error}"
            return article
        try:
            extracted = await asyncio.to_thread(extract_page, page.body, url=page.final_url)
        except Exception as error:  # a malformed page must not stop the pass
            article.extraction_error = f"extraction failed: {error!r}"
            return article
        if not extracted.text:
            article.extraction_error = "no article text found on the page"
            return article
        article.text = extracted.text
        article.lede = item.summary if item.summary else lede_from(extracted.text)
        article.lede = lede_from(article.lede)
        article.title = item.title or extracted.title or item.link
        article.published = (
            parse_time(extracted.published) if not item.published else item.published
        )
        article.author = item.author or extracted.author
        article.language = extracted.language
        article.image_url = extracted.image_url
        article.canonical_url = extracted.canonical_url
        article.text_source = "extracted"
        return article

    def _unchanged(self, feed: DueFeed, result: FetchResult, now: datetime) -> None:
        self.report.feeds_unchanged += 1
        with self.engine.begin() as conn:
            record_poll_success(
                conn,
                feed.id,
                status=result.status or 304,
                etag=result.headers.get("etag"),
                last_modified=result.headers.get("last-modified"),
                body_hash=None,
                next_poll_at=now + timedelta(seconds=self.settings.poll_interval_seconds),
                new_articles=0,
            )

    def _failed(self, feed: DueFeed, error: str, result: FetchResult, now: datetime) -> None:
        self.report.feeds_failed += 1
        kind = "retry later" if result.error_kind == RETRY else "will not work as it is"
        with self.engine.begin() as conn:
            record_poll_failure(
                conn,
                feed.id,
                status=result.status,
                error=error,
                next_poll_at=next_poll_after_failure(
                    now=now,
                    interval_seconds=self.settings.poll_interval_seconds,
                    error_count=feed.error_count,
                    result=result,
                ),
            )
            add_event(
                conn,
                level="error",
                kind="feed-error",
                message=f"{error} ({kind})",
                feed_id=feed.id,
                url=feed.url,
            )


def _unique_by_url(items: list[FeedItem]) -> list[FeedItem]:
    seen: set[str] = set()
    unique = []
    for item in items:
        key = url_hash(item.link)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


async def _guarded(current: _Pass, feed: DueFeed) -> None:
    """One feed's poll; an unexpected error is recorded on that feed, never fatal to the pass."""
    try:
        await current.poll(feed)
    except Exception as error:
        current.report.feeds_failed += 1
        with current.engine.begin() as conn:
            record_poll_failure(
                conn,
                feed.id,
                status=None,
                error=f"unexpected error: {error!r}",
                next_poll_at=next_poll_after_failure(
                    now=utcnow(),
                    interval_seconds=current.settings.poll_interval_seconds,
                    error_count=feed.error_count,
                    result=None,
                ),
            )
            add_event(
                conn,
                level="error",
                kind="feed-error",
                message=repr(error),
                feed_id=feed.id,
                url=feed.url,
            )


async def poll_feeds(
    engine: Engine, *, settings: Settings, on_progress: ProgressCallback | None = None
) -> PollReport:
    with engine.connect() as conn:
        due = due_feeds(conn, now=utcnow())
    report = PollReport()
    async with Fetcher(
        user_agent=settings.user_agent,
        timeout_seconds=settings.http_timeout_seconds,
        concurrency=settings.http_concurrency,
        per_host_concurrency=settings.per_host_concurrency,
        max_body_bytes=settings.max_body_bytes,
    ) as fetcher:
        current = _Pass(engine, settings, fetcher, report)
        done = 0
        if on_progress:
            on_progress("feeds", total=len(due), completed=0)
        for finished in asyncio.as_completed([_guarded(current, feed) for feed in due]):
            await finished
            done += 1
            if on_progress:
                on_progress("feeds", total=len(due), completed=done)
    return report


def poll_once(
    engine: Engine, *, settings: Settings, on_progress: ProgressCallback | None = None
) -> PollReport:
    return asyncio.run(poll_feeds(engine, settings=settings, on_progress=on_progress))
