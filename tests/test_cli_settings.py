"""A wrong setting stops every command with a clear message, before any work."""

from typer.testing import CliRunner

from newsprism.cli import app


def test_a_wrong_setting_names_itself_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSPRISM_EMBEDDING_BACKEND", "hashing")
    result = CliRunner().invoke(app, ["eval", "stories", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2
    assert "NEWSPRISM_EMBEDDING_BACKEND" in result.output
    assert "package.module:ClassName" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "newsprism.sqlite3").exists()


def test_a_wrong_number_is_reported_the_same_way(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSPRISM_STORY_THRESHOLD", "high")
    result = CliRunner().invoke(app, ["feeds", "health"])
    assert result.exit_code == 2
    assert "NEWSPRISM_STORY_THRESHOLD" in result.output and "'high'" in result.output


def test_another_embedder_class_is_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSPRISM_EMBEDDING_BACKEND", "my_models.embed:MyEmbedder")
    result = CliRunner().invoke(app, ["feeds", "health"])
    assert result.exit_code == 0, result.output
