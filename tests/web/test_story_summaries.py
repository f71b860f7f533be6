"""The story page and API show what the summary step made: the framing per side,
translations labelled with their engine and the original one click away (a
``<details>``, no JavaScript), and a language tag where nothing was translated.

The story is the web tests' three-outlet story plus two real Portuguese items of
Jornal de Notícias' feed; the pipeline's own refresh step summarizes it, with the
loopback LLM stub (tests/fixtures/llm_server.py) translating into upper case."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.jobs.pipeline import Pipeline
from newsprism.models import RawArticle
from newsprism.nlp.llm_endpoint import LlmEndpoint
from newsprism.nlp.translate import get_translator
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.stories import attach_article
from newsprism.stories.cluster import ClusterParams
from newsprism.summarize.framing import FramingParams
from newsprism.summarize.story import StorySummarizer
from newsprism.web.app import create_app
from tests.fixtures.llm_server import llm_server
from tests.nlp.test_translate import portuguese_items
from tests.web.conftest import seed_story


def _story_with_portuguese_articles(engine: Engine) -> tuple[int, list[int], list]:
    seeded = seed_story(engine)
    items = portuguese_items(2)
    ids = []
    with engine.begin() as conn:
        for item in items:
            url = item.link.replace("http://feeds.jn.pt/~r/JN-ULTIMAS/~3/", "https://www.jn.pt/")
            article_id = add_article(
                conn,
                RawArticle(
                    url=url,
                    title=item.title,
                    lede=item.summary,
                    published=item.published or datetime.now(UTC),
                    language="pt",
                    text_source="feed-only",
                ),
            )
            attach_article(conn, article_id=article_id, story_id=seeded.story_id, similarity=0.5)
            ids.append(article_id)
    return seeded.story_id, ids, items


def _refresh(engine: Engine, story_id: int, summarizer: StorySummarizer) -> None:
    Pipeline(engine, params=ClusterParams(), summarizer=summarizer).refresh_story(story_id)


def _entry(page: str, article_id: int) -> str:
    match = re.search(rf'<li class="card article" id="article-{article_id}".*?</li>', page, re.S)
    assert match, f"article {article_id} is not on the page"
    return match.group(0)


def test_translated_headlines_name_their_engine_and_keep_the_original(
    settings: Settings, engine: Engine
) -> None:
    story_id, ids, items = _story_with_portuguese_articles(engine)
    with llm_server() as server:
        endpoint = LlmEndpoint(server.url, "good")
        _refresh(engine, story_id, StorySummarizer(translator=get_translator("llm", llm=endpoint)))
    with TestClient(create_app(settings, engine)) as client:
        page = client.get(f"/stories/{story_id}").text
        api = client.get(f"/api/stories/{story_id}").json()
    for article_id, item in zip(ids, items, strict=True):
        entry = html_lib.unescape(_entry(page, article_id))
        # The translation is the headline a reader sees …
        assert re.search(rf">{re.escape(item.title.upper())}</a>", entry)
        # … labelled with its engine, the original one click away, marked as Portuguese.
        assert re.search(
            r'<details class="original">\s*<summary>Translated from <span lang="pt">pt</span> '
            r"by llm:good · original</summary>",
            entry,
        )
        assert f'<p lang="pt"><strong>{item.title}</strong></p>' in entry
        assert item.summary.upper()[:60] in entry
        [article] = [a for a in api["articles"] if a["id"] == article_id]
        assert article["translation"] == {
            "title": item.title.upper(),
            "lede": item.summary.upper(),
            "source": "pt",
            "engine": "llm:good",
        }
    # The story's title is its oldest headline here, a Portuguese one: translated too.
    assert api["title"] in [item.title for item in items]
    assert f'<h1 id="story-title">{html_lib.escape(api["title"].upper())}</h1>' in page
    assert f'<p lang="pt">{html_lib.escape(api["title"])}</p>' in page
    # English articles are shown as they are, with no badge and no translation.
    english = [a for a in api["articles"] if a["id"] not in ids]
    assert english and all(a["translation"] is None for a in english)
    assert 'class="tag tag-lang"' not in _entry(page, english[0]["id"])


def test_without_an_engine_the_original_shows_its_language_tag(
    settings: Settings, engine: Engine
) -> None:
    story_id, ids, items = _story_with_portuguese_articles(engine)
    _refresh(engine, story_id, StorySummarizer())
    with TestClient(create_app(settings, engine)) as client:
        page = client.get(f"/stories/{story_id}").text
    for article_id, item in zip(ids, items, strict=True):
        entry = html_lib.unescape(_entry(page, article_id))
        assert '<h3 class="article-title" lang="pt">' in entry
        assert item.title in entry
        assert re.search(r'<span class="tag tag-lang" title="[^"]+">pt</span>', entry)
        assert "Translated from" not in entry


def test_framing_lines_are_on_the_page_and_in_the_api(settings: Settings, engine: Engine) -> None:
    story_id, ids, _ = _story_with_portuguese_articles(engine)
    # One article per side is enough here (the web story has one per side).
    _refresh(engine, story_id, StorySummarizer(framing=FramingParams(min_articles_per_side=1)))
    with TestClient(create_app(settings, engine)) as client:
        page = client.get(f"/stories/{story_id}").text
        api = client.get(f"/api/stories/{story_id}").json()
    assert set(api["framing"]) == {"left", "center", "right"}
    assert api["summary_backend"] == "extractive" and api["summary_fallback_reason"] is None
    section = re.search(r'<section class="card framing".*?</section>', page, re.S).group(0)
    assert "How each side covered it" in section
    for side, line in api["framing"].items():
        assert line["backend"] == "extractive"
        assert html_lib.escape(line["text"]) in section or line["text"] in section
        for article_id in line["article_ids"]:
            assert f'<a href="#article-{article_id}">' in section
        assert f'<li class="side-{side}">' in section
