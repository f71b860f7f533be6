"""Ratings importers (newsprism.sources.rating_formats, rating_import), history, overrides
and host matching, on the real rating files of ../shared/data/ratings.

The files under ratings/import-only are read here as test input only; nothing of them is
copied into the project. Small files are written by the tests from rows of the real ones.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, RawArticle
from newsprism.sources.hosts import host_suffixes, longest_suffix_match, normalise_host
from newsprism.sources.rating_formats import ReadOptions, detect_format, read_ratings_file
from newsprism.sources.rating_formats._base import bias_from_label, year_in
from newsprism.sources.rating_formats.adfontes import bias_from_score, factuality_from_reliability
from newsprism.sources.rating_import import import_ratings_file
from newsprism.sources.ratings import WIKIPEDIA_AXIS, combined_value
from newsprism.store.articles import add_article
from newsprism.store.db import open_database
from newsprism.store.outlets import (
    count_ratings,
    ensure_outlet,
    get_outlet,
    outlet_id_for_host,
    outlet_ids_by_domain,
)
from newsprism.store.schema import articles
from newsprism.web.app import create_app
from tests.conftest import SHARED_DATA

RATINGS = SHARED_DATA / "ratings"
EXTENDED = RATINGS / "import-only" / "outlets-merged-extended.csv"
MERGED = RATINGS / "import-only" / "outlets-merged.csv"
EMNLP18 = RATINGS / "import-only" / "corpus_emnlp18.tsv"
ACL2020 = RATINGS / "import-only" / "corpus_acl2020.tsv"
ALLSIDES = RATINGS / "noncommercial" / "allsides.csv"
OPEN = RATINGS / "open" / "outlets-open.csv"
OWNERSHIP = RATINGS / "open" / "ownership-kagi.csv"
TODAY = date(2026, 11, 24)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t" if path.suffix == ".tsv" else ","))


@pytest.fixture(scope="module")
def extended_rows() -> list[dict[str, str]]:
    return _rows(EXTENDED)


def _write(path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def _by_domain(path: Path, **options: str) -> dict[str, list]:
    result = read_ratings_file(path, options=ReadOptions(**options))
    return {row.domain: list(row.ratings) for row in result.rows}


def _values(ratings: list, rater: str | None = None) -> dict[str, str]:
    return {r.axis: r.value for r in ratings if rater is None or r.rater == rater}


# --- host matching ---------------------------------------------------------------------


def test_longest_host_suffix_wins_and_only_whole_labels_count():
    known = {
        "indiatimes.com": "India Times",
        "timesofindia.indiatimes.com": "Times of India",
        "go.com": "Go",
        "abcnews.go.com": "ABC News",
    }
    assert longest_suffix_match("timesofindia.indiatimes.com", known) == "Times of India"
    assert longest_suffix_match("www.timesofindia.indiatimes.com", known) == "Times of India"
    assert longest_suffix_match("economictimes.indiatimes.com", known) == "India Times"
    assert longest_suffix_match("www.indiatimes.com", known) == "India Times"
    assert longest_suffix_match("abcnews.go.com", known) == "ABC News"
    assert longest_suffix_match("WWW.ABCNEWS.GO.COM.", known) == "ABC News"
    assert longest_suffix_match("espn.go.com", known) == "Go"
    assert longest_suffix_match("xgo.com", known) is None
    assert longest_suffix_match("com", known) is None
    assert host_suffixes("a.b.example.co.uk") == [
        "a.b.example.co.uk",
        "b.example.co.uk",
        "example.co.uk",
        "co.uk",
    ]


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("cnn.com", "cnn.com"),
        ("www.cnn.com", "cnn.com"),
        ("http://www.cnn.com", "cnn.com"),
        ("https://WWW.CNN.com:443/politics?x=1", "cnn.com"),
        ("cnn.com/", "cnn.com"),
        ("cnn.com.", "cnn.com"),
        ("  ", ""),
    ],
)
def test_normalise_host_takes_domains_and_homepage_urls(text, host):
    assert normalise_host(text) == host


def test_articles_and_store_use_the_same_longest_suffix_rule(engine: Engine):
    with engine.begin() as conn:
        go = ensure_outlet(conn, domain="go.com", name="Go", origin="test")
        abc = ensure_outlet(conn, domain="www.abcnews.go.com", name="ABC News", origin="test")
        india = ensure_outlet(conn, domain="indiatimes.com", name="India Times", origin="test")
        toi = ensure_outlet(conn, domain="timesofindia.indiatimes.com", name="TOI", origin="test")
        assert outlet_ids_by_domain(conn)["abcnews.go.com"] == abc  # www. dropped on insert
        assert outlet_id_for_host(conn, "www.abcnews.go.com") == abc
        assert outlet_id_for_host(conn, "espn.go.com") == go
        assert outlet_id_for_host(conn, "m.timesofindia.indiatimes.com") == toi
        assert outlet_id_for_host(conn, "economictimes.indiatimes.com") == india
        article = add_article(
            conn, RawArticle(url="https://abcnews.go.com/Politics/story?id=1", title="A")
        )
        other = add_article(conn, RawArticle(url="https://www.go.com/watch", title="B"))
        outlet_of = dict(conn.execute(select(articles.c.id, articles.c.outlet_id)).all())
        assert outlet_of[article] == abc and outlet_of[other] == go


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("allsides-2019", "2019"),
        ("mbfc-baly2018", "2018"),
        ("2024-05-01T10:00:00Z", "2024-05-01"),
        ("2024-05", "2024-05"),
        ("05/01/2024", "2024"),
        ("undated", None),
        ("", None),
    ],
)
def test_only_iso_dates_are_taken_from_date_cells(cell, expected):
    # A rater's newest rating is found by comparing dates as text: ISO prefixes only.
    assert year_in(cell) == expected


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (EXTENDED, "merged-extended"),
        (MERGED, "merged"),
        (OPEN, "merged"),
        (EMNLP18, "mbfc"),
        (ACL2020, "mbfc"),
        (ALLSIDES, "allsides"),
        (OWNERSHIP, "ownership"),
    ],
)
def test_format_is_detected_from_the_header(path, expected):
    delimiter = "\t" if path.suffix == ".tsv" else ","
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(delimiter)
    assert detect_format(header) == expected


def test_an_unknown_header_is_refused_with_the_formats_named(tmp_path):
    path = _write(tmp_path / "x.csv", ["site", "colour"], [["cnn.com", "blue"]])
    with pytest.raises(ValueError, match="--format"):
        read_ratings_file(path)
    with pytest.raises(ValueError, match="unknown format"):
        read_ratings_file(path, format="nope")


# --- one reader per format ---------------------------------------------------------------


def test_extended_file_gives_each_rater_its_own_ratings():
    result = read_ratings_file(EXTENDED)
    assert result.format == "merged-extended" and result.rows_read == 10340
    by_domain = {row.domain: row for row in result.rows}
    nyt = by_domain["nytimes.com"].ratings
    assert {r.rater for r in nyt} == {"mbfc", "allsides", "adfontes", "wikipedia-rsp"}
    assert _values(nyt, "allsides") == {BIAS_AXIS: "lean-left"}
    assert {r.rated_on for r in nyt if r.rater == "allsides"} == {"2019"}
    assert {r.rated_on for r in nyt if r.rater == "adfontes"} == {"2023"}
    assert _values(nyt, "wikipedia-rsp") == {
        WIKIPEDIA_AXIS: "generally-reliable",
        FACTUALITY_AXIS: "high",
    }
    mbfc_nyt = [r for r in nyt if r.rater == "mbfc"]
    assert mbfc_nyt[0].source_url == "https://mediabiasfactcheck.com/new-york-times/"
    assert all(r.licence == "MBFC: all rights reserved" for r in mbfc_nyt)
    # An MBFC lean taken from its 2021 snapshot is dated 2021; the current one undated.
    fedup = by_domain["100percentfedup.com"].ratings
    assert {(r.axis, r.rated_on) for r in fedup if r.rater == "mbfc"} == {
        (BIAS_AXIS, "2021"),
        (FACTUALITY_AXIS, None),
    }
    assert by_domain["nytimes.com"].ownership_typology == "private"
    # Every AllSides rating of the file, and no more.
    assert sum(r.rater == "allsides" for row in result.rows for r in row.ratings) == 278


def test_extended_file_with_rater_takes_only_that_raters_columns():
    rows = read_ratings_file(EXTENDED, options=ReadOptions(rater="adfontes")).rows
    raters = {r.rater for row in rows for r in row.ratings}
    assert raters == {"adfontes"}
    assert sum(len(row.ratings) for row in rows) == 2 * 266
    assert all(row.owner is None for row in rows)
    with pytest.raises(ValueError, match="not one of them"):
        read_ratings_file(EXTENDED, options=ReadOptions(rater="someone"))


def test_adfontes_cut_points_reproduce_every_label_of_the_merged_file(extended_rows):
    rated = [row for row in extended_rows if row["adfontes_bias_score"]]
    assert len(rated) == 266
    for row in rated:
        assert bias_from_score(float(row["adfontes_bias_score"])) == row["adfontes_bias"], row
        reliability = float(row["adfontes_reliability_score"])
        assert factuality_from_reliability(reliability) == row["adfontes_factuality"], row
    # The chart's bands at their edges.
    assert [bias_from_score(s) for s in (-42, -30.01, -30, -18.01, -18, -6.01, -6)] == [
        "far-left",
        "far-left",
        "left",
        "left",
        "lean-left",
        "lean-left",
        "center",
    ]
    assert [bias_from_score(s) for s in (6, 6.01, 18.01, 30.01)] == [
        "center",
        "lean-right",
        "right",
        "far-right",
    ]
    assert factuality_from_reliability(60) == "very-high"
    assert factuality_from_reliability(3) == "very-low"


def test_adfontes_numeric_file(tmp_path, extended_rows):
    rated = [row for row in extended_rows if row["adfontes_bias_score"]][:40]
    path = _write(
        tmp_path / "adfontes.csv",
        ["Source", "Domain", "Bias", "Reliability"],
        [
            [
                row["adfontes_name"],
                row["domain"],
                row["adfontes_bias_score"],
                row["adfontes_reliability_score"],
            ]
            for row in rated
        ]
        + [["Broken", "broken.example", "far", "-3"]],
    )
    result = read_ratings_file(path, options=ReadOptions(rated_on="2024-06"))
    assert result.format == "adfontes"
    by_domain = {row.domain: row for row in result.rows}
    for row in rated:
        ratings = by_domain[row["domain"]].ratings
        assert _values(list(ratings)) == {
            BIAS_AXIS: row["adfontes_bias"],
            FACTUALITY_AXIS: row["adfontes_factuality"],
        }
        assert {r.rater for r in ratings} == {"adfontes"}
        assert {r.rated_on for r in ratings} == {"2024-06"}
        assert by_domain[row["domain"]].name == row["adfontes_name"]
    assert by_domain["broken.example"].ratings == ()
    assert sum(result.skipped.values()) == 2  # a word for a score, a score out of range


def test_mbfc_research_sets(tmp_path):
    emnlp = _by_domain(EMNLP18)
    assert len(emnlp) == 1066
    assert _values(emnlp["insideclimatenews.org"]) == {
        BIAS_AXIS: "lean-left",
        FACTUALITY_AXIS: "high",
    }
    assert _values(emnlp["fury.news"]) == {BIAS_AXIS: "far-right", FACTUALITY_AXIS: "low"}
    assert _values(emnlp["villagevoice.com"])[BIAS_AXIS] == "left"
    assert emnlp["fury.news"][0].source_url == "http://mediabiasfactcheck.com/fury-news/"
    values = {r.value for ratings in emnlp.values() for r in ratings if r.axis == BIAS_AXIS}
    assert values == {"far-left", "left", "lean-left", "center", "lean-right", "right", "far-right"}
    acl = _by_domain(ACL2020)
    assert _values(acl["cnn.com"]) == {BIAS_AXIS: "left", FACTUALITY_AXIS: "mixed"}


def test_mbfc_labels_as_published_match_the_merged_files_mapping(tmp_path, extended_rows):
    """MBFC's own labels (left-center, fake-news, ...) as an MBFC-style CSV."""
    rows = [row for row in extended_rows if row["mbfc_url"]][:800]
    path = _write(
        tmp_path / "mbfc.csv",
        ["name", "domain", "bias", "factual_reporting", "ref"],
        [
            [
                row["name"],
                row["domain"],
                row["mbfc_bias_raw"],
                row["mbfc_factual_raw"],
                row["mbfc_url"],
            ]
            for row in rows
        ],
    )
    result = read_ratings_file(path)
    assert result.format == "mbfc"
    by_domain = {row.domain: row.ratings for row in result.rows}
    checked = 0
    for row in rows:
        bias = _values(list(by_domain[row["domain"]])).get(BIAS_AXIS)
        if row["mbfc_lean_source"] == "mbfc":
            assert bias == row["mbfc_lean_used"], row["domain"]
            checked += 1
        elif row["mbfc_bias_raw"] in ("fake-news", "conspiracy-pseudoscience", "satire"):
            assert bias is None  # not a left-right position: never guessed
    assert checked > 300
    assert any("fake-news" in reason for reason in result.skipped)
    # The 2021 badge file names are MBFC labels too.
    assert bias_from_label("leftcenter.?.?.?.png") == "lean-left"
    assert bias_from_label("extremeleft.?.?.?.png") == "far-left"
    assert bias_from_label("leastbiased.?.?.?.png") == "center"
    assert bias_from_label("Proscience.jpg") is None


