"""In a real Chromium (Debian's, via Playwright): "My news bias" records what the reader
opens in the browser only and forgets it on request; the timeline, blindspot, outlet and
how-we-count pages render without script errors or serious accessibility violations.
Screenshots land in screenshots/ for people."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from newsprism.settings import Settings
from newsprism.store.db import open_database
from tests.web.browser import SCREENSHOTS, chromium, require_chromium, served
from tests.web.sided import seed_covered_story

STORAGE_KEY = "newsprism.my-news-bias.v1"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """Three stories with real coverage, served by uvicorn on loopback."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("reader")
    settings = Settings(_env_file=None, data_dir=data_dir, load_catalogue=False).prepare()
    engine = open_database(settings.effective_database_url)
    stories = {
        "left": seed_covered_story(
            engine, "Climate report", ["huffpost.com", "nytimes.com", "cnn.com"]
        ),
        "mixed": seed_covered_story(
            engine,
            "Summit ends",
            ["nytimes.com", "reuters.com", "foxnews.com", "unrated.example"],
            hours_ago=8,
        ),
        "right": seed_covered_story(
            engine, "Border bill", ["foxnews.com", "breitbart.com", "nypost.com"]
        ),
    }
    with served(settings, engine) as base:
        yield {"url": base, "stories": stories}


@pytest.fixture(scope="module")
def browser(site):
    with chromium() as launched:
        yield launched


def _context(browser, site):
    """A page that logs every request; the outlets' own sites answer with a stub (no
    internet here), so following an article link works as for a reader."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[tuple[str, str, bytes | None]] = []
    problems: list[str] = []
    context.on("request", lambda r: requests.append((r.method, r.url, r.post_data_buffer)))
    context.route(
        lambda url: not url.startswith(site["url"]),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>article</p>"),
    )
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    return context, page, requests, problems


def _cell(page, facet: str, key: str, column: int) -> str:
    return (
        page.locator(f"table[data-facet='{facet}'] tr[data-key='{key}'] td")
        .nth(column)
        .inner_text()
    )


def test_my_news_bias_counts_what_was_opened_and_forgets_it(site, browser):
    context, page, requests, problems = _context(browser, site)
    base = site["url"]
    page.goto(base + "/me")
    assert page.get_by_text("Nothing recorded yet").is_visible()
    assert page.locator("[data-total='stories']").inner_text() == "0"

    page.goto(f"{base}/stories/{site['stories']['left']}")
    page.goto(f"{base}/stories/{site['stories']['mixed']}")
    page.reload()  # opening a story again does not count it twice
    # Follow Fox News's article link (it opens in a new tab).
    fox = page.locator("li.article[data-outlet-domain='foxnews.com'] a.article-link")
    with context.expect_page() as opened:
        fox.click()
    opened.value.close()

    page.goto(base + "/me")
    assert page.locator("[data-total='stories']").inner_text() == "2"
    assert page.locator("[data-total='articles']").inner_text() == "1"
    assert page.locator("[data-total='outlets']").inner_text() == "1"
    # Sources of the stories opened: 3 left (climate) + NYT, Reuters, Fox, unrated (summit).
    assert [_cell(page, "side", key, 0) for key in ("left", "center", "right", "unrated")] == [
        "4",
        "1",
        "1",
        "1",
    ]
    shares = [_cell(page, "side", key, 1) for key in ("left", "center", "right", "unrated")]
    assert shares == ["57%", "15%", "14%", "14%"]  # largest remainder: adds up to 100
    # The one article followed: Fox News, right, mixed factuality, private.
    assert _cell(page, "side", "right", 2) == "1" and _cell(page, "side", "right", 3) == "100%"
    assert _cell(page, "side", "left", 2) == "0"
    assert _cell(page, "factuality", "mixed", 2) == "1"
    assert _cell(page, "factuality", "unrated", 0) == "1"
    assert _cell(page, "ownership", "private", 0) == "6"
    assert _cell(page, "ownership", "unknown", 0) == "1"
    recent = page.locator("[data-recent-stories] a")
    titles = recent.all_inner_texts()  # the representative headlines, newest first
    assert len(titles) == 2 and "Summit ends" in titles[0] and "Climate report" in titles[1]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "my-news-bias.png"), full_page=True)

    # Never sent anywhere: every request to this site was a plain GET with no body, and
    # the only other request was the article the reader chose to open.
    assert all(method == "GET" and body is None for method, _url, body in requests)
    elsewhere = {urlsplit(url).hostname for _m, url, _b in requests if not url.startswith(base)}
    assert elsewhere == {"www.foxnews.com"}
    assert all("?" not in url for _m, url, _b in requests if url.startswith(base + "/me"))

    page.get_by_role("button", name="Forget everything").click()
    assert page.get_by_role("status").filter(has_text="Forgotten").is_visible()
    assert page.locator("[data-total='stories']").inner_text() == "0"
    assert _cell(page, "side", "left", 0) == "0"
    assert page.evaluate(f"window.localStorage.getItem('{STORAGE_KEY}')") is None
    page.reload()
    assert page.locator("[data-total='stories']").inner_text() == "0"
    assert problems == []
    context.close()


def test_story_timeline_and_explanatory_pages_in_the_browser(site, browser):
    context, page, _requests, problems = _context(browser, site)
    base = site["url"]
    page.goto(f"{base}/stories/{site['stories']['mixed']}")
    chart = page.get_by_role("img", name="Articles per hour by side")
    assert chart.is_visible()
    bars = page.locator("svg.timeline-svg rect")
    assert bars.count() == 4  # one article an hour, one side each
    # Coloured by the stylesheet (classes), so dark mode can recolour it.
    assert page.locator("svg.timeline-svg rect.seg-right").evaluate(
        "el => getComputedStyle(el).fill"
    ) not in ("", "none", "rgb(0, 0, 0)")
    page.locator("section.timeline").screenshot(path=str(SCREENSHOTS / "story-timeline.png"))
    for path in ("/blindspots", "/how-we-count", "/outlets/foxnews.com"):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
    page.goto(base + "/blindspots")
    assert page.get_by_role("heading", name="Blindspot for the left").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "blindspots.png"), full_page=True)
    assert problems == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_new_pages_have_no_serious_accessibility_violations(site, browser, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for path in (
        f"/stories/{site['stories']['mixed']}",
        "/me",
        "/blindspots",
        "/blindspots/left",
        "/how-we-count",
        "/outlets/foxnews.com",
    ):
        page.goto(site["url"] + path)
        results = Axe().run(page)
        found[path] = [
            f"{v['id']}: {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert found == {path: [] for path in found}
    context.close()
