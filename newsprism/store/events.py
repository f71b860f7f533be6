"""Events: failures and notices a user should see (feed health page, API)."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from newsprism.store.db import utcnow
from newsprism.store.schema import events


def add_event(
    conn: Connection,
    *,
    level: str,
    kind: str,
    message: str,
    feed_id: int | None = None,
    url: str | None = None,
) -> None:
    conn.execute(
        insert(events).values(
            at=utcnow(), level=level, kind=kind, message=message[:4000], feed_id=feed_id, url=url
        )
    )
