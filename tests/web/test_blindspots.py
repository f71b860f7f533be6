"""The blindspot pages list the stories coverage/blindspot.py marks, nothing else."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.coverage.blindspot import BLINDSPOT_MAX_SHARE, BLINDSPOT_MIN_RATED_SOURCES
from newsprism.settings import Settings
from newsprism.web.app import create_app
from tests.web.sided import seed_covered_story


def _story_links(html: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'<h[23] class="story-title"><a href="/stories/(\d+)"', html)
    ]


def test_blindspot_pages_list_each_sides_blindspots(settings: Settings, engine: Engine) -> None:
    right_only = seed_covered_story(
        engine, "Tariff ruling", ["foxnews.com", "breitbart.com", "nypost.com"]
    )
    left_only = seed_covered_story(
        engine, "Climate report", ["huffpost.com", "nytimes.com", "cnn.com", "reuters.com"]
    )
    balanced = seed_covered_story(
        engine, "Summit ends", ["nytimes.com", "reuters.com", "foxnews.com"]
    )
    with TestClient(create_app(settings, engine)) as client:
        both = client.get("/blindspots")
        left = client.get("/blindspots/left").text
        right = client.get("/blindspots/right").text
        api_left = client.get("/api/stories", params={"blindspot": "left"}).json()
        wrong = client.get("/blindspots/center")
        home = client.get("/").text

    assert both.status_code == 200
    sections = dict(
        re.findall(
            r'<section class="blindspot-side" aria-labelledby="blindspot-(\w+)-heading">'
            r"(.*?)</section>",
            both.text,
            re.S,
        )
    )
    assert _story_links(sections["left"]) == [right_only]
    assert _story_links(sections["right"]) == [left_only]
    assert balanced not in _story_links(both.text)
    # The pages link the Atom feeds and state the rule with the code's own thresholds.
    assert 'href="/feeds/blindspot/left.atom"' in both.text
    assert 'href="/feeds/blindspot/right.atom"' in both.text
    assert f"at most {round(BLINDSPOT_MAX_SHARE * 100)}%" in both.text
    assert f"(at least {BLINDSPOT_MIN_RATED_SOURCES})" in both.text

    assert _story_links(left) == [right_only] == [s["id"] for s in api_left["stories"]]
    assert "1 story" in left and 'href="/feeds/blindspot/left.atom"' in left
    assert _story_links(right) == [left_only]
    assert wrong.status_code == 422
    # The nav leads here.
    assert '<a href="/blindspots"' in home


def test_no_blindspots_yet(client: TestClient) -> None:
    html = client.get("/blindspots/right").text
    assert "No blindspot for the right yet" in html
    assert "0 stories" in html
