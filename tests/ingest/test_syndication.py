"""Syndicated copies: real AP/Reuters wire copies from the article-bias corpus, copies
built the way outlets make them, and BASIL's own reports of one event that must stay
apart — on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from datetime import timedelta
from functools import cache

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from newsprism.ingest.archive import record_to_article
from newsprism.ingest.syndication import (
    BAND_RETENTION_DAYS,
    BANDS,
    band_keys,
    estimated_jaccard,
    fingerprint,
    is_copy,
    mark_syndicated_copies,
    prune_old_bands,
    text_words,
)
from newsprism.jobs.pipeline import Pipeline
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.schema import articles, syndication_bands
from newsprism.store.stories import get_story, iter_all_story_ids, story_articles
from newsprism.store.syndication import original_counts, set_bands_pruned_at
from newsprism.stories.cluster import ClusterParams
from newsprism.web.app import create_app
from tests.conftest import SHARED_DATA

CORPORA = SHARED_DATA / "corpora"
# Wire copies found in the article-bias corpus by this module's own LSH pass.
AP_TRUMP_WATCHDOG = "3eACOXS7VwNWNIoS"  # Associated Press, 2020-04-04
HERALD_TRUMP_WATCHDOG = "2z3VCwRWRl1cRdua"  # Boston Herald's reprint, 2020-04-05
AP_SOCIALISM = "pxu01RPJb0tZI2c4"  # Associated Press, 2018-07-21
CBN_SOCIALISM = "5T1XcI6oUzSsPwLA"  # CBN's reprint, 2018-07-22
WIRE_IDS = (AP_TRUMP_WATCHDOG, HERALD_TRUMP_WATCHDOG, AP_SOCIALISM, CBN_SOCIALISM)

AP_COPYRIGHT = (
    "Copyright 2020 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed."
)


@cache
def _wire_records() -> dict[str, dict]:
    found = {}
    with gzip.open(CORPORA / "article_bias_prediction_2018_2020.jsonl.gz", "rt") as handle:
        for line in handle:
            if any(record_id in line for record_id in WIRE_IDS):
                record = json.loads(line)
                if record["id"] in WIRE_IDS:
                    found[record["id"]] = record
    assert sorted(found) == sorted(WIRE_IDS)
    return found


@cache
def _basil_event() -> tuple[dict, ...]:
    """The NYT, Fox News and HuffPost reports of one event: same facts, own words."""
    by_event = defaultdict(list)
    for line in (CORPORA / "basil.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_event[record["story_id"]].append(record)
    return tuple(by_event[sorted(by_event)[0]])


def _wire(record_id: str) -> dict:
    return dict(_wire_records()[record_id])


def _reprint(record: dict, *, outlet: str, domain: str, slug: str, **changes: str) -> dict:
    """A copy the way an outlet runs one: another URL, outlet and usually a tweaked text."""
    return {
        **record,
        "id": f"{domain}-{slug}",
        "url": f"https://www.{domain}/news/{slug}",
        "outlet": outlet,
        "outlet_domain": domain,
        **changes,
    }


def _with_new_first_line(text: str, first_line: str) -> str:
    return "\n\n".join([first_line, *text.split("\n\n")[1:]])


def _with_words_changed(text: str, *, every: int = 150) -> str:
    """Every ``every``-th word replaced: an editor's light touch."""
    words = text.split(" ")
    for index in range(every, len(words), every):
        words[index] = "edited"
    return " ".join(words)


def _ap_reprints() -> list[dict]:
    ap = _wire(AP_TRUMP_WATCHDOG)
    return [
        _reprint(
            ap,
            outlet="Springfield Gazette",
            domain="springfield-gazette.example",
            slug="watchdog",
            text=_with_new_first_line(ap["text"], "SPRINGFIELD GAZETTE WIRE SERVICES")
            + "\n\n"
            + AP_COPYRIGHT,
        ),
        _reprint(
            ap,
            outlet="Shelbyville Times",
            domain="shelbyville-times.example",
            slug="trump-fires-watchdog",
            title="Trump fires intelligence watchdog",
            text=_with_words_changed(ap["text"]),
        ),
    ]


