"""In a real Chromium (Debian's, via Playwright): a reader follows a topic and an outlet,
sees their stories under Following, and unfollows them; the list stays in the browser.
The topic and following pages pass axe-core in both colour schemes."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.settings import Settings
from newsprism.store.db import open_database
from tests.conftest import SHARED_DATA
from tests.web.browser import SCREENSHOTS, chromium, require_chromium, served

STORAGE_KEY = "newsprism.following.v1"
# The categories every article of the first three BASIL events gets (BASIL has none).
CATEGORIES = [["Politics"], ["Politics"], ["Texas"]]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    """Three real events (three outlets each) with feed categories, imported through the
    CLI (the whole pipeline: clustering, coverage, topics), served by uvicorn."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("following")
    by_event = defaultdict(list)
    for line in (SHARED_DATA / "corpora" / "basil.jsonl").read_text().splitlines():
        record = json.loads(line)
        by_event[record["story_id"]].append(record)
    archive = data_dir / "events.jsonl"
    archive.write_text(
        "\n".join(
            json.dumps({**record, "categories": CATEGORIES[index]})
            for index, key in enumerate(sorted(by_event)[:3])
            for record in by_event[key]
        )
    )
    result = CliRunner().invoke(
        app,
        ["import", str(archive)],
        env={"NEWSPRISM_DATA_DIR": str(data_dir), "NEWSPRISM_LOAD_CATALOGUE": "true"},
    )
    assert result.exit_code == 0, result.output
    settings = Settings(_env_file=None, data_dir=data_dir)
    engine = open_database(settings.effective_database_url)
    with served(settings, engine) as base:
        yield base


@pytest.fixture(scope="module")
def browser(site):
    with chromium() as launched:
        yield launched


def _context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[tuple[str, str]] = []
    problems: list[str] = []
    context.on("request", lambda r: requests.append((r.method, r.url)))
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    return context, page, requests, problems


def _stored(page) -> dict:
    return json.loads(page.evaluate(f"window.localStorage.getItem('{STORAGE_KEY}')") or "null")


def test_follow_a_topic_and_an_outlet_see_their_stories_then_unfollow(site, browser):
    context, page, requests, problems = _context(browser)
    page.goto(site + "/following")
    assert page.get_by_text("Nothing yet.").is_visible()
    assert page.url == site + "/following"  # nothing followed: no list to show

    page.goto(site + "/topics")
    page.get_by_role("link", name="Politics", exact=True).click()
    page.wait_for_url("**/topics/politics")
    assert page.locator("li.story-card").count() == 2
    follow = page.get_by_role("button", name="Follow", exact=True)
    follow.click()
    assert page.get_by_role("button", name="Following", exact=True).is_visible()
    assert "You follow Politics" in page.get_by_role("status").first.inner_text()
    assert list(_stored(page)["topics"]) == ["politics"]

    page.goto(site + "/outlets/foxnews.com")
    page.get_by_role("button", name="Follow", exact=True).click()

    # The menu link opens /following; the script puts the list in its address.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Following").click()
    page.wait_for_url("**/following?topic=politics&outlet=foxnews.com")
    followed = page.locator("[data-following-page]")
    assert followed.get_by_role("link", name="Politics", exact=True).is_visible()
    assert followed.get_by_role("link", name="Fox News", exact=True).is_visible()
    # Fox News covered all three events; two of them are Politics.
    assert page.locator("li.story-card").count() == 3
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "following.png"), full_page=True)

    # Unfollow the topic here: the page shows the outlet only.
    page.locator("li[data-followed='topic']").get_by_role("button", name="Following").click()
    page.wait_for_url("**/following?outlet=foxnews.com")
    assert page.locator("li[data-followed='topic']").count() == 0
    assert page.locator("li.story-card").count() == 3

    page.locator("li[data-followed='outlet']").get_by_role("button", name="Following").click()
    page.wait_for_url(site + "/following")
    assert page.get_by_text("Nothing yet.").is_visible()
    assert _stored(page) == {"version": 1, "topics": {}, "outlets": {}}

    # Nothing was ever posted; the list only left the browser as /following's address.
    assert all(method == "GET" for method, _url in requests)
    assert problems == []
    context.close()


def test_a_followed_topic_survives_a_new_visit(site, browser):
    context, page, _requests, problems = _context(browser)
    page.goto(site + "/topics/texas")
    page.get_by_role("button", name="Follow", exact=True).click()
    page.goto(site + "/")
    page.goto(site + "/topics/texas")
    assert page.get_by_role("button", name="Following", exact=True).is_visible()
    page.goto(site + "/following")
    page.wait_for_url("**/following?topic=texas")
    assert page.locator("li.story-card").count() == 1
    assert problems == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_topic_pages_have_no_serious_accessibility_violations(site, browser, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for path in ("/topics", "/topics/politics", "/following?topic=politics&outlet=nytimes.com"):
        response = page.goto(site + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        results = Axe().run(page)
        found[path] = [
            f"{v['id']}: {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert found == {path: [] for path in found}
    context.close()
