"""A large database for the web benchmark (bench/web.py), built in minutes, cached.

    python bench/web_data.py [--articles 100000]     # build (or find) it, print its size

This is *page-serving* data, not a test of the pipeline: the clusterer and the
embedder never run (they would take hours over 100,000 articles on two cores).

- The 12,757 real articles of ``article_bias_prediction_2018_2020.jsonl.gz`` are
  imported through the product's own reader and store (``read_archive``,
  ``add_article``), against the bundled outlet catalogue with its ratings.
- Generated variation brings the count to ``--articles``: replica *r* of every real
  article (r = 1, 2, …) has its own URL, an outlet rotated through the corpus's
  outlets (so each story's sources, sides and ratings differ) and a time *3r* hours
  later; title, lede and full text are the original's. Inserted in bulk
  (SQLAlchemy Core executemany into the store's tables; the full-text triggers fire).
- Stories come from a cheap deterministic rule, not the clusterer: the articles of one
  corpus category in one ISO week, from replicas 0–2, 3–5 or 6–7, make a story. With
  100,000 articles that is ~12,000 stories of 1 to ~200 articles (most have a few,
  some elections weeks have very many), a long tail as on a real instance.
- Coverage is the real ``compute_coverage`` (plus the real ``headlines_by_side``).
  The summary is a stand-in: the real extractive summarizer needs the embedder and
  takes ~1 s a story; here the bullets are the opening sentences of the ledes of up
  to four outlets, and the framing lines the opening of each side's first lede, in
  the stored summary format (``coverage/README-format.md``), cited by article id.

The database is kept under the temporary folder, keyed by ``VERSION`` and the article
count, so repeated runs reuse it; bump ``VERSION`` when the build changes.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, insert, select, update

from newsprism.coverage.compute import SourceArticle, compute_coverage
from newsprism.ingest.archive import read_archive
from newsprism.ingest.urls import url_hash
from newsprism.jobs.pipeline import headlines_by_side
from newsprism.jobs.runner import open_instance
from newsprism.models import BIAS_AXIS, Rating, RawArticle, side_of
from newsprism.nlp.text import clean, sentences
from newsprism.settings import Settings
from newsprism.sources.ratings import combined_value
from newsprism.store.articles import add_article
from newsprism.store.db import utcnow
from newsprism.store.outlets import ratings_by_outlet
from newsprism.store.schema import articles, outlets, stories

VERSION = "1"
CORPUS = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "corpora"
    / "article_bias_prediction_2018_2020.jsonl.gz"
)
DATABASE_NAME = "newsprism.sqlite3"
# Replicas 0-2, 3-5, 6-7 of one category-week are one story each: ~8 articles a story.
REPLICAS_PER_STORY = 3
BULLETS = 4
FRAMING_MIN_ARTICLES_PER_SIDE = 2  # the default of the setting of the same name
THRESHOLD = 0.35  # the default story threshold, shown in "why grouped"
# Outlet rotation step of a replica: a prime, so replicas land on different outlets.
OUTLET_STEP = 37


@dataclass(slots=True)
class Member:
    """One article of a story as the builder keeps it in memory."""

    id: int
    raw: RawArticle
    outlet_id: int | None
    published: datetime | None
    url: str
    external_id: str | None
    replica: int


def database_folder(articles_wanted: int) -> Path:
    return Path(tempfile.gettempdir()) / f"newsprism-bench-web-v{VERSION}-{articles_wanted}"


def ensure_database(articles_wanted: int, *, log: Any = print) -> Path:
    """The data directory of a built database of ``articles_wanted`` articles; built
    on the first call (into a side folder, renamed when complete), reused after."""
    folder = database_folder(articles_wanted)
    if (folder / "built.json").exists():
        return folder
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    started = time.perf_counter()
    report = build(building, articles_wanted, log=log)
    report["build_seconds"] = round(time.perf_counter() - started, 1)
    (building / "built.json").write_text(json.dumps(report, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return folder


def settings_for(folder: Path) -> Settings:
    return Settings(_env_file=None, data_dir=folder, load_catalogue=True)


def build(folder: Path, articles_wanted: int, *, log: Any = print) -> dict[str, Any]:
    engine = open_instance(settings_for(folder))
    log(f"importing the corpus through the store ({CORPUS.name})…")
    real = _import_real(engine, limit=articles_wanted)
    log(f"  {len(real)} real articles; generating variation up to {articles_wanted}…")
    with engine.connect() as conn:
        outlet_rows = {row.id: row for row in conn.execute(select(outlets))}
        corpus_outlets = sorted({m.outlet_id for m in real if m.outlet_id is not None})
        ratings = ratings_by_outlet(conn, corpus_outlets)
    members = real + list(_replicas(real, corpus_outlets, articles_wanted, first_id=_next_id(real)))
    groups = _stories_of(members)
    log(f"  {len(members)} articles in {len(groups)} stories; coverage and summaries…")
    now = utcnow()
    story_rows, placements = [], []
    for story_id, group in enumerate(groups, start=1):
        story_rows.append(_story_row(story_id, group, outlet_rows, ratings, now))
        placements.extend(_placements(story_id, group))
    with engine.begin() as conn:
        for chunk in _chunks(story_rows, 2000):
            conn.execute(insert(stories), chunk)
    where = {placement["article_id"]: placement for placement in placements}
    copies = [m for m in members if m.replica > 0]
    log(f"  inserting {len(copies)} generated articles…")
    for chunk in _chunks(copies, 5000):
        # A transaction a chunk: the write-ahead log is checkpointed as it goes instead
        # of growing to the size of the whole database.
        with engine.begin() as conn:
            conn.execute(insert(articles), [_copy_row(m, where[m.id], now) for m in chunk])
    with engine.begin() as conn:
        conn.execute(
            update(articles)
            .where(articles.c.id == bindparam("article_id"))
            .values(
                story_id=bindparam("story_id"),
                similarity=bindparam("similarity"),
                grouping_json=bindparam("grouping_json"),
            ),
            [where[m.id] for m in real],
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return {"version": VERSION, "articles": len(members), "stories": len(groups)}


def _import_real(engine: Engine, *, limit: int) -> list[Member]:
    """The corpus through the product's import path, 500 articles a transaction."""
    imported: list[Member] = []
    chunk: list[RawArticle] = []

    def flush() -> None:
        with engine.begin() as conn:
            for raw in chunk:
                article_id = add_article(conn, raw)
                if article_id is not None:
                    imported.append(Member(article_id, raw, None, raw.published, raw.url, None, 0))
        chunk.clear()

    for item in read_archive(CORPUS):
        if isinstance(item, RawArticle):
            chunk.append(item)
        if len(chunk) == 500:
            flush()
        if len(imported) + len(chunk) >= limit:
            break
    flush()
    with engine.connect() as conn:
        outlet_of = dict(
            conn.execute(
                select(articles.c.id, articles.c.outlet_id).where(
                    articles.c.id.in_([m.id for m in imported])
                )
            ).all()
        )
    for member in imported:
        member.outlet_id = outlet_of[member.id]
        member.external_id = member.raw.external_id
    return imported


