"""A per-client token bucket, in memory: what keeps search from being used to load
the database.

Hand-written rather than taken from slowapi/limits: those count requests in fixed or
moving windows and bring a storage layer meant for Redis; one process needs a token
bucket (bursts allowed up to the rate, then a steady refill) and these few lines.
Behind a reverse proxy, run uvicorn with ``--proxy-headers`` so that the client
address is the reader's, not the proxy's.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

# Every this many requests, buckets idle long enough to be full again are forgotten
# (a full bucket and no bucket behave alike): the memory used stays bounded.
_PRUNE_EVERY = 1024


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """``rate_per_minute`` requests a minute per key, in bursts of up to that many."""

    def __init__(
        self, rate_per_minute: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = float(rate_per_minute)
        self.refill_per_second = rate_per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()  # sync routes run in a thread pool
        self._takes = 0

    def take(self, key: str) -> float:
        """Spend a token: 0.0 when allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            self._takes += 1
            if self._takes % _PRUNE_EVERY == 0:
                self._prune(now)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(tokens=self.capacity, updated=now)
            else:
                elapsed = max(0.0, now - bucket.updated)
                bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.refill_per_second)
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.refill_per_second

    def _prune(self, now: float) -> None:
        full_after = self.capacity / self.refill_per_second
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]


def search_rate_limit(request: Request) -> None:
    """FastAPI dependency: refuse a client over the search rate with 429 and
    Retry-After. The app keeps the bucket (``create_app`` makes it from the settings;
    none when the rate is 0, and then everything goes through)."""
    bucket: TokenBucket | None = getattr(request.app.state, "search_bucket", None)
    if bucket is None:
        return
    client = request.client.host if request.client else "unknown"
    wait = bucket.take(client)
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail="Too many searches; try again in a moment.",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
