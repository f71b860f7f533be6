"""Article extraction and feed parsing off the event loop, on every core.

trafilatura is pure Python for most of its work, so threads share one core; a process
pool lets a polling pass extract pages on all cores while the loop keeps fetching.
Changed feeds are parsed there too: reading a 70-item feed costs ~3-4 ms, three times
what fetching it and recording the poll cost the loop (bench/poll.py).
``processes=1`` extracts in a worker thread and parses feeds on the loop itself (no
process start-up: tests, tiny machines).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Executor, ThreadPoolExecutor

from newsprism.ingest.extract import extract_page
from newsprism.ingest.feeds import ParsedFeed, parse_feed
from newsprism.ingest.urls import url_hash
from newsprism.models import Extracted
from newsprism.worker_processes import process_pool


def _extract(page: bytes, url: str | None) -> Extracted:
    return extract_page(page, url=url)


def _read_feed(body: bytes, url: str, headers: dict[str, str]) -> tuple[ParsedFeed, list[str]]:
    """The parsed feed and each item's URL hash (normalising URLs is the other part of
    a changed feed's cost)."""
    parsed = parse_feed(body, url=url, headers=headers)
    return parsed, [url_hash(item.link) for item in parsed.items]


class ExtractionPool:
    def __init__(self, *, processes: int = 0) -> None:
        workers = processes or os.cpu_count() or 1
        self._in_processes = workers > 1
        self._executor: Executor = (
            ThreadPoolExecutor(max_workers=1) if workers == 1 else process_pool(workers)
        )

    async def extract(self, page: bytes, *, url: str | None) -> Extracted:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _extract, page, url)

    async def read_feed(
        self, body: bytes, *, url: str, headers: dict[str, str]
    ) -> tuple[ParsedFeed, list[str]]:
        """``feeds.parse_feed`` and the items' ``url_hash`` in a worker process; raises
        its ``NotAFeed`` likewise."""
        if not self._in_processes:
            return _read_feed(body, url, headers)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _read_feed, body, url, headers)

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (none when extracting in a thread): for measuring
        their CPU time (bench/ingest.py)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return list(processes)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
