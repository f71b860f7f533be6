"""The story page: everything the competitor's story page shows, with real numbers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from newsprism.settings import Settings
from newsprism.web.app import create_app
from tests.web.conftest import STORY_TITLE, Seeded, merged_duplicate, seed_story


def _article_entry(html: str, article_id: int) -> str:
    match = re.search(rf'<li class="card article" id="article-{article_id}".*?</li>', html, re.S)
    assert match, f"article {article_id} is not on the page"
    return match.group(0)


def test_story_page_shows_the_story_on_both_databases(settings: Settings, engine: Engine) -> None:
    seeded = seed_story(engine)
    with TestClient(create_app(settings, engine)) as client:
        response = client.get(f"/stories/{seeded.story_id}")
    assert response.status_code == 200
    html = response.text
    assert f'<h1 id="story-title">{STORY_TITLE}</h1>' in html
    assert "3 Articles" in html
    assert "3 sources" in html
    # Bullets link to the articles they cite.
    assert "Maduro asked Putin for missiles and radar repairs." in html
    nyt, fox, reuters = (
        seeded.article_ids[d] for d in ("nytimes.com", "foxnews.com", "reuters.com")
    )
    assert f'<a href="#article-{nyt}">New York Times</a>' in html
    assert f'<a href="#article-{reuters}">Reuters</a>' in html
    assert f'<a href="#article-{fox}">Fox News</a>' in html
    # Every article with its outlet link, bias tag (rater named in the title) and link out.
    entry = _article_entry(html, nyt)
    assert 'data-side="left"' in entry
    assert '<a class="outlet-name" href="/outlets/nytimes.com">New York Times</a>' in entry
    assert 'title="Bias: Lean Left — AllSides: Lean Left (2019)">Lean Left</span>' in entry
    assert 'href="https://www.nytimes.com/2025/story-0.html" rel="noopener nofollow"' in entry
    assert "Lede from New York Times" in entry
    assert re.search(r'<time datetime="[^"]+" title="[^"]+ UTC">3 hours ago</time>', entry)
    assert ">Right</span>" in _article_entry(html, fox)
    assert ">Center</span>" in _article_entry(html, reuters)


def test_story_page_coverage_blocks(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/stories/{seeded.story_id}").text
    details = re.search(r"Coverage Details.*?</dl>", html, re.S).group(0)
    for label, value in (
        ("Total News Sources", 3),
        ("Leaning Left", 1),
        ("Leaning Right", 1),
        ("Center", 1),
        ("Unrated", 0),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in details
    assert "Last Updated" in details
    # Bias distribution: headline, bar with labelled percentages, 7-point counts.
    assert "34% of the sources lean Left" in html
    assert 'aria-label="Bias distribution: Left 34%, Center 33%, Right 33%, Unrated 0%"' in html
    assert '<rect class="seg seg-left" x="0.0" y="0" width="34.0" height="10">' in html
    assert '<rect class="seg seg-center" x="34.0" y="0" width="33.0" height="10">' in html
    assert "L 34%" in html and "C 33%" in html and "R 33%" in html
    assert re.search(r"Lean Left</th><td class=\"num\">1</td>", html)
    assert re.search(r"Far Right</th><td class=\"num\">0</td>", html)
    # Factuality, free.
    assert "Factuality distribution: Very High 34%, High 33%" in html
    assert re.search(r"Mixed</th><td class=\"num\">1</td><td class=\"num\">33%</td>", html)
    # Ownership, countries, languages; and who the ratings come from.
    assert 'Private</span> <span class="count">3</span>' in html
    assert 'US</span> <span class="count">3</span>' in html
    assert "<p>Bias ratings: AllSides (CC BY-NC 4.0).</p>" in html
    assert "<p>Factuality: Wikipedia Perennial Sources (CC BY-SA 4.0).</p>" in html


def test_story_page_side_filter_works_without_javascript(
    client: TestClient, seeded: Seeded
) -> None:
    html = client.get(f"/stories/{seeded.story_id}").text
    # The filter buttons only appear once app.js runs; every article is shown before.
    assert re.search(r'<div class="side-filter"[^>]*data-filter-for="article-list" hidden>', html)
    assert html.count('<li class="card article"') == 3
    assert " hidden" not in re.search(r'<ol class="article-list".*?</ol>', html, re.S).group(0)
    assert '<button type="button" data-side="unrated" aria-pressed="false" disabled>' in html


def test_malicious_title_is_escaped_everywhere(settings: Settings, sqlite_engine: Engine) -> None:
    seeded = seed_story(sqlite_engine, title="<script>alert(1)</script>", url_prefix="evil")
    with TestClient(create_app(settings, sqlite_engine)) as client:
        story = client.get(f"/stories/{seeded.story_id}").text
        home = client.get("/").text
    for html in (story, home):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The only scripts are our own files.
    scripts = re.findall(r"<script[^>]*>", story)
    assert '<script src="/static/app.js" defer>' in scripts
    assert all(re.fullmatch(r'<script src="/static/[\w-]+\.js" defer>', tag) for tag in scripts)


def test_javascript_urls_from_feeds_are_not_linked(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    from newsprism.store.schema import articles

    with sqlite_engine.begin() as conn:
        conn.execute(
            update(articles)
            .where(articles.c.id == seeded.article_ids["foxnews.com"])
            .values(url="javascript:alert(1)")
        )
    html = client.get(f"/stories/{seeded.story_id}").text
    assert "javascript:" not in html


def test_merged_story_redirects_permanently(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    absorbed = merged_duplicate(sqlite_engine, into=seeded.story_id)
    response = client.get(f"/stories/{absorbed}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/stories/{seeded.story_id}"
    assert STORY_TITLE in client.get(f"/stories/{absorbed}").text


def test_unknown_story_is_a_404_page(client: TestClient) -> None:
    response = client.get("/stories/999")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "No story 999" in response.text
    # Beyond a 32-bit id (PostgreSQL's INTEGER) is no story either, not a server error.
    for huge in ("99999999999999999999", "2147483648", "0", "-1"):
        assert client.get(f"/stories/{huge}").status_code == 404


def test_story_before_its_coverage_is_computed(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    # A story the refresh step has not reached yet: articles show, rated from the
    # outlets' stored ratings; the numbers say they are coming.
    from datetime import UTC, datetime

    from newsprism.store.stories import attach_article, create_story

    with sqlite_engine.begin() as conn:
        fresh = create_story(conn, title="Fresh story", first_seen=datetime.now(UTC), centroid=b"")
        attach_article(
            conn, article_id=seeded.article_ids["foxnews.com"], story_id=fresh, similarity=1.0
        )
    html = client.get(f"/stories/{fresh}").text
    assert "Fresh story" in html
    assert "being computed" in html
    entry = _article_entry(html, seeded.article_ids["foxnews.com"])
    assert 'title="Bias: Right — AllSides: Right (2019)">Right</span>' in entry
    assert "Mixed factuality" in entry
