"""Outlets, their ratings and feeds: queries."""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update

from newsprism.models import Outlet, Rating
from newsprism.store.db import utcnow
from newsprism.store.schema import feeds, meta, outlets, ratings


def outlet_id_for_host(conn: Connection, host: str) -> int | None:
    """The outlet whose domain is the longest suffix of ``host``.

    ``timesofindia.indiatimes.com`` matches that outlet before ``indiatimes.com``;
    ``abcnews.go.com`` never matches ``go.com`` by accident of a shared tail
    (only whole labels count: ``xgo.com`` is not ``go.com``).
    """
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    labels = host.split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    if not candidates:
        return None
    rows = conn.execute(
        select(outlets.c.id, outlets.c.domain).where(outlets.c.domain.in_(candidates))
    ).all()
    if not rows:
        return None
    return max(rows, key=lambda row: len(row.domain)).id


def outlet_name(conn: Connection, domain: str) -> str | None:
    return conn.execute(select(outlets.c.name).where(outlets.c.domain == domain)).scalar()


def ensure_outlet(conn: Connection, *, domain: str, name: str | None, origin: str = "auto") -> int:
    """Id of the outlet with exactly this domain, creating an unrated one if missing."""
    domain = domain.lower()
    if domain.startswith("www."):
        domain = domain[4:]
    found = conn.execute(select(outlets.c.id).where(outlets.c.domain == domain)).scalar()
    if found is not None:
        return found
    return conn.execute(
        insert(outlets).values(
            domain=domain, name=name or domain, origin=origin, created_at=utcnow()
        )
    ).inserted_primary_key[0]


def upsert_outlet(conn: Connection, outlet: Outlet, *, origin: str = "catalogue") -> int:
    """Insert or update an outlet with its feeds and ratings (idempotent)."""
    values = {
        "name": outlet.name,
        "country": outlet.country,
        "language": outlet.language,
        "homepage": outlet.homepage,
        "owner": outlet.owner,
        "ownership_typology": outlet.ownership_typology,
        "ownership_source": outlet.ownership_source,
    }
    outlet_id = conn.execute(select(outlets.c.id).where(outlets.c.domain == outlet.domain)).scalar()
    if outlet_id is None:
        outlet_id = conn.execute(
            insert(outlets).values(
                domain=outlet.domain, origin=origin, created_at=utcnow(), **values
            )
        ).inserted_primary_key[0]
    else:
        present = {key: value for key, value in values.items() if value is not None}
        conn.execute(update(outlets).where(outlets.c.id == outlet_id).values(**present))
    for feed_url in outlet.feeds:
        add_feed(conn, url=feed_url, outlet_id=outlet_id)
    for rating in outlet.ratings:
        add_rating(conn, outlet_id=outlet_id, rating=rating)
    return outlet_id


def add_feed(conn: Connection, *, url: str, outlet_id: int | None) -> int:
    found = conn.execute(select(feeds.c.id).where(feeds.c.url == url)).scalar()
    if found is not None:
        return found
    return conn.execute(insert(feeds).values(url=url, outlet_id=outlet_id)).inserted_primary_key[0]


def add_rating(
    conn: Connection, *, outlet_id: int, rating: Rating, is_override: bool = False
) -> bool:
    """Store a rating unless the same rater already gave it for that date; True if new."""
    rated_on = rating.rated_on or ""
    existing = conn.execute(
        select(ratings.c.id, ratings.c.value).where(
            ratings.c.outlet_id == outlet_id,
            ratings.c.axis == rating.axis,
            ratings.c.rater == rating.rater,
            ratings.c.rated_on == rated_on,
        )
    ).first()
    if existing is not None:
        if existing.value != rating.value:
            conn.execute(
                update(ratings).where(ratings.c.id == existing.id).values(value=rating.value)
            )
        return False
    conn.execute(
        insert(ratings).values(
            outlet_id=outlet_id,
            axis=rating.axis,
            value=rating.value,
            rater=rating.rater,
            licence=rating.licence,
            rated_on=rated_on,
            source_url=rating.source_url,
            is_override=is_override,
            imported_at=utcnow(),
        )
    )
    return True


def count_outlets(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(outlets)).scalar_one()


def count_feeds(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(feeds)).scalar_one()


def count_ratings(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(ratings)).scalar_one()


def list_outlets(conn: Connection, *, country: str | None = None) -> list[Outlet]:
    """Every outlet (of one country, if given) with its feeds and ratings, by domain."""
    query = select(outlets).order_by(outlets.c.domain)
    if country:
        query = query.where(func.upper(outlets.c.country) == country.upper())
    rows = conn.execute(query).all()
    ids = [row.id for row in rows]
    feeds_of: dict[int, list[str]] = {outlet_id: [] for outlet_id in ids}
    # One query for all feeds rather than one per outlet; the filter is done here because
    # an IN list of every outlet id can exceed SQLite's parameter limit.
    for feed in conn.execute(
        select(feeds.c.outlet_id, feeds.c.url).order_by(feeds.c.outlet_id, feeds.c.url)
    ):
        if feed.outlet_id in feeds_of:
            feeds_of[feed.outlet_id].append(feed.url)
    ratings_of = _all_ratings(conn, set(ids))
    return [
        Outlet(
            id=row.id,
            domain=row.domain,
            name=row.name,
            country=row.country,
            language=row.language,
            homepage=row.homepage,
            owner=row.owner,
            ownership_typology=row.ownership_typology,
            ownership_source=row.ownership_source,
            feeds=feeds_of[row.id],
            ratings=ratings_of.get(row.id, []),
        )
        for row in rows
    ]


def _all_ratings(conn: Connection, outlet_ids: set[int]) -> dict[int, list[Rating]]:
    result: dict[int, list[Rating]] = {}
    rows = conn.execute(
        select(ratings).order_by(
            ratings.c.outlet_id, ratings.c.axis, ratings.c.rater, ratings.c.rated_on.desc()
        )
    )
    for row in rows:
        if row.outlet_id in outlet_ids:
            result.setdefault(row.outlet_id, []).append(_rating_of(row))
    return result


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(insert(meta).values(key=key, value=value))
    else:
        conn.execute(update(meta).where(meta.c.key == key).values(value=value))


def ratings_by_outlet(conn: Connection, outlet_ids: list[int]) -> dict[int, list[Rating]]:
    """Every stored rating of these outlets, newest date first within a rater."""
    result: dict[int, list[Rating]] = {outlet_id: [] for outlet_id in outlet_ids}
    if not outlet_ids:
        return result
    rows = conn.execute(
        select(ratings)
        .where(ratings.c.outlet_id.in_(outlet_ids))
        .order_by(ratings.c.outlet_id, ratings.c.axis, ratings.c.rater, ratings.c.rated_on.desc())
    ).all()
    for row in rows:
        result[row.outlet_id].append(_rating_of(row))
    return result


def _rating_of(row) -> Rating:  # type: ignore[no-untyped-def]
    return Rating(
        axis=row.axis,
        value=row.value,
        rater=row.rater,
        licence=row.licence,
        rated_on=row.rated_on or None,
        source_url=row.source_url,
    )
