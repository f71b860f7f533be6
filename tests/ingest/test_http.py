import asyncio

from newsprism.ingest.http import Fetcher


def test_the_deadline_starts_when_a_request_gets_its_slot_not_while_it_queues(feed_server):
    """Regression: with more feeds than slots, queued requests timed out before they
    were even sent (bench/poll.py lost a third of 1,000 feeds this way)."""

    async def fetch_all():
        async with Fetcher(
            user_agent="test",
            timeout_seconds=1.0,
            total_timeout_seconds=0.6,  # each page takes 0.3 s; four in a row take 1.2 s
            concurrency=1,
            allowed_networks=["127.0.0.1/32"],
        ) as fetcher:
            urls = [feed_server.url(f"/slow-article/{n}") for n in range(4)]
            return await asyncio.gather(*(fetcher.get(url) for url in urls))

    results = asyncio.run(fetch_all())
    assert [r.error for r in results] == [None] * 4
    assert all(r.ok and r.body for r in results)


def test_the_guard_refuses_private_and_non_http_urls_before_connecting():
    async def check(url):
        async with Fetcher(user_agent="test", timeout_seconds=1.0) as fetcher:
            return await fetcher.get(url)

    for url in (
        "http://127.0.0.1:9/",
        "http://10.1.2.3/feed",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "gopher://example.com/",
    ):
        result = asyncio.run(check(url))
        assert result.error_kind == "permanent" and "refused" in result.error, (url, result)


def test_at_most_max_redirects_are_followed(feed_server):
    """Five distinct hops reach the feed; a sixth is refused as will-not-work."""

    async def fetch(hops):
        async with Fetcher(
            user_agent="test",
            timeout_seconds=1.0,
            max_redirects=5,
            allowed_networks=["127.0.0.1/32"],
        ) as fetcher:
            return await fetcher.get(feed_server.url(f"/redirect-chain/{hops}"))

    followed = asyncio.run(fetch(5))
    assert followed.ok and followed.body.startswith(b"<rss")
    assert followed.final_url == feed_server.url("/redirect-chain/0")
    assert followed.url == feed_server.url("/redirect-chain/5")
    refused = asyncio.run(fetch(6))
    assert refused.error == "too many redirects" and refused.error_kind == "permanent"
