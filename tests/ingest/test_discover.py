import re

import pytest

from newsprism.ingest.discover import discover_feeds
from tests.conftest import SHARED_DATA

HOMEPAGES = next((SHARED_DATA / "feeds").glob("netnewswire/**/Resources"))


def _homepage(name: str) -> bytes:
    return (HOMEPAGES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "base_url", "expected"),
    [
        (
            "DaringFireball.html",
            "https://daringfireball.net/",
            ["https://daringfireball.net/feeds/main"],
        ),
        ("sixcolors.html", "https://sixcolors.com/", ["http://feedpress.me/sixcolors"]),
        ("furbo.html", "http://furbo.org/", ["http://furbo.org/feed/"]),
        (
            "coco.html",
            "https://www.theatlantic.com/",
            ["https://www.theatlantic.com/feed/all/", "https://www.theatlantic.com/feed/best-of/"],
        ),
        ("inessential.html", "http://inessential.com/", ["http://inessential.com/xml/rss.xml"]),
        (
            "YouTubeTheVolvoRocks.html",
            "https://www.youtube.com/user/TheVolvorocks",
            ["https://www.youtube.com/feeds/videos.xml?channel_id=UCct7QF2jcWRY6dhXWMSq9LQ"],
        ),
    ],
)
def test_discover_feeds_reads_the_feeds_real_homepages_declare(name, base_url, expected):
    assert discover_feeds(_homepage(name), base_url=base_url) == expected


def test_discover_feeds_takes_str_as_well_as_bytes():
    page = _homepage("DaringFireball.html").decode("utf-8")
    assert discover_feeds(page, base_url="https://daringfireball.net/") == [
        "https://daringfireball.net/feeds/main"
    ]


def test_discover_feeds_falls_back_to_feed_anchors_when_nothing_is_declared():
    # furbo.org's body links its feed as <a href="http://furbo.org/feed">RSS</a>.
    page = re.sub(rb"<link[^>]*rel=\"alternate\"[^>]*>", b"", _homepage("furbo.html"))
    assert discover_feeds(page, base_url="http://furbo.org/") == ["http://furbo.org/feed"]


def test_discover_feeds_resolves_against_base_dedupes_and_skips_non_feeds():
    page = """<html><head><base href="https://news.example/en/">
    <link rel="alternate" type="application/rss+xml" href="rss.xml">
    <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/42">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="alternate" type="application/rss+xml" href="rss.xml#again">
    <link rel="alternate" hreflang="fr" href="https://news.example/fr/">
    <link rel="stylesheet" type="text/css" href="style.css">
    </head><body><a href="/other/feed">feed</a></body></html>"""
    assert discover_feeds(page, base_url="https://news.example/") == [
        "https://news.example/en/rss.xml",
        "https://news.example/en/feed.json",
    ]


def test_discover_feeds_anchor_fallback_rules():
    page = """<body>
    <a href="/feed/">one</a> <a href="/news/rss">two</a> <a href="/top.rss">three</a>
    <a href="/sitemap.xml">not a feed</a> <a href="/feeds/world.xml">four</a>
    <a href="mailto:rss@example.com">no</a> <a href="/feedback">no</a> <a href="/feed/">dup</a>
    </body>"""
    assert discover_feeds(page, base_url="https://example.com/") == [
        "https://example.com/feed/",
        "https://example.com/news/rss",
        "https://example.com/top.rss",
        "https://example.com/feeds/world.xml",
    ]


@pytest.mark.parametrize("page", ["", b"", "   ", b"\x00\xff", "<html></html>", "not html at all"])
def test_discover_feeds_returns_nothing_for_pages_without_feeds(page):
    assert discover_feeds(page, base_url="https://example.com/") == []


def test_sources_discover_command_finds_and_adds_a_homepages_feeds(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from newsprism.cli import app
    from tests.fixtures.feed_server import FeedServer

    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSPRISM_LOAD_CATALOGUE", "false")
    monkeypatch.setenv("NEWSPRISM_ALLOWED_NETWORKS", '["127.0.0.1/32"]')
    runner = CliRunner()
    with FeedServer() as server:
        homepage = server.url("/home/daringfireball.html")
        found = runner.invoke(app, ["sources", "discover", homepage])
        assert found.exit_code == 0, found.output
        # The page declares href="/feeds/main": resolved against where it was served.
        assert found.stdout.splitlines() == [server.url("/feeds/main")]
        added = runner.invoke(app, ["sources", "discover", homepage, "--add", "--name", "DF"])
        assert added.exit_code == 0, added.output
        missing = runner.invoke(app, ["sources", "discover", server.url("/nothing")])
        assert missing.exit_code == 1
    listed = runner.invoke(app, ["sources", "export", "--format", "csv"])
    assert "/feeds/main" in listed.stdout and "DF" in listed.stdout
