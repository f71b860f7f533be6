"""End to end on NewsWCL50 (10 events, each reported by five outlets from far left to far
right): imported through the CLI with the bundled catalogue loaded, every story's page
and API show the spread the catalogue's ratings give its sources.

The expected numbers are worked out here from the corpus and the catalogue's own files
(outlet by longest domain suffix, each outlet once per story), not read back from the
pipeline, so a mistake in matching, counting or storing shows as a difference.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE, Rating
from newsprism.settings import Settings
from newsprism.sources.ratings import combined_value
from newsprism.store.db import open_database
from newsprism.store.stories import iter_all_story_ids, story_articles
from newsprism.web.app import create_app
from tests.conftest import SHARED_DATA

NEWSWCL = SHARED_DATA / "corpora" / "newswcl50.jsonl"
# The 7-point scale folded into sides, written out here rather than taken from the code.
SIDE = {
    "far-left": "left",
    "left": "left",
    "lean-left": "left",
    "center": "center",
    "lean-right": "right",
    "right": "right",
    "far-right": "right",
}


def _catalogue_ratings() -> dict[str, list[Rating]]:
    """Every catalogue domain and its ratings, straight from the bundled JSON files."""
    from importlib import resources

    data = resources.files("newsprism.sources").joinpath("data")
    found: dict[str, list[Rating]] = {}
    for entry in json.loads(data.joinpath("outlets.json").read_text())["outlets"]:
        found.setdefault(entry["domain"], []).extend(
            Rating(r["axis"], r["value"], r["rater"], r["licence"], r.get("rated_on"))
            for r in entry["ratings"]
        )
    for r in json.loads(data.joinpath("ratings-allsides.json").read_text())["ratings"]:
        found.setdefault(r["domain"], []).append(
            Rating(r["axis"], r["value"], r["rater"], r["licence"], r.get("rated_on"))
        )
    return found


def _catalogue_domain(host: str, domains: set[str]) -> str | None:
    """The longest catalogue domain the host ends with (at a dot), if any."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in domains:
            return candidate
    return None


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("newswcl")
    result = CliRunner().invoke(
        app, ["import", str(NEWSWCL)], env={"NEWSPRISM_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 0, result.output
    settings = Settings(_env_file=None, data_dir=data_dir)
    engine = open_database(settings.effective_database_url)
    with engine.connect() as conn:
        stories = {sid: story_articles(conn, sid) for sid in iter_all_story_ids(conn)}
    with TestClient(create_app(settings, engine)) as client:
        pages = {
            sid: (client.get(f"/api/stories/{sid}").json(), client.get(f"/stories/{sid}").text)
            for sid in stories
        }
        blindspots = client.get("/blindspots").text
    yield stories, pages, blindspots
    engine.dispose()


@pytest.fixture(scope="module")
def expected_outlet():
    """Corpus id -> (catalogue domain or the article's own host, bias, factuality)."""
    ratings = _catalogue_ratings()
    by_id = {}
    for line in NEWSWCL.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        host = urlsplit(record["url"]).hostname.removeprefix("www.")
        domain = _catalogue_domain(host, set(ratings))
        given = ratings.get(domain, [])
        by_id[record["id"]] = (
            domain or host,
            combined_value(given, BIAS_AXIS),
            combined_value(given, FACTUALITY_AXIS),
        )
    return by_id


def test_the_five_outlets_carry_the_ratings_in_force(expected_outlet):
    """The corpus spans the scale as the catalogue rates it (what the rest relies on)."""
    biases = {domain: bias for domain, bias, _ in expected_outlet.values()}
    assert biases["huffingtonpost.com"] == "left"
    assert biases["nytimes.com"] == "lean-left"
    assert biases["usatoday.com"] == "center"
    assert biases["foxnews.com"] == "lean-right"  # insider.foxnews.com included
    assert biases["breitbart.com"] == "right"
    assert biases["huffingtonpost.co.uk"] is None  # not in the catalogue: unrated
    assert {SIDE[b] for b in biases.values() if b} == {"left", "center", "right"}


def test_every_story_shows_the_spread_of_its_sources_ratings(imported, expected_outlet):
    stories, pages, _ = imported
    assert sum(len(members) for members in stories.values()) == 50
    for story_id, members in stories.items():
        api, html = pages[story_id]
        coverage = api["coverage"]
        sources = {expected_outlet[m["external_id"]] for m in members}
        sides = Counter(SIDE[bias] if bias else "unrated" for _, bias, _ in sources)
        bias = Counter(bias or "unrated" for _, bias, _ in sources)
        factuality = Counter(fact or "unrated" for _, _, fact in sources)

        assert coverage["source_count"] == len(sources) == api["source_count"]
        assert coverage["article_count"] == len(members)
        assert coverage["sides"] == {s: sides[s] for s in ("left", "center", "right", "unrated")}
        assert coverage["bias"] == {key: bias[key] for key in (*BIAS_SCALE, "unrated")}
        assert coverage["factuality"] == {
            key: factuality[key] for key in (*FACTUALITY_SCALE, "unrated")
        }
        # Shares of all sources, unrated included, add up to 100 and follow the counts.
        for counts, shares in (
            (coverage["sides"], coverage["sides_percent"]),
            (coverage["factuality"], coverage["factuality_percent"]),
        ):
            assert sum(shares.values()) == 100
            for key, count in counts.items():
                assert abs(shares[key] - 100 * count / len(sources)) < 1
        assert api["sides_percent"] == coverage["sides_percent"]
        # Each article is listed with its outlet's side.
        for article in api["articles"]:
            member = next(m for m in members if m["id"] == article["id"])
            _, outlet_bias, _ = expected_outlet[member["external_id"]]
            assert article["outlet"]["side"] == (SIDE[outlet_bias] if outlet_bias else "unrated")

        # The page says the same as the API.
        details = re.search(r"Coverage Details.*?</dl>", html, re.S).group(0)
        for label, side in (
            ("Leaning Left", "left"),
            ("Leaning Right", "right"),
            ("Center", "center"),
            ("Unrated", "unrated"),
        ):
            assert f"<dt>{label}</dt><dd>{sides[side]}</dd>" in details, (story_id, label)
        assert f"<dt>Total News Sources</dt><dd>{len(sources)}</dd>" in details
        legend = re.search(r'<p class="bar-legend">.*?</p>', html, re.S).group(0)
        assert f"L {coverage['sides_percent']['left']}%" in legend


def test_timelines_follow_the_articles_times(imported, expected_outlet):
    stories, pages, _ = imported
    for story_id, members in stories.items():
        timeline = pages[story_id][0]["coverage"]["timeline"]
        when = {m["id"]: m["published_at"] or m["fetched_at"] for m in members}
        earliest = min(when.values())
        first = timeline["first"]
        assert datetime.fromisoformat(first["published"]) == earliest.astimezone(UTC)
        assert when[first["article_id"]] == earliest
        outlets = {expected_outlet[m["external_id"]][0] for m in members}
        assert (timeline["time_to_5_sources"] is not None) == (len(outlets) >= 5)
        per_hour = timeline["per_hour"]
        counted = Counter(
            SIDE[bias] if bias else "unrated"
            for bias in (expected_outlet[m["external_id"]][1] for m in members)
        )
        assert {side: sum(per_hour[side]) for side in counted} == dict(counted)
        assert sum(sum(per_hour[side]) for side in ("left", "center", "right", "unrated")) == len(
            members
        )
        assert 'class="card timeline"' in pages[story_id][1]


def test_no_story_spanning_the_sides_is_a_blindspot(imported):
    """Every event was reported from both sides: where a story holds both, it is not
    a blindspot, and the blindspot pages list only stories marked as one."""
    stories, pages, blindspots = imported
    marked = {sid for sid, (api, _) in pages.items() if api["coverage"]["blindspot"]}
    for story_id, (api, _) in pages.items():
        sides = api["coverage"]["sides"]
        if sides["left"] and sides["right"]:
            assert api["coverage"]["blindspot"] is None, story_id
    listed = {int(i) for i in re.findall(r'href="/stories/(\d+)"', blindspots)}
    assert listed == marked
