"""Articles: idempotent inserts keyed on the normalised-URL hash, and reads."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, func, insert, select, union_all

from newsprism.ingest.urls import host_of, url_hash
from newsprism.models import RawArticle
from newsprism.store.db import utcnow
from newsprism.store.outlets import ensure_outlet, outlet_id_for_host
from newsprism.store.schema import articles
from newsprism.store.topics import add_article_categories

# One statement, built once: the hashes go in as one expanding parameter, so a feed's
# 70 item hashes are not each coerced into a literal on every call (bench/poll.py).
_KNOWN_HASHES = union_all(
    select(articles.c.url_hash).where(articles.c.url_hash.in_(bindparam("hashes", expanding=True))),
    select(articles.c.canonical_hash).where(
        articles.c.canonical_hash.in_(bindparam("hashes", expanding=True))
    ),
)


# One prebuilt insert: building ``insert().values(...)`` anew per article cost as much
# as SQLite storing it (eval stories on 12,757 articles).
_INSERT_ARTICLE = insert(articles)


def known_url_hashes(conn: Connection, hashes: list[str]) -> set[str]:
    if not hashes:
        return set()
    return {row[0] for row in conn.execute(_KNOWN_HASHES, {"hashes": hashes})}


def add_article(
    conn: Connection,
    raw: RawArticle,
    *,
    feed_id: int | None = None,
    outlet_id: int | None = None,
    outlets_seen: dict[tuple[str, str], int | None] | None = None,
) -> int | None:
    """Insert an article unless its URL (or canonical URL) is known; id of the new row.

    The outlet is the one given, else the catalogue outlet whose domain is the longest
    suffix of the URL's host (or of ``raw.outlet_domain``), else a new unrated outlet.
    ``outlets_seen``: the outlet found for each (host, outlet domain) so far, kept by
    the caller over one transaction — an import of thousands of articles from a few
    dozen outlets then asks for each outlet once.
    """
    keys = {url_hash(raw.url)}
    if raw.canonical_url:
        keys.add(url_hash(raw.canonical_url))
    if known_url_hashes(conn, sorted(keys)):
        return None
    if outlet_id is None:
        outlet_id = _outlet_for(conn, raw, outlets_seen if outlets_seen is not None else {})
    article_id = conn.execute(
        _INSERT_ARTICLE,
        {
            "url_hash": url_hash(raw.url),
            "url": raw.url,
            "canonical_url": raw.canonical_url,
            "canonical_hash": url_hash(raw.canonical_url) if raw.canonical_url else None,
            "outlet_id": outlet_id,
            "feed_id": feed_id,
            "external_id": raw.external_id,
            "title": raw.title,
            "lede": raw.lede,
            "text": raw.text,
            "author": raw.author,
            "image_url": raw.image_url,
            "language": raw.language,
            "published_at": raw.published,
            "fetched_at": utcnow(),
            "text_source": raw.text_source,
            "extraction_error": raw.extraction_error,
            "paywalled": raw.paywalled,
        },
    ).inserted_primary_key[0]
    if raw.categories:
        add_article_categories(conn, article_id, raw.categories)
    return article_id


def _outlet_for(
    conn: Connection, raw: RawArticle, seen: dict[tuple[str, str], int | None]
) -> int | None:
    seen_as = (host_of(raw.url), (raw.outlet_domain or "").lower())
    if seen_as not in seen:
        seen[seen_as] = _find_or_add_outlet(conn, raw)
    return seen[seen_as]


def _find_or_add_outlet(conn: Connection, raw: RawArticle) -> int | None:
    for host in (host_of(raw.url), (raw.outlet_domain or "").lower()):
        if host:
            found = outlet_id_for_host(conn, host)
            if found is not None:
                return found
    domain = (raw.outlet_domain or host_of(raw.url)).lower()
    if not domain:
        return None
    return ensure_outlet(conn, domain=domain, name=raw.outlet_name, origin="auto")


def count_articles(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(articles)).scalar_one()
