"""The embedded runner: one process that polls, processes and serves.

``newsprism run`` starts the web server in the main thread (uvicorn handles Ctrl-C)
and a worker thread that polls due feeds, clusters new articles and refreshes
stories, then sleeps until the next pass. Stopping is clean: the worker finishes the
step it is in (each step commits as a unit) and the next start resumes from the
database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import Engine

from newsprism.ingest.archive import ArchiveProblem, read_archive
from newsprism.jobs.pipeline import Pipeline
from newsprism.jobs.prepare import WorkAhead
from newsprism.models import RawArticle
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.db import open_database
from newsprism.store.events import add_event
from newsprism.stories.cluster import ClusterParams
from newsprism.summarize.story import StorySummarizer

# Seconds between two passes of the worker; each pass polls only the feeds that are due.
PASS_INTERVAL_SECONDS = 60


def open_instance(settings: Settings, console: Console | None = None) -> Engine:
    """Migrate the database and load the bundled catalogue on first start."""
    from newsprism.sources.catalogue import ensure_catalogue

    engine = open_database(settings.effective_database_url)
    loaded = ensure_catalogue(engine, settings)
    if console is not None:
        console.print(f"[bold]newsprism[/] data directory: {settings.data_dir}")
        console.print(f"database: {engine.url.render_as_string(hide_password=True)}")
        if loaded:
            console.print(f"loaded the bundled catalogue: {loaded} outlets")
    return engine


def make_pipeline(engine: Engine, settings: Settings) -> Pipeline:
    params = ClusterParams.from_settings(settings)
    return Pipeline(
        engine,
        params=params,
        embedder_name=settings.embedding_backend,
        summarizer=StorySummarizer.from_settings(settings),
    )


@contextmanager
def progress_bars(console: Console | None) -> Iterator[Progress]:
    """Rich progress bars on ``console``; none (a silent stand-in) without one."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=console is None,
        transient=False,
    )
    with progress:
        yield progress


def import_archive(
    settings: Settings, path: Path, *, console: Console | None = None
) -> dict[str, int]:
    """Store the archive's articles, 500 lines a transaction, then process them. An
    archive of several batches gets the pipeline's worker process from its first such
    chunk on, which fingerprints and embeds what is stored while the rest is."""
    engine = open_instance(settings, console)
    pipeline = make_pipeline(engine, settings)
    report = {"lines_read": 0, "articles_new": 0, "duplicates": 0, "problems": 0}
    with progress_bars(console) as progress, WorkAhead(pipeline.worker_for) as ahead:
        task = progress.add_task(f"importing {path.name}", total=None)
        chunk: list = []

        def flush() -> None:
            new: list[RawArticle] = []
            with engine.begin() as conn:
                outlets_seen: dict[tuple[str, str], int | None] = {}
                for item in chunk:
                    if isinstance(item, ArchiveProblem):
                        report["problems"] += 1
                        add_event(
                            conn,
                            level="warning",
                            kind="import-error",
                            message=f"{path.name} line {item.line}: {item.message}",
                        )
                    elif add_article(conn, item, outlets_seen=outlets_seen) is None:
                        report["duplicates"] += 1
                    else:
                        new.append(item)
            report["articles_new"] += len(new)
            chunk.clear()
            ahead.stored(new)

        for item in read_archive(path):
            report["lines_read"] += 1
            chunk.append(item)
            if len(chunk) == 500:
                flush()
                progress.update(task, completed=report["lines_read"])
        flush()
        progress.update(task, completed=report["lines_read"], total=report["lines_read"])
        processed = pipeline.process(
            on_progress=pipeline_progress(progress), worker=ahead.all_stored()
        )
        report.update(processed.as_dict())
    return report


def _process(
    engine: Engine, settings: Settings, progress: Progress | None = None
) -> dict[str, int]:
    pipeline = make_pipeline(engine, settings)
    on_progress = pipeline_progress(progress) if progress is not None else None
    return pipeline.process(on_progress=on_progress).as_dict()


# What each step of a pipeline pass is called on its progress bar.
_STEPS = {
    "stored": "storing articles",
    "copies": "finding syndicated copies",
    "clustered": "clustering into stories",
    "refreshed": "coverage and summaries",
}


