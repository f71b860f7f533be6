"""``newsprism stories ...``: correct stories by hand and read the audit log.

The CLI opens the database itself, so whoever may run it may correct stories: it asks
for no token (the HTTP API does, see ``web/routes/corrections.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from newsprism.settings import Settings
from newsprism.stories import corrections
from newsprism.stories.corrections import Correction, CorrectionError

stories_app = typer.Typer(no_args_is_help=True)
_messages = Console(stderr=True)
ACTOR = "cli"

_NOTE = typer.Option(None, "--note", help="Why: recorded with the correction in the log.")


@contextmanager
def _engine() -> Iterator[Engine]:
    from newsprism.store.db import open_database

    engine = open_database(Settings().prepare().effective_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _apply(correct: Callable[[Engine], Correction]) -> Correction:
    """Run a correction; a refused one is an error message and exit status 1."""
    with _engine() as engine:
        try:
            return correct(engine)
        except CorrectionError as error:
            _messages.print(f"[red]refused:[/red] {error}")
            raise typer.Exit(1) from None


@stories_app.command("merge")
def merge(
    source_id: int = typer.Argument(..., help="The story that is absorbed (its id redirects)."),
    target_id: int = typer.Argument(..., help="The story that absorbs it and keeps its id."),
    note: str | None = _NOTE,
) -> None:
    """Merge story SOURCE_ID into TARGET_ID: its articles move, its id redirects."""
    done = _apply(
        lambda engine: corrections.merge(
            engine, source_id=source_id, target_id=target_id, actor=ACTOR, note=note
        )
    )
    typer.echo(
        f"merged story {source_id} into {target_id}: {len(done.article_ids)} articles moved "
        f"(correction {done.id})"
    )


@stories_app.command("split")
def split(
    story_id: int = typer.Argument(..., help="The story to split."),
    article_ids: list[int] = typer.Argument(..., help="The articles that leave it."),
    note: str | None = _NOTE,
) -> None:
    """Split ARTICLE_IDs off story STORY_ID into a new story."""
    done = _apply(
        lambda engine: corrections.split(
            engine, story_id=story_id, article_ids=article_ids, actor=ACTOR, note=note
        )
    )
    typer.echo(
        f"split {len(done.article_ids)} articles off story {story_id} into new story "
        f"{done.target_story_id} (correction {done.id})"
    )


@stories_app.command("move")
def move(
    article_id: int = typer.Argument(..., help="The article to move."),
    story_id: int = typer.Argument(..., help="The story it belongs to."),
    note: str | None = _NOTE,
) -> None:
    """Move article ARTICLE_ID into story STORY_ID."""
    done = _apply(
        lambda engine: corrections.move(
            engine, article_id=article_id, story_id=story_id, actor=ACTOR, note=note
        )
    )
    typer.echo(
        f"moved article {article_id} from story {done.source_story_id} to {story_id} "
        f"(correction {done.id})"
    )


@stories_app.command("log")
def log(
    story: int | None = typer.Option(None, "--story", help="Only corrections touching it."),
    limit: int = typer.Option(50, min=1, help="At most this many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The audit log of story corrections, newest first."""
    with _engine() as engine:
        total, entries = corrections.corrections_log(engine, limit=limit, story_id=story)
    if as_json:
        typer.echo(json.dumps([entry.as_dict() for entry in entries], ensure_ascii=False))
        return
    table = Table(title=f"Story corrections ({len(entries)} of {total})")
    for column in ("id", "at", "action", "from story", "to story", "articles", "by", "note"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for entry in entries:
        table.add_row(
            str(entry.id),
            entry.at.strftime("%Y-%m-%d %H:%M"),
            entry.action,
            _id(entry.source_story_id),
            _id(entry.target_story_id),
            ", ".join(map(str, entry.article_ids)),
            entry.actor or "",
            entry.note or "",
        )
    Console().print(table)


def _id(value: int | None) -> str:
    return "" if value is None else str(value)
