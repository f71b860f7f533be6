"""The rule that combines several raters' values into one (newsprism.sources.ratings)."""

import pytest

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Rating
from newsprism.sources.ratings import (
    WIKIPEDIA_AXIS,
    combine,
    combined_value,
    raters_disagree,
    superseded,
)


def bias(value, rater, rated_on=None):
    return Rating(axis=BIAS_AXIS, value=value, rater=rater, licence="x", rated_on=rated_on)


def fact(value, rater, rated_on=None):
    return Rating(axis=FACTUALITY_AXIS, value=value, rater=rater, licence="x", rated_on=rated_on)


def test_no_ratings_no_value():
    assert combined_value([], BIAS_AXIS) is None
    assert combined_value([fact("high", "a")], BIAS_AXIS) is None
    assert combined_value([bias("sideways", "a")], BIAS_AXIS) is None


def test_single_rater_is_its_value():
    assert combined_value([bias("lean-left", "allsides")], BIAS_AXIS) == "lean-left"


def test_average_of_positions():
    ratings = [bias("left", "a"), bias("center", "b"), bias("lean-left", "c")]
    assert combined_value(ratings, BIAS_AXIS) == "lean-left"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("left", "lean-left"), "lean-left"),  # 1.5 -> 2, toward center
        (("lean-right", "right"), "lean-right"),  # 4.5 -> 4, toward center
        (("far-left", "lean-left"), "left"),  # 1.0, no tie
        (("lean-left", "lean-right"), "center"),
        (("center", "lean-right"), "center"),  # 3.5 -> 3
    ],
)
def test_bias_ties_go_toward_center(values, expected):
    ratings = [bias(value, f"r{i}") for i, value in enumerate(values)]
    assert combined_value(ratings, BIAS_AXIS) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("very-high", "high"), "high"),  # 0.5 -> 1, toward lower factuality
        (("mixed", "low"), "low"),
        (("high", "mixed"), "mostly-factual"),
        (("high", "high", "low"), "mostly-factual"),  # 5/3 -> 2
    ],
)
def test_factuality_ties_go_toward_lower_factuality(values, expected):
    ratings = [fact(value, f"r{i}") for i, value in enumerate(values)]
    assert combined_value(ratings, FACTUALITY_AXIS) == expected


def test_only_the_newest_rating_of_each_rater_counts():
    ratings = [
        bias("right", "allsides", "2018"),
        bias("lean-left", "allsides", "2019"),
        bias("left", "allsides"),  # undated: older than any dated one
    ]
    assert combined_value(ratings, BIAS_AXIS) == "lean-left"


def test_raters_disagree_at_two_steps():
    assert not raters_disagree([bias("left", "a")], BIAS_AXIS)
    assert not raters_disagree([bias("left", "a"), bias("lean-left", "b")], BIAS_AXIS)
    assert raters_disagree([bias("left", "a"), bias("center", "b")], BIAS_AXIS)
    assert raters_disagree([fact("very-high", "a"), fact("mostly-factual", "b")], FACTUALITY_AXIS)
    # A rater's old value does not count against its new one.
    assert not raters_disagree([bias("left", "a", "2018"), bias("center", "a", "2019")], BIAS_AXIS)


def override(value, rated_on="2026-01-01", axis=BIAS_AXIS):
    return Rating(
        axis=axis,
        value=value,
        rater="local",
        licence="local override",
        rated_on=rated_on,
        is_override=True,
    )


def test_an_override_wins_over_the_raters_and_says_so():
    ratings = [bias("left", "a", "2019"), bias("lean-left", "b", "2020"), override("center")]
    combined = combine(ratings, BIAS_AXIS)
    assert (combined.value, combined.override) == ("center", True)
    assert combined.raters == ("a", "b")  # the override is no rater
    assert combined_value(ratings, BIAS_AXIS) == "center"
    # The newest override counts; an override on another axis changes nothing here.
    ratings += [override("right", "2026-02-01"), override("low", axis=FACTUALITY_AXIS)]
    assert combined_value(ratings, BIAS_AXIS) == "right"
    assert combine([bias("left", "a")], BIAS_AXIS).override is False


def test_an_override_does_not_hide_that_raters_disagree():
    ratings = [bias("left", "a"), bias("center", "b"), override("lean-left")]
    assert raters_disagree(ratings, BIAS_AXIS)
    assert not raters_disagree([bias("left", "a"), override("right")], BIAS_AXIS)


def test_other_axes_tie_toward_the_end_of_their_scale():
    ratings = [
        Rating(axis=WIKIPEDIA_AXIS, value="generally-reliable", rater="a", licence="x"),
        Rating(axis=WIKIPEDIA_AXIS, value="no-consensus", rater="b", licence="x"),
    ]
    assert combined_value(ratings, WIKIPEDIA_AXIS) == "no-consensus"
    assert combined_value(ratings, "not-an-axis") is None


def test_superseded_marks_the_history_of_each_rater():
    ratings = [
        bias("lean-left", "allsides", "2019"),
        bias("left", "allsides", "2018"),
        bias("center", "allsides"),
        bias("right", "mbfc"),
        fact("high", "allsides", "2017"),
    ]
    assert superseded(ratings) == [False, True, True, False, False]
