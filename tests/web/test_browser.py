"""What a reader sees, in a real headless Chromium (Debian's, driven by Playwright):
the home page, a story page with its bias bar, the side filter, dark mode and a phone.
Screenshots land in screenshots/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.settings import Settings
from newsprism.store.db import open_database
from tests.conftest import SHARED_DATA
from tests.web.browser import SCREENSHOTS, chromium, require_chromium, served


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    """A real instance: BASIL imported through the CLI, served by uvicorn on loopback."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("browser")
    result = CliRunner().invoke(
        app,
        ["import", str(SHARED_DATA / "corpora" / "basil.jsonl")],
        env={"NEWSPRISM_DATA_DIR": str(data_dir)},
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


def _page(browser, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    return context, page, problems


def test_home_then_a_story_with_its_bias_bar_and_side_filter(site, browser):
    SCREENSHOTS.mkdir(exist_ok=True)
    context, page, problems = _page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site + "/")
    cards = page.locator("main a[href^='/stories/']")
    assert cards.count() >= 10
    bar = page.locator("svg[aria-label^='Bias distribution']").first
    assert "%" in bar.get_attribute("aria-label")
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

    cards.first.click()
    page.wait_for_url("**/stories/*")
    assert page.get_by_role("heading", name="Bias Distribution").is_visible()
    assert page.get_by_text("% of the sources lean").first.is_visible()
    articles = page.locator("li.article")
    total = articles.count()
    assert total >= 3
    page.screenshot(path=str(SCREENSHOTS / "story.png"), full_page=True)

    # The side filter (JavaScript) shows only the right-leaning outlets' articles.
    page.get_by_role("button", name="Right").first.click()
    visible = [a for a in articles.all() if a.is_visible()]
    assert 0 < len(visible) < total
    assert all(a.get_attribute("data-side") == "right" for a in visible)
    page.get_by_role("button", name="All").first.click()
    assert sum(a.is_visible() for a in articles.all()) == total
    assert problems == []  # no script error, no blocked or failed resource (CSP included)
    context.close()


def test_dark_mode_follows_the_system_setting(site, browser):
    context, page, _ = _page(browser, color_scheme="dark")
    page.goto(site + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (
        int(part) for part in background[background.index("(") + 1 : -1].split(",")[:3]
    )
    assert red + green + blue < 3 * 80, background
    page.screenshot(path=str(SCREENSHOTS / "home-dark.png"))
    context.close()


def test_a_phone_sized_screen_needs_no_sideways_scrolling(site, browser):
    context, page, _ = _page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(site + "/")
    page.locator("main a[href^='/stories/']").first.click()
    page.wait_for_url("**/stories/*")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.screenshot(path=str(SCREENSHOTS / "story-phone.png"), full_page=True)
    context.close()


def test_search_from_the_header_box(site, browser):
    context, page, problems = _page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site + "/")
    box = page.get_by_role("searchbox", name="Search stories")
    box.fill("immigration")
    box.press("Enter")
    page.wait_for_url("**/search?q=immigration")
    assert page.get_by_role("heading", name="Search", exact=True).is_visible()
    assert re.fullmatch(
        r"\d+ stor(y|ies) match immigration", page.get_by_role("status").inner_text()
    )
    results = page.locator("li.result")
    assert results.count() >= 1
    assert "immigration" in results.first.locator("mark").first.inner_text().lower()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=False)
    results.first.locator("h2 a").click()
    page.wait_for_url("**/stories/*")
    assert problems == []
    context.close()


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_accessibility_violations(site, browser, scheme):
    """axe-core (bundled with axe-playwright-python; nothing is downloaded) on the pages
    people read, in both colour schemes: contrast, labels, landmarks, names."""
    context, page, _ = _page(browser, viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(site + "/")
    story = page.locator("main a[href^='/stories/']").first.get_attribute("href")
    found: dict[str, list[str]] = {}
    for path in (
        "/",
        story,
        "/search?q=immigration",
        "/outlets/foxnews.com",
        "/feeds",
        "/blindspots/left",
    ):
        response = page.goto(site + path)
        assert response is not None and response.status == 200, path
        found[path] = _serious_violations(page)
    assert found == {path: [] for path in found}
    context.close()
