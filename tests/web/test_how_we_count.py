"""/how-we-count states the rules from the code's own constants, docstring and data."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.coverage import blindspot, timeline
from newsprism.ingest import syndication
from newsprism.models import FACTUALITY_AXIS, Rating
from newsprism.settings import Settings
from newsprism.store.outlets import add_rating, outlet_ids_by_domain
from newsprism.store.ratings import set_override
from newsprism.web.app import create_app
from newsprism.web.routes.how_we_count import doc_blocks
from tests.web.sided import seed_covered_story


def _section(html: str, section_id: str) -> str:
    found = re.search(rf'<section class="card prose" id="{section_id}".*?</section>', html, re.S)
    assert found, section_id
    return re.sub(r"\s+", " ", found.group(0))


def _rows(html: str) -> list[tuple[str, ...]]:
    """The cells of each body row of the tables in ``html``."""
    return [
        tuple(re.findall(r"<td[^>]*>(.*?)</td>", row))
        for row in re.findall(r"<tr> ?(<td.*?)</tr>", html)
    ]


def test_thresholds_are_the_codes_constants(client: TestClient) -> None:
    html = client.get("/how-we-count").text
    spots = _section(html, "blindspots")
    assert f"at least {blindspot.BLINDSPOT_MIN_RATED_SOURCES} sources with a bias rating" in spots
    assert f"at most {round(blindspot.BLINDSPOT_MAX_SHARE * 100)}% of those lean left" in spots
    assert f"at least {round(blindspot.BLINDSPOT_OTHER_SIDE_SHARE * 100)}% lean right" in spots
    copies = _section(html, "syndication")
    assert f"{syndication.SHINGLE_WORDS}-word pieces" in copies
    assert f"at least {round(syndication.COPY_THRESHOLD * 100)}% of their pieces" in copies
    times = _section(html, "timeline")
    assert f"longer than {timeline.MAX_BUCKETS} hours" in times
    assert "Until 5 and 10 sources" in times
    # The 7-point scale folds into sides as models.side_of does.
    bias = _section(html, "bias")
    assert re.search(r"Lean Right</td><td>Right</td>", bias)
    assert re.search(r"Center</td><td>Center</td>", bias)
    # Largest-remainder rounding, computed: 1/1/1 sources are 34/33/33.
    assert "Left 34%, Center 33%, Right 33%" in _section(html, "sources")


def test_the_combining_rule_is_the_docstring_with_live_examples(client: TestClient) -> None:
    html = client.get("/how-we-count").text
    rule = _section(html, "combining")
    assert "<strong>An override wins.</strong>" in rule
    assert "A tie (exactly half-way) goes toward the center (position 3) for bias" in rule
    assert "<code>BIAS_SCALE</code>" in rule
    assert "Raters <em>disagree</em> on an axis" in rule
    examples = {
        given: (mean, combined, disagree) for _axis, given, mean, combined, disagree in _rows(rule)
    }
    # left (1) and lean-left (2) average 1.5: the tie goes toward the center.
    assert examples["Left (1), Lean Left (2)"] == ("1.50", "Lean Left (2)", "no")
    assert examples["Left (1), Right (5)"] == ("3.00", "Center (3)", "yes")
    # Factuality ties go to the lower factuality.
    assert examples["High (1), Mostly Factual (2)"] == ("1.50", "Mostly Factual (2)", "no")


def test_raters_in_force_come_from_the_database(settings: Settings, engine: Engine) -> None:
    seed_covered_story(engine, "Summit ends", ["nytimes.com", "reuters.com", "foxnews.com"])
    with engine.begin() as conn:
        ids = outlet_ids_by_domain(conn)
        add_rating(
            conn,
            outlet_id=ids["reuters.com"],
            rating=Rating(axis=FACTUALITY_AXIS, value="high", rater="cred1", licence="CC BY 4.0"),
        )
        set_override(
            conn, outlet_id=ids["foxnews.com"], axis=FACTUALITY_AXIS, value="low", on="2025-01-01",
            note="local editors' call",
        )  # fmt: skip
    with TestClient(create_app(settings, engine)) as client:
        html = client.get("/how-we-count").text
    table = re.sub(
        r"\s+",
        " ",
        re.search(r'<table class="data-table" id="raters-table">.*?</table>', html, re.S).group(0),
    )
    override = 'Local overrides <span class="meta">(set on this instance)</span>'
    assert _rows(table) == [
        ("AllSides", "Bias (US left–right)", "CC BY-NC 4.0", "3"),
        ("Media Bias/Fact Check", "Factuality", "fair use", "3"),
        ("CRED-1", "Factuality", "CC BY 4.0", "1"),
        (override, "Factuality", "local override", "1"),
    ]


def test_an_instance_without_ratings_says_so(client: TestClient) -> None:
    html = client.get("/how-we-count").text
    assert "No ratings are loaded in this instance yet" in html


def test_linked_from_every_page_footer(client: TestClient) -> None:
    for path in ("/", "/blindspots", "/me", "/feeds"):
        assert '<a href="/how-we-count">How we count</a>' in client.get(path).text, path


def test_doc_blocks_keep_paragraphs_bullets_and_inline_code() -> None:
    blocks = doc_blocks(
        """Summary line.

        The rule:

        * **First** thing, ``code``
          continued.
        * Second.
        """,
        start="The rule",
    )
    assert blocks == [
        {"text": [{"kind": "text", "text": "The rule:"}]},
        {
            "bullets": [
                [
                    {"kind": "strong", "text": "First"},
                    {"kind": "text", "text": " thing, "},
                    {"kind": "code", "text": "code"},
                    {"kind": "text", "text": " continued."},
                ],
                [{"kind": "text", "text": "Second."}],
            ]
        },
    ]
