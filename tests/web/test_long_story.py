"""A long story's page lists its newest articles and completes the list on demand: a
link to ``?all=1`` (every article, no JavaScript needed) and the entries after the
first ones at ``/stories/{id}/articles?start=N`` (what app.js fetches into the list)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.settings import Settings
from newsprism.web.app import create_app
from newsprism.web.routes.stories import ARTICLES_SHOWN
from tests.web.conftest import Seeded, merged_duplicate, seed_story
from tests.web.long_story import ARCHIVE, ARTICLE_COUNT, LongStory, seed_long_story

ENTRY = re.compile(r'<li class="card article" id="article-(\d+)".*?</li>', re.S)


def _entries(html: str) -> dict[int, str]:
    """Each article entry of a page (or of a fragment), by article id, in page order."""
    return {int(match.group(1)): match.group(0) for match in ENTRY.finditer(html)}


def test_a_long_story_lists_its_newest_articles_first(settings: Settings, engine: Engine) -> None:
    story = seed_long_story(engine)
    with TestClient(create_app(settings, engine)) as client:
        html = client.get(f"/stories/{story.story_id}").text
    assert list(_entries(html)) == story.listed
    assert len(story.listed) == ARTICLES_SHOWN
    # The counts are the whole story's, and the link after the list leads to the rest.
    assert f'<h2 id="articles-heading">{ARTICLE_COUNT} Articles</h2>' in html
    assert f'All <span class="count">{ARTICLE_COUNT}</span>' in html
    link = re.search(r'<p class="more-articles"><a [^>]*>[^<]*</a></p>', html).group(0)
    assert f'href="/stories/{story.story_id}?all=1#article-{story.unlisted[0]}"' in link
    assert f'data-more-url="/stories/{story.story_id}/articles?start={ARTICLES_SHOWN}"' in link
    assert f">Show all {ARTICLE_COUNT} articles</a>" in link
    # Links to an article not listed go to the page listing it: the first report is
    # the oldest article.
    oldest = story.article_ids[0]
    assert f'<a href="?all=1#article-{oldest}">Archive Weekly</a>' in html
    assert f'href="#article-{oldest}"' not in html


def test_the_sources_of_unlisted_articles_are_on_the_page_for_my_news_bias(
    client: TestClient, sqlite_engine: Engine
) -> None:
    story = seed_long_story(sqlite_engine)
    html = client.get(f"/stories/{story.story_id}").text
    hidden = re.search(r'<ul class="outlets-not-listed" hidden>(.*?)</ul>', html, re.S).group(1)
    # Archive Weekly wrote only the oldest articles: not listed, but recorded.
    assert (
        f'<li data-outlet-domain="{ARCHIVE.domain}" data-outlet-name="Archive Weekly" '
        'data-side="right" data-bias="lean-right" data-factuality="unrated" '
        'data-ownership="private"></li>'
    ) in hidden
    assert all(ARCHIVE.domain not in entry for entry in _entries(html).values())
    # An outlet already listed is not repeated there.
    listed_domains = {story.domains[story.article_ids.index(i)] for i in story.listed}
    assert all(f'"{domain}"' not in hidden for domain in listed_domains)


def test_all_lists_every_article_with_links_on_the_page(
    client: TestClient, sqlite_engine: Engine
) -> None:
    story = seed_long_story(sqlite_engine)
    html = client.get(f"/stories/{story.story_id}?all=1").text
    assert list(_entries(html)) == story.article_ids[::-1]
    assert "more-articles" not in html and "outlets-not-listed" not in html
    assert "?all=1#" not in html
    assert f'<a href="#article-{story.article_ids[0]}">Archive Weekly</a>' in html


def test_the_rest_of_the_list_is_the_full_page_s_entries(
    client: TestClient, sqlite_engine: Engine
) -> None:
    story = seed_long_story(sqlite_engine)
    full = _entries(client.get(f"/stories/{story.story_id}?all=1").text)
    response = client.get(f"/stories/{story.story_id}/articles?start={ARTICLES_SHOWN}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    rest = _entries(response.text)
    assert list(rest) == story.unlisted
    assert rest == {article_id: full[article_id] for article_id in story.unlisted}
    assert "<html" not in response.text and "?all=1#" not in response.text
    # From the start, every entry; past the end, none.
    everything = client.get(f"/stories/{story.story_id}/articles").text
    assert _entries(everything) == full
    past = client.get(f"/stories/{story.story_id}/articles?start={ARTICLE_COUNT}")
    assert past.status_code == 200 and _entries(past.text) == {}
    assert client.get(f"/stories/{story.story_id}/articles?start=-1").status_code == 422


def test_a_short_story_lists_everything_without_a_link(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/stories/{seeded.story_id}").text
    assert len(_entries(html)) == 3
    assert "more-articles" not in html and "outlets-not-listed" not in html
    assert "?all=1#" not in html
    assert client.get(f"/stories/{seeded.story_id}?all=1").text.count('class="card article"') == 3


def test_the_rest_of_a_merged_or_unknown_story(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    absorbed = merged_duplicate(sqlite_engine, into=seeded.story_id)
    moved = client.get(f"/stories/{absorbed}/articles?start=2", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/stories/{seeded.story_id}/articles?start=2"
    assert len(_entries(client.get(f"/stories/{absorbed}/articles?start=2").text)) == 1
    every = client.get(f"/stories/{absorbed}?all=1", follow_redirects=False)
    assert every.headers["location"] == f"/stories/{seeded.story_id}?all=1"
    for missing in ("999", "0", "99999999999999999999"):
        response = client.get(f"/stories/{missing}/articles")
        assert response.status_code == 404
        assert "No story" in response.text


def _story_ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<h2 class="story-title"><a href="/stories/(\d+)">', html)]


def test_long_story_card_on_the_home_page(settings: Settings, engine: Engine) -> None:
    """The home page reads a card's side shares and outlets from the stored coverage in
    the database (web_reads.listed_stories): on both databases, what the coverage says."""
    story: LongStory = seed_long_story(engine)
    seeded = seed_story(engine)
    with TestClient(create_app(settings, engine)) as client:
        html = client.get("/").text
        story_json = client.get(f"/api/stories/{story.story_id}").json()
    assert _story_ids_on(html) == [story.story_id, seeded.story_id]
    card = html[html.index(f'<a href="/stories/{story.story_id}">') :]
    card = card[: card.index("</li>")]
    outlets = story_json["coverage"]["outlets"]
    names = ", ".join(outlet["name"] for outlet in outlets[:4])
    assert f"{names} and {len(outlets) - 4} more</p>" in card
    shares = story_json["coverage"]["sides_percent"]
    assert (
        f'aria-label="Bias distribution: Left {shares["left"]}%, Center {shares["center"]}%, '
        f'Right {shares["right"]}%, Unrated {shares["unrated"]}%"'
    ) in card
    assert f"{len(outlets)} sources · {ARTICLE_COUNT} articles" in card


def test_a_card_before_the_coverage_is_computed(settings: Settings, engine: Engine) -> None:
    """No coverage yet (the refresh step has not reached the story): no bar, no outlets,
    on both databases."""
    from datetime import UTC, datetime

    from newsprism.store.stories import StoryState, attach_article, create_story, save_story_state

    seeded = seed_story(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        fresh = create_story(conn, title="Fresh story", first_seen=now, centroid=b"")
        attach_article(
            conn, article_id=seeded.article_ids["foxnews.com"], story_id=fresh, similarity=1.0
        )
        save_story_state(
            conn,
            StoryState(
                id=fresh, title="", centroid=b"", article_count=1, first_seen=now, last_seen=now
            ),
        )
    with TestClient(create_app(settings, engine)) as client:
        html = client.get("/?order=latest").text
    assert _story_ids_on(html)[0] == fresh
    card = html[html.index(f'<a href="/stories/{fresh}">') :]
    card = card[: card.index("</li>")]
    assert "1 source · 1 article" in card
    assert "Coverage numbers are being computed." in card
    assert "bar-svg" not in card and "outlets-line" not in card
