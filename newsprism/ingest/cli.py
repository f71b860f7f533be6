"""``newsprism feeds ...``: feed health, and retrying quarantined or disabled feeds."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from newsprism.settings import Settings
from newsprism.store.db import open_database, utcnow
from newsprism.store.feeds import feed_health, retry_feeds

feeds_app = typer.Typer(no_args_is_help=True)


def _when(value) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return "—"
    seconds = (value - utcnow()).total_seconds()
    future = seconds > 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            amount = f"{int(seconds // size)}{unit}"
            break
    else:
        amount = f"{int(seconds)}s"
    return f"in {amount}" if future else f"{amount} ago"


@feeds_app.command("health")
def health(
    failing: bool = typer.Option(False, "--failing", help="Only feeds that are not ok."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """Every feed: state, last success, last error and its kind, failures, articles/day."""
    settings = Settings().prepare()
    engine = open_database(settings.effective_database_url)
    with engine.connect() as conn:
        rows = feed_health(conn)
    if failing:
        rows = [row for row in rows if row["state"] != "ok"]
    if as_json:
        for row in rows:
            print(
                json.dumps(
                    {
                        key: (value.isoformat() if hasattr(value, "isoformat") else value)
                        for key, value in row.items()
                        if key not in ("etag", "body_hash")
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table(title=f"Feed health ({len(rows)} feeds)")
    for column in (
        "id",
        "feed",
        "state",
        "last success",
        "last error",
        "kind",
        "failures",
        "articles/day",
        "next poll",
    ):
        table.add_column(column, overflow="fold")
    for row in rows:
        error = row["quarantine_reason"] or row["disabled_reason"] or row["last_error"] or ""
        table.add_row(
            str(row["id"]),
            row["url"],
            row["state"],
            _when(row["last_success_at"]),
            error[:80],
            row["last_error_kind"] or "",
            str(row["error_count"]),
            f"{row['articles_per_day']:.1f}",
            "—" if row["state"] in ("quarantined", "disabled") else _when(row["next_poll_at"]),
        )
    # A pipe or a file gets whole lines rather than an 80-column fold.
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@feeds_app.command("retry")
def retry(
    feed_ids: list[int] = typer.Argument(None, help="Feed ids (see `feeds health`)."),
    all_feeds: bool = typer.Option(False, "--all", help="Every quarantined or disabled feed."),
) -> None:
    """Release quarantined or disabled feeds: the next pass polls them again."""
    if not feed_ids and not all_feeds:
        raise typer.BadParameter("name feed ids, or --all")
    settings = Settings().prepare()
    engine = open_database(settings.effective_database_url)
    with engine.begin() as conn:
        released = retry_feeds(conn, None if all_feeds else list(feed_ids))
    Console().print(f"released {released} feed(s); the next polling pass tries them again")
