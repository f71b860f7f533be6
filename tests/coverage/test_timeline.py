"""The story timeline on hand-built article lists: first report, time to 5 and 10
sources, articles per hour by side; and that coverage carries it."""

from datetime import UTC, datetime, timedelta

from newsprism.coverage.compute import SourceArticle, compute_coverage
from newsprism.coverage.timeline import MAX_BUCKETS, TimedArticle, compute_timeline
from newsprism.models import BIAS_AXIS, Rating

T0 = datetime(2024, 5, 1, 10, 20, tzinfo=UTC)


def _article(article_id, outlet, minutes, side=None, *, syndicated=False):
    return TimedArticle(
        article_id=article_id,
        outlet_key=outlet,
        outlet_name=outlet.upper(),
        side=side,
        published=None if minutes is None else T0 + timedelta(minutes=minutes),
        syndicated=syndicated,
    )


def test_first_report_is_the_earliest_article_whatever_the_input_order():
    timeline = compute_timeline(
        [_article(2, "b", 30, "right"), _article(1, "a", 5, "left"), _article(3, "c", 0, None)]
    )
    assert timeline["first"] == {
        "article_id": 3,
        "outlet": "C",
        "published": T0.isoformat(),
        "syndicated": False,
    }


def test_time_until_5_and_10_sources_counts_distinct_outlets_only():
    articles = [_article(i, f"o{i}", 10 * i, "center") for i in range(4)]
    # The first outlet again: an article, but not a new source.
    articles.append(_article(50, "o0", 45, "center"))
    articles.append(_article(4, "o4", 95, "left"))  # the 5th source, 95 minutes in
    timeline = compute_timeline(articles)
    assert timeline["time_to_5_sources"] == 95 * 60
    assert timeline["time_to_10_sources"] is None  # not reached

    articles += [_article(i, f"o{i}", 100 + i, "right") for i in range(5, 10)]
    assert compute_timeline(articles)["time_to_10_sources"] == 109 * 60


def test_articles_per_hour_by_side_from_the_first_articles_hour():
    articles = [
        _article(1, "a", 0, "left"),  # 10:20 -> hour 0 (10:00)
        _article(2, "b", 39, "left"),  # 10:59 -> hour 0
        _article(3, "c", 41, "right"),  # 11:01 -> hour 1
        _article(4, "d", 41, None),  # unrated, hour 1
        _article(5, "e", 3 * 60 + 1, "center"),  # 13:21 -> hour 3
        _article(6, "f", None, "left"),  # no time: left out
    ]
    timeline = compute_timeline(articles)
    assert timeline["undated"] == 1
    assert timeline["per_hour"] == {
        "start": T0.replace(minute=0).isoformat(),
        "bucket_hours": 1,
        "left": [2, 0, 0, 0],
        "center": [0, 0, 0, 1],
        "right": [0, 1, 0, 0],
        "unrated": [0, 1, 0, 0],
    }


def test_syndicated_copies_count_as_articles_and_a_copy_first_is_marked():
    articles = [
        _article(1, "wire-copy", 0, "center", syndicated=True),
        _article(2, "a", 10, "left", syndicated=True),
        _article(3, "b", 20, "left"),
    ]
    timeline = compute_timeline(articles)
    assert timeline["first"]["syndicated"] is True
    assert sum(timeline["per_hour"]["left"]) == 2


def test_a_long_story_is_counted_in_wider_buckets_so_the_series_stays_small():
    # Ten days: 240 hours do not fit in 48 buckets; 6-hour buckets (40) do.
    articles = [_article(1, "a", 0, "left"), _article(2, "b", 10 * 24 * 60 - 30, "right")]
    per_hour = compute_timeline(articles)["per_hour"]
    assert per_hour["bucket_hours"] == 6
    assert len(per_hour["left"]) <= MAX_BUCKETS
    assert per_hour["left"][0] == 1 and per_hour["right"][-1] == 1
    assert sum(per_hour["right"]) == 1


def test_naive_times_are_utc_and_an_undated_story_has_no_timeline():
    naive = TimedArticle(1, "a", "A", "left", datetime(2024, 5, 1, 10, 20))
    assert compute_timeline([naive])["first"]["published"] == T0.isoformat()
    empty = compute_timeline([_article(1, "a", None)])
    assert empty["first"] is None and empty["per_hour"] is None and empty["undated"] == 1


def test_coverage_carries_the_timeline_with_the_sides_it_counts():
    def rated(value):
        return [Rating(axis=BIAS_AXIS, value=value, rater="allsides", licence="CC BY-NC 4.0")]

    articles = [
        SourceArticle(1, 1, "nytimes.com", "NYT", T0, ratings=rated("lean-left")),
        SourceArticle(2, 2, "foxnews.com", "Fox", T0 + timedelta(hours=2), ratings=rated("right")),
        SourceArticle(3, 3, "example.org", "Example", T0 + timedelta(hours=2), syndicated_of=2),
    ]
    coverage = compute_coverage(articles)
    per_hour = coverage["timeline"]["per_hour"]
    assert per_hour["left"] == [1, 0, 0]
    assert per_hour["right"] == [0, 0, 1]
    assert per_hour["unrated"] == [0, 0, 1]
    assert coverage["timeline"]["first"]["outlet"] == "NYT"
    # The timeline's sides are the coverage's: each source once per side it counts on.
    assert {side: sum(per_hour[side]) for side in ("left", "right", "unrated")} == {
        "left": coverage["sides"]["left"],
        "right": coverage["sides"]["right"],
        "unrated": coverage["sides"]["unrated"],
    }


def test_coverage_lists_the_largest_owners_by_sources():
    articles = [
        SourceArticle(1, 1, "a.com", "A", T0, owner="Big Media"),
        SourceArticle(2, 1, "a.com", "A", T0, owner="Big Media"),  # same source again
        SourceArticle(3, 2, "b.com", "B", T0, owner="Small Press"),
        SourceArticle(4, 3, "c.com", "C", T0, owner="Big Media"),
        SourceArticle(5, 4, "d.com", "D", T0),  # owner unknown: not listed
    ]
    assert compute_coverage(articles)["owners"] == [
        {"owner": "Big Media", "sources": 2},
        {"owner": "Small Press", "sources": 1},
    ]
