"""The blindspot rule: the side that (nearly) ignores a story the other side covers."""

from __future__ import annotations

import pytest

from newsprism.coverage.blindspot import blindspot_side
from newsprism.coverage.compute import SourceArticle, compute_coverage
from newsprism.models import BIAS_AXIS, Rating


@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        ({"left": 0, "center": 0, "right": 3}, "left"),
        ({"left": 1, "center": 2, "right": 3}, "left"),  # left 1/6 ≤ 20 %, right half
        ({"left": 2, "center": 2, "right": 4}, None),  # left 25 %
        ({"left": 5, "center": 0, "right": 1}, "right"),
        ({"left": 0, "center": 5, "right": 1}, None),  # the center's story, nobody's blindspot
        ({"left": 0, "center": 0, "right": 2}, None),  # too few rated sources
        ({"left": 0, "center": 0, "right": 3, "unrated": 20}, "left"),  # unrated don't count
        ({}, None),
    ],
)
def test_blindspot_rule(sides: dict[str, int], expected: str | None) -> None:
    assert blindspot_side(sides) == expected


def test_coverage_names_its_blindspot() -> None:
    def article(n: int, bias: str) -> SourceArticle:
        rating = Rating(axis=BIAS_AXIS, value=bias, rater="allsides", licence="CC BY-NC 4.0")
        return SourceArticle(
            article_id=n,
            outlet_id=n,
            outlet_domain=f"o{n}.example",
            outlet_name=None,
            published=None,
            ratings=[rating],
        )

    right_only = [article(1, "right"), article(2, "lean-right"), article(3, "center")]
    assert compute_coverage(right_only)["blindspot"] == "left"
    balanced = [article(1, "right"), article(2, "left"), article(3, "center")]
    assert compute_coverage(balanced)["blindspot"] is None
