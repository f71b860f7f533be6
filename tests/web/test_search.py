"""The search page, /api/search, and the per-client rate limit on both."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.models import RawArticle
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.stories import attach_article
from newsprism.web.app import CONTENT_SECURITY_POLICY, create_app
from newsprism.web.ratelimit import TokenBucket
from tests.web.conftest import STORY_TITLE, Seeded, seed_story


def test_search_page_lists_matching_stories_with_marked_snippets(
    client: TestClient, seeded: Seeded
) -> None:
    html = client.get("/search", params={"q": "putin"}).text
    assert "1 story match" in html
    assert f'<a href="/stories/{seeded.story_id}">{STORY_TITLE}</a>' in html
    assert "<mark>Putin</mark>" in html
    assert 'aria-label="Bias distribution' in html  # the story's bias bar
    assert 'value="putin"' in html  # the box keeps the query
    nothing = client.get("/search", params={"q": "volcano"}).text
    assert "0 stories match" in nothing and "Nothing found" in nothing
    empty = client.get("/search").text
    assert 'id="search-page-q"' in empty and "match" not in empty.split("<main", 1)[1]


def test_every_page_has_a_search_box_in_its_header(client: TestClient, seeded: Seeded) -> None:
    for path in ("/", f"/stories/{seeded.story_id}", "/feeds"):
        header = client.get(path).text.split("</header>")[0]
        assert 'role="search"' in header and 'action="/search"' in header
        assert '<label class="visually-hidden" for="site-search">' in header


def test_article_text_is_escaped_in_results(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    with sqlite_engine.begin() as conn:
        article_id = add_article(
            conn,
            RawArticle(
                url="https://www.reuters.com/evil.html",
                title='Putin <img src=x onerror="alert(1)">',
                lede="<script>alert('putin')</script> Putin spoke.",
            ),
        )
        attach_article(conn, article_id=article_id, story_id=seeded.story_id, similarity=0.5)
    html = client.get("/search", params={"q": "putin onerror"}).text
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x" in html


def test_api_search(client: TestClient, sqlite_engine: Engine, seeded: Seeded) -> None:
    other = seed_story(sqlite_engine, title="Brexit vote delayed", url_prefix="brexit")
    body = client.get("/api/search", params={"q": "brexit"}).json()
    assert body["query"] == "brexit" and body["total"] == 1
    [hit] = body["stories"]
    assert hit["id"] == other.story_id and hit["page_url"] == f"/stories/{other.story_id}"
    assert hit["match_count"] == 3 and len(hit["matches"]) == 3
    match = hit["matches"][0]
    assert "Brexit" in match["title"] and "\ue000" not in match["snippet"]
    assert match["outlet_domain"] in {"nytimes.com", "foxnews.com", "reuters.com"}
    both = client.get("/api/search", params={"q": "putin", "limit": 1}).json()
    assert both["total"] == 2 and len(both["stories"]) == 1
    assert client.get("/api/search", params={"q": "putin", "offset": 2}).json()["stories"] == []
    assert client.get("/api/search").status_code == 422  # q is required
    assert client.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422
    assert client.get("/api/search", params={"q": '"('}).json()["total"] == 0


def test_search_is_rate_limited_per_client(sqlite_engine: Engine, settings: Settings) -> None:
    limited = settings.model_copy(update={"search_rate_per_minute": 2})
    with TestClient(create_app(limited, sqlite_engine)) as client:
        assert client.get("/api/search", params={"q": "a"}).status_code == 200
        assert client.get("/search", params={"q": "b"}).status_code == 200
        refused = client.get("/api/search", params={"q": "c"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["detail"].startswith("Too many searches")
        page = client.get("/search", params={"q": "d"})
        assert page.status_code == 429 and "retry-after" in page.headers
        assert "Too many searches" in page.text
        assert client.get("/").status_code == 200  # only search is limited
    unlimited = settings.model_copy(update={"search_rate_per_minute": 0})
    with TestClient(create_app(unlimited, sqlite_engine)) as client:
        assert all(client.get("/api/search?q=a").status_code == 200 for _ in range(5))


def test_token_bucket_refills_at_the_rate_and_keeps_clients_apart() -> None:
    now = [1000.0]
    bucket = TokenBucket(6, clock=lambda: now[0])  # one token every 10 s, bursts of 6
    assert [bucket.take("a") for _ in range(6)] == [0.0] * 6
    assert bucket.take("a") == 10.0
    assert bucket.take("b") == 0.0  # another client has its own bucket
    now[0] += 5
    assert bucket.take("a") == 5.0
    now[0] += 5
    assert bucket.take("a") == 0.0 and bucket.take("a") == 10.0
    now[0] += 3600  # an idle bucket fills up to the burst size, not beyond
    assert [bucket.take("a") for _ in range(7)].count(0.0) == 6


def test_token_bucket_forgets_idle_clients() -> None:
    now = [0.0]
    bucket = TokenBucket(60, clock=lambda: now[0])
    for n in range(2000):
        bucket.take(f"10.0.{n // 256}.{n % 256}")
    now[0] += 120  # long enough for every bucket to be full again
    for n in range(1100):
        bucket.take(f"192.168.{n // 256}.{n % 256}")
    assert len(bucket._buckets) < 1200  # the 2,000 idle ones were dropped on the way
    assert bucket.take("10.0.0.1") == 0.0  # a forgotten client starts with a full bucket


def test_search_pages_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/search?q=a", "/api/search?q=a"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-frame-options"] == "DENY", path
