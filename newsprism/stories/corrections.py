"""Correcting stories by hand: merge two, split articles off, move one article.

What the CLI (``newsprism stories ...``) and the API (``POST /api/stories/...``) both
call. Each correction is one transaction (``store/corrections.py``) that leaves an
audit row; the touched stories are recomputed by the pipeline's next refresh, and the
pipeline reloads its open stories before clustering again, so new articles join the
stories as corrected and nothing a person placed is moved back.
"""

from __future__ import annotations

from sqlalchemy import Engine

from newsprism.store import corrections as store
from newsprism.store.corrections import (
    Correction,
    CorrectionError,
    UnknownArticle,
    UnknownStory,
)
from newsprism.store.schema import MAX_ROW_ID

__all__ = [
    "Correction",
    "CorrectionError",
    "UnknownArticle",
    "UnknownStory",
    "corrections_log",
    "merge",
    "move",
    "split",
]

MAX_NOTE_LENGTH = 2000
MAX_SPLIT_ARTICLES = 10_000
# Story and article ids are 32-bit integers in the schema; a larger number names
# nothing (and PostgreSQL would refuse to compare with it).


def merge(
    engine: Engine,
    *,
    source_id: int,
    target_id: int,
    actor: str | None = None,
    note: str | None = None,
) -> Correction:
    """Story ``source_id`` joins ``target_id``, which keeps its id; the source's id
    redirects to the target from now on."""
    _check_story_id(source_id)
    _check_story_id(target_id)
    note = _check_note(note)
    with engine.begin() as conn:
        return store.merge_stories(
            conn, source_id=source_id, target_id=target_id, actor=actor, note=note
        )


def split(
    engine: Engine,
    *,
    story_id: int,
    article_ids: list[int],
    actor: str | None = None,
    note: str | None = None,
) -> Correction:
    """The given articles leave ``story_id`` for a new story (the result's
    ``target_story_id``)."""
    _check_story_id(story_id)
    if len(article_ids) > MAX_SPLIT_ARTICLES:
        raise CorrectionError(f"at most {MAX_SPLIT_ARTICLES} articles per split")
    for article_id in article_ids:
        _check_article_id(article_id)
    note = _check_note(note)
    with engine.begin() as conn:
        return store.split_story(
            conn, story_id=story_id, article_ids=list(article_ids), actor=actor, note=note
        )


def move(
    engine: Engine,
    *,
    article_id: int,
    story_id: int,
    actor: str | None = None,
    note: str | None = None,
) -> Correction:
    """Article ``article_id`` leaves its story for ``story_id``."""
    _check_article_id(article_id)
    _check_story_id(story_id)
    note = _check_note(note)
    with engine.begin() as conn:
        return store.move_article(
            conn, article_id=article_id, story_id=story_id, actor=actor, note=note
        )


def corrections_log(
    engine: Engine, *, limit: int = 50, offset: int = 0, story_id: int | None = None
) -> tuple[int, list[Correction]]:
    """(how many corrections there are, a page of them, newest first)."""
    with engine.connect() as conn:
        total = store.count_corrections(conn, story_id=story_id)
        return total, store.list_corrections(conn, limit=limit, offset=offset, story_id=story_id)


def _check_story_id(story_id: int) -> None:
    if not 1 <= story_id <= MAX_ROW_ID:
        raise UnknownStory(f"no story {story_id}")


def _check_article_id(article_id: int) -> None:
    if not 1 <= article_id <= MAX_ROW_ID:
        raise UnknownArticle(f"no article {article_id}")


def _check_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise CorrectionError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    return note or None
