"""What only the admin pages write: the key their session cookies are signed with, and
a feed disabled or enabled by hand. (Retrying a feed is ``feeds.retry_feeds``, as for
``newsprism feeds retry``.)"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from newsprism.store.schema import feeds, meta

SESSION_SECRET_KEY = "admin_session_secret"
DISABLED_BY_ADMIN = "disabled by an admin"


def session_secret(conn: Connection, *, candidate: str | None = None) -> str | None:
    """The instance's random session secret; ``candidate`` is stored when there is none
    yet (two processes racing both insert: one fails on the key and reads the other's)."""
    found = conn.execute(select(meta.c.value).where(meta.c.key == SESSION_SECRET_KEY)).scalar()
    if found is None and candidate is not None:
        conn.execute(insert(meta).values(key=SESSION_SECRET_KEY, value=candidate))
        return candidate
    return found


def disable_feed(conn: Connection, feed_id: int, *, reason: str = DISABLED_BY_ADMIN) -> bool:
    """Stop polling a feed until it is enabled (retried) again; False if no such feed."""
    result = conn.execute(
        update(feeds).where(feeds.c.id == feed_id).values(active=False, disabled_reason=reason)
    )
    return result.rowcount > 0


def feed_exists(conn: Connection, feed_id: int) -> bool:
    return conn.execute(select(feeds.c.id).where(feeds.c.id == feed_id)).first() is not None
