"""Every fault of the hostile loopback web, and what newsprism does about it.

README.md's "What ingestion does with a hostile web" table lists the same faults; a test
below keeps the two in step."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from newsprism.ingest.poll import poll_once
from newsprism.store.db import as_utc, utcnow
from newsprism.store.feeds import retry_feeds
from newsprism.store.outlets import add_feed, ensure_outlet
from newsprism.store.schema import articles, events, feeds

# path → (state after one pass, text in the recorded error, articles stored)
FAULTS = {
    "slow-drip": ("failing", "timed out", 0),
    "429": ("failing", "HTTP 429", 0),
    "503": ("failing", "HTTP 503", 0),
    "404": ("quarantined", "HTTP 404", 0),
    "410": ("quarantined", "HTTP 410", 0),
    "redirect-loop": ("quarantined", "redirect loop", 0),
    "redirect-private": ("quarantined", "169.254.169.254", 0),
    "truncated-body": ("failing", "", 0),
    "50mb": ("quarantined", "body larger than", 0),
    "gzip-bomb": ("quarantined", "body larger than", 0),
    "wrong-content-type": ("ok", None, 3),
    "mislabelled-utf8": ("ok", None, 3),
    "html-not-xml": ("quarantined", "not a feed", 0),
    "empty": ("quarantined", "not a feed", 0),
}


@pytest.fixture
def hostile_settings(poll_settings):
    # Room for the real feeds, far less than the 50 MB faults; three items a feed.
    return poll_settings.model_copy(
        update={"max_body_bytes": 5_000_000, "max_articles_per_feed": 3}
    )


def test_each_fault_is_survived_recorded_and_classified(
    sqlite_engine, feed_server, hostile_settings
):
    engine = sqlite_engine
    with engine.begin() as conn:
        outlet = ensure_outlet(conn, domain="127.0.0.1", name="Hostile", origin="test")
        ids = {
            fault: add_feed(conn, url=feed_server.url(f"/hostile/{fault}"), outlet_id=outlet)
            for fault in FAULTS
        }
    started = utcnow()
    report = poll_once(engine, settings=hostile_settings)
    assert report.feeds_polled == len(FAULTS)
    with engine.connect() as conn:
        rows = {row.id: row for row in conn.execute(select(feeds))}
        stored = conn.execute(select(articles.c.feed_id, articles.c.title)).all()
        logged = conn.execute(select(events.c.feed_id, events.c.message)).all()
    for fault, (state, error, count) in FAULTS.items():
        row = rows[ids[fault]]
        assert sum(feed_id == row.id for feed_id, _ in stored) == count, fault
        if state == "ok":
            assert row.error_count == 0 and row.last_success_at is not None, fault
            continue
        assert error in (row.last_error or ""), (fault, row.last_error)
        assert any(feed_id == row.id for feed_id, _ in logged), fault
        if state == "quarantined":
            assert row.quarantined_at is not None and row.last_error_kind == "permanent", fault
        else:
            assert row.quarantined_at is None and row.last_error_kind == "retry", fault
    # Retry-After is honoured: no poll before the server said so.
    assert as_utc(rows[ids["429"]].next_poll_at) >= started + timedelta(seconds=7200)
    assert as_utc(rows[ids["503"]].next_poll_at) >= started + timedelta(seconds=600)
    titles = " ".join(title for _, title in stored)
    assert "Raríssimas" in titles  # mislabelled UTF-8 came out as the real accents

    # Quarantined feeds wait until a user retries them; the rest back off.
    with engine.begin() as conn:
        conn.execute(feeds.update().values(next_poll_at=None))
    again = poll_once(engine, settings=hostile_settings)
    quarantined = sum(state == "quarantined" for state, _, _ in FAULTS.values())
    assert again.feeds_polled == len(FAULTS) - quarantined
    with engine.begin() as conn:
        assert retry_feeds(conn, [ids["404"]]) == 1
    assert poll_once(engine, settings=hostile_settings).feeds_polled == 1


def test_a_feed_failing_for_days_is_disabled_with_its_reason(
    sqlite_engine, feed_server, hostile_settings
):
    engine = sqlite_engine
    with engine.begin() as conn:
        feed_id = add_feed(conn, url=feed_server.url("/feeds/error500"), outlet_id=None)
        conn.execute(
            feeds.update().values(failing_since=utcnow() - timedelta(days=20), error_count=30)
        )
    poll_once(engine, settings=hostile_settings)
    with engine.connect() as conn:
        row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).one()
    assert row.active is False and "failing for 20 days" in row.disabled_reason
    assert poll_once(engine, settings=hostile_settings).feeds_polled == 0


def test_article_links_to_private_addresses_are_never_fetched(
    sqlite_engine, feed_server, hostile_settings
):
    """A feed on an allowed host whose items point into a private network: the pages are
    refused (kept from the feed), and nothing is requested from them."""
    settings = hostile_settings.model_copy(update={"allowed_networks": ["127.0.0.1/32"]})
    with sqlite_engine.begin() as conn:
        add_feed(conn, url=feed_server.url("/feeds/private-links.rss"), outlet_id=None)
    report = poll_once(sqlite_engine, settings=settings)
    assert report.articles_new == 2 and report.articles_feed_only == 2
    with sqlite_engine.connect() as conn:
        errors = [row.extraction_error for row in conn.execute(select(articles))]
    assert all("refused" in error for error in errors), errors


def test_readme_table_lists_every_tested_fault():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What ingestion does with a hostile web", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`/hostile/([a-z0-9-]+)`", section))
    assert listed == set(FAULTS)


def test_feeds_health_and_retry_commands(tmp_path, monkeypatch, feed_server):
    from typer.testing import CliRunner

    from newsprism.cli import app

    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSPRISM_LOAD_CATALOGUE", "false")
    monkeypatch.setenv("NEWSPRISM_ALLOWED_NETWORKS", '["127.0.0.1/32"]')
    monkeypatch.setenv("NEWSPRISM_POLITENESS_DELAY_SECONDS", "0")
    monkeypatch.setenv("NEWSPRISM_EXTRACTION_PROCESSES", "1")
    runner = CliRunner()
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        f'<outline type="rss" text="gone" xmlUrl="{feed_server.url("/hostile/410")}"/>'
        f'<outline type="rss" text="ok" xmlUrl="{feed_server.url("/feeds/daring.json")}"/>'
        "</body></opml>"
    )
    assert runner.invoke(app, ["sources", "import", str(opml)]).exit_code == 0
    assert runner.invoke(app, ["ingest", "--once"]).exit_code == 0
    health = runner.invoke(app, ["feeds", "health", "--json"])
    assert health.exit_code == 0, health.output
    rows = {
        row["url"].rsplit("/", 1)[1]: row for row in map(json.loads, health.stdout.splitlines())
    }
    assert rows["410"]["state"] == "quarantined" and "HTTP 410" in rows["410"]["quarantine_reason"]
    assert rows["daring.json"]["state"] == "ok" and rows["daring.json"]["articles_per_day"] > 0
    table = runner.invoke(app, ["feeds", "health", "--failing"])
    assert "quarantined" in table.stdout and "daring.json" not in table.stdout
    retried = runner.invoke(app, ["feeds", "retry", str(rows["410"]["id"])])
    assert retried.exit_code == 0 and "released 1" in retried.stdout
    again = runner.invoke(app, ["feeds", "health", "--json"])
    states = {
        json.loads(line)["id"]: json.loads(line)["state"] for line in again.stdout.splitlines()
    }
    assert states[rows["410"]["id"]] == "new"  # released: polled again on the next pass
