"""Property tests: URL normalisation and feed parsing take whatever the internet sends.

Feeds come from strangers and URLs from their feeds, so these two stages must never
fail with anything but their documented error. Examples stay few (and no example
database is written) so the file runs in seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.ingest.feeds import NotAFeed, ParsedFeed, parse_feed
from newsprism.ingest.urls import normalize_url, url_hash
from tests.conftest import SHARED_DATA

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FEW = settings(FUZZ, max_examples=60)

# --- URLs ------------------------------------------------------------------------

_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_hosts = st.builds(
    lambda www, labels, tld: ("www." if www else "") + ".".join([*labels, tld]),
    st.booleans(),
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "co.uk", "de", "xn--p1ai"]),
)
# Whitespace is left out of generated parts: normalize_url strips it from the ends of
# the whole URL (as browsers do), so a value's trailing space survives only mid-URL.
_visible = st.characters(
    blacklist_characters="/?#&=", blacklist_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]
)
_segment = st.text(alphabet=_visible, max_size=10)
_param_name = st.one_of(
    st.sampled_from(["id", "page", "q", "lang", "p", "a b", "é"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
)
_tracking_name = st.one_of(
    st.sampled_from(["fbclid", "gclid", "ref", "smid", "mod", "_ga", "guccounter"]),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(["utm_", "mc_", "pk_"]), _label),
)
_value = st.text(alphabet=_visible, max_size=10)


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A URL and the tracking parameter names it carries."""
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(_hosts)
    if draw(st.booleans()):
        host = host.upper()
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/".join(draw(st.lists(_segment, max_size=4)))
    params = draw(st.lists(st.tuples(_param_name, _value), max_size=3))
    tracking = draw(st.lists(st.tuples(_tracking_name, _value), max_size=3))
    mixed = draw(st.permutations(params + tracking))
    query = "&".join(f"{key}={value}" for key, value in mixed)
    fragment = draw(st.sampled_from(["", "#top", "#a?b=c"]))
    trailing = draw(st.sampled_from(["", "/"]))
    url = f"{scheme}://{host}{port}/{path}{trailing}" + (f"?{query}" if query else "") + fragment
    return url, [key for key, _ in tracking]


@FUZZ
@given(st.text())
def test_normalize_url_takes_any_text(text):
    assert isinstance(normalize_url(text), str)
    assert len(url_hash(text)) == 64


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Regression: these raised ValueError and stopped the poll of the whole feed.
        ("http://[", "http://["),
        ("http://example.com:abc/a#x", "http://example.com:abc/a"),
        ("http://example.com:99999/a", "http://example.com:99999/a"),
        # Regression: "//" as a path normalised to "" (no slash), unlike "/".
        ("http://example.com//", "example.com/"),
        ("http://example.com/a//?utm_source=x", "example.com/a"),
        # Regression: a URL without a scheme lost its first two characters.
        ("example.com/a?b=1&fbclid=2", "example.com/a?b=1"),
    ],
)
def test_normalize_url_regressions_found_by_fuzzing(url, expected):
    assert normalize_url(url) == expected


@FUZZ
@given(urls())
def test_normalize_url_is_stable_and_drops_tracking(generated):
    url, tracking = generated
    normalized = normalize_url(url)
    # The normal form is scheme-less; put one back and it must come out unchanged.
    assert normalize_url(f"https://{normalized}") == normalized
    assert normalize_url(f"http://{normalized}") == normalized
    query = normalized.partition("?")[2]
    kept = {pair.partition("=")[0].lower() for pair in query.split("&") if pair}
    assert not kept & {name.lower() for name in tracking}
    assert "#" not in normalized.partition("?")[0] or "%23" in normalized
    assert url_hash(url) == url_hash(f"https://{normalized}")


@FUZZ
@given(urls())
def test_normalize_url_ignores_scheme_www_case_of_host_and_fragment(generated):
    url, _ = generated
    scheme, _, rest = url.partition("://")
    host, slash, tail = rest.partition("/")
    bare_host = host.lower().removeprefix("www.")
    variant = f"https://www.{bare_host}{slash}{tail.split('#')[0]}"
    assert normalize_url(variant) == normalize_url(url)


# --- feeds -----------------------------------------------------------------------

