"""Topics of a story: the categories its outlets filed it under, and its keywords.

Two sources, because neither is enough alone. Feed categories are the editors' own
labels ("Climate", "Ukraine", "Business") but many feeds send none and others send a
dozen tags an item. Keywords are the distinctive words the clusterer found shared
between the story's articles (TF-IDF ``shared_terms`` of the why-grouped data) that
also stand in the headlines of at least two outlets: names and places, mostly.

A topic's *slug* is its key (URLs, filters, the database); its *label* is what people
read. Everything here is plain functions over plain data (``models.Topic`` out):
``jobs/topics.py`` feeds them from the store and saves what they return.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.models import Topic
from newsprism.nlp.text import clean, terms

MAX_TOPICS_PER_STORY = 5
MAX_LABEL_LENGTH = 60
MAX_SLUG_LENGTH = 80
MAX_TOPIC_WORDS = 6  # more words than this is a sentence, not a label

# Section names and placeholders that say nothing about what a story is about.
_STOP_TOPICS = frozenset(
    " ".join(name.split())
    for name in """
    news|top stories|top story|top news|latest|latest news|breaking|breaking news|
    headlines|uncategorized|uncategorised|general|home|homepage|front page|frontpage|
    featured|featured stories|main|misc|miscellaneous|other|others|story|stories|
    article|articles|all|all news|rss|feed|feeds|index|default|none|null|blog|blogs|
    updates|live|live updates|video|videos|photos|photo|gallery|podcast|podcasts|
    opinion|opinions|editorial|editorials|analysis|columns|column|commentary|
    sin categoría|sin categoria|non classé|allgemein|nachrichten|noticias|actualité|
    actualités|últimas noticias|ultimas noticias|notícias|últimas notícias|news feed
    """.split("|")
)

# Different names of one topic: (name as lower-cased) -> (slug, label).
_SYNONYMS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("us", "u.s.", "u.s", "usa", "united states", "us news", "u.s. news"), ("us", "US")
    ),
    **dict.fromkeys(("uk", "u.k.", "united kingdom", "uk news", "britain"), ("uk", "UK")),
    **dict.fromkeys(
        ("world", "world news", "international", "international news"), ("world", "World")
    ),
    **dict.fromkeys(
        ("tech", "technology", "tech news", "technology news"), ("technology", "Technology")
    ),
    **dict.fromkeys(("sport", "sports", "sports news"), ("sports", "Sports")),
    **dict.fromkeys(("politics", "political news", "politics news"), ("politics", "Politics")),
    **dict.fromkeys(("business", "business news"), ("business", "Business")),
    **dict.fromkeys(("health", "health news"), ("health", "Health")),
    **dict.fromkeys(("science", "science news"), ("science", "Science")),
    **dict.fromkeys(("entertainment", "entertainment news"), ("entertainment", "Entertainment")),
    **dict.fromkeys(("covid", "covid-19", "covid19", "coronavirus"), ("covid-19", "COVID-19")),
}

# Words that stand in many headlines without saying what a story is about.
_HEADLINE_FILLER = frozenset(
    """
    amid after against over under report reports reported says said new live update
    updates video watch breaking news first last year years week weeks day days today
    people time back still now how why what does did get gets make makes take takes
    set sets big top could would should may might will deal talks calls call plan
    plans win wins more less out off down here there latest just ahead again like
    president secretary minister prime chief leader leaders official officials former
    head spokesman spokeswoman
    """.split()
)

_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*$")
_HIERARCHY = re.compile(r"\s*(?:>|/|\||»|::)\s*")
_EDGE_PUNCTUATION = " \t-_:;,.#*'\"“”‘’«»"
_MACHINE_TAG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+){2,}$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class TopicSource:
    """What one article of a story brings to its topics."""

    title: str
    outlet: str  # the outlet's domain (or name): keywords need two different outlets
    categories: Sequence[str] = ()
    shared_terms: Sequence[str] = ()  # the clusterer's shared TF-IDF terms, if any


def slugify(name: str) -> str:
    """The URL and database key of a topic name: accents dropped, lower case, hyphens."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")
    if slug:
        return slug[:MAX_SLUG_LENGTH].strip("-")
    # A name in a script without Latin letters keeps its own characters.
    return "-".join(re.findall(r"\w+", name.casefold()))[:MAX_SLUG_LENGTH]