def test_wikipedia_perennial_status(tmp_path, extended_rows):
    rows = [row for row in extended_rows if row["wp_rsp_status"]]
    words = {
        "gr": "Generally reliable",
        "nc": "No consensus",
        "gu": "Generally unreliable",
        "d": "Deprecated",
    }
    path = _write(
        tmp_path / "rsp.csv",
        ["source", "domain", "status"],
        # Half in the legend's codes, half in its words.
        [
            [
                row["wp_rsp_name"],
                row["domain"],
                row["wp_rsp_status"]
                if i % 2
                else words.get(row["wp_rsp_status"], row["wp_rsp_status"]),
            ]
            for i, row in enumerate(rows)
        ],
    )
    result = read_ratings_file(path)
    assert result.format == "wikipedia-rsp"
    by_domain = {row.domain: list(row.ratings) for row in result.rows}
    for row in rows:
        values = _values(by_domain[row["domain"]])
        assert values.get(FACTUALITY_AXIS) == (row["wp_rsp_factuality"] or None), row
        if "|" in row["wp_rsp_status"]:
            assert values[WIKIPEDIA_AXIS] == "no-consensus"
    assert _values(by_domain["wordpress.com"]) == {
        WIKIPEDIA_AXIS: "generally-unreliable",
        FACTUALITY_AXIS: "low",
    }
    assert {r.rater for ratings in by_domain.values() for r in ratings} == {"wikipedia-rsp"}


