"""``newsprism sources ...``: list, import and export outlets and feeds."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS
from newsprism.settings import Settings
from newsprism.sources.ratings import combined_value, raters_disagree

sources_app = typer.Typer(no_args_is_help=True)
_messages = Console(stderr=True)


def _open(*, load_catalogue: bool) -> Engine:
    from newsprism.sources.catalogue import ensure_catalogue
    from newsprism.store.db import open_database

    settings = Settings().prepare()
    engine = open_database(settings.effective_database_url)
    if load_catalogue:
        loaded = ensure_catalogue(engine, settings)
        if loaded:
            _messages.print(f"loaded the bundled catalogue: {loaded} outlets")
    return engine


@sources_app.command("list")
def list_(
    country: str | None = typer.Option(None, help="Only outlets of this country (ISO code)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the outlets with their feeds and combined ratings."""
    from newsprism.store.outlets import list_outlets

    engine = _open(load_catalogue=True)
    try:
        with engine.connect() as conn:
            outlets = list_outlets(conn, country=country)
    finally:
        engine.dispose()
    if as_json:
        records = [
            {
                "domain": outlet.domain,
                "name": outlet.name,
                "country": outlet.country,
                "language": outlet.language,
                "feeds": outlet.feeds,
                "owner": outlet.owner,
                "ownership_typology": outlet.ownership_typology,
                "bias": combined_value(outlet.ratings, BIAS_AXIS),
                "factuality": combined_value(outlet.ratings, FACTUALITY_AXIS),
                "raters": sorted({rating.rater for rating in outlet.ratings}),
            }
            for outlet in outlets
        ]
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(outlets)} outlets")
    for column in ("domain", "name", "country", "lang", "feeds", "bias", "factuality", "raters"):
        table.add_column(column, justify="right" if column == "feeds" else "left")
    for outlet in outlets:
        bias = combined_value(outlet.ratings, BIAS_AXIS) or ""
        if raters_disagree(outlet.ratings, BIAS_AXIS):
            bias += " (raters disagree)"
        table.add_row(
            outlet.domain,
            outlet.name,
            outlet.country or "",
            outlet.language or "",
            str(len(outlet.feeds)),
            bias,
            combined_value(outlet.ratings, FACTUALITY_AXIS) or "",
            ", ".join(sorted({rating.rater for rating in outlet.ratings})),
        )
    Console().print(table)


@sources_app.command("import")
def import_(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A .csv (our export's columns) or .opml/.xml file."
    ),
) -> None:
    """Add the outlets and feeds of a CSV or OPML file (importing twice adds nothing)."""
    from newsprism.sources.importing import import_file

    engine = _open(load_catalogue=False)
    try:
        report = import_file(engine, path)
    except ValueError as error:
        _messages.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=1) from error
    finally:
        engine.dispose()
    table = Table(title=f"Import of {path.name}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in report.items():
        table.add_row(key.replace("_", " "), str(value))
    Console().print(table)


@sources_app.command("export")
def export(
    format: str = typer.Option("csv", "--format", help="csv or opml."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
) -> None:
    """Write every outlet's feeds as CSV (one row per feed) or OPML 2.0."""
    from newsprism.sources.importing import EXPORT_FORMATS, export_outlets

    if format not in EXPORT_FORMATS:
        _messages.print(f"[red]error:[/] --format must be one of {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(code=2)
    engine = _open(load_catalogue=True)
    try:
        text = export_outlets(engine, format=format)
    finally:
        engine.dispose()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        _messages.print(f"wrote {output}")


@sources_app.command("discover")
def discover(
    homepage: str = typer.Argument(..., help="An outlet's homepage URL."),
    add: bool = typer.Option(False, "--add", help="Add the outlet and the feeds found."),
    name: str | None = typer.Option(None, help="The outlet's name (with --add)."),
) -> None:
    """Find the feeds a homepage declares (<link rel="alternate">), optionally add them."""
    from newsprism.ingest.discover import discover_feeds
    from newsprism.ingest.http import fetch_one
    from newsprism.ingest.urls import host_of
    from newsprism.models import Outlet
    from newsprism.sources.importing import import_outlets

    settings = Settings().prepare()
    page = fetch_one(homepage, settings=settings)
    if not page.ok:
        _messages.print(f"[red]could not fetch {homepage}:[/] {page.error}")
        raise typer.Exit(1)
    found = discover_feeds(page.body, base_url=page.final_url)
    if not found:
        _messages.print(f"no feed declared on {page.final_url}")
        raise typer.Exit(1)
    for url in found:
        print(url)
    if add:
        from newsprism.store.outlets import outlet_name

        domain = host_of(page.final_url)
        engine = _open(load_catalogue=settings.load_catalogue)
        with engine.connect() as conn:
            known_name = outlet_name(conn, domain)  # a catalogue outlet keeps its name
        outlet = Outlet(
            domain=domain, name=name or known_name or domain, feeds=found, homepage=homepage
        )
        counts = import_outlets(engine, [outlet])
        _messages.print(f"added to {domain}: {counts}")
