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
from newsprism.ingest.feeds import FeedItem, NotAFeed
from newsprism.ingest.http import PERMANENT, Fetcher, FetchResult, Refused
from newsprism.ingest.pool import ExtractionPool
from newsprism.ingest.schedule import adapted_interval, backoff_until, retry_after_seconds
from newsprism.models import RawArticle
from newsprism.nlp.lang import detect_language
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


class _Pass:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        fetcher: Fetcher,
        pool: ExtractionPool,
        report: PollReport,
    ):
        self.engine = engine
        self.settings = settings
        self.fetcher = fetcher
        self.pool = pool
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
            parsed, hashes = await self.pool.read_feed(
                result.body, url=result.final_url, headers=result.headers
            )
        except NotAFeed as error:
            self._failed(feed, str(error), result, now)
            return
        items = parsed.items[: self.settings.max_articles_per_feed]
        self.report.items_seen += len(items)
        by_hash = {}
        for item, key in zip(items, hashes, strict=False):
            by_hash.setdefault(key, item)  # the first of repeated links
        with self.engine.connect() as conn:
            known = known_url_hashes(conn, list(by_hash))
        fresh = [item for key, item in by_hash.items() if key not in known]
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
            interval = self._interval(feed, [item.published for item in parsed.items], new > 0)
            record_poll_success(
                conn,
                feed.id,
                status=result.status or 200,
                etag=result.headers.get("etag"),
                last_modified=result.headers.get("last-modified"),
                body_hash=body_hash,
                next_poll_at=now + timedelta(seconds=interval),
                interval_seconds=interval,
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
            language=detect_language(f"{item.title}. {item.summary}"),
            text_source="feed-only",
            categories=list(item.categories),
        )
        if not self.settings.fetch_articles:
            article.extraction_error = "page fetching is turned off"
            return article
        try:
            # The SSRF guard first: a refused address is not even asked for robots.txt.
            await self.fetcher.check_url(item.link)
        except (Refused, ConnectionError) as error:
            self.report.pages_failed += 1
            article.extraction_error = f"page not fetched: {error}"
            return article
        if self.settings.respect_robots_txt and not await self.fetcher.allowed_by_robots(item.link):
            self.report.pages_failed += 1
            article.extraction_error = "page not fetched: blocked by robots.txt"
            return article
        page = await self.fetcher.get(item.link, accept="text/html,application/xhtml+xml")
        if not page.ok:
            self.report.pages_failed += 1
            article.extraction_error = f"page not fetched: {page.error}"
            return article
        try:
            extracted = await self.pool.extract(page.body, url=page.final_url)
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
        article.language = extracted.language or article.language
        article.image_url = extracted.image_url
        article.canonical_url = extracted.canonical_url
        article.paywalled = extracted.paywalled
        article.text_source = "extracted"
        return article

    def _interval(self, feed: DueFeed, item_times: list, found_new: bool) -> int:
        settings = self.settings
        return adapted_interval(
            item_times=item_times,
            previous_seconds=feed.poll_interval_seconds,
            found_new=found_new,
            initial_seconds=settings.poll_interval_seconds,
            min_seconds=settings.poll_min_interval_seconds,
            max_seconds=settings.poll_max_interval_seconds,
        )

    def _unchanged(self, feed: DueFeed, result: FetchResult, now: datetime) -> None:
        self.report.feeds_unchanged += 1
        interval = self._interval(feed, [], False)
        with self.engine.begin() as conn:
            record_poll_success(
                conn,
                feed.id,
                status=result.status or 304,
                etag=result.headers.get("etag"),
                last_modified=result.headers.get("last-modified"),
                body_hash=None,
                next_poll_at=now + timedelta(seconds=interval),
                interval_seconds=interval,
                new_articles=0,
            )

    def _failed(self, feed: DueFeed, error: str, result: FetchResult | None, now: datetime) -> None:
        record_failure(
            self.engine,
            feed,
            settings=self.settings,
            error=error,
            now=now,
            status=result.status if result else None,
            kind=(result.error_kind if result else None) or PERMANENT,
            retry_after=retry_after_seconds(
                result.headers.get("retry-after") if result else None, now=now
            ),
        )
        self.report.feeds_failed += 1


def record_failure(
    engine: Engine,
    feed: DueFeed,
    *,
    settings: Settings,
    error: str,
    now: datetime,
    status: int | None,
    kind: str,
    retry_after: int | None,
) -> None:
    """Retry-later failures back off (and disable a feed failing for too long);
    will-not-work failures quarantine the feed until a user retries it."""
    quarantine = kind == PERMANENT
    failing_since = feed.failing_since or now
    disable = None
    if not quarantine and now - failing_since >= timedelta(days=settings.feed_disable_after_days):
        disable = f"failing for {(now - failing_since).days} days; last error: {error}"
    label = "will not work as it is: quarantined" if quarantine else "will retry later"
    with engine.begin() as conn:
        record_poll_failure(
            conn,
            feed.id,
            status=status,
            error=error,
            kind=kind,
            quarantine=quarantine,
            disable_reason=disable,
            next_poll_at=backoff_until(
                now=now,
                interval_seconds=feed.poll_interval_seconds or settings.poll_interval_seconds,
                consecutive_failures=feed.error_count + 1,
                retry_after_seconds=retry_after,
                max_seconds=settings.poll_max_interval_seconds,
            ),
        )
        add_event(
            conn,
            level="error",
            kind="feed-disabled" if disable else "feed-error",
            message=disable or f"{error} ({label})",
            feed_id=feed.id,
            url=feed.url,
        )


async def _guarded(current: _Pass, feed: DueFeed) -> None:
    """One feed's poll; an unexpected error is recorded on that feed, never fatal to the pass."""
    try:
        await current.poll(feed)
    except Exception as error:
        current._failed(feed, f"unexpected error: {error!r}", None, utcnow())


async def poll_feeds(
    engine: Engine,
    *,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
    pool: ExtractionPool | None = None,
) -> PollReport:
    """Poll every due feed once. ``pool``: a long-lived extraction pool (the runner
    keeps one); without it the pass makes its own, whose workers start only if some
    page needs extracting."""
    with engine.connect() as conn:
        due = due_feeds(conn, now=utcnow())
    report = PollReport()
    own_pool = pool is None
    pool = pool or ExtractionPool(processes=settings.extraction_processes)
    try:
        async with Fetcher.from_settings(settings) as fetcher:
            current = _Pass(engine, settings, fetcher, pool, report)
            done = 0
            if on_progress:
                on_progress("feeds", total=len(due), completed=0)
            for finished in asyncio.as_completed([_guarded(current, feed) for feed in due]):
                await finished
                done += 1
                if on_progress:
                    on_progress("feeds", total=len(due), completed=done)
    finally:
        if own_pool:
            pool.close()
    return report


def poll_once(
    engine: Engine,
    *,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
    pool: ExtractionPool | None = None,
) -> PollReport:
    return asyncio.run(poll_feeds(engine, settings=settings, on_progress=on_progress, pool=pool))