def test_cred1_reproduces_the_open_files_factuality(tmp_path, extended_rows):
    rated = [row for row in extended_rows if row["cred1_category"]]
    path = _write(
        tmp_path / "cred1.csv",
        ["domain", "category", "iffy_factual", "score"],
        [
            [row["domain"], row["cred1_category"], row["cred1_iffy_factual"], row["cred1_score"]]
            for row in rated
        ],
    )
    result = read_ratings_file(path, options=ReadOptions(rated_on="2026"))
    assert result.format == "cred1"
    by_domain = {row.domain: _values(list(row.ratings)) for row in result.rows}
    open_cred1 = [row for row in _rows(OPEN) if row["rating_source"] == "factuality=cred1-2026"]
    assert len(open_cred1) == 2420
    for row in open_cred1:
        assert by_domain[row["domain"]] == {FACTUALITY_AXIS: row["factuality"]}, row["domain"]
    satire_only = [
        r for r in rated if r["cred1_category"] == "satire" and not r["cred1_iffy_factual"]
    ]
    assert satire_only and all(by_domain[r["domain"]] == {} for r in satire_only)


def test_allsides_csv():
    result = read_ratings_file(ALLSIDES)
    by_domain = {row.domain: row for row in result.rows}
    assert len(by_domain) == 278
    abc = by_domain["abcnews.go.com"].ratings[0]
    assert (abc.axis, abc.value, abc.rater, abc.rated_on) == (
        BIAS_AXIS,
        "lean-left",
        "allsides",
        "2019",
    )
    assert abc.licence == "CC BY-NC 4.0"
    assert by_domain["aarp.org"].ratings[0].rated_on == "2018"


