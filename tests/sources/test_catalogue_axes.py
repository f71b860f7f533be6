"""Rating axes a catalogue declares (issue 5): stored, combined by their own tie rule,
imported, overridden, shown on the pages and in the API and export.

The catalogue here is made up for the test (``.example`` outlets, raters ``rater-a`` and
``rater-b``); it is no real rating data. Every test that stores runs on SQLite and on
PostgreSQL (the ``engine`` / ``db_url`` fixtures).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from newsprism.cli import app as cli_app
from newsprism.jobs.exporter import iter_story_exports
from newsprism.jobs.pipeline import Pipeline
from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Rating, RawArticle
from newsprism.settings import Settings
from newsprism.sources.axes import AxisError, AxisRegistry, parse_axes
from newsprism.sources.catalogue import parse_catalogue
from newsprism.sources.importing import import_catalogue, import_file
from newsprism.sources.rating_import import import_ratings_file
from newsprism.sources.ratings import combine, combined_value, raters_disagree
from newsprism.store.articles import add_article
from newsprism.store.axes import axis_registry, declared_axes
from newsprism.store.outlets import list_outlets, outlet_ids_by_domain
from newsprism.store.ratings import set_override
from newsprism.store.schema import axes as axes_table
from newsprism.store.schema import ratings as ratings_table
from newsprism.stories.cluster import ClusterParams
from newsprism.web.app import create_app
from tests.fixtures.stories import story_of

AXIS = "eu-party-family"
SCALE = [
    "far-left",
    "green",
    "social-democrat",
    "liberal",
    "christian-democrat",
    "conservative",
    "national-conservative",
    "far-right",
]
LICENCE = "CC0 1.0 (test data)"


def _rating(value: str, rater: str, axis: str = AXIS) -> dict[str, Any]:
    return {"axis": axis, "value": value, "rater": rater, "licence": LICENCE, "rated_on": "2025"}


def _catalogue() -> dict[str, Any]:
    """Two outlets rated by two raters on a declared European party-family axis."""
    return {
        "axes": [
            {
                "name": AXIS,
                "label": "European party family",
                "description": "A made-up party-family scale for this test.",
                "scale": [
                    value if value != "green" else {"value": "green", "label": "Greens"}
                    for value in SCALE
                ],
                "toward": "liberal",
            }
        ],
        "outlets": [
            {
                "domain": "tribune.example",
                "name": "The Example Tribune",
                "country": "DE",
                "feeds": ["https://tribune.example/rss.xml"],
                "ratings": [
                    # 2 and 4 average 3: liberal, and two steps apart: the raters disagree.
                    _rating("social-democrat", "rater-a"),
                    _rating("christian-democrat", "rater-b"),
                    # Not on the scale, and on an axis nobody declared: both left out.
                    _rating("monarchist", "rater-b", AXIS),
                    _rating("populist", "rater-a", "eu-populism"),
                    # A built-in axis rides along as before.
                    _rating("center", "rater-a", BIAS_AXIS),
                ],
            },
            {
                "domain": "courier.example",
                "name": "The Example Courier",
                "country": "AT",
                "ratings": [
                    # 5 and 6 average 5.5: the tie goes toward liberal (3), so 5.
                    _rating("conservative", "rater-a"),
                    _rating("national-conservative", "rater-b"),
                ],
            },
        ],
    }


def _import(engine: Engine, data: dict[str, Any] | None = None) -> dict[str, int]:
    done = import_catalogue(engine, parse_catalogue(data or _catalogue()))
    return {**done.counts, **{f"skipped: {k}": v for k, v in done.skipped.items()}}


def _combined(engine: Engine, domain: str) -> Any:
    with engine.connect() as conn:
        known = axis_registry(conn)
        outlet = next(o for o in list_outlets(conn) if o.domain == domain)
    return combine(outlet.ratings, AXIS, axes=known)


def test_a_declared_axis_combines_by_its_own_tie_rule(engine: Engine) -> None:
    report = _import(engine)
    assert report["axes_added"] == 1 and report["ratings_in_file"] == 7
    assert report["ratings_added"] == 5 and report["ratings_skipped"] == 2
    assert report[f"skipped: 'monarchist' is not on the {AXIS} scale"] == 1
    assert report["skipped: axis 'eu-populism' is not known here (not declared)"] == 1

    tribune = _combined(engine, "tribune.example")
    assert (tribune.value, tribune.raters, tribune.raters_disagree) == (
        "liberal",
        ("rater-a", "rater-b"),
        True,
    )
    courier = _combined(engine, "courier.example")
    assert (courier.value, courier.raters_disagree) == ("conservative", False)

    with engine.connect() as conn:
        (axis,) = declared_axes(conn)
        stored = {row.value for row in conn.execute(select(ratings_table.c.value))}
    assert axis.scale == tuple(SCALE) and axis.toward == "liberal"
    assert axis.value_label("green") == "Greens" and axis.value_label("liberal") is None
    assert "monarchist" not in stored and "populist" not in stored


def test_tie_rules_without_a_database() -> None:
    """The rule takes a registry; the built-ins need none, a declared axis does."""
    (declared,) = parse_axes(_catalogue()["axes"])
    end = parse_axes([{"name": "toward-end", "scale": ["a", "b", "c"], "toward": "end"}])
    known = AxisRegistry([declared, *end])

    def ratings(axis: str, *values: str) -> list[Rating]:
        return [
            Rating(axis=axis, value=value, rater=f"r{i}", licence="x")
            for i, value in enumerate(values)
        ]

    # green (1) and social-democrat (2): 1.5 goes up, toward liberal (3).
    assert combined_value(ratings(AXIS, "green", "social-democrat"), AXIS, axes=known) == (
        "social-democrat"
    )
    # far-right (7) and national-conservative (6): 6.5 goes down, toward liberal.
    assert combined_value(
        ratings(AXIS, "far-right", "national-conservative"), AXIS, axes=known
    ) == ("national-conservative")
    assert combined_value(ratings("toward-end", "a", "b"), "toward-end", axes=known) == "b"
    assert raters_disagree(ratings(AXIS, "far-left", "social-democrat"), AXIS, axes=known)
    # Without the registry a declared axis is not known: no value, never a guess.
    assert combined_value(ratings(AXIS, "green", "green"), AXIS) is None
    # The built-ins work with no registry, as every caller that has no database uses them.
    assert combined_value(ratings(BIAS_AXIS, "left", "lean-left"), BIAS_AXIS) == "lean-left"
    assert combined_value(ratings(FACTUALITY_AXIS, "high", "mixed"), FACTUALITY_AXIS) == (
        "mostly-factual"
    )


def test_importing_the_same_catalogue_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(_catalogue()), encoding="utf-8")
    first = import_file(engine, path)
    assert first["outlets_added"] == 2 and first["axes_added"] == 1

    def snapshot() -> tuple[list[Any], list[Any]]:
        with engine.connect() as conn:
            axes = [tuple(row) for row in conn.execute(select(axes_table))]
            rows = conn.execute(select(ratings_table).order_by(ratings_table.c.id))
            ratings = [tuple(row) for row in rows]
        return axes, ratings

    before = snapshot()
    second = import_file(engine, path)
    assert second["outlets_added"] == 0 and second["feeds_added"] == 0
    assert second["axes_added"] == 0 and second["axes_updated"] == 0
    assert second["ratings_added"] == 0
    assert snapshot() == before


def test_redeclaring_an_axis_with_another_scale_updates_it(engine: Engine) -> None:
    _import(engine)
    changed = copy.deepcopy(_catalogue())
    axis = changed["axes"][0]
    axis["scale"] = [value for value in SCALE if value != "national-conservative"]
    axis["toward"] = "end"
    changed["outlets"] = []
    report = _import(engine, changed)
    assert (report["axes_added"], report["axes_updated"]) == (0, 1)
    with engine.connect() as conn:
        (stored,) = declared_axes(conn)
    assert "national-conservative" not in stored.scale and stored.tie_value == "far-right"
    # rater-b's national-conservative stays stored but is off the scale now: not combined.
    courier = _combined(engine, "courier.example")
    assert (courier.value, courier.raters) == ("conservative", ("rater-a",))


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ([{"name": BIAS_AXIS, "scale": ["left", "right"]}], "is built in and cannot be redefined"),
        ([{"name": "factuality", "scale": ["a", "b"]}], "is built in and cannot be redefined"),
        ([{"name": "x-axis", "scale": ["a", "b"], "toward": "c"}], "must be a value of its scale"),
        ([{"name": "x-axis", "scale": ["a", "a"]}], "appears twice"),
        ([{"name": "x-axis", "scale": ["a"]}], "2 to 64 values"),
        ([{"name": "x-axis", "scale": ["a", "end"]}], "the tie rule's word"),
        ([{"name": "X Axis", "scale": ["a", "b"]}], "a-z, 0-9 and -"),
        ([{"name": "x-axis", "scale": ["a", "b"]}] * 2, "declared twice"),
        ({"name": "x-axis"}, "must be a list"),
    ],
)
def test_bad_axis_declarations_get_a_clear_error(axes: Any, message: str) -> None:
    with pytest.raises(AxisError, match=re.escape(message)):
        parse_catalogue({"axes": axes, "outlets": []})


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The real CLI on the test database, without the bundled catalogue."""
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSPRISM_DATABASE_URL", db_url)
    monkeypatch.setenv("NEWSPRISM_LOAD_CATALOGUE", "false")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)  # no developer .env
    return CliRunner()


