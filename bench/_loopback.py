"""A loopback HTTP server for the benchmarks, in its own process so it does not share
the client's interpreter lock: N real-sized feeds (the saved CNN feed, links made
unique per feed) and real article pages."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CNN = next((SHARED / "feeds").glob("**/real-cnn.rss"))
PAGES = SHARED / "extraction" / "scrapinghub"


def _feed(base: str, number: int, generation: int) -> bytes:
    """Feed `number`; generation 1 adds one new item on top (the feed changed)."""
    counter = iter(range(10_000))

    def link(_match: re.Match[bytes]) -> bytes:
        return f"<link>{base}/a/{number}/{next(counter)}</link>".encode()

    head, sep, items = CNN.read_bytes().partition(b"<item")
    body = head + sep + re.sub(rb"<link>[^<]*</link>", link, items)
    if generation:
        new = f"<item><title>New item {number}</title><link>{base}/a/{number}/new</link></item>"
        body = body.replace(b"<item", new.encode() + b"<item", 1)
    return body


def _serve(port_queue: multiprocessing.Queue, changed_every: int) -> None:
    pages = [
        gzip.decompress(path.read_bytes()) for path in sorted((PAGES / "html").glob("*.html.gz"))
    ]
    cache: dict[tuple[int, int], bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            base = f"http://{self.headers['Host']}"
            if self.path.startswith("/feed/"):
                number = int(self.path.split("/")[2].split(".")[0])
                etag = self.headers.get("If-None-Match")
                changed = changed_every and number % changed_every == 0
                generation = 1 if etag and changed else 0
                if etag == f'"{number}-{generation}"':
                    return self._send(304, b"", {"ETag": etag})
                key = (number, generation)
                if key not in cache:
                    cache[key] = _feed(base, number, generation)
                return self._send(
                    200,
                    cache[key],
                    {"ETag": f'"{number}-{generation}"', "Content-Type": "application/rss+xml"},
                )
            if self.path.startswith("/page/"):
                number = int(self.path.split("/")[2])
                return self._send(
                    200, pages[number % len(pages)], {"Content-Type": "text/html; charset=utf-8"}
                )
            return self._send(404, b"", {})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        request_queue_size = 512  # the default backlog of 5 resets a concurrent client

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


class LoopbackServer:
    def __init__(self, *, changed_every: int = 2) -> None:
        self._queue: multiprocessing.Queue = multiprocessing.Queue()
        self._process = multiprocessing.Process(
            target=_serve, args=(self._queue, changed_every), daemon=True
        )

    def __enter__(self) -> str:
        self._process.start()
        return f"http://127.0.0.1:{self._queue.get(timeout=30)}"

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(timeout=5)


def ground_truth() -> dict:
    return json.loads((PAGES / "ground-truth.json").read_text())
