"""Page speed under load: the story page, the home page and a static file, served by
``newsprism serve`` (the production command, in its own process) and loaded with
``wrk`` from a second process on loopback.

    python bench/web.py [--articles 100000] [--seconds 15] [--connections 32]
                        [--workers N] [--page-cache SECONDS] [--hot-stories N]
    python bench/web.py --in-process [--requests 600]

The database (≥ 100,000 articles in ≥ 10,000 stories) is built by ``bench/web_data.py``
on the first run and reused after. ``wrk`` is Debian's (``apt-get install -y wrk``).
The server runs with ``NEWSPRISM_WEB_WORKERS=--workers`` (default: one per core).

As configured by default (no page cache):

- **story page**: ``/stories/{id}`` over every story in a shuffled order (a Lua script;
  each wrk thread starts elsewhere in the list), so in a run almost no page is asked
  for twice: what a reader's first visit to any story costs.
- **story page, N biggest**: the same over the ``--hot-stories`` biggest stories (those
  of the first home pages, where readers go): the long ones, whose pages list their
  newest articles and load the rest on demand.
- **home page**: ``/`` (the biggest stories), the page every visit starts from.
- **static file**: the app's own static asset closest in size to the median story page
  (named in the output): the ceiling, this server with no database and no template.

Then, unless ``--page-cache 0``, a second server with ``NEWSPRISM_PAGE_CACHE_SECONDS``
(the micro-cache, web/page_cache.py): the home page, and story pages over the
``--hot-stories`` biggest stories (those of the first home pages, where readers go),
shuffled likewise.

Before each measured run a 2-second warm-up run loads the same URLs (not counted).
Prints p50/p99 latency, requests/s and the server's CPU time per request of each, the
database size and the load average: figures are printed, never asserted. On a machine
shared with other work (load average above the core count) latency and requests/s are
worse than the machine can do; CPU time per request much less so.

``--in-process`` measures no server: it calls the app (ASGI) in this process, one
request at a time, and prints the CPU time per request of the story page (``--requests``
stories, shuffled) and of the home page, the best of three passes: the least noisy
figure on a shared machine, without HTTP and uvicorn (~0.5 ms a request more).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_data import DATABASE_NAME, database_bytes, ensure_database  # noqa: E402

from newsprism.web.deps import STATIC_DIR  # noqa: E402

WARM_UP_SECONDS = 2
PAGES_SIZED = 50  # story pages fetched to find the median size


@dataclass(slots=True)
class Result:
    name: str
    p50_ms: float
    p99_ms: float
    requests_per_second: float
    requests: int
    errors: str
    cpu_ms: float | None = None  # server CPU time per request, all its processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--page-cache", type=float, default=10, help="seconds; 0: skip")
    parser.add_argument("--hot-stories", type=int, default=100)
    parser.add_argument("--in-process", action="store_true", help="no server: see above")
    parser.add_argument("--requests", type=int, default=600, help="with --in-process")
    args = parser.parse_args()
    if args.in_process:
        folder = ensure_database(args.articles)
        all_stories, _ = _story_ids(folder)
        _in_process(folder, all_stories, requests=args.requests)
        return
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (Debian), then run this again")

    folder = ensure_database(args.articles)
    all_stories, biggest = _story_ids(folder)
    print(
        f"database: {len(all_stories)} stories, {database_bytes(folder) / 1e6:.0f} MB "
        f"({folder / DATABASE_NAME})"
    )
    common = [wrk, "--latency", "-t", str(args.threads), "-c", str(args.connections)]
    common += ["--timeout", "10s", "-d"]  # slow answers are measured, not dropped
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as scratch:
        with _Server(folder, workers=args.workers) as server:
            median_page = _median_size(server.base, all_stories)
            static = min(STATIC_DIR.iterdir(), key=lambda p: abs(p.stat().st_size - median_page))
            print(
                f"median story page {median_page / 1000:.1f} kB; static file "
                f"/static/{static.name} {static.stat().st_size / 1000:.1f} kB"
            )
            every_story = _rotation(Path(scratch) / "all.lua", all_stories, args.threads)
            hot = _rotation(Path(scratch) / "hot.lua", biggest[: args.hot_stories], args.threads)
            targets = [
                ("story page, every story", ["-s", str(every_story), server.base]),
                (f"story page, {args.hot_stories} biggest", ["-s", str(hot), server.base]),
                ("home page", [f"{server.base}/"]),
                (f"static file ({static.name})", [f"{server.base}/static/{static.name}"]),
            ]
            results += _measure(server, targets, common, args.seconds)
        if args.page_cache:
            with _Server(folder, workers=args.workers, page_cache=args.page_cache) as server:
                targets = [
                    (f"story page, {args.hot_stories} biggest", ["-s", str(hot), server.base]),
                    ("home page", [f"{server.base}/"]),
                ]
                cached = _measure(server, targets, common, args.seconds)
            for result in cached:
                result.name = f"{result.name} [cache {args.page_cache:g} s]"
            results += cached
    _report(results, args)


def _measure(
    server: _Server, targets: list[tuple[str, list[str]]], common: list[str], seconds: int
) -> list[Result]:
    results = []
    for name, target in targets:
        subprocess.run([*common, f"{WARM_UP_SECONDS}s", *target], capture_output=True)
        cpu_before = _tree_cpu_seconds(server.pid)
        output = subprocess.run(
            [*common, f"{seconds}s", *target], capture_output=True, text=True, check=True
        ).stdout
        result = _parse(name, output)
        if result.requests:
            spent = _tree_cpu_seconds(server.pid) - cpu_before
            result.cpu_ms = spent * 1000 / result.requests
        results.append(result)
    return results


def _report(results: list[Result], args: argparse.Namespace) -> None:
    load = os.getloadavg()
    cores = os.cpu_count() or 1
    print(
        f"\n{args.connections} connections, {args.seconds} s each, wrk on the same machine, "
        f"{args.workers} server processes; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} on {cores} cores"
        + ("  (shared with other work while measuring)" if load[0] > cores else "")
    )
    width = max(len(result.name) for result in results)
    print(f"{'':{width}} {'p50 ms':>8} {'p99 ms':>8} {'requests/s':>11} {'CPU ms/request':>15}")
    for result in results:
        cpu = f"{result.cpu_ms:15.2f}" if result.cpu_ms is not None else f"{'n/a':>15}"
        print(
            f"{result.name:{width}} {result.p50_ms:8.1f} {result.p99_ms:8.1f} "
            f"{result.requests_per_second:11.1f} {cpu}"
            + (f"  {result.errors}" if result.errors else "")
        )
    print(
        "CPU ms/request: user + system time of the server's processes during the run, per "
        "request answered;\nit hardly depends on the load: N free cores serve at most "
        "N × 1000 / it requests/s."
    )


def _in_process(folder: Path, story_ids: list[int], *, requests: int) -> None:
    import asyncio

    from newsprism.settings import Settings
    from newsprism.web.app import create_app

    settings = Settings(
        _env_file=None,
        data_dir=folder,
        database_url=f"sqlite:///{folder / DATABASE_NAME}",
        load_catalogue=False,
        page_cache_seconds=0,
    )
    app = create_app(settings)
    stories = random.Random(42).sample(story_ids, min(requests, len(story_ids)))

    async def get(path: str) -> bytes:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"bench")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        messages = [{"type": "http.request", "body": b"", "more_body": False}]
        body: list[bytes] = []
        status: list[int] = []

        async def receive() -> dict:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await app(scope, receive, send)
        if status != [200]:
            raise RuntimeError(f"{path} answered {status}")
        return b"".join(body)

    async def cpu_ms(paths: list[str]) -> tuple[float, int]:
        for path in paths[:20]:  # warm-up: templates compiled, connections opened
            await get(path)
        passes, size = [], 0
        for _ in range(3):
            started = time.process_time()
            sizes = [len(await get(path)) for path in paths]
            passes.append((time.process_time() - started) * 1000 / len(paths))
            size = int(statistics.median(sizes))
        return min(passes), size

    async def run() -> None:
        story, story_size = await cpu_ms([f"/stories/{i}" for i in stories])
        home, home_size = await cpu_ms(["/"] * max(20, len(stories) // 4))
        load = os.getloadavg()
        print(
            f"in process, one request at a time, best of 3 passes; load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
        )
        print(f"{'':28} {'CPU ms/request':>15} {'median kB':>10}")
        print(f"{f'story page, {len(stories)} stories':28} {story:15.2f} {story_size / 1000:10.1f}")
        print(f"{'home page':28} {home:15.2f} {home_size / 1000:10.1f}")

    asyncio.run(run())


def _story_ids(folder: Path) -> tuple[list[int], list[int]]:
    """Every listed story's id, and the same ids biggest first (as the home page)."""
    with sqlite3.connect(folder / DATABASE_NAME) as db:
        rows = db.execute(
            "SELECT id FROM stories WHERE merged_into IS NULL AND source_count >= 1 "
            "ORDER BY source_count DESC, last_seen DESC, id DESC"
        ).fetchall()
    biggest = [row[0] for row in rows]
    return sorted(biggest), biggest


