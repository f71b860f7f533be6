"""A polling pass against real saved feeds and pages served over loopback HTTP."""

from sqlalchemy import select

from newsprism.ingest.poll import poll_once
from newsprism.store.outlets import add_feed, ensure_outlet
from newsprism.store.schema import articles, events, feeds


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}


def _add_feeds(engine, server, paths):
    with engine.begin() as conn:
        outlet = ensure_outlet(conn, domain="127.0.0.1", name="Test outlet", origin="test")
        return {path: add_feed(conn, url=server.url(path), outlet_id=outlet) for path in paths}


def test_a_pass_stores_extracted_articles_and_survives_broken_feeds(
    engine, feed_server, poll_settings
):
    ids = _add_feeds(
        engine,
        feed_server,
        ["/feeds/cnn.rss", "/feeds/error500", "/feeds/slow", "/feeds/notafeed", "/feeds/huge"],
    )
    # Pages are extracted in two worker processes, as on a 2-core machine.
    report = poll_once(
        engine, settings=poll_settings.model_copy(update={"extraction_processes": 2})
    )
    assert report.feeds_polled == 5
    assert report.feeds_failed == 4
    assert report.articles_new == 6 and report.articles_extracted == 6
    with engine.connect() as conn:
        stored = conn.execute(select(articles).order_by(articles.c.id)).all()
        assert len(stored) == 6
        for row in stored:
            number = int(row.url.rsplit("/", 1)[1])
            gold = _shingles(feed_server.gold_text(number))
            found = _shingles(row.text)
            # Most of the page's real body text was extracted (recall of 4-word shingles).
            assert gold and len(gold & found) / len(gold) > 0.6, row.url
            assert row.text_source == "extracted"
            assert row.title and row.lede and row.canonical_url
            assert row.language == "en"
        failures = {
            row.id: row for row in conn.execute(select(feeds).where(feeds.c.error_count > 0))
        }
        assert set(failures) == {
            ids["/feeds/error500"],
            ids["/feeds/slow"],
            ids["/feeds/notafeed"],
            ids["/feeds/huge"],
        }
        assert failures[ids["/feeds/error500"]].last_status == 500
        assert "timed out" in failures[ids["/feeds/slow"]].last_error
        assert "not a feed" in failures[ids["/feeds/notafeed"]].last_error
        assert "larger than" in failures[ids["/feeds/huge"]].last_error
        logged = conn.execute(select(events.c.kind, events.c.url)).all()
        assert sum(kind == "feed-error" for kind, _ in logged) == 4


def test_a_second_pass_adds_nothing_and_a_304_costs_no_parsing(engine, feed_server, poll_settings):
    _add_feeds(engine, feed_server, ["/feeds/etag.rss"])
    first = poll_once(engine, settings=poll_settings)
    assert first.articles_new == 6
    with engine.begin() as conn:  # make the feed due again now
        conn.execute(feeds.update().values(next_poll_at=None))
    second = poll_once(engine, settings=poll_settings)
    assert second.feeds_unchanged == 1 and second.articles_new == 0 and second.items_seen == 0
    with engine.connect() as conn:
        assert len(conn.execute(select(articles.c.id)).all()) == 6
    article_requests = [path for path in feed_server.requests if path.startswith("/article/")]
    assert len(article_requests) == 6  # no page was fetched twice


def test_unfetchable_pages_keep_the_feed_text_and_iso_8859_1_is_decoded(
    engine, feed_server, poll_settings
):
    _add_feeds(engine, feed_server, ["/feeds/jn.rss"])
    report = poll_once(engine, settings=poll_settings)
    assert report.articles_new == 6 and report.articles_feed_only >= 3
    with engine.connect() as conn:
        rows = conn.execute(select(articles).order_by(articles.c.id)).all()
        titles = " ".join(row.title for row in rows)
        assert "Raríssimas" in titles  # ISO-8859-1 text came out as real accents
        missing = [row for row in rows if "/missing/" in row.url]
        assert len(missing) == 3
        for row in missing:
            assert row.text_source == "feed-only"
            assert "HTTP 404" in row.extraction_error
            assert row.title
        warnings = conn.execute(select(events).where(events.c.kind == "extract-error")).all()
        assert {w.url for w in warnings} >= {row.url for row in missing}


def test_json_feed_items_are_polled(engine, feed_server, poll_settings):
    _add_feeds(engine, feed_server, ["/feeds/daring.json"])
    report = poll_once(engine, settings=poll_settings)
    assert report.articles_new == 2 and report.articles_extracted == 2


def test_a_truncated_feed_gives_what_it_can_or_a_recorded_error(engine, feed_server, poll_settings):
    _add_feeds(engine, feed_server, ["/feeds/truncated"])
    report = poll_once(engine, settings=poll_settings)
    with engine.connect() as conn:
        feed = conn.execute(select(feeds)).one()
    assert report.feeds_failed == 1 and feed.last_error or report.articles_new > 0


def test_robots_txt_is_obeyed_for_article_pages(sqlite_engine, feed_server, poll_settings):
    _add_feeds(sqlite_engine, feed_server, ["/feeds/robots.rss"])
    settings = poll_settings.model_copy(update={"max_articles_per_feed": 2})
    report = poll_once(sqlite_engine, settings=settings)
    assert report.articles_feed_only == 2
    assert not any(path.startswith("/blocked/") for path in feed_server.requests)
    with sqlite_engine.connect() as conn:
        blocked = conn.execute(select(articles).where(articles.c.url.contains("/blocked/"))).all()
    assert len(blocked) == 2
    assert all("robots.txt" in row.extraction_error for row in blocked)


def test_requests_to_one_host_are_spaced_by_the_politeness_delay(
    sqlite_engine, feed_server, poll_settings
):
    settings = poll_settings.model_copy(update={"politeness_delay_seconds": 0.3})
    _add_feeds(sqlite_engine, feed_server, ["/feeds/cnn.rss"])
    poll_once(sqlite_engine, settings=settings)
    starts = sorted(at for at, _ in feed_server.request_times)
    assert len(starts) >= 8  # feed, robots.txt, six pages
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    # The client spaces the starts of its requests; the server sees their arrival, a
    # little jittered by scheduling on a busy machine. Without the delay the gaps are ~0.
    assert starts[-1] - starts[0] >= 0.3 * len(gaps) * 0.9
    assert min(gaps) >= 0.15
