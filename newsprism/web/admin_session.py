"""The admin pages' session, CSRF protection and responses (never cached).

Logging in with ``NEWSPRISM_ADMIN_TOKEN`` sets one cookie: signed with itsdangerous
(what Starlette's SessionMiddleware uses), HttpOnly, SameSite=Strict, limited to
``/admin`` and Secure over HTTPS. It carries no token, only whether the holder logged
in and the session's CSRF token. The signing key is an HMAC of the admin token under
a random secret kept in the database: every process of the instance shares it, a
stolen cookie says nothing about the token, and changing the token logs everyone out.

Every admin form posts the session's CSRF token in a hidden field, compared with
``hmac.compare_digest``; a POST without a logged-in session is 401, one without the
right CSRF token 403. The login form has a CSRF token too (from a session that is
not logged in yet), so no other site can log a browser in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from newsprism.settings import Settings
from newsprism.store import admin as admin_store
from newsprism.web.deps import render

COOKIE = "newsprism_admin"
COOKIE_PATH = "/admin"
SESSION_SECONDS = 12 * 3600
_SALT = "newsprism.admin-session.v1"


@dataclass(frozen=True, slots=True)
class AdminSession:
    csrf: str
    logged_in: bool


class AdminDisabled(Exception):
    """No admin token is set: the admin pages are off."""


class LoginRequired(Exception):
    """A page needs a logged-in session; ``next`` is where to go after logging in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def admin_token(request: Request) -> str | None:
    settings: Settings = request.app.state.settings
    return settings.admin_token.get_secret_value() if settings.admin_token else None


def token_matches(request: Request, given: str) -> bool:
    """Constant time, and over digests so that not even the token's length leaks."""
    token = admin_token(request)
    if not token:
        return False
    return hmac.compare_digest(
        hashlib.sha256(given.encode()).digest(), hashlib.sha256(token.encode()).digest()
    )


def _instance_secret(request: Request) -> str:
    cached = getattr(request.app.state, "admin_session_secret", None)
    if cached:
        return cached
    engine: Engine = request.app.state.engine
    try:
        with engine.begin() as conn:
            secret = admin_store.session_secret(conn, candidate=secrets.token_hex(32))
    except IntegrityError:  # another process stored its secret first: use that one
        with engine.connect() as conn:
            secret = admin_store.session_secret(conn)
    assert secret is not None
    request.app.state.admin_session_secret = secret
    return secret


def _serializer(request: Request) -> URLSafeTimedSerializer:
    token = admin_token(request) or ""
    key = hmac.new(_instance_secret(request).encode(), token.encode(), hashlib.sha256).digest()
    return URLSafeTimedSerializer(key, salt=_SALT)


def read_session(request: Request) -> AdminSession | None:
    value = request.cookies.get(COOKIE)
    if not value or admin_token(request) is None:
        return None
    try:
        data: Any = _serializer(request).loads(value, max_age=SESSION_SECONDS)
    except BadSignature:  # also expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    return AdminSession(csrf=data["csrf"], logged_in=data.get("admin") is True)


def new_session(*, logged_in: bool) -> AdminSession:
    return AdminSession(csrf=secrets.token_urlsafe(32), logged_in=logged_in)


def write_session(response: Response, request: Request, session: AdminSession) -> None:
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps({"csrf": session.csrf, "admin": session.logged_in}),
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def require_enabled(request: Request) -> None:
    if admin_token(request) is None:
        raise AdminDisabled()


def admin_page(request: Request) -> AdminSession:
    """Dependency of every admin page: a logged-in session, else to the login form."""
    require_enabled(request)
    session = read_session(request)
    if session is None or not session.logged_in:
        raise LoginRequired(safe_next(request.url.path))
    return session


def check_csrf(session: AdminSession | None, csrf: str | None) -> None:
    # Bytes: compare_digest refuses str with non-ASCII characters (a 500, not a 403).
    if session is None or not csrf or not hmac.compare_digest(csrf.encode(), session.csrf.encode()):
        raise HTTPException(
            status_code=403,
            detail="The form's security token is missing or "
            "out of date: reload the page and send it again.",
        )


def logged_in(request: Request) -> AdminSession:
    """A logged-in session, else 401 (for a POST: nowhere to redirect it)."""
    require_enabled(request)
    session = read_session(request)
    if session is None or not session.logged_in:
        raise HTTPException(status_code=401, detail="Log in at /admin first.")
    return session


def admin_form(request: Request, csrf: Annotated[str | None, Form()] = None) -> AdminSession:
    """Dependency of every admin POST: logged in (else 401) and the session's CSRF
    token in the form (else 403)."""
    session = logged_in(request)
    check_csrf(session, csrf)
    return session


def safe_next(path: str | None) -> str:
    """Where to go after logging in: an admin page of this site, nothing else."""
    if not path or not path.startswith(COOKIE_PATH) or "//" in path or "\\" in path:
        return COOKIE_PATH
    if path != COOKIE_PATH and not path.startswith(COOKIE_PATH + "/"):
        return COOKIE_PATH
    return path


def admin_render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    session: AdminSession | None = None,
    status_code: int = 200,
) -> Response:
    """An admin page, with the session's CSRF token for its forms."""
    page = render(
        request,
        template,
        {"section": "admin", "csrf": session.csrf if session else "", **context},
        status_code=status_code,
    )
    # Never cached, never indexed: these pages are one person's.
    page.headers["Cache-Control"] = "no-store"
    page.headers["X-Robots-Tag"] = "noindex, nofollow"
    return page


def see_other(url: str) -> Response:
    """303 after a form: the browser GETs the result, and a reload posts nothing again."""
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response
