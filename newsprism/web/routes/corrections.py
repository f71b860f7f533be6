"""Story corrections over the JSON API: merge, split, move (token-protected) and the
audit log (public: readers may see what people changed).

Writes need ``Authorization: Bearer <NEWSPRISM_ADMIN_TOKEN>``; without a configured
token they are switched off. Every refusal is a JSON error with a 4xx status.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from newsprism.settings import Settings
from newsprism.store.schema import MAX_ROW_ID
from newsprism.stories import corrections
from newsprism.stories.corrections import (
    MAX_NOTE_LENGTH,
    MAX_SPLIT_ARTICLES,
    Correction,
    CorrectionError,
    UnknownArticle,
    UnknownStory,
)
from newsprism.web.routes.api import Error

router = APIRouter(prefix="/api", tags=["corrections"])

ACTOR = "api"
StoryId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A story id.")]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="An article id.")]
_bearer = HTTPBearer(auto_error=False, description="NEWSPRISM_ADMIN_TOKEN")


def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    settings: Settings = request.app.state.settings
    if settings.admin_token is None:
        raise HTTPException(
            status_code=403,
            detail="Corrections over the API are disabled: no admin token is set "
            "(NEWSPRISM_ADMIN_TOKEN). The `newsprism stories` commands work locally.",
        )
    if credentials is None:
        raise HTTPException(
            status_code=401,
            detail="Send the admin token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = settings.admin_token.get_secret_value().encode()
    # Constant time: the comparison's duration tells nothing about the token.
    if not hmac.compare_digest(credentials.credentials.encode(), expected):
        raise HTTPException(status_code=403, detail="Wrong admin token.")


Admin = Depends(require_admin)
ERRORS: dict[int | str, dict] = {
    400: {"model": Error, "description": "The correction makes no sense as asked."},
    401: {"model": Error, "description": "No bearer token."},
    403: {"model": Error, "description": "Wrong token, or corrections disabled."},
    404: {"model": Error, "description": "No such story or article."},
}


class MergeRequest(BaseModel):
    into: int = Field(ge=1, le=MAX_ROW_ID, description="The story that absorbs this one.")
    note: str | None = Field(default=None, max_length=MAX_NOTE_LENGTH)


class SplitRequest(BaseModel):
    article_ids: list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]] = Field(
        min_length=1,
        max_length=MAX_SPLIT_ARTICLES,
        description="The articles that leave the story for a new one.",
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE_LENGTH)


class MoveRequest(BaseModel):
    story_id: int = Field(ge=1, le=MAX_ROW_ID, description="The story the article belongs to.")
    note: str | None = Field(default=None, max_length=MAX_NOTE_LENGTH)


class CorrectionOut(BaseModel):
    id: int
    at: datetime
    action: str = Field(description="merge, split or move.")
    source_story_id: int | None = Field(
        description="merge: the absorbed story; split: the story split; move: where the "
        "article was."
    )
    target_story_id: int | None = Field(
        description="merge: the surviving story; split: the new story; move: where the "
        "article is now."
    )
    article_ids: list[int] = Field(description="The articles that changed story.")
    actor: str | None
    note: str | None


class CorrectionLog(BaseModel):
    total: int
    limit: int
    offset: int
    corrections: list[CorrectionOut]


@router.post(
    "/stories/{story_id}/merge",
    response_model=CorrectionOut,
    responses=ERRORS,
    dependencies=[Admin],
)
def merge_story(story_id: StoryId, body: MergeRequest, request: Request) -> CorrectionOut:
    """Merge this story into `into`: its articles move there and its id redirects there."""
    return _run(
        lambda engine: corrections.merge(
            engine, source_id=story_id, target_id=body.into, actor=ACTOR, note=body.note
        ),
        request,
    )


@router.post(
    "/stories/{story_id}/split",
    response_model=CorrectionOut,
    responses=ERRORS,
    dependencies=[Admin],
)
def split_story(story_id: StoryId, body: SplitRequest, request: Request) -> CorrectionOut:
    """Split the given articles off this story into a new one (`target_story_id`)."""
    return _run(
        lambda engine: corrections.split(
            engine, story_id=story_id, article_ids=body.article_ids, actor=ACTOR, note=body.note
        ),
        request,
    )


@router.post(
    "/articles/{article_id}/move",
    response_model=CorrectionOut,
    responses=ERRORS,
    dependencies=[Admin],
)
def move_article(article_id: ArticleId, body: MoveRequest, request: Request) -> CorrectionOut:
    """Move the article into story `story_id`."""
    return _run(
        lambda engine: corrections.move(
            engine, article_id=article_id, story_id=body.story_id, actor=ACTOR, note=body.note
        ),
        request,
    )


@router.get("/corrections", response_model=CorrectionLog)
def corrections_log(
    request: Request,
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=MAX_ROW_ID),  # past 64 bits: a database error
    story: int | None = Query(
        default=None, ge=1, le=MAX_ROW_ID, description="Only corrections touching this story."
    ),
) -> CorrectionLog:
    """The audit log of story corrections, newest first."""
    total, entries = corrections.corrections_log(
        request.app.state.engine, limit=limit, offset=offset, story_id=story
    )
    return CorrectionLog(
        total=total, limit=limit, offset=offset, corrections=[_out(e) for e in entries]
    )


def _run(correct: Callable[[Engine], Correction], request: Request) -> CorrectionOut:
    engine: Engine = request.app.state.engine
    try:
        return _out(correct(engine))
    except (UnknownStory, UnknownArticle) as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except CorrectionError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


def _out(correction: Correction) -> CorrectionOut:
    return CorrectionOut(**correction.as_dict())
