from collections.abc import Iterator

import pytest

from newsprism.settings import Settings
from tests.fixtures.feed_server import FeedServer


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def poll_settings(tmp_path) -> Settings:
    """Settings for polling the loopback test server: short timeouts, no politeness
    delay, extraction in a thread (one test runs the process pool), and the SSRF guard
    on with only 127.0.0.1 allowed."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        load_catalogue=False,
        http_timeout_seconds=1.0,
        http_total_timeout_seconds=2.0,
        max_body_bytes=1_000_000,
        max_articles_per_feed=6,
        politeness_delay_seconds=0,
        per_host_concurrency=16,
        extraction_processes=1,
        allowed_networks=["127.0.0.1/32"],
    )
