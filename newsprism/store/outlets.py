"""Outlets, their ratings and feeds: queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from newsprism.models import Outlet, Rating
from newsprism.sources.hosts import host_suffixes, longest_suffix_match, normalise_host
from newsprism.store.db import utcnow
from newsprism.store.schema import feeds, meta, outlets, ratings


def outlet_id_for_host(conn: Connection, host: str) -> int | None:
    """The outlet whose domain is the longest suffix of ``host`` (``sources.hosts``).

    ``timesofindia.indiatimes.com`` matches that outlet before ``indiatimes.com``;
    ``abcnews.go.com`` never matches ``go.com`` by accident of a shared tail
    (only whole labels count: ``xgo.com`` is not ``go.com``).
    """
    candidates = host_suffixes(host)
    if not candidates:
        return None
    rows = conn.execute(
        select(outlets.c.id, outlets.c.domain).where(outlets.c.domain.in_(candidates))
    ).all()
    return longest_suffix_match(host, {row.domain: row.id for row in rows})


def outlet_ids_by_domain(conn: Connection) -> dict[str, int]:
    """Every outlet's id by its domain: for matching many hosts without a query each."""
    return {row.domain: row.id for row in conn.execute(select(outlets.c.id, outlets.c.domain))}


def get_outlet(conn: Connection, outlet_id: int) -> Outlet | None:
    """One outlet with its feeds and every stored rating (history and overrides too)."""
    row = conn.execute(select(outlets).where(outlets.c.id == outlet_id)).first()
    if row is None:
        return None
    feed_urls = conn.execute(
        select(feeds.c.url).where(feeds.c.outlet_id == outlet_id).order_by(feeds.c.url)
    ).scalars()
    return _outlet(row, list(feed_urls), ratings_by_outlet(conn, [outlet_id])[outlet_id])


def _outlet(row: Any, feed_urls: list[str], outlet_ratings: list[Rating]) -> Outlet:
    return Outlet(
        id=row.id,
        domain=row.domain,
        name=row.name,
        country=row.country,
        language=row.language,
        homepage=row.homepage,
        owner=row.owner,
        ownership_typology=row.ownership_typology,
        ownership_source=row.ownership_source,
        feeds=feed_urls,
        ratings=outlet_ratings,
    )


def ensure_outlet(
    conn: Connection,
    *,
    domain: str,
    name: str | None,
    origin: str = "auto",
    country: str | None = None,
    language: str | None = None,
) -> int:
    """Id of the outlet with exactly this domain, creating an unrated one if missing."""
    domain = normalise_host(domain)
    found = conn.execute(select(outlets.c.id).where(outlets.c.domain == domain)).scalar()
    if found is not None:
        return found
    return conn.execute(
        insert(outlets).values(
            domain=domain,
            name=name or domain,
            origin=origin,
            country=country,
            language=language,
            created_at=utcnow(),
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
    return [_outlet(row, feeds_of[row.id], ratings_of.get(row.id, [])) for row in rows]


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


def update_ownership(
    conn: Connection,
    outlet_id: int,
    *,
    owner: str | None,
    typology: str | None,
    source: str | None,
) -> bool:
    """Set an outlet's owner and typology (the given ones) and their source; True if changed."""
    values = {
        key: value
        for key, value in (
            ("owner", owner),
            ("ownership_typology", typology),
            ("ownership_source", source),
        )
        if value is not None
    }
    current = conn.execute(
        select(outlets.c.owner, outlets.c.ownership_typology, outlets.c.ownership_source).where(
            outlets.c.id == outlet_id
        )
    ).one()
    if all(getattr(current, key) == value for key, value in values.items()):
        return False
    conn.execute(update(outlets).where(outlets.c.id == outlet_id).values(**values))
    return True


def _rating_of(row) -> Rating:  # type: ignore[no-untyped-def]
    # An override has no source to link to; its source_url column carries the note the
    # admin gave (store.ratings.set_override), so that overrides needed no new column.
    return Rating(
        axis=row.axis,
        value=row.value,
        rater=row.rater,
        licence=row.licence,
        rated_on=row.rated_on or None,
        source_url=None if row.is_override else row.source_url,
        is_override=bool(row.is_override),
        note=row.source_url if row.is_override else None,
    )
