"""HTTP fetching for feeds and article pages, over httpx.

Polite and bounded: a global and a per-host limit on requests in flight, a timeout on
every request, at most five redirects, and a body-size cap enforced while streaming
(a server that lies about Content-Length, or sends none, still cannot fill memory).
Failures come back classified: ``retry`` (timeouts, connection errors, 5xx, 429) may
work later; ``permanent`` (404, 410, other 4xx, too large) will not work as it is.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

RETRY = "retry"
PERMANENT = "permanent"
MAX_REDIRECTS = 5


@dataclass(slots=True)
class FetchResult:
    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    error_kind: str | None = None  # RETRY or PERMANENT

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class BodyTooLarge(Exception):
    pass


class Fetcher:
    """One shared client; use ``async with Fetcher(...) as fetcher``."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout_seconds: float,
        concurrency: int,
        per_host_concurrency: int,
        max_body_bytes: int,
    ) -> None:
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
        )
        self._timeout = timeout_seconds
        self._all = asyncio.Semaphore(concurrency)
        self._per_host_limit = per_host_concurrency
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host_limit)
        )
        self._max_body = max_body_bytes

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        host = urlsplit(url).hostname or ""
        async with self._all, self._hosts[host]:
            try:
                # The total deadline covers slow-drip bodies that never trip a read timeout.
                return await asyncio.wait_for(self._get(url, headers), self._timeout * 3)
            except (TimeoutError, httpx.TimeoutException):
                return FetchResult(url, url, None, error="timed out", error_kind=RETRY)
            except httpx.TooManyRedirects:
                return FetchResult(url, url, None, error="too many redirects", error_kind=PERMANENT)
            except BodyTooLarge:
                return FetchResult(
                    url,
                    url,
                    None,
                    error=f"body larger than {self._max_body} bytes",
                    error_kind=PERMANENT,
                )
            except httpx.InvalidURL as error:
                return FetchResult(
                    url, url, None, error=f"invalid URL: {error}", error_kind=PERMANENT
                )
            except httpx.HTTPError as error:
                message = str(error) or type(error).__name__
                return FetchResult(url, url, None, error=message, error_kind=RETRY)

    async def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        async with self._client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self._max_body:
                raise BodyTooLarge
            chunks = []
            size = 0
            # aiter_bytes decompresses: the cap applies to the decoded size (gzip bombs).
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self._max_body:
                    raise BodyTooLarge
                chunks.append(chunk)
            result = FetchResult(
                url=url,
                final_url=str(response.url),
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=b"".join(chunks),
            )
        status = result.status or 0
        if status == 304 or 200 <= status < 300:
            return result
        result.error = f"HTTP {status}"
        result.error_kind = RETRY if status == 429 or status >= 500 else PERMANENT
        return result


def fetch_one(
    url: str, *, user_agent: str, timeout_seconds: float, max_body_bytes: int
) -> FetchResult:
    """A single GET from synchronous code (``newsprism extract URL``)."""

    async def go() -> FetchResult:
        async with Fetcher(
            user_agent=user_agent,
            timeout_seconds=timeout_seconds,
            concurrency=1,
            per_host_concurrency=1,
            max_body_bytes=max_body_bytes,
        ) as fetcher:
            return await fetcher.get(url)

    return asyncio.run(go())
