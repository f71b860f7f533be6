"""``newsprism eval stories``: cluster a labelled stream from an empty state, score it.

The articles go through the same code as ``newsprism import`` and ``run``: stored by
``add_article``, clustered oldest first by ``Pipeline.process`` with the settings in
force (coverage and summaries are skipped: they do not change the stories). Lines
with the same URL are one article, as they would be in a real instance.

Gold labels come from ``story_id`` (or ``cluster``, as in the UCI headlines file);
dates from ``published`` (or ``date``). A line without a date takes the date of the
line before it, so an undated article stays where the file put it in the stream; one
without a URL is known by its id.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from newsprism.ingest.archive import ArchiveProblem, read_records, record_to_article
from newsprism.ingest.urls import url_hash
from newsprism.jobs.pipeline import Pipeline, ProgressCallback
from newsprism.jobs.prepare import WorkAhead
from newsprism.models import RawArticle
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.db import open_database
from newsprism.store.search import skip_search_index
from newsprism.store.stories import story_ids_by_url_hash
from newsprism.stories.cluster import ClusterParams
from newsprism.stories.metrics import Scores, bcubed, exact_stories, pairwise, singleton_floor

# Lines stored between two progress reports, each chunk handed to the worker at once.
_CHUNK = 500


@dataclass(slots=True)
class Evaluation:
    ids: list[str] = field(default_factory=list)
    predicted: list[int] = field(default_factory=list)
    gold: list[str | None] = field(default_factory=list)
    skipped_lines: int = 0
    problems: list[str] = field(default_factory=list)  # the lines that are no record

    @property
    def labelled(self) -> tuple[list[str], list[int]]:
        pairs = [(g, p) for g, p in zip(self.gold, self.predicted, strict=True) if g is not None]
        return [g for g, _ in pairs], [p for _, p in pairs]

    def scores(self) -> dict[str, Scores | int] | None:
        gold, predicted = self.labelled
        if not gold:
            return None
        return {
            "bcubed": bcubed(gold, predicted),
            "pairwise": pairwise(gold, predicted),
            "singletons": singleton_floor(gold),
            "exact": exact_stories(gold, predicted),
            "gold_stories": len(set(gold)),
            "predicted_stories": len(set(predicted)),
        }


def read_dated_records(path: Path) -> tuple[list[dict], list[str]]:
    """The file's records in file order, and what is wrong with the lines that are
    none (not JSON, not an object); a record without a date takes the date of the
    record before it (``published``, or ``date`` as in the UCI file)."""
    records: list[dict] = []
    problems: list[str] = []
    last_date = None
    for item in read_records(path):
        if isinstance(item, ArchiveProblem):
            problems.append(f"line {item.line}: {item.message}")
            continue
        _number, record = item
        date = record.get("published") or record.get("date")
        if date in (None, "", "None"):
            record["published"] = last_date
        else:
            last_date = date
        records.append(record)
    return records, problems


def with_url_from_id(record: dict, line: int) -> dict:
    """The record, given a URL of its own when it has none: a labelled stream is
    identified by its ids, and every line of it must get a story (``import`` skips
    such a line, as a feed item without a link)."""
    if not str(record.get("url") or "").strip():
        record["url"] = f"https://unknown.invalid/eval/{quote(str(record.get('id', line)))}"
    return record


def evaluate_stories(
    path: Path, *, settings: Settings, on_progress: ProgressCallback | None = None
) -> Evaluation:
    """``on_progress(event, done=, total=)``: "stored" as the lines are stored, then the
    pipeline's own events ("copies", "clustered").

    The database is a throwaway one, so its articles are not indexed for search. A
    stream of several batches gets the pipeline's worker process from its first chunk
    on: it fingerprints and embeds each stored chunk while the next is stored."""
    records, problems = read_dated_records(path)
    evaluation = Evaluation(problems=problems, skipped_lines=len(problems))
    with tempfile.TemporaryDirectory(prefix="newsprism-eval-") as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'eval.sqlite3'}")
        params = ClusterParams.from_settings(settings)
        pipeline = Pipeline(engine, params=params, embedder_name=settings.embedding_backend)
        keys: list[str | None] = []
        with WorkAhead(pipeline.worker_for) as ahead:
            with engine.begin() as conn:
                skip_search_index(conn)
                outlets_seen: dict[tuple[str, str], int | None] = {}
                stored: list[RawArticle] = []
                for line, record in enumerate(records, start=1):
                    article = record_to_article(with_url_from_id(record, line))
                    if article is not None and add_article(
                        conn, article, outlets_seen=outlets_seen
                    ):
                        stored.append(article)
                    keys.append(url_hash(article.url) if article is not None else None)
                    if line % _CHUNK == 0 or line == len(records):
                        ahead.stored(stored)
                        stored.clear()
                        if on_progress:
                            on_progress("stored", done=line, total=len(records))
            pipeline.process(refresh=False, on_progress=on_progress, worker=ahead.all_stored())
        with engine.connect() as conn:
            story_of = story_ids_by_url_hash(conn)
        engine.dispose()

    for record, key in zip(records, keys, strict=True):
        if key is None or story_of.get(key) is None:
            evaluation.skipped_lines += 1
            continue
        evaluation.ids.append(str(record.get("id", len(evaluation.ids))))
        evaluation.predicted.append(story_of[key])
        gold = record.get("story_id", record.get("cluster"))
        evaluation.gold.append(None if gold in (None, "", "None") else str(gold))
    return evaluation