def _store(engine: Engine, records: list[dict]) -> dict[str, int]:
    """Articles from corpus records, in the order given; external id -> article id."""
    ids = {}
    with engine.begin() as conn:
        for record in records:
            ids[record["id"]] = add_article(conn, record_to_article(record))
    return ids


def _links(engine: Engine) -> dict[int, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(articles.c.id, articles.c.syndicated_of))
        return {row.id: row.syndicated_of for row in rows}


# --- the measure ------------------------------------------------------------------


def test_fingerprints_are_stable_across_processes() -> None:
    """Stored bands must match ones computed by a later process: no salted hash()."""
    text = _wire(AP_TRUMP_WATCHDOG)["text"]
    first = fingerprint(text)
    keys = band_keys(first.signature)
    assert len(keys) == BANDS and all(len(key) <= 40 for key in keys)
    assert keys == band_keys(fingerprint(text).signature)
    # Pinned: changing the hashing silently orphans every band already stored.
    assert keys[0] == "00:4fd9b75ef8678028f5fbc7f9"
    # Its size is the number of distinct 5-word shingles (what containment divides by).
    words = text_words(text)
    assert first.shingles == len({tuple(words[i : i + 5]) for i in range(len(words) - 4)})


def test_wire_copies_match_and_own_reports_do_not() -> None:
    ap = fingerprint(_wire(AP_TRUMP_WATCHDOG)["text"])
    for copy in [_wire(HERALD_TRUMP_WATCHDOG), *_ap_reprints()]:
        assert is_copy(ap, fingerprint(copy["text"])), copy["outlet"]
    socialism = fingerprint(_wire(AP_SOCIALISM)["text"])
    assert is_copy(socialism, fingerprint(_wire(CBN_SOCIALISM)["text"]))
    assert not is_copy(ap, socialism)
    reports = [fingerprint(record["text"]) for record in _basil_event()]
    for index, first in enumerate(reports):
        for second in reports[index + 1 :]:
            # Fox News and HuffPost quote the same statements: ~0.1, far from a copy.
            assert estimated_jaccard(first, second) < 0.3
            assert not is_copy(first, second)


def test_short_texts_have_no_fingerprint() -> None:
    words = text_words(_wire(AP_TRUMP_WATCHDOG)["text"])
    assert fingerprint(" ".join(words[:59])) is None
    assert fingerprint(" ".join(words[:60])) is not None
    assert fingerprint("") is None


# --- the step, on both databases --------------------------------------------------


def test_copies_are_linked_to_the_earliest_article(engine: Engine) -> None:
    herald = _wire(HERALD_TRUMP_WATCHDOG)
    gazette, shelbyville = _ap_reprints()
    brief = " ".join(herald["text"].split()[:40])
    records = [
        _wire(AP_TRUMP_WATCHDOG),
        herald,
        gazette,
        shelbyville,
        _wire(AP_SOCIALISM),
        _wire(CBN_SOCIALISM),
        *_basil_event(),
        # The same short brief in two outlets: too little text to call it a copy.
        _reprint(herald, outlet="A", domain="a.example", slug="brief", text=brief),
        _reprint(herald, outlet="B", domain="b.example", slug="brief", text=brief),
    ]
    ids = _store(engine, records)
    assert mark_syndicated_copies(engine) == 4
    links = _links(engine)
    ap, socialism = ids[AP_TRUMP_WATCHDOG], ids[AP_SOCIALISM]
    assert links[ids[HERALD_TRUMP_WATCHDOG]] == ap
    assert links[ids[gazette["id"]]] == ap
    assert links[ids[shelbyville["id"]]] == ap
    assert links[ids[CBN_SOCIALISM]] == socialism
    for record_id in (AP_TRUMP_WATCHDOG, AP_SOCIALISM, "a.example-brief"):
        assert links[ids[record_id]] is None
    assert links[ids["b.example-brief"]] is None
    for record in _basil_event():
        assert links[ids[record["id"]]] is None
    # Re-running checks nothing twice and changes nothing.
    with engine.connect() as conn:
        bands = conn.execute(select(syndication_bands)).all()
    assert mark_syndicated_copies(engine) == 0
    assert _links(engine) == links
    with engine.connect() as conn:
        assert conn.execute(select(syndication_bands)).all() == bands
    # Articles stored later are checked on the next run, against everything before.
    late = _reprint(_wire(AP_SOCIALISM), outlet="Late", domain="late.example", slug="socialism")
    late_id = _store(engine, [late])[late["id"]]
    assert mark_syndicated_copies(engine) == 1
    assert _links(engine)[late_id] == socialism


