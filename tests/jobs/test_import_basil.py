"""`newsprism import` of BASIL end to end: the CLI, the real model, the story pages."""

import json
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.settings import Settings
from newsprism.store.db import open_database
from newsprism.store.stories import story_articles
from newsprism.web.app import create_app
from tests.conftest import SHARED_DATA

BASIL = SHARED_DATA / "corpora" / "basil.jsonl"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("basil")
    env = {"NEWSPRISM_DATA_DIR": str(data_dir)}
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(BASIL)], env=env)
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["import", str(BASIL)], env=env)
    assert second.exit_code == 0, second.output
    settings = Settings(_env_file=None, data_dir=data_dir)
    engine = open_database(settings.effective_database_url)
    yield settings, engine, first.output, second.output
    engine.dispose()


def _gold():
    gold = defaultdict(set)
    for line in BASIL.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold[record["story_id"]].add(record["id"])
    return gold


def _stories(engine):
    with engine.connect() as conn:
        from newsprism.store.stories import iter_all_story_ids

        return {story_id: story_articles(conn, story_id) for story_id in iter_all_story_ids(conn)}


def test_import_reports_counts_and_reimport_adds_nothing(imported):
    _, engine, first, second = imported
    assert "300" in first  # lines read and new articles
    with engine.connect() as conn:
        from newsprism.store.articles import count_articles

        assert count_articles(conn) == 300
    assert "duplicates" in second and "300" in second


def test_at_least_90_of_100_events_are_exactly_one_story(imported):
    _, engine, _, _ = imported
    predicted = {
        frozenset(a["external_id"] for a in members) for members in _stories(engine).values()
    }
    exact = sum(frozenset(ids) in predicted for ids in _gold().values())
    assert exact >= 90


def test_story_page_shows_each_outlet_with_its_rated_bias_and_the_rater(imported):
    settings, engine, _, _ = imported
    stories = _stories(engine)
    gold_sets = {frozenset(ids) for ids in _gold().values()}
    story_id = next(
        sid
        for sid, members in stories.items()
        if frozenset(a["external_id"] for a in members) in gold_sets
    )
    with TestClient(create_app(settings, engine)) as client:
        api = client.get(f"/api/stories/{story_id}").json()
        page = client.get(f"/stories/{story_id}")
    assert page.status_code == 200
    by_domain = {a["outlet"]["domain"]: a["outlet"]["bias"] for a in api["articles"]}
    # The shipped AllSides ratings (2019 snapshot) for the three BASIL outlets.
    assert sorted(by_domain.values()) == ["lean-left", "lean-right", "left"]
    assert by_domain["nytimes.com"] == "lean-left"
    assert by_domain["foxnews.com"] == "lean-right"
    html = page.text
    assert "3 Articles" in html
    for label in ("Lean Right", "Lean Left", "Left"):
        assert label in html
    assert "AllSides" in html
    assert api["coverage"]["sides"] == {"left": 2, "center": 0, "right": 1, "unrated": 0}
    assert api["coverage"]["sides_percent"]["left"] == 67
    assert 3 <= len(api["summary"]) <= 5
    assert all(set(b["article_ids"]) <= {a["id"] for a in api["articles"]} for b in api["summary"])


def test_export_writes_one_line_per_story_with_article_urls(imported, tmp_path):
    settings, engine, _, _ = imported
    out = tmp_path / "stories.jsonl"
    result = CliRunner().invoke(
        app, ["export", "-o", str(out)], env={"NEWSPRISM_DATA_DIR": str(settings.data_dir)}
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == len(_stories(engine))
    assert sum(len(r["articles"]) for r in records) == 300
    first = records[0]
    assert {"id", "title", "article_count", "source_count", "coverage", "summary"} <= set(first)
    assert all(a["url"].startswith("http") for r in records for a in r["articles"])


def test_every_article_says_why_it_is_in_its_story(imported):
    settings, engine, _, _ = imported
    story_id = max(_stories(engine).items(), key=lambda item: len(item[1]))[0]
    with TestClient(create_app(settings, engine)) as client:
        api = client.get(f"/api/stories/{story_id}").json()
        html = client.get(f"/stories/{story_id}").text
    reasons = [article["grouping"] for article in api["articles"]]
    assert sum(bool(reason.get("started_story")) for reason in reasons) == 1
    joined = [reason for reason in reasons if not reason.get("started_story")]
    assert joined
    ids = {article["id"] for article in api["articles"]}
    for reason in joined:
        assert reason["score"] >= reason["threshold"]
        assert reason["nearest_article_id"] in ids
        assert reason["shared_terms"]
    assert html.count("Why grouped") == len(api["articles"])
    assert "Closest article" in html and "Shared terms" in html


def test_headlines_side_by_side_pick_one_article_per_covering_side(imported):
    settings, engine, _, _ = imported
    stories = _stories(engine)
    story_id = next(sid for sid, members in stories.items() if len(members) == 3)
    with TestClient(create_app(settings, engine)) as client:
        api = client.get(f"/api/stories/{story_id}").json()
        html = client.get(f"/stories/{story_id}").text
    by_side = api["coverage"]["headlines_by_side"]
    assert set(by_side) == {"left", "right"}  # BASIL has no center outlet
    sides = {a["id"]: a["outlet"]["side"] for a in api["articles"]}
    for side, headline in by_side.items():
        assert sides[headline["article_id"]] == side
    right = next(a for a in api["articles"] if a["id"] == by_side["right"]["article_id"])
    assert right["outlet"]["domain"] == "foxnews.com"
    assert "Headlines side by side" in html and "No center-leaning source" in html
