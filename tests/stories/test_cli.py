"""`newsprism stories merge | split | move | log`, through the real CLI on a real
SQLite database (the CLI opens the database itself: no token)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.settings import Settings
from newsprism.store.db import open_database
from newsprism.store.stories import get_story, story_articles
from tests.web.conftest import seed_story


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("NEWSPRISM_DATABASE_URL", "NEWSPRISM_ADMIN_TOKEN", "NEWSPRISM_ADMIN_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env
    return CliRunner()


@pytest.fixture
def database(runner: CliRunner, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The database the CLI will open, with two stories of three articles."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "data").prepare()
    engine = open_database(settings.effective_database_url)
    seeded = (
        seed_story(engine, title="Maduro asks Russia for help", url_prefix="one"),
        seed_story(engine, title="Kremlin answers Maduro", url_prefix="two", hours_ago=2),
    )
    yield engine, seeded
    engine.dispose()


def _members(engine, story_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return sorted(article["id"] for article in story_articles(conn, story_id))


def test_merge_split_move_and_the_log(runner, database):
    engine, (one, other) = database
    one_id, other_id = one.story_id, other.story_id

    merged = runner.invoke(
        app, ["stories", "merge", str(other_id), str(one_id), "--note", "one event"]
    )
    assert merged.exit_code == 0, merged.output
    assert f"merged story {other_id} into {one_id}: 3 articles moved" in merged.stdout
    with engine.connect() as conn:
        assert get_story(conn, other_id)["id"] == one_id
    assert len(_members(engine, one_id)) == 6

    fox = [one.article_ids["foxnews.com"], other.article_ids["foxnews.com"]]
    split = runner.invoke(app, ["stories", "split", str(one_id), *map(str, fox)])
    assert split.exit_code == 0, split.output
    new_id = int(split.stdout.split("new story ")[1].split()[0])
    assert _members(engine, new_id) == sorted(fox)

    article = one.article_ids["reuters.com"]
    moved = runner.invoke(app, ["stories", "move", str(article), str(new_id)])
    assert moved.exit_code == 0, moved.output
    assert f"moved article {article} from story {one_id} to {new_id}" in moved.stdout
    assert article in _members(engine, new_id)

    log = runner.invoke(app, ["stories", "log", "--json"])
    assert log.exit_code == 0, log.output
    entries = json.loads(log.stdout)
    assert [entry["action"] for entry in entries] == ["move", "split", "merge"]
    assert entries[2]["note"] == "one event" and entries[2]["actor"] == "cli"
    assert entries[1]["target_story_id"] == new_id

    table = runner.invoke(app, ["stories", "log", "--story", str(other_id)])
    assert table.exit_code == 0, table.output
    assert "Story corrections (1 of 1)" in table.stdout
    assert "one event" in table.stdout and "merge" in table.stdout


def test_a_refused_correction_exits_1_with_the_reason(runner, database):
    engine, (one, _other) = database
    itself = runner.invoke(app, ["stories", "merge", str(one.story_id), str(one.story_id)])
    assert itself.exit_code == 1
    assert "refused" in itself.output and "into itself" in itself.output
    everything = runner.invoke(
        app, ["stories", "split", str(one.story_id), *map(str, one.article_ids.values())]
    )
    assert everything.exit_code == 1 and "leave it empty" in everything.output
    unknown = runner.invoke(app, ["stories", "move", "424242", str(one.story_id)])
    assert unknown.exit_code == 1 and "no article 424242" in unknown.output
    assert json.loads(runner.invoke(app, ["stories", "log", "--json"]).stdout) == []
    assert len(_members(engine, one.story_id)) == 3


@pytest.mark.parametrize("command", ["merge", "split", "move", "log"])
def test_every_stories_command_has_help(runner, command):
    result = runner.invoke(app, ["stories", command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
