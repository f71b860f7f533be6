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


def test_centring_is_opt_in_and_brings_the_coefficients_learned_for_it():
    from newsprism.settings import Settings

    assert Settings.model_fields["story_centring"].default is False
    assert ClusterParams.from_settings(Settings()).centring_prior == 0
    centred = ClusterParams.from_settings(Settings(story_centring=True))
    assert centred.centring_prior == scorer.CENTRING_PRIOR > 0
    assert centred.weights == scorer.CENTRED_WEIGHTS != scorer.WEIGHTS
    assert centred.intercept == scorer.CENTRED_INTERCEPT
    assert len(scorer.CENTRED_WEIGHTS) == len(scorer.FEATURES)


def _feed_of_one_topic(clusterer, start):
    """Three open stories whose embeddings share one strong direction (the feed's
    topic, weight 0.8) besides their own event's (0.6), two articles each."""
    axes = np.eye(8, dtype=np.float32)
    for key in (1, 2, 3):
        for hour in (0, 1):
            embedding = 0.8 * axes[0] + 0.6 * axes[key]
            text = f"Event {key} report\nWhat happened in event number {key}."
            when = start + timedelta(hours=hour)
            clusterer.add(key, embedding, clusterer.term_vector(text), when, article_id=key)
    return axes


def test_centring_takes_out_what_every_open_article_shares():
    start = datetime(2021, 3, 1, tzinfo=UTC)
    dense = {}
    for prior in (0.0, 1.0):
        clusterer = StoryClusterer(params=ClusterParams(centring_prior=prior))
        axes = _feed_of_one_topic(clusterer, start)
        # A new event of the same feed: as near every story as they are to each other.
        new_event = 0.8 * axes[0] + 0.6 * axes[4]
        found = clusterer.candidates(new_event, clusterer.term_vector("x"), start)
        dense[prior, "new"] = found.features[:, 0]
        # A report of event 1: its own story stays the nearest by far.
        same = clusterer.candidates(
            0.8 * axes[0] + 0.6 * axes[1], clusterer.term_vector("x"), start
        )
        dense[prior, "same"] = dict(zip(same.keys, same.features[:, 0], strict=True))
    assert np.allclose(dense[0.0, "new"], 0.64, atol=1e-5)  # 0.8², what the topic shares
    assert dense[1.0, "new"].max() < 0.3  # the topic taken out: little in common
    assert dense[1.0, "same"][1] > 0.95 and dense[1.0, "same"][2] < 0.3


def test_the_open_mean_counts_only_the_stories_still_open():
    start = datetime(2021, 3, 1, tzinfo=UTC)
    clusterer = StoryClusterer(params=ClusterParams(centring_prior=2.0, window_hours=24))
    axes = _feed_of_one_topic(clusterer, start)
    later = start + timedelta(hours=30)
    clusterer.add(9, axes[5], clusterer.term_vector("late news"), later, article_id=9)
    clusterer.close_before(later)  # quiet for a whole window: the first three close
    assert sorted(clusterer.stories) == [9]
    assert np.allclose(clusterer.open_mean(), axes[5] / (1 + 2.0))
    assert StoryClusterer().open_mean() is None  # off by default
