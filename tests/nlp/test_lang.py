"""Language detection, offline, on real feeds in many languages (../shared/data/feeds)."""

from collections import Counter

import pytest

from newsprism.ingest.feeds import parse_feed
from newsprism.nlp.lang import detect_language
from tests.conftest import SHARED_DATA

FEEDS = SHARED_DATA / "feeds"

# Real saved feeds whose declared language their items are written in.
DECLARED = {
    "netnewswire/**/kc0011.rss": "zh",
    "netnewswire/**/pappacoda.atom": "it",
    "netnewswire/**/phpxml.rss": "nl",
    "prof18-RSS-Parser/**/feed-dcdate.xml": "fr",
    "prof18-RSS-Parser/**/feed-image-enclosure.xml": "cs",
    "prof18-RSS-Parser/**/feed-test-greek.xml": "el",
    "prof18-RSS-Parser/**/feed-test-hindi-channel-image.xml": "hi",
    "prof18-RSS-Parser/**/feed-test-ru.xml": "ru",
    "prof18-RSS-Parser/**/feed-test-thumb.xml": "it",
    "rbren-rss-parser/**/encoding.rss": "pt",
    "rbren-rss-parser/**/itunes-href.rss": "de",
    "rbren-rss-parser/**/itunes-keywords-astext.rss": "de",
    "mediacloud-rss-fetcher/real-cnn.rss": "en",
}


@pytest.mark.parametrize(("pattern", "language"), sorted(DECLARED.items()))
def test_most_items_of_a_real_feed_are_detected_in_its_language(pattern, language):
    path = next(FEEDS.glob(pattern))
    items = parse_feed(path.read_bytes(), url="https://example.org/feed", headers={}).items
    found = Counter(detect_language(f"{item.title}. {item.summary}") for item in items)
    assert found[language] > sum(found.values()) / 2, found


def test_too_little_text_is_no_language_rather_than_a_guess():
    assert detect_language("OK") is None
    assert detect_language("") is None
