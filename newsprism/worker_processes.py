"""Process pools for the per-article work of ingest and the pipeline.

Both pools start their workers with "spawn": the caller may run threads (the web
server), which fork does not copy safely. And every worker exits when the process
that started it dies: a worker waits for jobs on a queue and would not notice
otherwise, so a ``kill -9`` of ``newsprism run`` left its workers (~100–200 MB each)
idle until the machine restarted.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait
from typing import Any


def process_pool(
    workers: int,
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that exit with this one."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(initializer, initargs),
    )


def _start(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_when_gone, args=(parent.sentinel,), name="exit-with-parent", daemon=True
        ).start()
    if initializer is not None:
        initializer(*initargs)


def _exit_when_gone(parent_sentinel: int) -> None:
    # The sentinel becomes ready when the parent process has ended, however it ended.
    wait([parent_sentinel])
    os._exit(1)
