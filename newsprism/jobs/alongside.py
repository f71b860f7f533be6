"""Cluster stored articles while a polling pass is still fetching and extracting more.

A polling pass spends its time waiting on the network and on the extraction
processes; the main process is mostly idle meanwhile. Clustering the articles already
stored in a second thread during the pass keeps both cores busy, so a pass ends with
most of its articles already in stories instead of starting on all of them at the end.

Only the background thread touches the pipeline until it has stopped; the caller then
runs a final ``Pipeline.process`` (with refresh) for what arrived last.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from newsprism.jobs.pipeline import Pipeline, ProcessReport

__all__ = ["clustering_alongside"]


@contextmanager
def clustering_alongside(
    pipeline: Pipeline, *, idle_seconds: float = 0.5
) -> Iterator[ProcessReport]:
    """While the block runs, cluster newly stored articles (no coverage refresh).

    Yields the running report of what the background thread clustered; an error in
    the thread is raised when the block ends, after the thread has stopped.
    """
    total = ProcessReport()
    stop = threading.Event()
    failures: list[BaseException] = []

    def cluster_until_stopped() -> None:
        while not stop.is_set():
            try:
                report = pipeline.process(refresh=False)
            except BaseException as error:  # surfaced to the caller below
                failures.append(error)
                return
            total.articles_clustered += report.articles_clustered
            total.stories_created += report.stories_created
            total.story_ids |= report.story_ids
            if report.articles_clustered == 0:
                stop.wait(idle_seconds)

    thread = threading.Thread(target=cluster_until_stopped, name="newsprism-cluster", daemon=True)
    thread.start()
    try:
        yield total
    finally:
        stop.set()
        thread.join()
    if failures:
        raise failures[0]
