"""``newsprism eval summaries`` and its ROUGE scores.

No shared corpus has a human ``reference_summary``, so the test writes its own file
from real BASIL articles: each story's reference is the opening two sentences of its
New York Times article (a lead-2 pseudo-reference — what a reader of one outlet would
have been told). That is enough to check the plumbing and the direction of the
numbers: a summary scores higher against its own story's reference than against
another story's.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.jobs.evaluate_summaries import evaluate_summaries, rouge_f1
from newsprism.nlp.text import clean_paragraphs, sentences
from tests.conftest import SHARED_DATA


def test_rouge_matches_hand_computed_values():
    # Unigrams: 5 of 6 shared; bigrams: "the cat", "on the", "the mat" of 5; LCS 5 of 6.
    scores = rouge_f1("the cat was on the mat", "the cat sat on the mat")
    assert scores == {"rouge1": pytest.approx(5 / 6, abs=1e-4), "rouge2": 0.6, "rougeL": 0.8333}
    assert rouge_f1("nothing alike here", "the cat sat on the mat")["rouge1"] == 0.0
    # Words in any script count whole: rouge-score's own tokenizer would cut "Mãe" to "m".
    portuguese = rouge_f1("Mãe de utente é presidente", "Mãe de utente é a nova presidente")
    assert portuguese["rouge1"] == pytest.approx(2 * 5 / (5 + 7), abs=1e-4)
    # English is stemmed as ROUGE-1.5.5 does: "fired" and "fires" are one word.
    assert rouge_f1("North Korea fires missiles", "North Korea fired a missile")["rouge1"] == (
        pytest.approx(2 * 4 / (4 + 5), abs=1e-4)
    )


def _write_corpus(path, *, stories: int = 4, label: str = "story_id"):
    records = [
        json.loads(line)
        for line in (SHARED_DATA / "corpora" / "basil.jsonl").read_text("utf-8").splitlines()
    ]
    chosen = list(dict.fromkeys(r["story_id"] for r in records))[:stories]
    lines = []
    references = {}
    for story in chosen:
        own = [r for r in records if r["story_id"] == story]
        nyt = next(r for r in own if r["outlet"] == "New York Times")
        references[story] = " ".join(sentences(clean_paragraphs(nyt["text"]))[:2])
        for record in own:
            record = {**record, "reference_summary": references[story]}
            if label != "story_id":
                record[label] = record.pop("story_id")
            lines.append(json.dumps(record))
    lines.append(json.dumps({"url": "https://example.com/x", "title": "No story id"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return chosen, references


def test_every_gold_story_is_summarized_and_scored(tmp_path, settings):
    corpus = tmp_path / "with-references.jsonl"
    chosen, references = _write_corpus(corpus)
    evaluation = evaluate_summaries(corpus, settings=settings)
    assert [story["story_id"] for story in evaluation.stories] == chosen
    assert evaluation.unlabelled_lines == 1
    ids_of = {}
    for line in corpus.read_text().splitlines()[:-1]:
        record = json.loads(line)
        ids_of.setdefault(record["story_id"], set()).add(record["id"])
    for story in evaluation.stories:
        assert story["backend"] == "extractive" and story["articles"] == 3
        assert 3 <= len(story["bullets"]) <= 5
        for bullet in story["bullets"]:
            # Citations name the file's own article ids.
            assert set(bullet["article_ids"]) <= ids_of[story["story_id"]]
        assert story["reference_summary"] == references[story["story_id"]]
        assert 0 < story["rouge"]["rouge2"] <= story["rouge"]["rouge1"] <= 1
    # Against its own story's reference a summary scores higher than against another's.
    for index, story in enumerate(evaluation.stories):
        prediction = "\n".join(b["text"] for b in story["bullets"])
        other = evaluation.stories[(index + 1) % len(evaluation.stories)]["reference_summary"]
        assert story["rouge"]["rouge1"] > rouge_f1(prediction, other)["rouge1"]
    mean = evaluation.mean_rouge()
    assert mean["rouge1"] == pytest.approx(
        sum(s["rouge"]["rouge1"] for s in evaluation.stories) / len(evaluation.stories), abs=1e-3
    )


def test_cli_prints_rouge_and_writes_one_line_per_story(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path / "data"))
    corpus = tmp_path / "clusters.jsonl"
    chosen, _ = _write_corpus(corpus, stories=2, label="cluster")  # "cluster" works too
    out = tmp_path / "summaries.jsonl"
    result = CliRunner().invoke(app, ["eval", "summaries", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 gold stories summarized (2 extractive); 1 lines without a story" in result.output
    for label in ("ROUGE-1", "ROUGE-2", "ROUGE-L"):
        assert label in result.output
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [story["story_id"] for story in written] == chosen
    assert all(story["rouge"]["rougeL"] > 0 for story in written)


def test_cli_without_references_says_there_is_nothing_to_score(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path / "data"))
    corpus = tmp_path / "plain.jsonl"
    lines = (SHARED_DATA / "corpora" / "newswcl50.jsonl").read_text("utf-8").splitlines()[:5]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "summaries", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "1 gold stories summarized (1 extractive)" in result.output
    assert "no reference_summary in the file: nothing to score" in result.output


def test_lines_without_urls_are_summarized_and_non_objects_skipped(tmp_path, settings):
    corpus = tmp_path / "no-urls.jsonl"
    chosen, _references = _write_corpus(corpus, stories=2)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    stripped = [
        json.dumps({key: value for key, value in json.loads(line).items() if key != "url"})
        for line in lines
    ]
    corpus.write_text("\n".join([*stripped, '["not", "an", "article"]']) + "\n", encoding="utf-8")
    evaluation = evaluate_summaries(corpus, settings=settings)
    assert [story["story_id"] for story in evaluation.stories] == chosen
    assert all(story["articles"] == 3 and story["bullets"] for story in evaluation.stories)
    assert evaluation.skipped_lines == 1