def test_an_original_stored_after_its_copy_becomes_the_original(engine: Engine) -> None:
    """A feed catching up: the AP article arrives after the reprints, published earlier."""
    gazette, shelbyville = _ap_reprints()
    ids = _store(engine, [gazette, shelbyville])
    assert mark_syndicated_copies(engine) == 1
    assert _links(engine)[ids[shelbyville["id"]]] == ids[gazette["id"]]
    ap = _wire(AP_TRUMP_WATCHDOG)
    ap["published"] = "2020-04-03"
    ids |= _store(engine, [ap])
    assert mark_syndicated_copies(engine) == 1  # gazette became a copy
    links = _links(engine)
    assert links[ids[AP_TRUMP_WATCHDOG]] is None
    assert links[ids[gazette["id"]]] == ids[AP_TRUMP_WATCHDOG]
    assert links[ids[shelbyville["id"]]] == ids[AP_TRUMP_WATCHDOG]


def test_copies_far_apart_in_time_are_not_linked(engine: Engine) -> None:
    """A year-later reprint is a new publication (an anniversary piece), not a copy."""
    ap = _wire(AP_TRUMP_WATCHDOG)
    anniversary = _reprint(ap, outlet="A", domain="a.example", slug="one-year-on")
    anniversary["published"] = "2021-04-04"
    _store(engine, [ap, anniversary])
    assert mark_syndicated_copies(engine) == 0


# --- coverage and the story page after the pipeline -------------------------------


def test_pipeline_counts_originals_and_the_page_shows_them(
    engine: Engine, settings: Settings
) -> None:
    ap = _wire(AP_TRUMP_WATCHDOG)
    herald = _wire(HERALD_TRUMP_WATCHDOG)
    herald["published"] = ap["published"]  # one clustering window, whatever the params
    records = [ap, herald, *_ap_reprints(), *_basil_event()]
    ids = _store(engine, records)
    Pipeline(engine, params=ClusterParams()).process()
    with engine.connect() as conn:
        story_ids = list(iter_all_story_ids(conn))
        by_size = {}
        for story_id in story_ids:
            story = get_story(conn, story_id)
            by_size[story["article_count"]] = story
        counts = original_counts(conn, story_ids)
    wire_story, basil_story = by_size[4], by_size[3]
    assert len(story_ids) == 2
    assert wire_story["coverage"]["original_count"] == 1
    assert wire_story["coverage"]["syndicated_count"] == 3
    assert basil_story["coverage"]["original_count"] == 3
    assert basil_story["coverage"]["syndicated_count"] == 0
    assert counts == {wire_story["id"]: 1, basil_story["id"]: 3}

    with TestClient(create_app(settings, engine)) as client:
        html = client.get(f"/stories/{wire_story['id']}").text
        detail = client.get(f"/api/stories/{wire_story['id']}").json()
    assert "<strong>4 Articles, 1 original</strong>" in html
    assert re.search(r"<dt>Original Articles</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Syndicated Copies</dt><dd>3</dd>", html)
    original = ids[AP_TRUMP_WATCHDOG]
    assert html.count(">Syndicated copy</span>") == 3
    assert html.count(f'of <a href="#article-{original}">Associated Press</a>') == 3
    entry = re.search(rf'id="article-{original}".*?</li>', html, re.S).group(0)
    assert "Syndicated copy" not in entry
    assert detail["original_count"] == 1
    assert detail["coverage"]["original_count"] == 1
    by_id = {article["id"]: article for article in detail["articles"]}
    assert by_id[original]["syndicated_of"] is None
    assert by_id[ids[HERALD_TRUMP_WATCHDOG]]["syndicated_of"] == original


