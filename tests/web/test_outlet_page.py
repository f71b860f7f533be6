"""The outlet page: every rater's rating and the combined one, ownership, feeds and
their health, recent stories, and how often the outlet covered each side's blindspots."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.models import BIAS_AXIS, Rating
from newsprism.settings import Settings
from newsprism.store.outlets import add_feed, add_rating, outlet_ids_by_domain
from newsprism.store.schema import feeds
from newsprism.web.app import create_app
from tests.web.sided import seed_covered_story


def _section(html: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}">.*?</section>', html, re.S)
    assert found, heading_id
    return found.group(0)


def test_outlet_page_counts_the_blindspots_it_covered(settings: Settings, engine: Engine) -> None:
    # Fox covers two stories the left ignores and one balanced story.
    first = seed_covered_story(
        engine, "Border bill", ["foxnews.com", "breitbart.com", "nypost.com"]
    )
    seed_covered_story(engine, "Tax plan", ["foxnews.com", "nypost.com", "breitbart.com"])
    seed_covered_story(engine, "Summit ends", ["nytimes.com", "reuters.com", "foxnews.com"])
    # A blindspot for the right Fox did not cover.
    seed_covered_story(engine, "Climate report", ["huffpost.com", "nytimes.com", "cnn.com"])
    with TestClient(create_app(settings, engine)) as client:
        fox = client.get("/outlets/foxnews.com").text
        nyt = client.get("/outlets/nytimes.com").text
        api = client.get("/api/outlets/foxnews.com").json()
        listed = client.get("/blindspots/left", params={"outlet": "www.foxnews.com"}).text
        none_listed = client.get("/blindspots/right", params={"outlet": "foxnews.com"}).text

    section = _section(fox, "blindspots-heading")
    assert re.search(
        r"Blindspot for the left</dt><dd><a href=\"/blindspots/left\?outlet=foxnews.com\">"
        r"2 stories</a>",
        section,
    )
    assert "Blindspot for the right</dt><dd>0 stories</dd>" in section
    assert api["blindspot_stories"] == {"left": 2, "right": 0}
    assert "Blindspot for the right</dt><dd><a" in _section(nyt, "blindspots-heading")
    # The link lands on the blindspot listing narrowed to the outlet.
    assert "2 stories covered by" in listed
    assert f'href="/stories/{first}"' in listed
    assert "No blindspot for the right covered by foxnews.com yet" in none_listed
    # Recent stories: all three Fox covered, none it did not.
    stories = _section(fox, "stories-heading")
    assert stories.count('<a href="/stories/') == 3
    assert "Climate report" not in stories


def test_outlet_page_shows_each_rater_the_combined_value_and_feed_health(
    settings: Settings, engine: Engine
) -> None:
    seed_covered_story(engine, "Summit ends", ["nytimes.com", "reuters.com", "foxnews.com"])
    with engine.begin() as conn:
        outlet_id = outlet_ids_by_domain(conn)["nytimes.com"]
        # A second rater two steps away from AllSides' lean-left: they disagree.
        add_rating(
            conn,
            outlet_id=outlet_id,
            rating=Rating(
                axis=BIAS_AXIS, value="right", rater="adfontes", licence="research", rated_on="2024"
            ),
        )
        feed_id = add_feed(conn, url="https://www.nytimes.com/rss.xml", outlet_id=outlet_id)
        conn.execute(
            feeds.update()
            .where(feeds.c.id == feed_id)
            .values(error_count=3, last_error="HTTP 503", active=True)
        )
    with TestClient(create_app(settings, engine)) as client:
        html = client.get("/outlets/nytimes.com").text
        api = client.get("/api/outlets/nytimes.com").json()

    ratings = _section(html, "ratings-heading")
    assert "AllSides" in ratings and "Ad Fontes Media" in ratings and "research" in ratings
    about = _section(html, "about-heading")
    # lean-left (1) and right (5) average to 3: center; they are 4 steps apart.
    assert "<dt>Bias (combined)</dt><dd>Center" in about
    assert "<dt>Bias combined from</dt><dd>Ad Fontes Media, AllSides <span" in about
    assert "raters disagree" in about
    assert "<dt>Factuality combined from</dt><dd>Media Bias/Fact Check</dd>" in about
    assert api["combined"][BIAS_AXIS]["raters_disagree"] is True
    assert "<dt>Ownership type</dt><dd>Private</dd>" in about
    assert "<dt>Country</dt><dd>US</dd>" in about
    feed_list = _section(html, "feeds-heading")
    assert "https://www.nytimes.com/rss.xml" in feed_list
    assert '<span class="state state-failing">failing</span>' in feed_list
    assert "3 errors" in feed_list
