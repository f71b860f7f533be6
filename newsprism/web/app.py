"""The FastAPI application: pages, JSON API, static files and security headers.

``create_app(settings)`` is what ``newsprism serve`` hands to uvicorn; tests pass
their own engine. Nothing here loads anything from another host: the pages must
work on closed networks.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from newsprism.settings import Settings
from newsprism.store.db import open_database
from newsprism.web.deps import STATIC_DIR, render
from newsprism.web.headers import DefaultHeaders
from newsprism.web.page_cache import PageCache
from newsprism.web.ratelimit import TokenBucket
from newsprism.web.routes import (
    admin,
    api,
    blindspots,
    corrections,
    feeds_out,
    health,
    home,
    how_we_count,
    outlets,
    reader,
    search,
    stories,
    topics,
    topics_api,
)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# /docs and /redoc serve Swagger UI / ReDoc from this server (fastapi-offline: no CDN,
# closed networks work) but boot them with an inline script; only those pages allow it.
_DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
_DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    owns_engine = engine is None
    if engine is None:
        engine = open_database(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_engine:
            engine.dispose()

    app = FastAPIOffline(
        title="newsprism",
        summary="Every side of every story: who covered it, their bias, factuality and ownership.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.search_bucket = (
        TokenBucket(settings.search_rate_per_minute) if settings.search_rate_per_minute else None
    )
    app.state.page_cache = (
        PageCache(seconds=settings.page_cache_seconds) if settings.page_cache_seconds else None
    )

    app.add_middleware(
        DefaultHeaders,
        policy=CONTENT_SECURITY_POLICY,
        policy_by_path=dict.fromkeys(_DOCS_PATHS, _DOCS_POLICY),
        headers=SECURITY_HEADERS,
    )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # The API answers errors in JSON; people get a page with a way back.
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        page = render(
            request,
            "error.html",
            {"status_code": exc.status_code, "message": exc.detail},
            status_code=exc.status_code,
        )
        page.headers.update(exc.headers or {})  # Retry-After of a 429, for one
        return page

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        home,
        stories,
        outlets,
        health,
        search,
        feeds_out,
        api,
        corrections,
        blindspots,
        how_we_count,
        reader,
        topics,
        topics_api,
        admin,
    ):
        app.include_router(module.router)
    admin.install(app)
    return app


def create_app_from_environment() -> FastAPI:
    """The app of one worker process of ``newsprism serve`` when ``NEWSPRISM_WEB_WORKERS``
    is above 1: uvicorn starts workers from an import string, so each one builds the
    settings from the environment (and ``.env``) as the command line did.

    The process only serves requests from here on, so what exists now (modules, the
    app, ~140,000 objects) is set aside from the garbage collector (``gc.freeze``): a
    full collection scanned them all, an 80 ms pause every few thousand requests that
    every request waiting on that process sat through (bench/web.py's p99); ~3 ms
    after the freeze."""
    app = create_app(Settings().prepare())
    gc.collect()
    gc.freeze()
    return app
