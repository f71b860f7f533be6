"""Admin: correct a story by hand — split articles off, merge it into another, move an
article — through ``stories.corrections``, as ``newsprism stories`` and the API do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine
from starlette.responses import Response

from newsprism.store.schema import MAX_ROW_ID
from newsprism.store.stories import get_story, story_articles
from newsprism.stories import corrections
from newsprism.stories.corrections import Correction
from newsprism.web.admin_session import (
    AdminSession,
    admin_form,
    admin_page,
    admin_render,
    see_other,
)
from newsprism.web.deps import Conn

router = APIRouter()

ACTOR = "admin"
AdminPage = Annotated[AdminSession, Depends(admin_page)]
AdminForm = Annotated[AdminSession, Depends(admin_form)]
StoryId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Note = Annotated[str, Form(max_length=corrections.MAX_NOTE_LENGTH)]


@router.get("/stories", response_class=HTMLResponse)
def find_story(_session: AdminPage, id: int = Query(ge=1, le=MAX_ROW_ID)) -> Response:
    return see_other(f"/admin/stories/{id}")


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(
    request: Request,
    conn: Conn,
    story_id: StoryId,
    session: AdminPage,
    done: Literal["merge", "split", "move"] | None = None,
    other: int | None = Query(default=None, ge=1, le=MAX_ROW_ID),
) -> Response:
    return _story(request, conn, session, story_id, done=done, other=other)


def _story(
    request: Request,
    conn: Conn,
    session: AdminSession,
    story_id: int,
    *,
    done: str | None = None,
    other: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    story = get_story(conn, story_id)
    if story is None:
        raise HTTPException(status_code=404, detail=f"No story {story_id}")
    if story["id"] != story_id:  # merged: it is corrected as the story that absorbed it
        return see_other(f"/admin/stories/{story['id']}")
    _total, log = corrections.corrections_log(request.app.state.engine, limit=20, story_id=story_id)
    return admin_render(
        request,
        "admin/story.html",
        {
            "story": story,
            "articles": story_articles(conn, story_id),
            "log": log,
            "done": done,
            "other": other,
            "error": error,
        },
        session=session,
        status_code=status_code,
    )


def _correct(
    request: Request,
    conn: Conn,
    session: AdminSession,
    story_id: int,
    run: Callable[[Engine], Correction],
    *,
    then: Callable[[Correction], str],
) -> Response:
    """Run a correction; on success go to ``then(correction)``, else show why here."""
    try:
        correction = run(request.app.state.engine)
    except corrections.CorrectionError as error:
        unknown = isinstance(error, corrections.UnknownStory | corrections.UnknownArticle)
        return _story(
            request, conn, session, story_id, error=str(error), status_code=404 if unknown else 400
        )
    return see_other(then(correction))


@router.post("/stories/{story_id}/split", response_class=HTMLResponse)
def split(
    request: Request,
    conn: Conn,
    story_id: StoryId,
    session: AdminForm,
    article_ids: Annotated[list[int] | None, Form()] = None,
    note: Note = "",
) -> Response:
    if not article_ids:
        return _story(
            request,
            conn,
            session,
            story_id,
            error="Tick the articles to split off.",
            status_code=400,
        )
    return _correct(
        request,
        conn,
        session,
        story_id,
        lambda engine: corrections.split(
            engine, story_id=story_id, article_ids=article_ids, actor=ACTOR, note=note
        ),
        then=lambda done: f"/admin/stories/{done.target_story_id}?done=split&other={story_id}",
    )


@router.post("/stories/{story_id}/merge", response_class=HTMLResponse)
def merge(
    request: Request,
    conn: Conn,
    story_id: StoryId,
    session: AdminForm,
    into: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    note: Note = "",
) -> Response:
    return _correct(
        request,
        conn,
        session,
        story_id,
        lambda engine: corrections.merge(
            engine, source_id=story_id, target_id=into, actor=ACTOR, note=note
        ),
        then=lambda done: f"/admin/stories/{done.target_story_id}?done=merge&other={story_id}",
    )


@router.post("/stories/{story_id}/move", response_class=HTMLResponse)
def move(
    request: Request,
    conn: Conn,
    story_id: StoryId,
    session: AdminForm,
    article_id: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    to_story: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    note: Note = "",
) -> Response:
    return _correct(
        request,
        conn,
        session,
        story_id,
        lambda engine: corrections.move(
            engine, article_id=article_id, story_id=to_story, actor=ACTOR, note=note
        ),
        then=lambda done: f"/admin/stories/{story_id}?done=move&other={done.target_story_id}",
    )
