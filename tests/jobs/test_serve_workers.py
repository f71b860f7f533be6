"""`newsprism serve` with NEWSPRISM_WEB_WORKERS=2, as a user runs it: a real process
that serves the pages from two worker processes and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from newsprism.store.db import open_database
from tests.web.conftest import STORY_TITLE, seed_story


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker_processes(parent: int) -> list[int]:
    """The processes uvicorn spawned to serve (multiprocessing's spawn)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == parent and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def test_serve_answers_from_two_worker_processes_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    engine = open_database(f"sqlite:///{data / 'newsprism.sqlite3'}")
    seeded = seed_story(engine)
    engine.dispose()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSPRISM_")} | {
        "NEWSPRISM_DATA_DIR": str(data),
        "NEWSPRISM_LOAD_CATALOGUE": "false",
        "NEWSPRISM_WEB_WORKERS": "2",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "newsprism"), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "newsprism serve did not answer"
            time.sleep(0.3)
        workers = _worker_processes(process.pid)
        assert len(workers) == 2
        for _ in range(4):  # both workers share the socket; every answer is the page
            story = httpx.get(f"{base}/stories/{seeded.story_id}", timeout=10)
            assert story.status_code == 200 and STORY_TITLE in story.text
        assert STORY_TITLE in httpx.get(f"{base}/", timeout=10).text
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "(2 processes)" in output
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
