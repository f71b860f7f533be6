"""Admin pages behind ``NEWSPRISM_ADMIN_TOKEN``: log in, the catalogue (add an outlet
and its feed), feeds (retry, disable, enable); the ratings import and story corrections
are ``admin_ratings.py`` and ``admin_stories.py``, under the same ``/admin`` prefix.

Each action calls what the CLI calls (``store.outlets``, ``store.feeds``,
``sources.rating_import``, ``stories.corrections``); sessions and CSRF are
``web/admin_session.py``. Without a token set, every page says admin is off.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.models import BIAS_AXIS, Outlet
from newsprism.sources.hosts import normalise_host
from newsprism.sources.ratings import combined_value
from newsprism.store.admin import disable_feed, feed_exists
from newsprism.store.feeds import feed_health, retry_feeds
from newsprism.store.outlets import list_outlets, upsert_outlet
from newsprism.store.schema import MAX_ROW_ID
from newsprism.stories import corrections
from newsprism.web.admin_session import (
    AdminDisabled,
    AdminSession,
    LoginRequired,
    admin_form,
    admin_page,
    admin_render,
    check_csrf,
    clear_session,
    new_session,
    read_session,
    require_enabled,
    safe_next,
    see_other,
    token_matches,
    write_session,
)
from newsprism.web.deps import Conn
from newsprism.web.format import safe_url
from newsprism.web.ratelimit import TokenBucket
from newsprism.web.routes.admin_ratings import router as ratings_router
from newsprism.web.routes.admin_stories import router as stories_router

router = APIRouter(prefix="/admin", include_in_schema=False)
router.include_router(ratings_router)
router.include_router(stories_router)

LOGIN_ATTEMPTS_PER_MINUTE = 10
AdminPage = Annotated[AdminSession, Depends(admin_page)]
AdminForm = Annotated[AdminSession, Depends(admin_form)]
Id = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def install(app: FastAPI) -> None:
    """The admin pages' error pages and login rate limit (``create_app`` calls this)."""
    app.state.admin_login_bucket = TokenBucket(LOGIN_ATTEMPTS_PER_MINUTE)

    async def disabled(request: Request, _exc: Exception) -> Response:
        return admin_render(request, "admin/disabled.html", {}, status_code=403)

    async def login_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        if exc.next_path == "/admin":
            return see_other("/admin")
        return see_other("/admin?" + urlencode({"next": exc.next_path}))

    app.add_exception_handler(AdminDisabled, disabled)
    app.add_exception_handler(LoginRequired, login_first)


# --- log in and out ------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def admin_home(request: Request, conn: Conn, next: str | None = None) -> Response:
    require_enabled(request)
    session = read_session(request)
    if session is not None and session.logged_in:
        feeds = feed_health(conn)
        _total, recent = corrections.corrections_log(request.app.state.engine, limit=5)
        return admin_render(
            request,
            "admin/index.html",
            {
                "feeds_total": len(feeds),
                "feeds_failing": sum(f["state"] not in ("ok", "new") for f in feeds),
                "corrections": recent,
            },
            session=session,
        )
    return _login_form(request, session, next_path=next)


