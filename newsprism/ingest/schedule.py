"""When to poll a feed next: adapt to how often it publishes, back off when it fails.

Like miniflux's scheduler: a feed that publishes every ten minutes is polled often,
one that publishes weekly rarely, all within [min, max]. On errors the wait doubles per
consecutive failure, and a server's ``Retry-After`` is always honoured.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Only the newest items tell the current rhythm of a feed.
_RECENT_ITEMS = 20


def adapted_interval(
    *,
    item_times: list[datetime | None],
    previous_seconds: int | None,
    found_new: bool,
    initial_seconds: int,
    min_seconds: int,
    max_seconds: int,
) -> int:
    """Half the mean gap between the feed's recent items (so a new item waits on
    average a quarter of a gap), bounded; without dates, the previous interval,
    stretched by half when the poll found nothing new."""
    times = sorted(t for t in item_times if t is not None)[-_RECENT_ITEMS:]
    if len(times) >= 2 and times[-1] > times[0]:
        interval = (times[-1] - times[0]).total_seconds() / (len(times) - 1) / 2
    else:
        interval = previous_seconds or initial_seconds
        if not found_new and previous_seconds:
            interval = previous_seconds * 1.5
    return int(min(max(interval, min_seconds), max_seconds))


def backoff_until(
    *,
    now: datetime,
    interval_seconds: int,
    consecutive_failures: int,
    retry_after_seconds: int | None,
    max_seconds: int,
) -> datetime:
    """Exponential backoff on errors (the interval doubled per failure), honouring a
    server's Retry-After even past the maximum."""
    wait = min(interval_seconds * 2 ** min(consecutive_failures, 10), max_seconds)
    if retry_after_seconds is not None:
        wait = max(wait, retry_after_seconds)
    return now + timedelta(seconds=wait)


def retry_after_seconds(header: str | None, *, now: datetime) -> int | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return int(header)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int((when - now).total_seconds()))
