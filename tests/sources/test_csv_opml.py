"""CSV and OPML export and import of outlets and feeds."""

import io

import pytest

from newsprism.sources.catalogue import load_catalogue
from newsprism.sources.csv_io import CSV_COLUMNS, read_outlets_csv
from newsprism.sources.importing import export_outlets, import_file, import_outlets
from newsprism.sources.opml import UnsafeOPML, domain_for_feed, read_outlets_opml
from newsprism.store.db import open_database
from newsprism.store.outlets import list_outlets
from tests.conftest import SHARED_DATA

AWESOME = SHARED_DATA / "catalogue" / "awesome-rss-feeds" / "countries" / "with_category"
NETNEWSWIRE = SHARED_DATA / "feeds/netnewswire/Modules/RSParser/Tests/RSParserTests/Resources"


def _with_feeds(engine):
    with engine.connect() as conn:
        return {
            outlet.domain: (outlet.name, sorted(outlet.feeds))
            for outlet in list_outlets(conn)
            if outlet.feeds
        }


@pytest.mark.parametrize("fmt", ["csv", "opml"])
def test_round_trip_into_a_fresh_database(sqlite_engine, tmp_path, fmt):
    load_catalogue(sqlite_engine)
    text = export_outlets(sqlite_engine, format=fmt)
    path = tmp_path / f"outlets.{fmt}"
    path.write_text(text, encoding="utf-8")
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        first = import_file(fresh, path)
        assert first["outlets_added"] > 0 and first["feeds_added"] >= 150
        assert _with_feeds(fresh) == _with_feeds(sqlite_engine)
        second = import_file(fresh, path)
        assert second["outlets_added"] == 0 and second["feeds_added"] == 0
    finally:
        fresh.dispose()


def test_csv_has_one_row_per_feed_and_the_documented_columns(sqlite_engine):
    load_catalogue(sqlite_engine)
    text = export_outlets(sqlite_engine, format="csv")
    header, *rows = text.splitlines()
    assert header == ",".join(CSV_COLUMNS)
    with sqlite_engine.connect() as conn:
        outlets = list_outlets(conn)
    assert len(rows) == sum(max(1, len(outlet.feeds)) for outlet in outlets)


def test_csv_import_groups_rows_and_rejects_files_without_domain():
    source = io.StringIO(
        "domain,name,feed_url\nwww.Example.org,Example,https://example.org/a.xml\n"
        "example.org,,https://example.org/b.xml\n"
    )
    [outlet] = read_outlets_csv(source)
    assert outlet.domain == "example.org" and outlet.name == "Example"
    assert outlet.feeds == ["https://example.org/a.xml", "https://example.org/b.xml"]
    with pytest.raises(ValueError, match="domain"):
        read_outlets_csv(io.StringIO("url\nhttps://example.org/\n"))


@pytest.mark.parametrize(
    ("xml_url", "html_url", "domain"),
    [
        ("http://feeds.bbci.co.uk/news/rss.xml", "https://www.bbc.co.uk/news", "bbc.co.uk"),
        ("http://feeds.bbci.co.uk/news/rss.xml", None, "bbci.co.uk"),
        ("https://rss.nytimes.com/services/xml/rss/nyt/HomePage.xml", "", "nytimes.com"),
        ("https://www.theguardian.com/world/rss", None, "theguardian.com"),
        ("https://openrss.org/www.reuters.com/world/", None, "reuters.com"),
        ("https://feeds.com/x.xml", None, "feeds.com"),
    ],
)
def test_domain_for_feed(xml_url, html_url, domain):
    assert domain_for_feed(xml_url, html_url) == domain


def test_opml_import_of_a_real_reader_export(sqlite_engine):
    outlets = read_outlets_opml((NETNEWSWIRE / "Subs.opml").read_bytes())
    by_domain = {outlet.domain: outlet for outlet in outlets}
    assert "http://daringfireball.net/feeds/main" in by_domain["daringfireball.net"].feeds
    assert by_domain["daringfireball.net"].name == "Daring Fireball"
    assert "jvns.ca" in by_domain  # empty htmlUrl: the feed's host names the outlet
    report = import_outlets(sqlite_engine, outlets)
    assert report["feeds_added"] == report["feeds_in_file"] >= 190
    assert import_outlets(sqlite_engine, outlets)["feeds_added"] == 0
    untitled = read_outlets_opml((NETNEWSWIRE / "SubsNoTitleAttributes.opml").read_bytes())
    assert len(untitled) >= len(outlets) - 2


@pytest.mark.parametrize("country", ["United States", "United Kingdom", "Russia", "Spain"])
def test_opml_import_of_sloppy_real_country_lists(country):
    # These files hold bare '&' (all) and unescaped quotes inside attributes (Russia).
    outlets = read_outlets_opml((AWESOME / f"{country}.opml").read_bytes())
    feeds = [url for outlet in outlets for url in outlet.feeds]
    assert len(feeds) >= 5
    if country == "United States":
        domains = {outlet.domain for outlet in outlets}
        assert {"nytimes.com", "foxnews.com", "huffpost.com", "latimes.com"} <= domains


def test_opml_with_a_dtd_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]><opml version="2.0"><body>'
        b'<outline text="&b;" xmlUrl="https://example.org/feed"/></body></opml>'
    )
    with pytest.raises(UnsafeOPML):
        read_outlets_opml(bomb)
