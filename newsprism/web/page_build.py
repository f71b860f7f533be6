"""Where the busiest pages are built: in the event loop on SQLite, in a worker thread
otherwise.

A plain ``def`` route with the ``Conn`` dependency makes three trips through the
thread pool per request (open the connection, run the route, close it). Under load
each trip is a hand-over of the GIL between the event loop and one of dozens of
worker threads: with 32 connections the story page cost 3.5 ms of server CPU that
way and 2.6 ms built in the event loop, which served 1.9 times the requests per
second at 40% of the p99 latency (bench/web.py, same code otherwise).

Building a page is CPU work. On SQLite (a file on this machine, read in WAL mode, so
a writer never blocks a reader) its reads take a fraction of a millisecond and wait
on nothing but the disk, so the event loop builds the page itself, the way it would
read a static file: each worker process serves one page after another, with no
thread in between. On PostgreSQL a read waits on another process, perhaps another
host, and the event loop must not wait with it: the page is built in one worker
thread, one trip instead of three.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response


async def build_page(request: Request, build: Callable[[Connection], Response]) -> Response:
    """``build(conn)`` with one read connection for its duration."""
    engine: Engine = request.app.state.engine

    def run() -> Response:
        with engine.connect() as conn:
            return build(conn)

    if engine.dialect.name == "sqlite":
        return run()
    return await run_in_threadpool(run)