def _login_form(
    request: Request,
    session: AdminSession | None,
    *,
    next_path: str | None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    fresh = session or new_session(logged_in=False)
    page = admin_render(
        request,
        "admin/login.html",
        {"next": safe_next(next_path), "error": error},
        session=fresh,
        status_code=status_code,
    )
    if session is None:
        write_session(page, request, fresh)
    return page


@router.post("/login", response_class=HTMLResponse)
def admin_login(
    request: Request,
    token: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    require_enabled(request)
    bucket: TokenBucket = request.app.state.admin_login_bucket
    wait = bucket.take(request.client.host if request.client else "unknown")
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail="Too many attempts to log in; wait a minute.",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    session = read_session(request)
    check_csrf(session, csrf)
    if not token_matches(request, token):
        return _login_form(
            request, session, next_path=next, error="That is not the admin token.", status_code=403
        )
    response = see_other(safe_next(next))
    # A new CSRF token with the new rights: one seen before logging in is worth nothing.
    write_session(response, request, new_session(logged_in=True))
    return response


@router.post("/logout")
def admin_logout(request: Request, _session: AdminForm) -> Response:
    response = see_other("/admin")
    clear_session(response, request)
    return response


# --- catalogue -----------------------------------------------------------------------


@router.get("/catalogue", response_class=HTMLResponse)
def catalogue_page(
    request: Request, conn: Conn, session: AdminPage, added: str | None = None
) -> Response:
    return _catalogue(request, conn, session, added=added)


def _catalogue(
    request: Request,
    conn: Conn,
    session: AdminSession,
    *,
    added: str | None = None,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    outlets = [
        {
            "domain": outlet.domain,
            "name": outlet.name,
            "country": outlet.country,
            "feeds": outlet.feeds,
            "bias": combined_value(outlet.ratings, BIAS_AXIS),
        }
        for outlet in list_outlets(conn)
    ]
    return admin_render(
        request,
        "admin/catalogue.html",
        {"outlets": outlets, "added": added, "errors": errors or [], "values": values or {}},
        session=session,
        status_code=400 if errors else 200,
    )


@router.post("/catalogue", response_class=HTMLResponse)
def catalogue_add(
    request: Request,
    conn: Conn,
    session: AdminForm,
    domain: Annotated[str, Form(max_length=255)] = "",
    name: Annotated[str, Form(max_length=255)] = "",
    country: Annotated[str, Form(max_length=8)] = "",
    language: Annotated[str, Form(max_length=16)] = "",
    feed_url: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    values = {
        "domain": domain,
        "name": name,
        "country": country,
        "language": language,
        "feed_url": feed_url,
    }
    host = normalise_host(domain)
    errors = []
    if "." not in host or any(c.isspace() for c in host):
        errors.append("The domain must be a host name, like example.com.")
    if not name.strip():
        errors.append("The outlet needs a name.")
    if country.strip() and not (len(country.strip()) == 2 and country.strip().isalpha()):
        errors.append("The country is a two-letter code (ISO 3166-1), like US.")
    if feed_url.strip() and safe_url(feed_url.strip()) is None:
        errors.append("The feed URL must start with http:// or https://.")
    if errors:
        return _catalogue(request, conn, session, errors=errors, values=values)
    outlet = Outlet(
        domain=host,
        name=name.strip(),
        country=country.strip().upper() or None,
        language=language.strip().lower() or None,
        feeds=[feed_url.strip()] if feed_url.strip() else [],
    )
    engine = request.app.state.engine
    with engine.begin() as write:
        upsert_outlet(write, outlet, origin="admin")
    return see_other(f"/admin/catalogue?added={host}")


# --- feeds ---------------------------------------------------------------------------


@router.get("/feeds", response_class=HTMLResponse)
def feeds_page(
    request: Request,
    conn: Conn,
    session: AdminPage,
    done: Literal["retry", "enable", "disable"] | None = None,
    feed: int | None = Query(default=None, ge=1, le=MAX_ROW_ID),
) -> Response:
    return admin_render(
        request,
        "admin/feeds.html",
        {"feeds": feed_health(conn), "done": done, "done_feed": feed},
        session=session,
    )


@router.post("/feeds/{feed_id}")
def feed_action(
    request: Request,
    feed_id: Id,
    _session: AdminForm,
    action: Annotated[Literal["retry", "enable", "disable"], Form()],
) -> Response:
    with request.app.state.engine.begin() as conn:
        if not feed_exists(conn, feed_id):
            raise HTTPException(status_code=404, detail=f"No feed {feed_id}")
        if action == "disable":
            disable_feed(conn, feed_id)
        else:  # retry a quarantined feed, enable a disabled one: both release it
            retry_feeds(conn, [feed_id])
    return see_other(f"/admin/feeds?done={action}&feed={feed_id}#feed-{feed_id}")