def _write(tmp_path: Path, data: dict[str, Any], name: str = "catalogue.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_cli_refuses_a_catalogue_redefining_a_built_in_axis(
    cli: CliRunner, tmp_path: Path, db_url: str
) -> None:
    data = _catalogue()
    data["axes"].append({"name": BIAS_AXIS, "scale": ["left", "center", "right"]})
    result = cli.invoke(cli_app, ["sources", "import", str(_write(tmp_path, data))])
    assert result.exit_code == 1
    assert f"axis '{BIAS_AXIS}' is built in and cannot be redefined" in " ".join(
        result.output.split()
    )
    listed = cli.invoke(cli_app, ["sources", "list", "--json"])
    assert json.loads(listed.stdout) == []  # nothing of the file was stored
    broken = tmp_path / "broken.json"
    broken.write_text('{"outlets": [', encoding="utf-8")
    result = cli.invoke(cli_app, ["sources", "import", str(broken)])
    assert result.exit_code == 1 and "broken.json is not JSON" in result.output


def test_cli_import_override_ratings_and_axes(cli: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, _catalogue())
    first = cli.invoke(cli_app, ["sources", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert re.search(r"axes added\s+│\s+1", first.stdout)
    assert "skipped 1 rating(s): 'monarchist' is not on the eu-party-family scale" in first.output

    override = cli.invoke(
        cli_app,
        ["sources", "override", "tribune.example", "--axis", AXIS, "--value", "Green"],
    )
    assert override.exit_code == 0, override.output
    assert f"{AXIS} overridden to green (the raters say liberal)" in override.stdout

    shown = cli.invoke(cli_app, ["sources", "ratings", "tribune.example", "--json"])
    record = json.loads(shown.stdout)
    assert record["combined"][AXIS] == {
        "value": "green",
        "override": True,
        "raters": ["rater-a", "rater-b"],
        "raters_disagree": True,  # an override does not hide the raters' disagreement
    }
    assert record["axes"][AXIS]["ties_toward"] == "liberal"
    assert record["axes"][AXIS]["scale"][1] == {"value": "green", "label": "Greens"}
    states = {(r["axis"], r["rater"]): r["state"] for r in record["ratings"]}
    assert states[(AXIS, "local")] == "override" and states[(AXIS, "rater-a")] == "in force"

    table = cli.invoke(cli_app, ["sources", "ratings", "tribune.example"])
    assert re.search(rf"{AXIS}\s+│\s+green \(override\) \(raters disagree\)", table.stdout)

    off_scale = cli.invoke(
        cli_app, ["sources", "override", "tribune.example", "--axis", AXIS, "--value", "tory"]
    )
    assert off_scale.exit_code == 2 and "is not on the eu-party-family scale" in off_scale.output
    unknown = cli.invoke(
        cli_app, ["sources", "override", "tribune.example", "--axis", "eu-populism", "--value", "x"]
    )
    assert unknown.exit_code == 2 and "unknown axis 'eu-populism'" in unknown.output

    axes = json.loads(cli.invoke(cli_app, ["sources", "axes", "--json"]).stdout)
    assert list(axes) == [BIAS_AXIS, FACTUALITY_AXIS, "wikipedia-reliability", AXIS]
    assert axes[AXIS]["built_in"] is False and axes[BIAS_AXIS]["ties_toward"] == "center"
    table = cli.invoke(cli_app, ["sources", "axes"]).stdout
    assert re.search(rf"{AXIS}\s+│ European party family\s+│ far-left › green", table)
    assert re.search(r"│ liberal\s+│ catalogue", table)


def test_a_ratings_file_on_a_declared_axis(engine: Engine, tmp_path: Path) -> None:
    """The generic format (one rating a row) imports a declared axis's ratings."""
    _import(engine)
    path = tmp_path / "party-family.csv"
    path.write_text(
        "domain,axis,value,rated_on\n"
        "tribune.example,eu-party-family,Liberal,2026-01\n"
        "courier.example,eu-party-family,monarchist,2026-01\n"
        "courier.example,eu-populism,high,2026-01\n"
        "unknown.example,eu-party-family,green,2026-01\n",
        encoding="utf-8",
    )

    def run() -> Any:
        return import_ratings_file(
            engine, path, rater="rater-c", licence=LICENCE, today=date(2026, 2, 1)
        )

    report = run()
    assert report.format == "generic"
    # courier.example matches, but neither of its ratings is taken.
    assert (report.ratings_added, report.outlets_matched) == (1, 2)
    assert report.unknown_domains == ["unknown.example"]
    assert report.skipped == {
        f"'monarchist' is not on the {AXIS} scale": 1,
        "axis 'eu-populism' is not known here (not declared)": 1,
    }
    again = run()
    assert (again.ratings_added, again.ratings_updated, again.ratings_unchanged) == (0, 0, 1)
    tribune = _combined(engine, "tribune.example")
    # social-democrat (2), christian-democrat (4) and liberal (3): liberal.
    assert tribune.value == "liberal" and tribune.raters == ("rater-a", "rater-b", "rater-c")


def _client(settings: Settings, engine: Engine) -> TestClient:
    return TestClient(create_app(settings, engine))


def test_outlet_page_how_we_count_and_api_show_the_axis(settings: Settings, engine: Engine) -> None:
    _import(engine)
    with engine.begin() as conn:
        set_override(
            conn,
            outlet_id=outlet_ids_by_domain(conn)["courier.example"],
            axis=AXIS,
            value="green",
            on="2026-01-01",
            note="test override",
        )
    with _client(settings, engine) as client:
        page = " ".join(client.get("/outlets/tribune.example").text.split())
        courier = " ".join(client.get("/outlets/courier.example").text.split())
        how = " ".join(client.get("/how-we-count").text.split())
        api = client.get("/api/outlets/tribune.example").json()
        api_courier = client.get("/api/outlets/courier.example").json()

    assert "<dt>European party family (combined)</dt><dd>Liberal" in page
    assert "<dt>European party family combined from</dt><dd>rater-a, rater-b" in page
    assert "raters disagree" in page
    assert "<td>European party family</td> <td>Social Democrat" in page
    # The override, by its declared label, marked as one.
    assert re.search(
        r"<dt>European party family \(combined\)</dt><dd>Greens <span class=\"tag\">local override",
        courier,
    )

    item = re.search(r'<li id="axis-eu-party-family">.*?</li>', how)
    assert item, "the declared axis is not on /how-we-count"
    text = re.sub(r"<[^>]+>", "", item.group(0))
    assert "European party family (eu-party-family, declared by a catalogue)" in text
    assert "Far Left › Greens › Social Democrat › Liberal › Christian Democrat" in text
    assert "ties go toward Liberal." in text and "A made-up party-family scale" in text
    assert '<li id="axis-wikipedia-reliability">' in how
    assert "(the end of the scale)" in how

    assert api["combined"][AXIS] == {
        "value": "liberal",
        "override": False,
        "raters": ["rater-a", "rater-b"],
        "raters_disagree": True,
    }
    assert {(r["rater"], r["value"]) for r in api["ratings"] if r["axis"] == AXIS} == {
        ("rater-a", "social-democrat"),
        ("rater-b", "christian-democrat"),
    }
    assert api_courier["combined"][AXIS]["value"] == "green"
    assert api_courier["combined"][AXIS]["override"] is True


def test_export_carries_each_raters_values_on_the_axis(engine: Engine) -> None:
    _import(engine)
    start = datetime.now(UTC) - timedelta(hours=3)
    with engine.begin() as conn:
        ids = outlet_ids_by_domain(conn)
        article_ids = [
            add_article(
                conn,
                RawArticle(
                    url=f"https://{domain}/election.html",
                    title=f"{domain} on the election",
                    lede="The election result, as told by a made-up outlet.",
                    published=start + timedelta(hours=index),
                    language="de",
                ),
                outlet_id=ids[domain],
            )
            for index, domain in enumerate(("tribune.example", "courier.example"))
        ]
        story_id = story_of(
            conn,
            article_ids,
            title="Election",
            first_seen=start,
            last_seen=start + timedelta(hours=1),
        )
    Pipeline(engine, params=ClusterParams()).refresh_story(story_id)
    (record,) = list(iter_story_exports(engine))
    assert record["per_rater"]["rater-a"][AXIS]["values"] == {
        "conservative": 1,
        "social-democrat": 1,
    }
    assert record["per_rater"]["rater-b"][AXIS]["values"] == {
        "christian-democrat": 1,
        "national-conservative": 1,
    }
    outlets = {o["domain"]: o for o in record["coverage"]["outlets"]}
    assert {r["value"] for r in outlets["courier.example"]["ratings"] if r["axis"] == AXIS} == {
        "conservative",
        "national-conservative",
    }