_FEED_SUFFIXES = {".xml", ".rss", ".atom", ".json", ".rdf"}
REAL_FEEDS = sorted(
    path
    for path in (SHARED_DATA / "feeds").rglob("*")
    if path.suffix in _FEED_SUFFIXES and path.stat().st_size < 200_000
)
_feed_paths = st.sampled_from(REAL_FEEDS)


def _parses_or_not_a_feed(body: bytes, **headers: str) -> None:
    try:
        result = parse_feed(body, url="https://example.com/feed", headers=headers or None)
    except NotAFeed:
        return
    assert isinstance(result, ParsedFeed)
    assert all(isinstance(item.link, str) and isinstance(item.title, str) for item in result.items)


def _read(path: Path) -> bytes:
    return path.read_bytes()


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    body = bytearray(_read(draw(_feed_paths)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(min_value=0, max_value=max(0, len(body) - 1)))
        if kind == "truncate":
            del body[at:]
        elif kind == "flip" and body:
            body[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif kind == "insert":
            junk = draw(
                st.one_of(
                    st.binary(max_size=20),
                    st.sampled_from([b"<", b">", b"&", b"]]>", b"<!--", b"\x00", b"\xff\xfe"]),
                )
            )
            body[at:at] = junk
        elif kind == "delete":
            del body[at : at + draw(st.integers(min_value=1, max_value=200))]
    return bytes(body)


@FUZZ
@given(st.binary(max_size=2000))
def test_parse_feed_takes_any_bytes(body):
    _parses_or_not_a_feed(body)


@pytest.mark.parametrize(
    "body",
    [
        # Regression: feedparser let UnicodeDecodeError out for these bytes.
        b'<?xml version="1.0" encoding="\xd5TF-8"?>',
        # Regression: JSON Feed values of the wrong type raised TypeError/AttributeError.
        b'{"items": [{"url": 1}, {"url": "/a", "tags": 1, "author": "x", "title": []}]}',
        b'{"items": [{"url": "/a", "authors": {"name": "x"}, "content_html": 1}]}',
        b'{"title": 5, "home_page_url": [], "items": []}',
        b'{"items": ' + b"[" * 100_000,
        # Regression: feedparser's own code raised TypeError and ValueError.
        b"</width>",
        b'<?xml version="1.0" encoding="utf\x00-8"?><rss version="2.0"><channel/></rss>',
    ],
)
def test_parse_feed_regressions_found_by_fuzzing(body):
    _parses_or_not_a_feed(body)


@FEW
@given(mutated_feeds())
def test_parse_feed_takes_mutated_real_feeds(body):
    _parses_or_not_a_feed(body)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
_json_item = st.fixed_dictionaries(
    {},
    optional={
        key: _json_values | st.text(max_size=30)
        for key in (
            "id",
            "url",
            "external_url",
            "title",
            "summary",
            "content_html",
            "content_text",
            "date_published",
            "date_modified",
            "author",
            "authors",
            "tags",
        )
    },
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"items": st.lists(_json_item | _json_values, max_size=3)},
        optional={"title": _json_values, "home_page_url": _json_values},
    )
)
def test_parse_feed_takes_json_feeds_with_any_value_types(document):
    _parses_or_not_a_feed(json.dumps(document).encode(), **{"content-type": "application/json"})


# --- feed autodiscovery ----------------------------------------------------------

_tag = st.sampled_from(
    [
        '<link rel="alternate" type="application/rss+xml" href="{}">',
        '<link rel="alternate" type="application/json" href="{}">',
        '<a href="{}">feed</a>',
        '<base href="{}">',
    ]
)


@FUZZ
@given(st.lists(st.tuples(_tag, st.text(max_size=30)) | st.text(max_size=30), max_size=6))
def test_discover_feeds_takes_any_markup(parts):
    from newsprism.ingest.discover import discover_feeds

    page = "".join(p if isinstance(p, str) else p[0].format(p[1]) for p in parts)
    for variant in (page, page.encode("utf-8", errors="surrogatepass")):
        found = discover_feeds(variant, base_url="https://example.com/")
        assert all(url.lower().startswith(("http://", "https://")) for url in found)
        assert len(found) == len(set(found))
