"""The README documents what the code does: settings table, commands, test command."""

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.settings import settings_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_settings_table_matches_the_settings_object():
    block = re.search(r"<!-- settings-table.*?-->\n(.*?)\n<!-- /settings-table -->", README, re.S)
    assert block, "README lost its settings table markers"
    assert block.group(1).strip() == settings_table().strip()


def test_every_documented_command_exists_and_has_help():
    runner = CliRunner()
    documented = set(re.findall(r"^\| `newsprism ([a-z]+(?: [a-z]+)?)", README, re.M))
    assert {"run", "serve", "ingest", "import", "export", "extract", "settings"} <= documented
    assert {"sources list", "sources import", "sources export"} <= documented
    for command in sorted(documented):
        words = [w for w in command.split() if not w.startswith("-")]
        result = runner.invoke(app, [*words, "--help"])
        assert result.exit_code == 0, (command, result.output)


def test_ci_runs_the_readme_test_command():
    command = re.search(r"## Run the tests\n\n```sh\n(.*?)\n```", README, re.S).group(1)
    ci = (ROOT / ".ci" / "run").read_text()
    for part in command.split("&&"):
        words = shlex.split(part)
        ci_commands = [shlex.split(line, comments=True) for line in ci.splitlines()]
        assert words in ci_commands, part


def test_install_commands_are_the_two_documented_ones():
    block = re.search(r"## Install and run\n.*?```sh\n(.*?)\n```", README, re.S).group(1)
    assert block.splitlines() == ["pip install -e .", "newsprism run"]
