"""The learned scorer: its shipped shape, and the learning script's regression."""

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from newsprism.stories import scorer
from newsprism.stories.cluster import ClusterParams, StoryClusterer

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "learn_story_scorer.py"


def _script():
    spec = importlib.util.spec_from_file_location("learn_story_scorer", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_shipped_coefficients_say_what_similarity_and_time_should_say():
    weights = dict(zip(scorer.FEATURES, scorer.WEIGHTS, strict=True))
    assert len(scorer.WEIGHTS) == len(scorer.FEATURES)
    # More similar in any signal: more likely one story; further apart in time: less.
    assert all(weights[name] > 0 for name in ("dense", "terms", "title", "entities"))
    assert weights["days_apart"] < 0
    assert 0 < scorer.THRESHOLD < 1 and 0 < scorer.MERGE_THRESHOLD <= 1
    same_day = np.array([[0.8, 0.4, 0.5, 0.5, 0.0, 0.0]])
    week_later = same_day.copy()
    week_later[0, 4] = 7.0
    assert (
        scorer.probabilities(same_day)[0] > scorer.THRESHOLD > scorer.probabilities(week_later)[0]
    )


def test_the_learning_script_recovers_known_coefficients():
    rng = np.random.default_rng(11)
    features = rng.standard_normal((4000, 3))
    truth = np.array([2.0, -1.0, 0.5])
    labels = (rng.random(4000) < 1 / (1 + np.exp(-(features @ truth - 0.3)))).astype(float)
    weights, intercept = _script().fit_logistic(features, labels, np.ones(4000), l2=0.0)
    assert np.allclose(weights, truth, atol=0.2) and abs(intercept + 0.3) < 0.2


def test_candidates_carry_every_signal_and_the_best_story_is_the_most_probable():
    clusterer = StoryClusterer(params=ClusterParams())
    start = datetime(2021, 3, 1, tzinfo=UTC)
    rng = np.random.default_rng(2)
    topics = rng.standard_normal((2, 16)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    texts = (
        "Senate passes relief bill\nThe Senate passed the relief bill, Schumer said.",
        "Storm hits Texas\nA winter storm left Houston without power, officials said.",
    )
    for key, (topic, text) in enumerate(zip(topics, texts, strict=True), start=1):
        clusterer.add(key, topic, clusterer.term_vector(text), start, article_id=key)
    vector = clusterer.term_vector("Relief bill clears Senate\nThe vote was hailed by Schumer.")
    found = clusterer.candidates(topics[0], vector, start + timedelta(hours=3))
    assert found.features.shape == (2, len(scorer.FEATURES))
    by_key = dict(zip(found.keys, found.features, strict=True))
    assert by_key[1][1:4].min() > 0 and by_key[2][1:4].max() < by_key[1][1:4].min()
    choice = clusterer.best_story(topics[0], vector, start + timedelta(hours=3))
    assert choice.story_key == 1 and choice.score >= clusterer.params.threshold
    why = clusterer.explain(1, topics[0], vector)
    # The keys stored before entities existed stay; shared entities are added.
    assert why["nearest_article_id"] == 1 and why["nearest_similarity"] == 1.0
    assert "senate" in why["shared_terms"] and "schumer" in why["shared_entities"]


def test_the_settings_default_to_the_learned_thresholds():
    from newsprism.settings import Settings

    defaults = Settings.model_fields
    assert defaults["story_threshold"].default == scorer.THRESHOLD
    assert defaults["story_merge_threshold"].default == scorer.MERGE_THRESHOLD
    assert ClusterParams.from_settings(Settings()) == ClusterParams(
        window_hours=Settings.model_fields["story_window_hours"].default
    )