def normalise_topic(raw: str | None) -> tuple[str, str] | None:
    """(slug, label) of a feed category, or None when it names no topic.

    "World News" and "international" are ``world``; "Mars (Planet)" is Mars; of
    "News > Politics" the last part counts; "News", "Top Stories", "Uncategorized",
    machine tags (``your-feed-science``), numbers and sentences are no topics.
    """
    text = clean(raw)
    if not text or "://" in text:
        return None
    parts = [p.strip(_EDGE_PUNCTUATION) for p in _HIERARCHY.split(text)]
    parts = [p for p in parts if p and p.casefold() not in _STOP_TOPICS]
    if not parts:
        return None
    name = _PARENTHETICAL.sub("", parts[-1]).strip(_EDGE_PUNCTUATION)
    key = " ".join(name.casefold().split())
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if (
        not key
        or key in _STOP_TOPICS
        or not any(c.isalpha() for c in key)
        or len(name) > MAX_LABEL_LENGTH
        or len(key.split()) > MAX_TOPIC_WORDS
        or _MACHINE_TAG.match(key)
        # One letter says nothing ("b" is business in one corpus); two only in capitals (EU, AI).
        or len(name) < 2
        or (len(name) == 2 and not name.isupper())
    ):
        return None
    slug = slugify(name)
    return (slug, _label(name)) if slug else None


def _label(name: str) -> str:
    if name.islower():
        return name[0].upper() + name[1:]
    if name.isupper() and len(name) > 4:  # "POLITICS" is shouted, not an acronym
        return name.title()
    return name


def story_topics(
    articles: Sequence[TopicSource], *, limit: int = MAX_TOPICS_PER_STORY
) -> list[Topic]:
    """The story's topics, most carried first (at most ``limit``).

    A category counts when two of the story's articles carry it, or a third of them
    (so a story of one article has its own categories); a keyword when the headlines
    of two different outlets have it. Weight: the share of articles carrying it.
    """
    if not articles:
        return []
    total = len(articles)
    found: dict[str, Topic] = {}
    for topic in _category_topics(articles, total):
        found[topic.slug] = topic
    for topic in _keyword_topics(articles, total):
        known = found.get(topic.slug)
        if known is None or topic.weight > known.weight:
            origin = known.origin if known else topic.origin
            label = known.label if known else topic.label
            found[topic.slug] = Topic(topic.slug, label, topic.weight, origin)
    ranked = sorted(found.values(), key=lambda t: (-t.weight, t.origin != "category", t.slug))
    return ranked[:limit]


def _category_topics(articles: Sequence[TopicSource], total: int) -> list[Topic]:
    carriers: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        seen: set[str] = set()
        for raw in article.categories:
            normalised = normalise_topic(raw)
            if normalised is None or normalised[0] in seen:
                continue
            slug, label = normalised
            seen.add(slug)
            carriers[slug] += 1
            labels[slug][label] += 1
    return [
        Topic(slug, _most_common(labels[slug]), round(count / total, 3), "category")
        for slug, count in carriers.items()
        if count >= 2 or count * 3 >= total
    ]


def _keyword_topics(articles: Sequence[TopicSource], total: int) -> list[Topic]:
    candidates = {
        term.casefold()
        for article in articles
        for term in article.shared_terms
        if isinstance(term, str) and term.casefold() not in _HEADLINE_FILLER
    }
    if not candidates:
        return []
    outlets: dict[str, set[str]] = defaultdict(set)
    carriers: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        title = clean(article.title)
        words = set(terms(title)) & candidates
        for word in words:
            outlets[word].add(article.outlet)
            carriers[word] += 1
            for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", title, re.IGNORECASE):
                surfaces[word][match.group(0)] += 1
    topics = []
    for word, sources in outlets.items():
        label = _most_common(surfaces[word]) if surfaces[word] else word
        # Two letters only as an acronym in the headlines (EU, UN); "us" is a pronoun.
        if len(sources) < 2 or len(word) < 2 or (len(word) == 2 and not label.isupper()):
            continue
        normalised = normalise_topic(label)
        if normalised is None:
            continue
        slug, label = normalised
        topics.append(Topic(slug, label, round(carriers[word] / total, 3), "keyword"))
    return topics


def _most_common(counts: Counter[str]) -> str:
    # Ties go to the form with more capitals ("Ukraine" over "ukraine"), then alphabetically.
    return min(counts, key=lambda form: (-counts[form], -sum(c.isupper() for c in form), form))
