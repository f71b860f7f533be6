"""The story page's timeline chart and coverage details, from coverage the pipeline's
own refresh step computed (no hand-written numbers)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.jobs.pipeline import Pipeline
from newsprism.settings import Settings
from newsprism.stories.cluster import ClusterParams
from newsprism.web.app import create_app
from newsprism.web.timeline_chart import duration
from tests.web.conftest import seed_story


def _refreshed(engine: Engine) -> int:
    seeded = seed_story(engine)
    Pipeline(engine, params=ClusterParams()).refresh_story(seeded.story_id)
    return seeded.story_id


def test_story_page_draws_the_timeline_as_an_accessible_svg(
    settings: Settings, engine: Engine
) -> None:
    story_id = _refreshed(engine)
    with TestClient(create_app(settings, engine)) as client:
        html = client.get(f"/stories/{story_id}").text
        api = client.get(f"/api/stories/{story_id}").json()

    timeline = api["coverage"]["timeline"]
    # seed_story publishes NYT, then Fox a minute later, then Reuters.
    assert timeline["first"]["outlet"] == "New York Times"
    assert timeline["time_to_5_sources"] is None  # three sources only
    per_hour = timeline["per_hour"]
    assert {side: sum(per_hour[side]) for side in ("left", "center", "right", "unrated")} == {
        "left": 1,
        "center": 1,
        "right": 1,
        "unrated": 0,
    }

    card = re.search(r'<section class="card timeline".*?</section>', html, re.S)
    assert card, "no timeline on the story page"
    card_html = card.group(0)
    assert "First to report" in card_html and "New York Times" in card_html
    assert card_html.count("not reached") == 2  # until 5 and until 10 sources
    svg = re.search(r"<svg class=\"timeline-svg\".*?</svg>", card_html, re.S).group(0)
    assert 'role="img"' in svg
    label = re.search(r'aria-label="([^"]+)"', svg).group(1)
    assert label.startswith("Articles per hour by side")
    assert "Left 1, Center 1, Right 1, Unrated 0" in label
    assert "<title>" in svg
    # One rect per side that published, coloured by class (dark mode), sized by attributes.
    assert sorted(re.findall(r'class="seg seg-(\w+)"', svg)) == ["center", "left", "right"]
    assert "style=" not in svg and "fill=" not in svg


def test_story_page_shows_largest_owners_countries_and_languages(
    settings: Settings, engine: Engine
) -> None:
    story_id = _refreshed(engine)
    with TestClient(create_app(settings, engine)) as client:
        html = client.get(f"/stories/{story_id}").text
        coverage = client.get(f"/api/stories/{story_id}").json()["coverage"]
    assert coverage["owners"] == [{"owner": "The New York Times Company", "sources": 1}]
    ownership = re.search(r'aria-labelledby="ownership-heading".*?</section>', html, re.S).group(0)
    assert "Largest owners" in ownership
    assert "The New York Times Company" in ownership
    assert "Countries" in ownership and '<span>US</span> <span class="count">3</span>' in ownership
    assert "Languages" in ownership and "<span>en</span>" in ownership


def test_a_story_without_a_timeline_shows_no_chart(client: TestClient, seeded) -> None:
    # Coverage written before timelines existed has no "timeline" key.
    html = client.get(f"/stories/{seeded.story_id}").text
    assert "Coverage Details" in html
    assert 'class="card timeline"' not in html


def test_durations_read_like_people_say_them() -> None:
    assert duration(None) is None
    assert duration(59) == "0 min"
    assert duration(45 * 60) == "45 min"
    assert duration(3600) == "1 h"
    assert duration(3 * 3600 + 20 * 60) == "3 h 20 min"
    assert duration(2 * 86400 + 4 * 3600) == "2 days 4 h"
    assert duration(86400) == "1 day"