def test_merged_file_needs_a_rater_and_names_each_values_licences():
    with pytest.raises(ValueError, match="--rater"):
        read_ratings_file(MERGED)
    by_domain = _by_domain(MERGED, rater="merged-2026")
    nyt = {r.axis: r for r in by_domain["nytimes.com"]}
    assert nyt[BIAS_AXIS].value == "lean-left" and nyt[BIAS_AXIS].rater == "merged-2026"
    # bias=mbfc+allsides-2019+adfontes-2023
    assert nyt[BIAS_AXIS].licence == (
        "Ad Fontes Media: all rights reserved; CC BY-NC 4.0; MBFC: all rights reserved"
    )
    assert nyt[FACTUALITY_AXIS].rated_on is None  # dated by the import


def test_ownership_list():
    result = read_ratings_file(OWNERSHIP)
    by_domain = {row.domain: row for row in result.rows}
    twenty = by_domain["20minutes.fr"]
    assert twenty.owner.startswith("20 Minutes is currently co-owned")
    assert "[43]" not in twenty.owner and len(twenty.owner) <= 201
    assert twenty.ownership_typology == "private"
    assert by_domain["9news.com.au"].owner == "Nine Entertainment"
    assert twenty.ownership_source == "https://github.com/kagisearch/kite-public (ownership), MIT"


