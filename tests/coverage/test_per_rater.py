"""Each rater's own numbers for a story, from the coverage's outlets and their ratings."""

from __future__ import annotations

from newsprism.coverage.per_rater import per_rater_numbers


def _outlet(domain: str, *ratings: tuple[str, str, str, str]) -> dict:
    return {
        "domain": domain,
        "ratings": [
            {"rater": rater, "axis": axis, "value": value, "rated_on": rated_on}
            for rater, axis, value, rated_on in ratings
        ],
    }


def test_each_rater_counts_the_sources_it_rates_with_its_newest_rating() -> None:
    coverage = {
        "outlets": [
            _outlet(
                "a.example",
                ("allsides", "us-left-right", "left", "2019"),
                ("allsides", "us-left-right", "center", "2023"),  # newer: this one counts
                ("mbfc", "us-left-right", "lean-left", "2022"),
                ("mbfc", "factuality", "high", "2022"),
            ),
            _outlet("b.example", ("allsides", "us-left-right", "right", "2021")),
            _outlet("c.example"),  # rated by nobody
        ]
    }
    numbers = per_rater_numbers(coverage)
    assert numbers["allsides"]["us-left-right"] == {
        "rated": 2,
        "unrated": 1,
        "values": {"center": 1, "right": 1},
        "sides": {"left": 0, "center": 1, "right": 1},
    }
    assert numbers["mbfc"]["us-left-right"]["sides"] == {"left": 1, "center": 0, "right": 0}
    assert numbers["mbfc"]["factuality"] == {"rated": 1, "unrated": 2, "values": {"high": 1}}
    assert set(numbers) == {"allsides", "mbfc"}


def test_no_coverage_means_no_numbers() -> None:
    assert per_rater_numbers(None) == {}
    assert per_rater_numbers({"outlets": [_outlet("a.example")]}) == {}
