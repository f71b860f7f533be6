"""Feeds read in the worker processes come out as parsed on the loop, errors included."""

import asyncio
import os
from pathlib import Path

import pytest

from newsprism.ingest.feeds import NotAFeed, parse_feed
from newsprism.ingest.pool import ExtractionPool
from newsprism.ingest.urls import url_hash
from tests.conftest import SHARED_DATA

FEEDS = SHARED_DATA / "feeds"


def test_a_feed_parsed_in_a_worker_process_equals_one_parsed_in_place():
    body = next(FEEDS.glob("**/real-cnn.rss")).read_bytes()
    headers = {"content-type": "application/rss+xml"}

    async def in_workers():
        with ExtractionPool(processes=2) as pool:
            url = "https://edition.cnn.com/"
            parsed, hashes = await pool.read_feed(body, url=url, headers=headers)
            with pytest.raises(NotAFeed, match="not a feed"):
                await pool.read_feed(b"<html><p>hi</p></html>", url="https://x.org/", headers={})
            pids = pool.worker_pids()
            assert len(pids) >= 1 and os.getpid() not in pids
            assert all(Path(f"/proc/{pid}").exists() for pid in pids)
            return parsed, hashes

    parsed, hashes = asyncio.run(in_workers())
    with ExtractionPool(processes=1) as in_a_thread:
        assert in_a_thread.worker_pids() == []
    assert parsed == parse_feed(body, url="https://edition.cnn.com/", headers=headers)
    assert len(parsed.items) == 69
    assert hashes == [url_hash(item.link) for item in parsed.items]
