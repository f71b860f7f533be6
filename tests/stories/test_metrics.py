import pytest

from newsprism.stories.metrics import bcubed, exact_stories, pairwise, singleton_floor


def test_perfect_clustering_scores_one():
    gold = ["a", "a", "b", "c", "c", "c"]
    assert bcubed(gold, [1, 1, 2, 3, 3, 3]).f1 == pytest.approx(1.0)
    assert pairwise(gold, [1, 1, 2, 3, 3, 3]).f1 == pytest.approx(1.0)
    assert exact_stories(gold, [1, 1, 2, 3, 3, 3]) == 3


def test_hand_computed_merge_of_two_stories():
    # Gold {0,1} {2,3}; predicted all four together.
    gold, predicted = ["a", "a", "b", "b"], [1, 1, 1, 1]
    scores = bcubed(gold, predicted)
    assert scores.precision == pytest.approx(0.5) and scores.recall == pytest.approx(1.0)
    pairs = pairwise(gold, predicted)
    # 6 predicted pairs, 2 of them gold.
    assert pairs.precision == pytest.approx(2 / 6) and pairs.recall == pytest.approx(1.0)
    assert exact_stories(gold, predicted) == 0


def test_hand_computed_split_and_singleton_floor():
    gold, predicted = ["a", "a", "a", "b"], [1, 1, 2, 3]
    scores = bcubed(gold, predicted)
    # Recall: articles 0 and 1 see 2 of 3, article 2 sees 1 of 3, article 3 sees 1 of 1.
    assert scores.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert scores.precision == pytest.approx(1.0)
    floor = singleton_floor(gold)
    assert floor.precision == pytest.approx(1.0)
    assert floor.recall == pytest.approx((1 / 3 * 3 + 1) / 4)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        bcubed(["a"], [1, 2])
