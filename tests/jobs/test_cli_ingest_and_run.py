"""`newsprism ingest --once` and `newsprism run` as a user runs them, against feeds on
a loopback server: the CLI, a real process, real HTTP, Ctrl-C, and a resumed start."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from tests.fixtures.feed_server import FeedServer


def _opml(server: FeedServer, paths: list[str]) -> str:
    outlines = "".join(
        f'<outline type="rss" text="Test {p}" xmlUrl="{server.url(p)}" htmlUrl="{server.base}/"/>'
        for p in paths
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'


@pytest.fixture
def instance(tmp_path, monkeypatch):
    env = {
        "NEWSPRISM_DATA_DIR": str(tmp_path / "data"),
        "NEWSPRISM_LOAD_CATALOGUE": "false",
        "NEWSPRISM_HTTP_TIMEOUT_SECONDS": "2",
        "NEWSPRISM_MAX_ARTICLES_PER_FEED": "6",
        "NEWSPRISM_ALLOWED_NETWORKS": '["127.0.0.1/32"]',  # the loopback test server only
        "NEWSPRISM_POLITENESS_DELAY_SECONDS": "0",
        "NEWSPRISM_EXTRACTION_PROCESSES": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with FeedServer() as server:
        opml = tmp_path / "feeds.opml"
        opml.write_text(_opml(server, ["/feeds/cnn.rss", "/feeds/error500"]))
        result = CliRunner().invoke(app, ["sources", "import", str(opml)])
        assert result.exit_code == 0, result.output
        yield server, env


def test_ingest_once_prints_a_summary_and_a_second_run_adds_nothing(instance):
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "--once"])
    assert first.exit_code == 0, first.output
    assert "articles new" in first.stdout and "6" in first.stdout
    assert "feeds failed" in first.stdout
    stories = runner.invoke(app, ["export"])
    records = [json.loads(line) for line in stories.stdout.splitlines()]
    assert sum(len(r["articles"]) for r in records) == 6
    second = runner.invoke(app, ["ingest", "--once"])
    assert second.exit_code == 0
    after = [json.loads(line) for line in runner.invoke(app, ["export"]).stdout.splitlines()]
    assert sum(len(r["articles"]) for r in after) == 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env, port):
    # The README's command as written: the `newsprism` script installed beside this Python.
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "newsprism"), "run", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_stories(port: int, process: subprocess.Popen, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            listing = httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=2).json()
            if listing["total"] > 0:
                return listing
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError("no story appeared")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def test_run_polls_serves_stops_on_ctrl_c_and_resumes(instance):
    _, env = instance
    port = _free_port()
    process = _start(env, port)
    try:
        listing = _wait_for_stories(port, process)
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.status_code == 200 and "newsprism" in home.text
        story = httpx.get(f"http://127.0.0.1:{port}{listing['stories'][0]['page_url']}", timeout=5)
        assert story.status_code == 200
    finally:
        output = _stop(process)
    assert "data directory" in output and f"http://127.0.0.1:{port}" in output
    assert "stopped" in output
    articles_before = sum(s["article_count"] for s in listing["stories"])

    process = _start(env, port)
    try:
        again = _wait_for_stories(port, process)
    finally:
        _stop(process)
    assert sum(s["article_count"] for s in again["stories"]) == articles_before
