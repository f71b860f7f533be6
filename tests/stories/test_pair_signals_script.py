"""scripts/pair_signals.py: the offline place to try a pair signal. Its figures are in
the README, so its parts must do what they say."""

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from tests.conftest import SHARED_DATA

SCRIPTS = Path(__file__).parents[2] / "scripts"


def _script():
    sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("pair_signals", SCRIPTS / "pair_signals.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _stream(script, corpus: str, name: str):
    learning = sys.modules["learn_story_scorer"]  # the script it builds on
    articles, gold = learning.read_corpus(SHARED_DATA / "corpora" / corpus, lede_only=False)
    texts = [script.embedding_text(a.title, a.lede, a.text) for a in articles]
    embeddings = learning.embed(texts, {})
    return script.Stream(name, name, articles, gold, embeddings)


def test_ranks_count_only_other_articles_within_the_window():
    script = _script()
    similarity = np.array([[1.0, 0.9, 0.5, 0.8], [0.9, 1.0, 0.4, 0.1], [0.5, 0.4, 1.0, 0.3]])
    similarity = np.vstack([similarity, [0.8, 0.1, 0.3, 1.0]])
    days = np.zeros((4, 4))
    days[0, 3] = days[3, 0] = 5.0  # outside the 3-day window
    ranks = script.nearest_ranks(similarity, days)
    assert ranks[0, 1] == 1 and ranks[0, 2] == 2  # itself and article 3 come last
    assert ranks[0, 3] > 2 and ranks[0, 0] > 2
    assert ranks[3, 2] == 1  # article 0 is out of its window


def test_the_mutual_signal_joins_only_named_different_outlets():
    script = _script()
    stream = _stream(script, "newswcl50.jsonl", "newswcl50")
    pairs = script.pair_signals(stream, stream.embeddings)
    near = np.full(pairs.days.shape, 0.9)  # every pair likely: ranks alone decide
    n = len(pairs.gold)
    every = script.mutual(other_outlets=False)(pairs, near)[..., -1]
    other = script.mutual(other_outlets=True)(pairs, near)[..., -1]
    assert every.shape == (n, n) and every.sum() > 0
    assert not (other > every).any()
    same_outlet = pairs.outlets[:, None] == pairs.outlets[None, :]
    assert not other[same_outlet].any()
    assert other.sum() > 0  # NewsWCL50 names its outlets
    # An article's own pair and pairs further apart than the window never count, even
    # for an article with no other in its window (its ranks run on past them).
    assert not np.diagonal(every).any() and not every[pairs.days > script.WINDOW_DAYS].any()
    alone = replace(pairs, days=np.full(pairs.days.shape, 10.0))
    np.fill_diagonal(alone.days, 0.0)
    assert not script.mutual(other_outlets=False)(alone, near)[..., -1].any()


def test_pairs_are_scored_and_grouped_for_every_variant():
    script = _script()
    newswcl = _stream(script, "newswcl50.jsonl", "newswcl50")
    basil = _stream(script, "basil.jsonl", "basil")
    # A check stream the scorer never learns on: NewsWCL50 without its outlet names.
    unnamed = replace(
        newswcl,
        name="newswcl50, no outlets",
        articles=[replace(a, outlet_domain=None) for a in newswcl.articles],
    )
    streams = [newswcl, basil, unnamed]
    scores = script.run([newswcl, basil], [unnamed], {s.name: s.embeddings for s in streams})
    assert set(scores) == set(script.VARIANTS) | {"shipped", "shipped+ol"}
    for variant in scores.values():
        assert set(variant) == {s.name for s in streams}
        assert all(0.0 <= f1 <= 1.0 for pair in variant.values() for f1 in pair)
    # Ten events five outlets each, days apart: the plain signals group them.
    assert scores["pairs"]["newswcl50"][0] >= 0.95
    # A line without an outlet is known by its URL's host, as a feed's article would be.
    pairs = script.pair_signals(unnamed, unnamed.embeddings)
    hosts = [urlsplit(a.url).hostname for a in unnamed.articles]
    assert list(pairs.outlets) == hosts and all(hosts)
