"""A long story's article list in a real Chromium (Debian's, via Playwright): the page
lists the newest articles, and a reader gets every one of them, without JavaScript
(``?all=1``) or with it (the missing entries fetched into the list), by the link, by
the side filter, by a link to an article not listed yet, or by an address naming it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from newsprism.settings import Settings
from newsprism.store.db import open_database
from newsprism.web.routes.stories import ARTICLES_SHOWN
from tests.web.browser import chromium, require_chromium, served
from tests.web.long_story import ARCHIVE, ARTICLE_COUNT, LongStory, seed_long_story
from tests.web.test_browser import _page, _serious_violations

MY_NEWS_BIAS_KEY = "newsprism.my-news-bias.v1"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, LongStory]]:
    require_chromium()
    data_dir = tmp_path_factory.mktemp("long-story")
    settings = Settings(_env_file=None, data_dir=data_dir, load_catalogue=False)
    engine = open_database(settings.effective_database_url)
    story = seed_long_story(engine)
    with served(settings, engine) as base:
        yield base, story


@pytest.fixture(scope="module")
def browser(site):
    with chromium() as launched:
        yield launched


def _entry_ids(page) -> list[int]:
    return [
        int(i.removeprefix("article-"))
        for i in page.locator("li.article").evaluate_all(
            "entries => entries.map(entry => entry.id)"
        )
    ]


def test_without_javascript_the_link_opens_the_page_with_every_article(site, browser):
    base, story = site
    context, page, problems = _page(browser, java_script_enabled=False)
    page.goto(f"{base}/stories/{story.story_id}")
    assert _entry_ids(page) == story.listed
    page.get_by_role("link", name=f"Show all {ARTICLE_COUNT} articles").click()
    page.wait_for_url(f"**/stories/{story.story_id}?all=1#article-{story.unlisted[0]}")
    assert _entry_ids(page) == story.article_ids[::-1]
    assert problems == []
    context.close()


def test_the_link_brings_the_rest_into_the_list(site, browser):
    base, story = site
    context, page, problems = _page(browser)
    page.goto(f"{base}/stories/{story.story_id}")
    assert _entry_ids(page) == story.listed
    page.get_by_role("link", name=f"Show all {ARTICLE_COUNT} articles").click()
    page.locator(f"#article-{story.unlisted[-1]}").wait_for()
    assert _entry_ids(page) == story.article_ids[::-1]
    # The same page, scrolled to the first entry that was missing; the link is gone.
    assert page.url == f"{base}/stories/{story.story_id}#article-{story.unlisted[0]}"
    assert page.locator(".more-articles").count() == 0
    # Links to articles that were not listed now stay on this page.
    assert page.locator('a[href^="?all=1"]').count() == 0
    assert problems == []  # no script error, nothing blocked by the CSP
    context.close()


def test_a_side_filter_shows_all_that_side_s_articles(site, browser):
    base, story = site
    context, page, problems = _page(browser)
    page.goto(f"{base}/stories/{story.story_id}")
    right = page.locator(".side-filter button[data-side='right']")
    expected = int(right.locator(".count").inner_text())
    listed_right = page.locator("li.article[data-side='right']").count()
    assert expected > listed_right  # the archive's right-leaning articles are not listed
    right.click()
    page.wait_for_function(f"document.querySelectorAll('li.article').length === {ARTICLE_COUNT}")
    page.wait_for_function("document.getElementById('filter-status').textContent !== ''")
    visible = [a for a in page.locator("li.article").all() if a.is_visible()]
    assert len(visible) == expected
    assert all(a.get_attribute("data-side") == "right" for a in visible)
    status = page.locator("#filter-status").inner_text()
    assert status == f"Showing {expected} of {ARTICLE_COUNT} articles"
    assert problems == []
    context.close()


def test_a_link_to_an_unlisted_article_stays_on_the_page(site, browser):
    base, story = site
    context, page, problems = _page(browser)
    page.goto(f"{base}/stories/{story.story_id}")
    oldest = story.article_ids[0]
    # "First to report" in the timeline is the story's oldest article.
    page.locator(f'.timeline a[href="?all=1#article-{oldest}"]').click()
    page.wait_for_url(f"**/stories/{story.story_id}#article-{oldest}")
    assert page.locator(f"#article-{oldest}").is_visible()
    assert "all=1" not in page.url
    assert problems == []
    context.close()


def test_an_address_naming_an_unlisted_article_shows_it(site, browser):
    base, story = site
    context, page, problems = _page(browser)
    oldest = story.article_ids[0]
    page.goto(f"{base}/stories/{story.story_id}#article-{oldest}")
    page.locator(f"#article-{oldest}").wait_for()
    assert len(_entry_ids(page)) == ARTICLE_COUNT
    assert problems == []
    context.close()


def test_my_news_bias_records_every_source_and_later_entries(site, browser):
    base, story = site
    context, page, problems = _page(browser)
    page.goto(f"{base}/stories/{story.story_id}")
    record = json.loads(page.evaluate(f"localStorage.getItem('{MY_NEWS_BIAS_KEY}')"))
    # Archive Weekly wrote only articles the page does not list at first.
    assert ARCHIVE.domain in record["stories"][str(story.story_id)]["outlets"]
    assert record["outlets"][ARCHIVE.domain]["side"] == "right"
    assert len(record["stories"][str(story.story_id)]["outlets"]) == len(set(story.domains))
    # A click on the link of an entry loaded later counts that article (the article
    # itself is not opened: there is no network here).
    page.get_by_role("link", name=f"Show all {ARTICLE_COUNT} articles").click()
    oldest = story.article_ids[0]
    link = page.locator(f"#article-{oldest} a.article-link")
    link.wait_for()
    page.evaluate("document.addEventListener('click', e => e.preventDefault(), {capture: true})")
    link.click()
    record = json.loads(page.evaluate(f"localStorage.getItem('{MY_NEWS_BIAS_KEY}')"))
    assert record["articles"][str(oldest)]["outlet"] == ARCHIVE.domain
    assert problems == []
    context.close()


def test_the_first_entries_are_all_the_page_has_before_a_reader_asks(site, browser):
    base, story = site
    context, page, _ = _page(browser)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base}/stories/{story.story_id}")
    page.wait_for_load_state("networkidle")
    assert len(_entry_ids(page)) == ARTICLES_SHOWN
    assert not [url for url in requests if "/articles" in url]
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_long_list_has_no_serious_accessibility_violations(site, browser, scheme):
    base, story = site
    context, page, _ = _page(browser, viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(f"{base}/stories/{story.story_id}")
    assert _serious_violations(page) == []
    page.get_by_role("link", name=f"Show all {ARTICLE_COUNT} articles").click()
    page.locator(f"#article-{story.unlisted[-1]}").wait_for()
    assert _serious_violations(page) == []
    context.close()