# --- storing: idempotence, history, unknown outlets ---------------------------------------


def _outlets(engine: Engine, *domains: str) -> dict[str, int]:
    with engine.begin() as conn:
        return {domain: ensure_outlet(conn, domain=domain, name=domain) for domain in domains}


def test_importing_twice_changes_nothing_and_unknown_domains_are_reported(engine: Engine):
    ids = _outlets(
        engine, "nytimes.com", "foxnews.com", "indiatimes.com", "go.com", "wordpress.com"
    )
    first = import_ratings_file(engine, EXTENDED, today=TODAY)
    assert first.format == "merged-extended"
    # go.com is not in the file; the four others are.
    assert first.outlets_matched == 4 and first.outlets_added == 0
    assert first.ratings_added > 0 and first.ratings_unchanged == 0
    assert len(first.unknown_domains) == 10340 - 4
    # A rating of a subdomain never lands on its parent's outlet.
    assert ("abcnews.go.com", "go.com") in first.unknown_subdomains
    assert ("70news.wordpress.com", "wordpress.com") in first.unknown_subdomains
    with engine.connect() as conn:
        rows_after_first = count_ratings(conn)
        go = get_outlet(conn, ids["go.com"])
        fox = get_outlet(conn, ids["foxnews.com"])
        wordpress = get_outlet(conn, ids["wordpress.com"])
    assert go.ratings == []
    assert {r.rater for r in wordpress.ratings} == {"wikipedia-rsp"}
    assert combined_value(fox.ratings, BIAS_AXIS) == "lean-right"
    assert {r.rater for r in fox.ratings if r.axis == BIAS_AXIS} == {"mbfc", "allsides", "adfontes"}
    assert rows_after_first == first.ratings_added

    second = import_ratings_file(engine, EXTENDED, today=date(2026, 12, 1))
    assert (second.ratings_added, second.ratings_updated) == (0, 0)
    assert second.ratings_unchanged == first.ratings_added
    assert second.ownership_updated == 0
    with engine.connect() as conn:
        assert count_ratings(conn) == rows_after_first


def _allsides_file(path: Path, domain: str, bias: str, snapshot: str | None) -> Path:
    columns = ["domain", "name", "bias"] + (["allsides_snapshot"] if snapshot else [])
    row = [domain, "", bias] + ([snapshot] if snapshot else [])
    # The header of the real file, less the columns this test leaves out.
    return _write(path, [*columns, "allsides_name"], [[*row, ""]])


