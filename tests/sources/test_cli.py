"""`newsprism sources list | import | export`, through the real CLI."""

import json

import pytest
from typer.testing import CliRunner

from newsprism.cli import app


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("NEWSPRISM_DATABASE_URL", "NEWSPRISM_LOAD_CATALOGUE", "NEWSPRISM_LOAD_ALLSIDES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env
    return CliRunner()


def test_list_loads_the_catalogue_on_first_use_and_shows_ratings(runner):
    result = runner.invoke(app, ["sources", "list", "--country", "US"])
    assert result.exit_code == 0, result.output
    assert "nytimes.com" in result.output and "foxnews.com" in result.output
    assert "lean-left" in result.output and "allsides" in result.output
    assert "lemonde.fr" not in result.output


def test_list_json(runner):
    result = runner.invoke(app, ["sources", "list", "--json", "--country", "fr"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    by_domain = {record["domain"]: record for record in records}
    assert "lemonde.fr" in by_domain and by_domain["lemonde.fr"]["feeds"]
    assert all(record["country"] == "FR" for record in records)


def test_list_without_allsides(runner, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_LOAD_ALLSIDES", "false")
    result = runner.invoke(app, ["sources", "list", "--json"])
    records = json.loads(result.stdout)
    assert all("allsides" not in record["raters"] for record in records)
    nyt = next(record for record in records if record["domain"] == "nytimes.com")
    assert nyt["bias"] is None and nyt["factuality"] == "high"


def test_export_to_stdout_and_file_then_import_into_another_instance(runner, tmp_path):
    csv_result = runner.invoke(app, ["sources", "export"])
    assert csv_result.exit_code == 0, csv_result.output
    assert csv_result.stdout.startswith("domain,name,country,language,homepage,feed_url")
    opml_path = tmp_path / "feeds.opml"
    result = runner.invoke(app, ["sources", "export", "--format", "opml", "-o", str(opml_path)])
    assert result.exit_code == 0, result.output
    assert "xmlUrl=" in opml_path.read_text(encoding="utf-8")

    other = {"NEWSPRISM_DATA_DIR": str(tmp_path / "other"), "NEWSPRISM_LOAD_CATALOGUE": "false"}
    first = runner.invoke(app, ["sources", "import", str(opml_path)], env=other)
    assert first.exit_code == 0, first.output
    assert "outlets added" in first.stdout and "feeds added" in first.stdout
    second = runner.invoke(app, ["sources", "import", str(opml_path)], env=other)
    added = [line for line in second.stdout.splitlines() if "added" in line]
    assert added and all(line.split()[-2] == "0" for line in added), second.stdout


def test_import_rejects_unknown_extensions(runner, tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("nothing", encoding="utf-8")
    result = runner.invoke(app, ["sources", "import", str(path)])
    assert result.exit_code == 1
    assert "expected a .csv" in result.output


def test_export_rejects_unknown_format(runner):
    result = runner.invoke(app, ["sources", "export", "--format", "xls"])
    assert result.exit_code == 2
