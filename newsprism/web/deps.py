"""Dependencies shared by the route modules: the database connection and templates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader
from sqlalchemy import Connection, Engine
from starlette.responses import Response

from newsprism.web import format as display
from newsprism.web.jinja_env import ViewModelEnvironment

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Autoescape on for every template: titles, ledes and outlet names come from feeds
# and pages we do not control.
# auto_reload off: templates are package files that change with a new version (and a
# restart), and checking each one's modification time cost ~6% of a story page.
_environment = ViewModelEnvironment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
display.register(_environment)
templates = Jinja2Templates(env=_environment)


def get_conn(request: Request) -> Iterator[Connection]:
    """One read connection per request, from the engine the app was created with."""
    engine: Engine = request.app.state.engine
    with engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(get_conn)]


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    return templates.TemplateResponse(request, template, context, status_code=status_code)