def test_a_newer_rating_supersedes_the_older_and_history_is_kept(engine: Engine, tmp_path):
    ids = _outlets(engine, "foxnews.com")
    # AllSides rated Fox News "right" in 2018 and "lean-right" in 2019 (real rows differ
    # by snapshot only for other outlets; the dates and values are what matters here).
    import_ratings_file(
        engine,
        _allsides_file(tmp_path / "a.csv", "foxnews.com", "right", "allsides-2018"),
        today=TODAY,
    )
    report = import_ratings_file(engine, ALLSIDES, today=TODAY)
    assert report.ratings_added == 1  # only foxnews.com is an outlet here
    with engine.connect() as conn:
        fox = get_outlet(conn, ids["foxnews.com"])
    assert [(r.value, r.rated_on) for r in fox.ratings] == [
        ("lean-right", "2019"),
        ("right", "2018"),
    ]
    assert combined_value(fox.ratings, BIAS_AXIS) == "lean-right"

    # An undated file: stored as of the import's date when it changes something...
    undated = _allsides_file(tmp_path / "b.csv", "foxnews.com", "Center", None)
    changed = import_ratings_file(engine, undated, today=TODAY)
    assert changed.ratings_added == 1
    # ... and, importing it again on a later day, it changes nothing.
    again = import_ratings_file(engine, undated, today=date(2027, 1, 5))
    assert (again.ratings_added, again.ratings_unchanged) == (0, 1)
    with engine.connect() as conn:
        fox = get_outlet(conn, ids["foxnews.com"])
    assert [(r.value, r.rated_on) for r in fox.ratings] == [
        ("center", TODAY.isoformat()),
        ("lean-right", "2019"),
        ("right", "2018"),
    ]
    assert combined_value(fox.ratings, BIAS_AXIS) == "center"


def test_add_outlets_adds_the_unknown_domains_once(engine: Engine, tmp_path, extended_rows):
    _outlets(engine, "go.com")
    header = list(extended_rows[0])
    picked = [row for row in extended_rows if row["domain"] in ("abcnews.go.com", "20minutes.fr")]
    path = tmp_path / "subset.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(picked)
    first = import_ratings_file(engine, path, add_outlets=True, today=TODAY)
    assert first.outlets_added == 2 and first.unknown_domains == []
    second = import_ratings_file(engine, path, add_outlets=True, today=TODAY)
    assert (second.outlets_added, second.ratings_added) == (0, 0)
    with engine.begin() as conn:
        abc_id = outlet_ids_by_domain(conn)["abcnews.go.com"]
        abc = get_outlet(conn, abc_id)
        assert abc.name == "ABC News" and abc.country == "US" and abc.owner
        # Its articles now reach it by the longest suffix, and carry its ratings.
        article = add_article(conn, RawArticle(url="https://abcnews.go.com/US/x", title="X"))
        assert outlet_id_for_host(conn, "abcnews.go.com") == abc_id and article
    assert combined_value(abc.ratings, BIAS_AXIS) == "lean-left"


def test_ownership_import_sets_owner_and_typology_once(engine: Engine):
    ids = _outlets(engine, "20minutes.fr", "nytimes.com")
    first = import_ratings_file(engine, OWNERSHIP, today=TODAY)
    assert first.format == "ownership" and first.ownership_updated == 2
    assert first.ratings_added == 0
    with engine.connect() as conn:
        nyt = get_outlet(conn, ids["nytimes.com"])
    assert nyt.owner.startswith("The Ochs-Sulzberger Family")
    assert nyt.ownership_typology == "private"
    assert nyt.ownership_source.endswith("(ownership), MIT")
    assert import_ratings_file(engine, OWNERSHIP, today=TODAY).ownership_updated == 0


# --- the CLI, overrides, the outlet page and API --------------------------------------------


@pytest.fixture
def runner(tmp_path, monkeypatch, db_url):
    """The real CLI against this test's database (SQLite or PostgreSQL)."""
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSPRISM_DATABASE_URL", db_url)
    monkeypatch.setenv("NEWSPRISM_LOAD_CATALOGUE", "true")
    monkeypatch.setenv("NEWSPRISM_LOAD_ALLSIDES", "true")
    monkeypatch.setenv("COLUMNS", "220")
    monkeypatch.chdir(tmp_path)  # no developer .env
    return CliRunner()


