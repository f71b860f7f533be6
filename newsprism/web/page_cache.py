"""A micro-cache of rendered pages: the home page and story pages, for a few seconds.

Off unless ``NEWSPRISM_PAGE_CACHE_SECONDS`` is set. A busy instance serves its home
page and its most read stories many times a second; rendering each one again costs
tens of milliseconds of CPU (bench/web.py), serving a kept copy almost nothing. The
price is freshness, bounded by the setting: a page served from here may be that many
seconds old — a story's new article, an outlet renamed, "3 minutes ago" — the usual
trade of a reverse proxy's micro-cache, without running one.

Pages do not depend on the reader (no cookies, no sessions: "Following" and "My news
bias" live in the browser), so the key is the path and query string alone. Each worker
process keeps its own copy; at most ``max_pages`` pages, the least recently used go.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

MAX_PAGES = 1024  # ~25 kB a page: ~25 MB a process at most


@dataclass(frozen=True, slots=True)
class _Page:
    body: bytes
    expires: float  # time.monotonic()


class PageCache:
    def __init__(self, *, seconds: float, max_pages: int = MAX_PAGES) -> None:
        self.seconds = seconds
        self.max_pages = max_pages
        self._pages: OrderedDict[str, _Page] = OrderedDict()
        # Sync routes run in a thread pool: the dict is shared between threads.
        self._lock = threading.Lock()

    def get(self, request: Request) -> Response | None:
        """The kept page for this request, while it is fresh."""
        key = _key(request)
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.expires <= time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
        return HTMLResponse(page.body)

    def keep(self, request: Request, response: Response) -> Response:
        """Keep a successful page (an error or a redirect is not kept); returns it."""
        if response.status_code == 200 and isinstance(response.body, bytes):
            page = _Page(response.body, time.monotonic() + self.seconds)
            with self._lock:
                self._pages[_key(request)] = page
                self._pages.move_to_end(_key(request))
                while len(self._pages) > self.max_pages:
                    self._pages.popitem(last=False)
        return response


def _key(request: Request) -> str:
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


def page_cache_of(request: Request) -> PageCache | None:
    """The app's page cache, or None when it is off."""
    return getattr(request.app.state, "page_cache", None)
