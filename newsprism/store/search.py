"""Full-text search: stories ranked by how well their articles match a reader's query.

SQLite uses the FTS5 table ``articles_fts`` (BM25, title weighted over lede over
text); PostgreSQL the GIN-indexed weighted tsvector with ``websearch_to_tsquery``
and ``ts_rank_cd``. Both come from migration 0005. A story is found through its
articles: its title is one of its articles' headlines, its summary their sentences.

The query language is the same on both backends, the one people know from web search
engines: words (all must match), ``"a phrase"``, ``or`` between alternatives and
``-word`` to leave one out. Whatever a reader types, the query never fails: on
SQLite every term is re-quoted for FTS5, and ``websearch_to_tsquery`` does not raise
on any input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    and_,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.sql.elements import ColumnElement

from newsprism.store.db import as_utc
from newsprism.store.schema import articles, outlets, stories
from newsprism.store.stories import story_dict

# Around each matched word in a snippet: private-use characters that no text carries,
# so the web layer can escape the snippet first and only then mark the matches.
MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_QUERY_LENGTH = 200

_articles_fts = table("articles_fts", column("rowid"))
_FTS = literal_column("articles_fts")
# PostgreSQL's stored, GIN-indexed tsvector (migration 0005; not in schema.py).
_POSTGRES_VECTOR = literal_column("articles.search_vector")
_HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(slots=True)
class SearchResults:
    query: str
    total: int  # matching stories
    stories: list[dict[str, Any]] = field(default_factory=list)  # each with "matches"


def clean_query(query: str) -> str:
    """The query as searched: control characters (NUL included, which PostgreSQL
    refuses in text) and the snippet markers removed, spaces collapsed, length capped."""
    kept = "".join(
        " " if unicodedata.category(char)[0] in "CZ" else char
        for char in query
        if char not in (MARK_START, MARK_END)
    )
    return " ".join(kept.split())[:MAX_QUERY_LENGTH]


def fts5_query(query: str) -> str | None:
    """The reader's query in FTS5 syntax with every term quoted, so no input is an FTS5
    syntax error; None when nothing searchable is left (only punctuation or negations).

    ``a b or c -d "e f"`` becomes ``("a") AND ("b" OR "c") AND ("e f") NOT "d"``, the
    grouping ``websearch_to_tsquery`` gives the same query on PostgreSQL.
    """
    groups: list[list[str]] = []
    excluded: list[str] = []
    pending_or = False
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', query):
        negated = bool(match.group(1))
        raw = match.group(2) if match.group(3) is None else match.group(3)
        if match.group(3) is not None:
            if raw.lower() == "or":
                pending_or = bool(groups)
                continue
            if raw.startswith("-") and len(raw) > 1:
                negated, raw = True, raw[1:]
        words = re.findall(r"\w+", raw)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negated:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if not groups:
        return None
    expression = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    return expression + "".join(f" NOT {term}" for term in excluded)


def search_stories(
    conn: Connection,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    matches_per_story: int = 3,
) -> SearchResults:
    """Stories whose articles match, best first, each with its best-matching articles
    (title, outlet and a snippet with the matched words between the MARK characters)."""
    query = clean_query(query)
    searcher = _SEARCHERS[conn.dialect.name]
    hits = searcher.hits(query)
    if hits is None:
        return SearchResults(query=query, total=0)
    live = and_(stories.c.id == articles.c.story_id, stories.c.merged_into.is_(None))
    joined = hits.join(articles, articles.c.id == hits.c.article_id).join(stories, live)
    best = func.max(hits.c.score).label("best")
    # One pass ranks the page and counts every matching story (a window over the groups).
    ranked = conn.execute(
        select(articles.c.story_id, best, func.count().over().label("total"))
        .select_from(joined)
        .group_by(articles.c.story_id, stories.c.last_seen)
        .order_by(best.desc(), func.count().desc(), stories.c.last_seen.desc(), articles.c.story_id)
        .limit(limit)
        .offset(offset)
    ).all()
    if ranked:
        total = ranked[0].total
    else:  # past the last page: still say how many there are
        total = conn.execute(
            select(func.count(func.distinct(articles.c.story_id))).select_from(joined)
        ).scalar_one()
    story_ids = [row.story_id for row in ranked]
    if not story_ids:
        return SearchResults(query=query, total=total)
    rows = {
        row.id: story_dict(row)
        for row in conn.execute(select(stories).where(stories.c.id.in_(story_ids)))
    }
    matches = _best_matches(conn, searcher, query, story_ids, matches_per_story)
    found = []
    for story_id in story_ids:
        story = rows[story_id]
        story["match_count"], story["matches"] = matches.get(story_id, (0, []))
        found.append(story)
    return SearchResults(query=query, total=total, stories=found)


def _best_matches(
    conn: Connection,
    searcher: Any,
    query: str,
    story_ids: list[int],
    per_story: int,
) -> dict[int, tuple[int, list[dict[str, Any]]]]:
    """Per story: how many of its articles match, and its best ``per_story`` matches
    with their snippets. Only those few get a snippet: a big story can have hundreds
    of matching articles, and making a snippet reads the article's text."""
    hits = searcher.hits(query, story_ids=story_ids)
    in_story = (
        select(
            hits.c.article_id,
            hits.c.score,
            articles.c.story_id,
            func.row_number()
            .over(
                partition_by=articles.c.story_id,
                order_by=(hits.c.score.desc(), hits.c.article_id),
            )
            .label("place"),
            func.count().over(partition_by=articles.c.story_id).label("matching"),
        )
        .select_from(hits.join(articles, articles.c.id == hits.c.article_id))
        .subquery()
    )
    best = conn.execute(select(in_story).where(in_story.c.place <= per_story)).all()
    snippets = searcher.snippets(conn, query, [row.article_id for row in best])
    details = {
        row.id: row._mapping
        for row in conn.execute(
            select(
                articles.c.id,
                articles.c.title,
                articles.c.url,
                articles.c.language,
                func.coalesce(articles.c.published_at, articles.c.fetched_at).label("published"),
                outlets.c.domain.label("outlet_domain"),
                outlets.c.name.label("outlet_name"),
            )
            .select_from(articles.outerjoin(outlets, outlets.c.id == articles.c.outlet_id))
            .where(articles.c.id.in_([row.article_id for row in best]))
        )
    }
    found: dict[int, tuple[int, list[dict[str, Any]]]] = {}
    for row in sorted(best, key=lambda row: (row.story_id, row.place)):
        match = {
            **details[row.article_id],
            "snippet": snippets.get(row.article_id, ""),
            "score": float(row.score),
        }
        match["published"] = as_utc(match["published"])
        found.setdefault(row.story_id, (row.matching, []))[1].append(match)
    return found