def test_marking_a_clustered_article_refreshes_its_story(engine: Engine) -> None:
    """An original arriving late turns an already clustered article into a copy: the
    story it is in gets its coverage recomputed."""
    gazette, shelbyville = _ap_reprints()
    ids = _store(engine, [gazette, shelbyville])
    pipeline = Pipeline(engine, params=ClusterParams())
    pipeline.process()

    def reprints_coverage() -> dict:
        with engine.connect() as conn:
            (story_id,) = {
                m["story_id"]
                for sid in iter_all_story_ids(conn)
                for m in [{"story_id": sid, **a} for a in story_articles(conn, sid)]
                if m["id"] == ids[gazette["id"]]
            }
            return get_story(conn, story_id)["coverage"]

    assert reprints_coverage()["syndicated_count"] == 1
    assert _links(engine)[ids[gazette["id"]]] is None
    ap = _wire(AP_TRUMP_WATCHDOG)
    ap["published"] = "2020-03-30"  # in the copy window, outside the clustering one
    ids |= _store(engine, [ap])
    report = pipeline.process()
    assert report.stories_refreshed == 2  # the AP's new story and the reprints' one
    # Both reprints are now copies of the AP article, which is in another story: the
    # reprints' story still has one original text, and its articles link to the AP's.
    links = _links(engine)
    assert links[ids[gazette["id"]]] == links[ids[shelbyville["id"]]] == ids[AP_TRUMP_WATCHDOG]
    assert reprints_coverage()["original_count"] == 1


def test_window_is_measured_from_publication(engine: Engine) -> None:
    """Two copies a few days apart are still linked (a weekly reprinting the wire)."""
    ap = _wire(AP_TRUMP_WATCHDOG)
    weekly = _reprint(ap, outlet="Weekly", domain="weekly.example", slug="watchdog")
    weekly["published"] = (record_to_article(ap).published + timedelta(days=5)).date().isoformat()
    ids = _store(engine, [weekly, ap])
    assert mark_syndicated_copies(engine) == 1
    assert _links(engine)[ids[weekly["id"]]] == ids[AP_TRUMP_WATCHDOG]


def test_bands_of_old_articles_are_pruned_once_a_day(engine: Engine) -> None:
    """Bands only serve copies published within days of each other: a long-running
    instance drops those of articles over BAND_RETENTION_DAYS old, daily; the articles
    and their copy links stay."""
    ap, herald = _wire(AP_TRUMP_WATCHDOG), _wire(HERALD_TRUMP_WATCHDOG)
    ids = _store(engine, [ap, herald])
    assert mark_syndicated_copies(engine) == 1
    links = _links(engine)

    def banded() -> set[int]:
        with engine.connect() as conn:
            return set(conn.execute(select(syndication_bands.c.article_id)).scalars())

    both = {ids[AP_TRUMP_WATCHDOG], ids[HERALD_TRUMP_WATCHDOG]}
    assert banded() == both
    # The first pass started the clock (now); replay the days after the articles.
    times = [record_to_article(record).published for record in (ap, herald)]
    oldest, newest = min(times), max(times)
    with engine.begin() as conn:
        set_bands_pruned_at(conn, newest)
    retention = timedelta(days=BAND_RETENTION_DAYS)
    assert prune_old_bands(engine, now=newest + timedelta(hours=12)) == 0  # not a day on
    within = oldest + retention - timedelta(hours=1)
    assert prune_old_bands(engine, now=within) == 0  # pruned: nothing that old yet
    assert banded() == both
    # Half a day on, the oldest is past the retention, but it was pruned today.
    assert prune_old_bands(engine, now=within + timedelta(hours=12)) == 0
    assert banded() == both
    assert prune_old_bands(engine, now=newest + retention + timedelta(days=1)) == 2 * BANDS
    assert banded() == set()
    assert _links(engine) == links
