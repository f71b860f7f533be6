"""Guards the licence rule: what ships in newsprism/sources/data, and under which terms."""

import json
from pathlib import Path

import newsprism.sources

DATA = Path(newsprism.sources.__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
OPEN_LICENCES = {"wikipedia-rsp": "CC BY-SA 4.0", "cred1": "CC BY 4.0", "opensources": "LGPL-3.0"}


def test_outlets_json_holds_only_open_raters_and_no_noncommercial_licence():
    document = json.loads((DATA / "outlets.json").read_text(encoding="utf-8"))
    assert document["format"] == 1 and document["licence"] == "CC BY-SA 4.0"
    text = json.dumps(document)
    assert "BY-NC" not in text and "allsides" not in text.lower().replace("allsides.com", "")
    for outlet in document["outlets"]:
        for rating in outlet["ratings"]:
            assert OPEN_LICENCES.get(rating["rater"]) == rating["licence"], rating
        if outlet["ownership"]:
            assert outlet["ownership"]["licence"] == "MIT" and outlet["ownership"]["source"]
            assert len(outlet["ownership"]["owner"] or "") <= 201


def test_allsides_file_is_separate_and_only_allsides_bias():
    document = json.loads((DATA / "ratings-allsides.json").read_text(encoding="utf-8"))
    assert document["licence"] == "CC BY-NC 4.0" and "allsides.com" in document["attribution"]
    assert len(document["ratings"]) >= 278
    allowed = {"left", "lean-left", "center", "lean-right", "right"}
    for rating in document["ratings"]:
        assert rating["rater"] == "allsides" and rating["axis"] == "us-left-right"
        assert rating["licence"] == "CC BY-NC 4.0" and rating["value"] in allowed
        assert rating["rated_on"] in {"2018", "2019"}


def test_no_import_only_rater_anywhere_in_shipped_data():
    for path in DATA.iterdir():
        text = path.read_text(encoding="utf-8").lower()
        for name in ("mbfc", "mediabiasfactcheck", "media bias/fact check", "adfontes"):
            assert name not in text, (path.name, name)


def test_data_licenses_names_every_shipped_file():
    notice = (REPO / "DATA-LICENSES.md").read_text(encoding="utf-8")
    shipped = [path for path in DATA.iterdir() if path.is_file()]
    assert shipped
    for path in shipped:
        assert f"newsprism/sources/data/{path.name}" in notice, path.name
    for upstream in (
        "github.com/kagisearch/kite-public",
        "github.com/plenaryapp/awesome-rss-feeds",
        "Perennial_sources",
        "CRED-1",
        "OpenSources",
        "allsides.com/media-bias",
        "NEWSPRISM_LOAD_ALLSIDES",
    ):
        assert upstream in notice, upstream