def _next_id(real: list[Member]) -> int:
    return max(m.id for m in real) + 1


def _replicas(
    real: list[Member], corpus_outlets: list[int], wanted: int, *, first_id: int
) -> Iterator[Member]:
    """Replica r = 1, 2, … of each real article, until ``wanted`` articles exist."""
    position = {outlet_id: index for index, outlet_id in enumerate(corpus_outlets)}
    next_id, total = first_id, len(real)
    for replica in range(1, math.ceil(wanted / max(1, len(real)))):
        for member in real:
            if total >= wanted:
                return
            outlet_id = member.outlet_id
            if outlet_id is not None:
                index = (position[outlet_id] + replica * OUTLET_STEP) % len(corpus_outlets)
                outlet_id = corpus_outlets[index]
            published = member.published and member.published + timedelta(hours=3 * replica)
            yield Member(
                id=next_id,
                raw=member.raw,
                outlet_id=outlet_id,
                published=published,
                url=f"https://bench-replica-{replica}.invalid/{member.id}",
                external_id=f"{member.raw.external_id or member.id}-r{replica}",
                replica=replica,
            )
            next_id += 1
            total += 1


def _stories_of(members: list[Member]) -> list[list[Member]]:
    """Category × ISO week × replica band: the deterministic stand-in for clustering.
    Stories ordered by their first article; members by time, then id (as stored)."""
    groups: dict[tuple, list[Member]] = {}
    for member in members:
        category = member.raw.categories[0] if member.raw.categories else ""
        week = member.raw.published.isocalendar()[:2] if member.raw.published else None
        groups.setdefault((category, week, member.replica // REPLICAS_PER_STORY), []).append(member)
    ordered = [sorted(group, key=_member_order) for group in groups.values()]
    ordered.sort(key=lambda group: _member_order(group[0]))
    return ordered


def _member_order(member: Member) -> tuple:
    return (member.published.timestamp() if member.published else 0.0, member.id)


def _story_row(
    story_id: int,
    group: list[Member],
    outlet_rows: dict[int, Any],
    ratings: dict[int, list[Rating]],
    now: datetime,
) -> dict[str, Any]:
    rows = [_member_row(m, outlet_rows) for m in group]
    sides = {m.id: side_of(combined_value(ratings.get(m.outlet_id, []), BIAS_AXIS)) for m in group}
    coverage = compute_coverage(
        SourceArticle(
            article_id=row["id"],
            outlet_id=row["outlet_id"],
            outlet_domain=row["outlet_domain"],
            outlet_name=row["outlet_name"],
            published=row["published_at"] or now,
            country=row["outlet_country"],
            language=row["language"] or row["outlet_language"],
            ownership_typology=row["outlet_ownership_typology"],
            ratings=ratings.get(row["outlet_id"], []),
            owner=row["outlet_owner"],
        )
        for row in rows
    )
    coverage["headlines_by_side"] = headlines_by_side(rows, {}, sides)
    times = [m.published or now for m in group]
    return {
        "id": story_id,
        "title": clean(group[0].raw.title) or "Untitled story",
        "first_seen": min(times),
        "last_seen": max(times),
        "article_count": len(group),
        "source_count": coverage["source_count"],
        "centroid": None,
        "summary_json": json.dumps(_stand_in_summary(group, sides), ensure_ascii=False),
        "coverage_json": json.dumps(coverage, ensure_ascii=False),
        "needs_refresh": False,
        "merged_into": None,
        "updated_at": now,
    }


def _member_row(member: Member, outlet_rows: dict[int, Any]) -> dict[str, Any]:
    """The fields of ``store.stories.story_articles`` that coverage needs."""
    outlet = outlet_rows.get(member.outlet_id)
    return {
        "id": member.id,
        "title": member.raw.title,
        "outlet_id": member.outlet_id,
        "outlet_domain": outlet.domain if outlet else None,
        "outlet_name": outlet.name if outlet else None,
        "outlet_country": outlet.country if outlet else None,
        "outlet_language": outlet.language if outlet else None,
        "outlet_owner": outlet.owner if outlet else None,
        "outlet_ownership_typology": outlet.ownership_typology if outlet else None,
        "language": member.raw.language,
        "published_at": member.published,
    }


def _stand_in_summary(group: list[Member], sides: dict[int, str | None]) -> dict[str, Any]:
    """Bullets: the opening sentence of the lede of up to four outlets' first articles."""
    bullets, seen_outlets = [], set()
    for member in group:
        opening = _opening(member)
        if member.outlet_id in seen_outlets or not opening:
            continue
        seen_outlets.add(member.outlet_id)
        bullets.append({"text": opening, "article_ids": [member.id]})
        if len(bullets) == BULLETS:
            break
    summary: dict[str, Any] = {
        "method": "bench stand-in: the opening sentence of each outlet's first lede",
        "backend": "extractive",
        "bullets": bullets,
    }
    per_side: dict[str, list[Member]] = {}
    for member in group:
        if sides[member.id]:
            per_side.setdefault(sides[member.id], []).append(member)
    eligible = {
        side: found
        for side, found in per_side.items()
        if len(found) >= FRAMING_MIN_ARTICLES_PER_SIDE and _opening(found[0])
    }
    if len(eligible) >= 2:
        summary["framing"] = {
            side: {
                "text": _opening(found[0]),
                "article_ids": [m.id for m in found[:2]],
                "backend": "extractive",
            }
            for side, found in eligible.items()
        }
    return summary


def _opening(member: Member) -> str:
    found = sentences(member.raw.lede or member.raw.text[:600])
    return found[0] if found else ""


def _placements(story_id: int, group: list[Member]) -> list[dict[str, Any]]:
    """Each member's story and its "why grouped", in the clusterer's format."""
    first = group[0]
    result = []
    for position, member in enumerate(group):
        if position == 0:
            grouping: dict[str, Any] = {
                "started_story": True,
                "best_score": None,
                "threshold": THRESHOLD,
            }
            similarity = None
        else:
            # Deterministic stand-in numbers above the threshold, as a joining article has.
            similarity = round(0.4 + (member.id % 50) / 100, 3)
            grouping = {
                "score": similarity,
                "threshold": THRESHOLD,
                "nearest_article_id": first.id,
                "nearest_similarity": round(similarity + 0.1, 3),
                "shared_terms": [word.lower() for word in clean(first.raw.title).split()[:3]],
            }
        result.append(
            {
                "article_id": member.id,
                "story_id": story_id,
                "similarity": similarity,
                "grouping_json": json.dumps(grouping, ensure_ascii=False),
            }
        )
    return result


def _copy_row(member: Member, placement: dict[str, Any], now: datetime) -> dict[str, Any]:
    raw = member.raw
    return {
        "id": member.id,
        "url_hash": url_hash(member.url),
        "url": member.url,
        "canonical_url": None,
        "canonical_hash": None,
        "outlet_id": member.outlet_id,
        "feed_id": None,
        "external_id": member.external_id,
        "title": raw.title,
        "lede": raw.lede,
        "text": raw.text,
        "author": raw.author,
        "image_url": None,
        "language": raw.language,
        "published_at": member.published,
        "fetched_at": now,
        "text_source": "imported",
        "extraction_error": None,
        "embedding": None,
        "story_id": placement["story_id"],
        "similarity": placement["similarity"],
        "paywalled": None,
        "syndicated_of": None,
        "grouping_json": placement["grouping_json"],
        "pinned": False,
    }


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def database_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob(DATABASE_NAME + "*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    folder = ensure_database(args.articles)
    built = json.loads((folder / "built.json").read_text())
    print(
        f"{folder / DATABASE_NAME}: {built['articles']} articles, {built['stories']} stories, "
        f"{database_bytes(folder) / 1e6:.0f} MB (built in {built['build_seconds']} s)"
    )


if __name__ == "__main__":
    main()