def _json(runner: CliRunner, *args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_import_history_and_override_shown_everywhere(runner, settings, db_url):
    result = runner.invoke(
        app, ["sources", "import", "--ratings", str(EMNLP18), "--rated-on", "2018"]
    )
    assert result.exit_code == 0, result.output
    assert "mbfc" in result.stdout and "ratings added" in result.stdout
    assert "domains are no outlet here" in result.output and "--add-outlets" in result.output
    again = runner.invoke(
        app, ["sources", "import", "--ratings", str(EMNLP18), "--rated-on", "2018"]
    )
    added = next(line for line in again.stdout.splitlines() if "ratings added" in line)
    assert added.split()[-2] == "0", again.stdout

    before = _json(runner, "sources", "ratings", "www.foxnews.com", "--json")
    assert before["domain"] == "foxnews.com"
    # AllSides (catalogue) lean-right and MBFC right: 4.5, the tie toward the center.
    assert before["combined"][BIAS_AXIS] == {
        "value": "lean-right",
        "override": False,
        "raters": ["allsides", "mbfc"],
        "raters_disagree": False,
    }
    mbfc = [r for r in before["ratings"] if r["rater"] == "mbfc"]
    assert {(r["axis"], r["value"], r["rated_on"]) for r in mbfc} == {
        (BIAS_AXIS, "right", "2018"),
        (FACTUALITY_AXIS, "mixed", "2018"),
    }

    result = runner.invoke(
        app,
        [
            "sources",
            "override",
            "foxnews.com",
            "--axis",
            BIAS_AXIS,
            "--value",
            "Center",
            "--note",
            "our own reading",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "overridden to center" in result.stdout and "lean-right" in result.stdout
    after = _json(runner, "sources", "ratings", "foxnews.com", "--json")
    assert after["combined"][BIAS_AXIS]["value"] == "center"
    assert after["combined"][BIAS_AXIS]["override"] is True
    override = next(r for r in after["ratings"] if r["override"])
    assert (override["value"], override["note"], override["state"]) == (
        "center",
        "our own reading",
        "override",
    )
    listed = {r["domain"]: r for r in _json(runner, "sources", "list", "--json")}
    assert listed["foxnews.com"]["bias"] == "center"
    assert listed["foxnews.com"]["overrides"] == [BIAS_AXIS]
    assert "local" not in listed["foxnews.com"]["raters"]
    table = runner.invoke(app, ["sources", "list", "--country", "US"])
    assert "center (override)" in table.stdout

    # The outlet page and the API show it as an override, with its note.
    engine = open_database(db_url)
    try:
        with TestClient(create_app(settings, engine)) as client:
            page = client.get("/outlets/foxnews.com")
            assert page.status_code == 200
            assert "Center (local override)" in page.text and "our own reading" in page.text
            data = client.get("/api/outlets/foxnews.com").json()
    finally:
        engine.dispose()
    assert data["bias"] == "center"
    assert data["combined"][BIAS_AXIS]["override"] is True
    assert data["combined"][FACTUALITY_AXIS]["override"] is False
    assert [r["note"] for r in data["ratings"] if r["is_override"]] == ["our own reading"]

    cleared = runner.invoke(app, ["sources", "override", "foxnews.com", "--clear"])
    assert cleared.exit_code == 0 and "removed 1 override" in cleared.stdout
    back = _json(runner, "sources", "ratings", "foxnews.com", "--json")["combined"][BIAS_AXIS]
    assert back == before["combined"][BIAS_AXIS]


def test_cli_refuses_what_it_cannot_do(runner):
    def run(*args: str):
        return runner.invoke(app, list(args))

    assert run("sources", "import", "--ratings", str(MERGED)).exit_code == 1  # no --rater
    assert run("sources", "override", "nytimes.com", "--value", "sideways").exit_code == 2
    assert (
        run("sources", "override", "nytimes.com", "--axis", "taste", "--value", "x").exit_code == 2
    )
    assert run("sources", "override", "nytimes.com").exit_code == 2  # neither --value nor --clear
    wrong_host = run("sources", "override", "cooking.nytimes.com", "--value", "center")
    assert wrong_host.exit_code == 1 and "its outlet is nytimes.com" in wrong_host.output
    assert run("sources", "ratings", "no-such-outlet.example").exit_code == 1
    assert run("sources", "import").exit_code == 2
    bad_date = run("sources", "import", "--ratings", str(ALLSIDES), "--rated-on", "June 2024")
    assert bad_date.exit_code == 2 and "YYYY" in bad_date.output
    assert (
        run("sources", "import", "--ratings", str(ALLSIDES), "--rater", "local").exit_code == 1
    )  # the override rater is reserved