class _SqliteSearch:
    """FTS5: ``bm25`` is lower for better matches, so the score is its negation."""

    def hits(self, query: str, *, story_ids: list[int] | None = None):  # type: ignore[no-untyped-def]
        """The matching articles and their scores; only those of ``story_ids`` if given."""
        expression = fts5_query(query)
        if expression is None:
            return None
        # Title over lede over text, as the PostgreSQL weights A, B, D.
        score = -func.bm25(_FTS, 10.0, 4.0, 1.0)
        matching = select(
            _articles_fts.c.rowid.label("article_id"), score.cast(Float).label("score")
        ).where(_FTS.op("MATCH")(expression))
        if story_ids is not None:
            members = select(articles.c.id).where(articles.c.story_id.in_(story_ids))
            matching = matching.where(_articles_fts.c.rowid.in_(members))
        return (
            matching.cte("hits")
            # bm25() is only allowed in the full-text query itself, never in a query
            # the planner might flatten it into.
            .prefix_with("MATERIALIZED")
        )

    def snippets(self, conn: Connection, query: str, article_ids: list[int]) -> dict[int, str]:
        snippet = func.snippet(_FTS, -1, MARK_START, MARK_END, "…", 24)
        rows = conn.execute(
            select(_articles_fts.c.rowid, snippet).where(
                _FTS.op("MATCH")(fts5_query(query)), _articles_fts.c.rowid.in_(article_ids)
            )
        )
        return {row[0]: row[1] for row in rows}


class _PostgresSearch:
    @staticmethod
    def _tsquery(query: str) -> ColumnElement[Any]:
        return func.websearch_to_tsquery(literal_column("'simple'::regconfig"), query)

    def hits(self, query: str, *, story_ids: list[int] | None = None):  # type: ignore[no-untyped-def]
        """The matching articles and their scores; only those of ``story_ids`` if given."""
        if not re.search(r"\w", query):
            return None
        tsquery = self._tsquery(query)
        matching = select(
            articles.c.id.label("article_id"),
            func.ts_rank_cd(_POSTGRES_VECTOR, tsquery).cast(Float).label("score"),
        ).where(_POSTGRES_VECTOR.op("@@")(tsquery))
        if story_ids is not None:
            matching = matching.where(articles.c.story_id.in_(story_ids))
        return matching.cte("hits")

    def snippets(self, conn: Connection, query: str, article_ids: list[int]) -> dict[int, str]:
        body = articles.c.lede.op("||")(" ").op("||")(func.left(articles.c.text, 20000))
        snippet = func.ts_headline(
            literal_column("'simple'::regconfig"), body, self._tsquery(query), _HEADLINE_OPTIONS
        )
        rows = conn.execute(select(articles.c.id, snippet).where(articles.c.id.in_(article_ids)))
        return {row[0]: row[1] for row in rows}


_SEARCHERS: dict[str, Any] = {"sqlite": _SqliteSearch(), "postgresql": _PostgresSearch()}


def skip_search_index(conn: Connection) -> None:
    """Stop indexing articles for search in this database: for a throwaway database
    that is never searched (``eval stories``). On SQLite, indexing an article's full
    text is most of the time it takes to store it (6.3 of 8.7 s for 10,000 AllSides
    articles); PostgreSQL's search vector is a generated column and stays."""
    if conn.dialect.name == "sqlite":
        # The triggers migration 0005 made, found by their table rather than named again.
        triggers = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'")
        ).scalars()
        for name in [name for name in triggers if name.startswith("articles_fts_")]:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
