"""scripts/learn_story_scorer.py replays streams as the pipeline clusters them: its
figures are only worth printing if they are the figures ``eval stories`` gives."""

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.stories.cluster import ClusterParams
from tests.conftest import SHARED_DATA

SCRIPT = Path(__file__).parents[2] / "scripts" / "learn_story_scorer.py"


def _script():
    spec = importlib.util.spec_from_file_location("learn_story_scorer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _partition(pairs) -> set[frozenset[str]]:
    stories: dict[str, set[str]] = {}
    for article, story in pairs:
        stories.setdefault(str(story), set()).add(article)
    return {frozenset(members) for members in stories.values()}


def test_the_learning_script_clusters_a_stream_as_eval_stories_does(tmp_path, monkeypatch):
    script = _script()
    corpus = SHARED_DATA / "corpora" / "newswcl50.jsonl"
    articles, gold = script.read_corpus(corpus, lede_only=False)
    texts = [script.embedding_text(a.title, a.lede, a.text) for a in articles]
    stream = script.Stream("newswcl50", "newswcl50", articles, gold, script.embed(texts, {}))
    # A stricter join than the default and no merge pass, so that settling has an event
    # to join.
    params = ClusterParams(threshold=0.8, merge_threshold=0)
    replayed = script.cluster(stream, params)

    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSPRISM_STORY_THRESHOLD", "0.8")
    monkeypatch.setenv("NEWSPRISM_STORY_MERGE_THRESHOLD", "0")
    out = tmp_path / "predicted.tsv"
    result = CliRunner().invoke(app, ["eval", "stories", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    evaluated = [line.split("\t") for line in out.read_text().splitlines()]

    assert _partition(zip((a.external_id for a in articles), replayed, strict=True)) == _partition(
        evaluated
    )
    # ...and settling is part of both: without it the replay leaves one event split.
    unsettled = script.cluster(stream, replace(params, settle=False))
    assert len(set(unsettled)) == len(set(replayed)) + 1