class _Server:
    """``newsprism serve`` in its own process, on a free loopback port."""

    def __init__(self, folder: Path, *, workers: int, page_cache: float = 0) -> None:
        self._folder = folder
        self._workers = workers
        self._page_cache = page_cache
        self._process: subprocess.Popen | None = None
        self.base = ""

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> _Server:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSPRISM_")}
        env.update(
            NEWSPRISM_DATA_DIR=str(self._folder),
            NEWSPRISM_DATABASE_URL=f"sqlite:///{self._folder / DATABASE_NAME}",
            NEWSPRISM_LOAD_CATALOGUE="false",
            NEWSPRISM_WEB_WORKERS=str(self._workers),
            NEWSPRISM_PAGE_CACHE_SECONDS=str(self._page_cache),
        )
        command = shutil.which("newsprism", path=str(Path(sys.executable).parent))
        argv = [command] if command else [sys.executable, "-m", "newsprism"]
        self._log = (self._folder / "serve.log").open("w")
        self._process = subprocess.Popen(
            [*argv, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=self._folder,  # no stray .env from the caller's folder
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                sys.exit(f"newsprism serve exited; see {self._folder / 'serve.log'}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        sys.exit("newsprism serve did not answer within 120 s")

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()  # uvicorn stops its worker processes on SIGTERM
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._log.close()


def _median_size(base: str, story_ids: list[int]) -> int:
    sample = random.Random(7).sample(story_ids, min(PAGES_SIZED, len(story_ids)))
    sizes = []
    for story_id in sample:
        with urllib.request.urlopen(f"{base}/stories/{story_id}", timeout=30) as response:
            sizes.append(len(response.read()))
    return int(statistics.median(sizes))


def _rotation(path: Path, story_ids: list[int], threads: int) -> Path:
    """A wrk script asking for these stories in a shuffled order; thread n starts n/threads
    of the way through the list, so threads do not ask for the same pages."""
    shuffled = list(story_ids)
    random.Random(42).shuffle(shuffled)
    path.write_text(
        "local ids = {" + ",".join(map(str, shuffled)) + "}\n"
        "local threads = 0\n"
        "function setup(thread)\n"
        "  thread:set('first', threads)\n"
        "  threads = threads + 1\n"
        "end\n"
        "local position = 0\n"
        "function init(args)\n"
        f"  position = math.floor((first or 0) * #ids / {threads})\n"
        "end\n"
        "function request()\n"
        "  position = position + 1\n"
        "  return wrk.format('GET', '/stories/' .. ids[(position % #ids) + 1])\n"
        "end\n"
    )
    return path


def _tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        # After the command name: state, ppid, ...; utime and stime are the 12th and 13th.
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(found)
        tree |= found
    return sum(times.get(pid, 0.0) for pid in tree)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _parse(name: str, output: str) -> Result:
    """p50, p99 and requests/s from ``wrk --latency`` output."""

    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        if match is None:
            raise ValueError(f"no {percent}% line in wrk output:\n{output}")
        return float(match.group(1)) * _UNITS_MS[match.group(2)]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    problems = [
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("Non-2xx", "Socket errors"))
    ]
    return Result(
        name=name,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests_per_second=float(rate.group(1)) if rate else 0.0,
        requests=int(count.group(1)) if count else 0,
        errors="; ".join(problems),
    )


if __name__ == "__main__":
    main()
