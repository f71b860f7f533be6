"""Kill -9 in the middle of a polling pass, start again: nothing lost, nothing twice."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from newsprism.settings import Settings
from newsprism.store.db import open_database
from newsprism.store.outlets import add_feed
from newsprism.store.schema import articles, feeds
from tests.fixtures.feed_server import FeedServer

FEEDS = 3  # 18 distinct real pages
ITEMS = 6


def _count(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _state(pid: int) -> str:
    """The process's state letter, "" once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return ""
    return next(line.split()[1] for line in status.splitlines() if line.startswith("State:"))


def _alive(pid: int) -> bool:
    return _state(pid) not in ("", "Z", "X")  # a zombie has exited; nobody reaps it here


def _ingest_once(newsprism: str, env: dict[str, str]) -> None:
    subprocess.run(
        [newsprism, "ingest", "--once"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )


def test_sigkill_mid_pass_then_restart_loses_and_duplicates_nothing(tmp_path):
    env = {
        **os.environ,
        "NEWSPRISM_DATA_DIR": str(tmp_path / "data"),
        "NEWSPRISM_LOAD_CATALOGUE": "false",
        "NEWSPRISM_MAX_ARTICLES_PER_FEED": str(ITEMS),
        "NEWSPRISM_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
        "NEWSPRISM_POLITENESS_DELAY_SECONDS": "0",
        "NEWSPRISM_PER_HOST_CONCURRENCY": "2",
    }
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", load_catalogue=False).prepare()
    engine = open_database(settings.effective_database_url)
    newsprism = str(Path(sys.executable).parent / "newsprism")
    with FeedServer() as server:
        with engine.begin() as conn:
            for number in range(FEEDS):
                add_feed(conn, url=server.url(f"/feeds/slow-pages/{number}.rss"), outlet_id=None)
        process = subprocess.Popen(
            [newsprism, "ingest", "--once"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and process.poll() is None:
            stored = _count(engine, select(func.count()).select_from(articles))
            if stored > 0:
                break
            time.sleep(0.05)
        workers = _children(process.pid)  # the extraction pool's processes, and its tracker
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL, "the pass finished before the kill"
        assert 0 < stored < FEEDS * ITEMS, stored
        # The pass had extracted a page, so its worker processes ran; they exit with it
        # (before, they waited for jobs for ever).
        assert len(workers) >= 2, workers
        deadline = time.monotonic() + 20
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, workers)), [_state(pid) for pid in workers]

        # Start again: the pass completes what was left, clusters, and adds nothing twice.
        _ingest_once(newsprism, env)
        with engine.begin() as conn:  # make every feed due again
            conn.execute(feeds.update().values(next_poll_at=None, body_hash=None))
        _ingest_once(newsprism, env)

    total = _count(engine, select(func.count()).select_from(articles))
    distinct = _count(engine, select(func.count(func.distinct(articles.c.url_hash))))
    unclustered = _count(
        engine, select(func.count()).select_from(articles).where(articles.c.story_id.is_(None))
    )
    failing = _count(engine, select(func.count()).select_from(feeds).where(feeds.c.error_count > 0))
    engine.dispose()
    assert total == distinct == FEEDS * ITEMS
    assert unclustered == 0
    assert failing == 0
