"""The admin pages in a real Chromium (Debian's, via Playwright): log in with the token,
retry a quarantined feed and split a story through the forms (the session cookie and
CSRF fields as a browser sends them), and no serious axe-core violation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from newsprism.settings import Settings
from newsprism.store.db import open_database
from newsprism.store.feeds import feed_health, record_poll_failure
from newsprism.store.outlets import add_feed, ensure_outlet
from tests.web.browser import SCREENSHOTS, chromium, require_chromium, served
from tests.web.conftest import seed_story

TOKEN = "a-long-random-admin-token-for-the-browser"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    require_chromium()
    data_dir = tmp_path_factory.mktemp("admin")
    settings = Settings(
        _env_file=None, data_dir=data_dir, load_catalogue=False, admin_token=TOKEN
    ).prepare()
    engine = open_database(settings.effective_database_url)
    story = seed_story(engine)
    with engine.begin() as conn:
        outlet = ensure_outlet(conn, domain="broken.example", name="Broken Times")
        feed_id = add_feed(conn, url="https://broken.example/rss", outlet_id=outlet)
        record_poll_failure(
            conn,
            feed_id,
            status=410,
            error="HTTP 410 Gone",
            kind="permanent",
            next_poll_at=datetime.now(UTC),
            quarantine=True,
        )
    with served(settings, engine) as base:
        yield {"url": base, "engine": engine, "story": story, "feed": feed_id}


@pytest.fixture(scope="module")
def browser(site):
    with chromium() as launched:
        yield launched


def _page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return context, page, problems


def _log_in(page, base: str, path: str) -> None:
    page.goto(base + path)
    page.wait_for_url("**/admin?next=*")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + path)


def test_log_in_retry_a_feed_and_split_a_story(site, browser):
    context, page, problems = _page(browser)
    base = site["url"]
    page.goto(base + "/admin")
    page.get_by_label("Admin token").fill("not the token")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "That is not the admin token."
    # The refusal is a 403, which Chromium logs; nothing after it may fail.
    assert problems == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
    problems.clear()

    _log_in(page, base, "/admin/feeds")
    page.get_by_role("button", name="Retry https://broken.example/rss").click()
    page.wait_for_url("**/admin/feeds?done=retry*")
    assert "Released feed" in page.get_by_role("status").first.inner_text()
    with site["engine"].connect() as conn:
        feed = next(f for f in feed_health(conn) if f["id"] == site["feed"])
    assert feed["state"] == "new"

    story = site["story"]
    page.goto(f"{base}/admin/stories/{story.story_id}")
    page.screenshot(path=str(SCREENSHOTS / "admin-story.png"), full_page=True)
    page.get_by_role("checkbox", name="Fox News").check()
    page.get_by_role("button", name="Split the ticked articles off").click()
    page.wait_for_url("**done=split*")
    assert "Split off from story" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("checkbox").count() == 1  # the new story: Fox News's article

    page.get_by_role("button", name="Log out").click()
    page.goto(base + "/admin/feeds")
    page.wait_for_url("**/admin?next=*")
    assert problems == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_admin_pages_have_no_serious_accessibility_violations(site, browser, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context, page, _problems = _page(browser, color_scheme=scheme)
    found = {}
    page.goto(site["url"] + "/admin")
    found["/admin (log in)"] = Axe().run(page).response["violations"]
    _log_in(page, site["url"], "/admin/catalogue")
    for path in (
        "/admin",
        "/admin/catalogue",
        "/admin/feeds",
        "/admin/ratings",
        f"/admin/stories/{site['story'].story_id}",
    ):
        response = page.goto(site["url"] + path)
        assert response is not None and response.status == 200, path
        found[path] = Axe().run(page).response["violations"]
    serious = {
        path: [
            f"{v['id']}: {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        for path, violations in found.items()
    }
    assert serious == {path: [] for path in serious}
    context.close()
