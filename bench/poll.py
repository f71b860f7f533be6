"""Feeds polled per second against a loopback server: 1,000 real-sized feeds (the saved
CNN feed, 69 items, 174 kB), half of them unchanged (304) on the measured pass.

    python bench/poll.py [--feeds 1000]

The first pass stores every item (page fetching off: this measures polling); the
second, measured pass finds half the feeds unchanged and half with one new item.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loopback import LoopbackServer  # noqa: E402

from newsprism.ingest.poll import poll_once  # noqa: E402
from newsprism.ingest.pool import ExtractionPool  # noqa: E402
from newsprism.settings import Settings  # noqa: E402
from newsprism.store.db import open_database  # noqa: E402
from newsprism.store.outlets import add_feed  # noqa: E402
from newsprism.store.schema import feeds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument(
        "--changed-every", type=int, default=2, help="every Nth feed changes (0: none)"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        LoopbackServer(changed_every=args.changed_every) as base,
        # Long-lived, as `newsprism run` keeps it: changed feeds are parsed in its processes.
        ExtractionPool() as pool,
    ):
        settings = Settings(
            _env_file=None,
            data_dir=Path(folder),
            load_catalogue=False,
            fetch_articles=False,
            max_articles_per_feed=100,
            politeness_delay_seconds=0,
            per_host_concurrency=32,
            http_concurrency=32,
            allowed_networks=["127.0.0.1/32"],
        )
        engine = open_database(settings.effective_database_url)
        with engine.begin() as conn:
            for number in range(args.feeds):
                add_feed(conn, url=f"{base}/feed/{number}.xml", outlet_id=None)
        started = time.perf_counter()
        first = poll_once(engine, settings=settings, pool=pool)
        first_seconds = time.perf_counter() - started
        with engine.begin() as conn:
            conn.execute(feeds.update().values(next_poll_at=None))
        started, cpu_started = time.perf_counter(), time.process_time()
        second = poll_once(engine, settings=settings, pool=pool)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    print(
        f"first pass   {first.feeds_polled} feeds, {first.articles_new} items stored, "
        f"{first.feeds_polled / first_seconds:7.1f} feeds/s"
    )
    print(
        f"second pass  {second.feeds_polled} feeds ({second.feeds_unchanged} unchanged), "
        f"{second.articles_new} new items, {second.feeds_polled / seconds:7.1f} feeds/s"
    )
    # The polling process alone (not the parsing workers nor the server): steadier than
    # feeds/s on a busy machine.
    print(
        f"             {cpu / second.feeds_polled * 1000:.2f} ms CPU a feed in the polling process"
    )


if __name__ == "__main__":
    main()
