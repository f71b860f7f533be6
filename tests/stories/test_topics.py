"""Topic rules: feed categories normalised into topics, and a story's topics from its
articles' categories and shared headline keywords."""

from __future__ import annotations

import pytest

from newsprism.stories.topics import TopicSource, normalise_topic, slugify, story_topics


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Climate", ("climate", "Climate")),
        ("  climate   change ", ("climate-change", "Climate change")),
        ("POLITICS", ("politics", "Politics")),
        ("World News", ("world", "World")),
        ("international", ("world", "World")),
        ("U.S.", ("us", "US")),
        ("Coronavirus", ("covid-19", "COVID-19")),
        ("News > Politics", ("politics", "Politics")),
        ("Sci/Tech", ("technology", "Technology")),
        ("Mars (Planet)", ("mars", "Mars")),
        ("Las Vegas (Nev)", ("las-vegas", "Las Vegas")),
        ("#Ukraine", ("ukraine", "Ukraine")),
        ("Política", ("politica", "Política")),
        ("EU", ("eu", "EU")),
        ("5G", ("5g", "5G")),
        ("Западная Европа", ("западная-европа", "Западная Европа")),
    ],
)
def test_categories_become_topics(raw, expected):
    assert normalise_topic(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "News",
        "news",
        "Top Stories",
        "Uncategorized",
        "Breaking News",
        "Opinion",
        "Sin categoría",
        "News > Top Stories",
        "your-feed-science",  # a machine tag (NYT)
        "b",  # one letter (the UCI corpus's "business")
        "to",  # two lower-case letters: a word, not an acronym
        "2024",
        "https://example.com/tag/x",
        "",
        None,
        "This is a whole sentence that someone put in a category field",
    ],
)
def test_placeholders_and_noise_are_no_topics(raw):
    assert normalise_topic(raw) is None


def test_slugs_drop_accents_and_punctuation():
    assert slugify("Économie & Société") == "economie-societe"
    assert slugify("COVID-19") == "covid-19"


def test_a_category_counts_when_two_articles_share_it():
    articles = [
        TopicSource(title="a", outlet="a.com", categories=["Climate", "Grass", "World News"]),
        TopicSource(title="b", outlet="b.com", categories=["climate", "world"]),
        TopicSource(title="c", outlet="c.com", categories=["Deserts"]),
        TopicSource(title="d", outlet="d.com", categories=["News"]),
        TopicSource(title="e", outlet="e.com"),
        TopicSource(title="f", outlet="f.com"),
        TopicSource(title="g", outlet="g.com"),
    ]
    topics = story_topics(articles)
    # "Grass" and "Deserts" are one article's tag each, in a story of seven: no topic.
    assert [(t.slug, t.label, t.weight, t.origin) for t in topics] == [
        ("climate", "Climate", 0.286, "category"),
        ("world", "World", 0.286, "category"),
    ]


def test_a_story_of_one_article_has_that_articles_categories():
    topics = story_topics([TopicSource(title="x", outlet="a.com", categories=["Health", "News"])])
    assert [(t.slug, t.weight) for t in topics] == [("health", 1.0)]


def test_keywords_are_shared_terms_in_two_outlets_headlines():
    articles = [
        TopicSource(
            title="Maduro asks Putin for missiles amid US pressure",
            outlet="nytimes.com",
            shared_terms=["maduro", "putin", "missiles", "amid"],
        ),
        TopicSource(
            title="Venezuela's Maduro turns to Russia, Putin after US strikes",
            outlet="foxnews.com",
            shared_terms=["maduro", "russia", "us"],
        ),
        TopicSource(
            title="Maduro seeks military help", outlet="nytimes.com", shared_terms=["military"]
        ),
    ]
    topics = {t.slug: t for t in story_topics(articles)}
    # In both outlets' headlines: Maduro (three articles), Putin and US (two each).
    assert topics["maduro"].label == "Maduro" and topics["maduro"].weight == 1.0
    assert topics["putin"].origin == "keyword" and topics["putin"].weight == 0.667
    assert topics["us"].label == "US"
    # "missiles" is one outlet's word; "amid" is headline filler; "military" one headline.
    assert {"missiles", "amid", "military", "russia"}.isdisjoint(topics)


def test_us_the_pronoun_is_not_the_us_keyword():
    articles = [
        TopicSource(title="Tell us what you think", outlet="a.com", shared_terms=["us"]),
        TopicSource(title="Join us tonight", outlet="b.com", shared_terms=["us"]),
    ]
    assert story_topics(articles) == []


def test_categories_come_first_and_at_most_five_topics():
    articles = [
        TopicSource(
            title="Alpha Beta Gamma Delta Epsilon Zeta",
            outlet=f"{name}.com",
            categories=["Science"],
            shared_terms=["alpha", "beta", "gamma", "delta", "epsilon", "zeta"],
        )
        for name in ("one", "two")
    ]
    topics = story_topics(articles)
    assert len(topics) == 5
    assert topics[0].slug == "science"  # same weight as the keywords: the editors' label wins
    assert {t.origin for t in topics[1:]} == {"keyword"}


def test_a_keyword_that_is_also_a_category_is_one_topic():
    articles = [
        TopicSource(
            title="Ukraine talks resume", outlet="a.com", categories=["Ukraine"], shared_terms=[]
        ),
        TopicSource(title="Ukraine: talks resume", outlet="b.com", shared_terms=["ukraine"]),
    ]
    topics = story_topics(articles)
    assert [(t.slug, t.weight, t.origin) for t in topics] == [("ukraine", 1.0, "category")]
