from datetime import UTC, datetime

from newsprism.coverage.compute import SourceArticle, compute_coverage, percentages
from newsprism.models import Rating


def _rating(value, axis="us-left-right", rater="allsides"):
    return Rating(axis=axis, value=value, rater=rater, licence="CC BY-NC 4.0", rated_on="2019")


def test_percentages_always_add_up_to_100():
    assert percentages({"left": 1, "center": 1, "right": 1}) == {
        "left": 34,
        "center": 33,
        "right": 33,
    }
    assert sum(percentages({"a": 3, "b": 3, "c": 1, "d": 0}).values()) == 100
    assert percentages({"a": 0, "b": 0}) == {"a": 0, "b": 0}


def test_coverage_counts_sources_not_articles_and_shows_unrated():
    when = datetime(2020, 1, 1, tzinfo=UTC)
    articles = [
        SourceArticle(1, 1, "nytimes.com", "NYT", when, ratings=[_rating("lean-left")]),
        SourceArticle(2, 1, "nytimes.com", "NYT", when, ratings=[_rating("lean-left")]),
        SourceArticle(3, 2, "foxnews.com", "Fox", when, ratings=[_rating("right")]),
        SourceArticle(4, 3, "breitbart.com", "Breitbart", when, ratings=[_rating("right")]),
        SourceArticle(5, 4, "example.org", "Example", when, ratings=[]),
    ]
    coverage = compute_coverage(articles)
    assert coverage["article_count"] == 5
    assert coverage["source_count"] == 4
    assert coverage["sides"] == {"left": 1, "center": 0, "right": 2, "unrated": 1}
    assert coverage["sides_percent"] == {"left": 25, "center": 0, "right": 50, "unrated": 25}
    assert coverage["headline"] == "50% of the sources lean Right"
    assert coverage["bias"]["lean-left"] == 1 and coverage["bias"]["unrated"] == 1
    assert coverage["raters"]["us-left-right"] == ["allsides"]
    nyt = next(o for o in coverage["outlets"] if o["domain"] == "nytimes.com")
    assert nyt["articles"] == 2 and nyt["side"] == "left"