def pipeline_progress(progress: Progress) -> Callable[..., None]:
    """A pipeline ``on_progress`` that draws one bar a step; a step whose total is not
    known (the syndicated-copies pass) pulses until the next step starts."""
    tasks: dict[str, TaskID] = {}
    pulsing: list[TaskID] = []

    def on_progress(event: str, done: int = 0, total: int | None = None) -> None:
        if event not in _STEPS:
            return
        if event not in tasks:
            for task in pulsing:
                progress.update(task, total=1, completed=1)
            pulsing.clear()
            tasks[event] = progress.add_task(_STEPS[event], total=total)
            if total is None:
                pulsing.append(tasks[event])
        progress.update(tasks[event], completed=done)

    return on_progress


def ingest_once(settings: Settings, *, console: Console | None = None) -> dict[str, int]:
    """One polling pass over the due feeds, then clustering and refresh."""
    from newsprism.ingest.poll import poll_once

    engine = open_instance(settings, console)
    with progress_bars(console) as progress:
        feeds_task = progress.add_task("polling feeds", total=None)

        def on_poll(event: str, **info: object) -> None:
            total = info.get("total")
            completed = info.get("completed")
            progress.update(
                feeds_task,
                total=total if isinstance(total, int) else None,
                completed=completed if isinstance(completed, int) else 0,
            )

        poll = poll_once(engine, settings=settings, on_progress=on_poll)
        report = asdict(poll)
        report.update(_process(engine, settings, progress))
    return report


def _worker(settings: Settings, engine: Engine, stop: threading.Event, console: Console) -> None:
    from newsprism.ingest.poll import poll_once
    from newsprism.ingest.pool import ExtractionPool

    pipeline = make_pipeline(engine, settings)
    # One extraction pool for the life of the worker: no process start-up per pass.
    with ExtractionPool(processes=settings.extraction_processes) as pool:
        while not stop.is_set():
            started = time.monotonic()
            try:
                poll = asdict(poll_once(engine, settings=settings, pool=pool))
                if stop.is_set():
                    break
                processed = pipeline.process().as_dict()
                summary = {**poll, **processed}
                console.log(
                    "pass done: "
                    + ", ".join(
                        f"{key.replace('_', ' ')} {value}" for key, value in summary.items()
                    )
                )
            except Exception as error:  # keep serving; the failure is logged and recorded
                console.log(f"[red]pass failed:[/] {error!r}")
                with engine.begin() as conn:
                    add_event(conn, level="error", kind="pass-error", message=repr(error))
            stop.wait(max(1.0, PASS_INTERVAL_SECONDS - (time.monotonic() - started)))


def run_ingest_loop(settings: Settings, *, console: Console) -> None:
    engine = open_instance(settings, console)
    stop = threading.Event()
    try:
        _worker(settings, engine, stop, console)
    except KeyboardInterrupt:
        console.print("stopped")


def _serve(
    settings: Settings,
    engine: Engine,
    host: str,
    port: int,
    console: Console,
    *,
    workers: int = 1,
) -> None:
    import uvicorn

    from newsprism.web.app import create_app

    console.print(
        f"web UI on [bold]http://{host}:{port}[/]"
        + (f" ({workers} processes)" if workers > 1 else "")
        + "  (Ctrl-C stops)"
    )
    try:
        if workers > 1:
            # uvicorn starts worker processes from an import string; each builds its
            # settings from the same environment and .env as this command did.
            engine.dispose()
            uvicorn.run(
                "newsprism.web.app:create_app_from_environment",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
            )
        else:
            config = uvicorn.Config(
                create_app(settings, engine), host=host, port=port, log_level="warning"
            )
            uvicorn.Server(config).run()
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal; that
        # is the normal way to stop, not an error.
        pass


def serve_only(settings: Settings, *, host: str, port: int, console: Console) -> None:
    engine = open_instance(settings, console)
    _serve(settings, engine, host, port, console, workers=settings.web_workers)


def run_forever(settings: Settings, *, host: str, port: int, console: Console) -> None:
    engine = open_instance(settings, console)
    stop = threading.Event()
    worker = threading.Thread(
        target=_worker, args=(settings, engine, stop, console), name="newsprism-worker", daemon=True
    )
    worker.start()
    try:
        _serve(settings, engine, host, port, console)
    finally:
        console.print("stopping: finishing the current step…")
        stop.set()
        worker.join(timeout=30)
        engine.dispose()
        console.print("stopped; the next start resumes from the database")
