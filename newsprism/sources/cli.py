"""``newsprism sources ...``: list, import and export outlets and feeds."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Rating
from newsprism.settings import Settings
from newsprism.sources.axes import BUILT_IN_AXES, END, Axis, AxisRegistry
from newsprism.sources.hosts import normalise_host
from newsprism.sources.ratings import Combined, combine, combined_value, superseded

sources_app = typer.Typer(no_args_is_help=True)
_messages = Console(stderr=True)


def _shown(combined: Combined) -> str:
    """A combined value for a table: marked when it is an override or raters disagree."""
    text = combined.value or ""
    if combined.override:
        text += " (override)"
    if combined.raters_disagree:
        text += " (raters disagree)"
    return text


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
                "raters": sorted(
                    {rating.rater for rating in outlet.ratings if not rating.is_override}
                ),
                # The axes whose value is a local override rather than the raters'.
                "overrides": sorted(
                    {rating.axis for rating in outlet.ratings if rating.is_override}
                ),
            }
            for outlet in outlets
        ]
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(outlets)} outlets")
    for column in ("domain", "name", "country", "lang", "feeds", "bias", "factuality", "raters"):
        table.add_column(column, justify="right" if column == "feeds" else "left")
    for outlet in outlets:
        table.add_row(
            outlet.domain,
            outlet.name,
            outlet.country or "",
            outlet.language or "",
            str(len(outlet.feeds)),
            _shown(combine(outlet.ratings, BIAS_AXIS)),
            _shown(combine(outlet.ratings, FACTUALITY_AXIS)),
            ", ".join(sorted({r.rater for r in outlet.ratings if not r.is_override})),
        )
    Console().print(table)


@sources_app.command("import")
def import_(
    path: Path | None = typer.Argument(
        None,
        exists=True,
        dir_okay=False,
        help="A .csv (our export's columns) or .opml/.xml file of outlets and feeds, or a "
        ".json catalogue (outlets, ratings, declared axes: README, Ratings).",
    ),
    ratings: Path | None = typer.Option(
        None,
        "--ratings",
        exists=True,
        dir_okay=False,
        help="A ratings file instead (formats: README, Ratings); its format is detected.",
    ),
    rater: str | None = typer.Option(
        None,
        "--rater",
        help="With --ratings: who rated (each format has a default; a merged file needs "
        "one); for a file with per-rater columns, the one rater to take.",
    ),
    format: str | None = typer.Option(
        None, "--format", help="With --ratings: the file's format, when detection is wrong."
    ),
    licence: str | None = typer.Option(
        None,
        "--licence",
        help="With --ratings: the licence of the ratings (default: the format's).",
    ),
    rated_on: str | None = typer.Option(
        None,
        "--rated-on",
        help="With --ratings: the date of the ratings the file leaves undated "
        "(default: today, stored only where they change something).",
    ),
    add_outlets: bool = typer.Option(
        False, "--add-outlets", help="With --ratings: add the domains that are no outlet yet."
    ),
) -> None:
    """Add the outlets and feeds of a CSV or OPML file, or import a ratings file
    (--ratings FILE); importing twice changes nothing."""
    if (path is None) == (ratings is None):
        _messages.print("[red]error:[/] give either FILE or --ratings FILE")
        raise typer.Exit(code=2)
    if ratings is not None:
        _import_ratings(
            ratings,
            format=format,
            rater=rater,
            licence=licence,
            rated_on=rated_on,
            add_outlets=add_outlets,
        )
        return
    assert path is not None
    from newsprism.sources.importing import import_catalogue, import_file, read_catalogue_file

    engine = _open(load_catalogue=False)
    skipped: Counter[str] = Counter()
    try:
        if path.suffix.lower() == ".json":
            done = import_catalogue(engine, read_catalogue_file(path))
            report, skipped = done.counts, done.skipped
        else:
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
    for reason, count in skipped.most_common():
        _messages.print(f"skipped {count} rating(s): {reason}")


# Column widths of the ratings table (schema.py): checked before anything is stored.
_MAX_LENGTHS = {"--rater": 64, "--licence": 128, "--rated-on": 32}
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_MAX_NOTE = 2000  # the column that keeps an override's note holds 2048


def _import_ratings(
    path: Path,
    *,
    format: str | None,
    rater: str | None,
    licence: str | None,
    rated_on: str | None,
    add_outlets: bool,
) -> None:
    from newsprism.sources.rating_import import UNKNOWN_SHOWN, import_ratings_file

    for option, value in (("--rater", rater), ("--licence", licence), ("--rated-on", rated_on)):
        if value is not None and not (0 < len(value.strip()) <= _MAX_LENGTHS[option]):
            _messages.print(
                f"[red]error:[/] {option} must be 1 to {_MAX_LENGTHS[option]} characters"
            )
            raise typer.Exit(code=2)
    # Dates are compared as text to find a rater's newest rating: ISO only.
    if rated_on is not None and not _ISO_DATE.fullmatch(rated_on.strip()):
        _messages.print("[red]error:[/] --rated-on must be YYYY, YYYY-MM or YYYY-MM-DD")
        raise typer.Exit(code=2)
    # The outlets must be there before their ratings can be matched to them.
    engine = _open(load_catalogue=True)
    try:
        report = import_ratings_file(
            engine,
            path,
            format=format,
            rater=rater and rater.strip(),
            licence=licence and licence.strip(),
            rated_on=rated_on and rated_on.strip(),
            add_outlets=add_outlets,
            today=date.today(),
        )
    except ValueError as error:
        _messages.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=1) from error
    finally:
        engine.dispose()
    table = Table(title=f"Ratings import of {path.name}")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("format", report.format)
    for label, value in (
        ("rows read", report.rows_read),
        ("ratings in file", report.ratings_in_file),
        ("outlets matched", report.outlets_matched),
        ("outlets added", report.outlets_added),
        ("ratings added", report.ratings_added),
        ("ratings updated", report.ratings_updated),
        ("ratings unchanged", report.ratings_unchanged),
        ("ownership updated", report.ownership_updated),
        ("unknown domains", len(report.unknown_domains)),
    ):
        table.add_row(label, str(value))
    Console().print(table)
    if report.unknown_domains:
        shown = ", ".join(report.unknown_domains[:UNKNOWN_SHOWN])
        more = len(report.unknown_domains) - UNKNOWN_SHOWN
        _messages.print(
            f"{len(report.unknown_domains)} domains are no outlet here and were left out"
            f" (--add-outlets adds them): {shown}" + (f" and {more} more" if more > 0 else "")
        )
    for domain, parent in report.unknown_subdomains[:UNKNOWN_SHOWN]:
        _messages.print(f"  {domain} was not applied to its parent outlet {parent}")
    for reason, count in report.skipped.most_common():
        _messages.print(f"skipped {count}: {reason}")


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
        from newsprism.store.outlets import get_outlet, outlet_id_for_host

        host = host_of(page.final_url)
        engine = _open(load_catalogue=settings.load_catalogue)
        with engine.connect() as conn:
            # The outlet the host belongs to, as for its articles (longest domain suffix:
            # edition.cnn.com's feeds are cnn.com's); a catalogue outlet keeps its name.
            outlet_id = outlet_id_for_host(conn, host)
            known = get_outlet(conn, outlet_id) if outlet_id is not None else None
        domain = known.domain if known else host
        outlet = Outlet(
            domain=domain,
            name=name or (known.name if known else domain),
            feeds=found,
            homepage=homepage,
        )
        counts = import_outlets(engine, [outlet])
        _messages.print(f"added to {domain}: {counts}")


def _history_rows(ratings: list[Rating]) -> list[tuple[Rating, str]]:
    """Every rating with what it does now: in force, superseded (history), or override."""
    rows = []
    for rating, old in zip(ratings, superseded(ratings), strict=True):
        if rating.is_override:
            state = "old override" if old else "override"
        else:
            state = "superseded" if old else "in force"
        rows.append((rating, state))
    return rows


@sources_app.command("ratings")
def ratings_(
    domain: str = typer.Argument(..., help="The outlet's domain, or a host of it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Every rating of an outlet, history included: rater, date, licence, source, override."""
    from newsprism.store.axes import axis_registry
    from newsprism.store.outlets import get_outlet, outlet_id_for_host

    engine = _open(load_catalogue=True)
    try:
        with engine.connect() as conn:
            outlet_id = outlet_id_for_host(conn, domain)
            outlet = get_outlet(conn, outlet_id) if outlet_id is not None else None
            known = axis_registry(conn)
    finally:
        engine.dispose()
    if outlet is None:
        _messages.print(f"[red]error:[/] no outlet for {domain}")
        raise typer.Exit(code=1)
    # The known axes in their order (built-ins first), then any other axis rated.
    axes = [axis for axis in known if any(r.axis == axis for r in outlet.ratings)]
    axes += sorted({r.axis for r in outlet.ratings} - set(axes))
    combined = {axis: combine(outlet.ratings, axis, axes=known) for axis in axes}
    history = _history_rows(outlet.ratings)
    if as_json:
        record = {
            "domain": outlet.domain,
            "name": outlet.name,
            "combined": {
                axis: {
                    "value": found.value,
                    "override": found.override,
                    "raters": list(found.raters),
                    "raters_disagree": found.raters_disagree,
                }
                for axis, found in combined.items()
            },
            # What each rated axis is: its label, scale and tie rule (None: not known).
            "axes": {axis: _axis_record(known[axis]) if axis in known else None for axis in axes},
            "ratings": [
                {
                    "axis": rating.axis,
                    "value": rating.value,
                    "rater": rating.rater,
                    "rated_on": rating.rated_on,
                    "licence": rating.licence,
                    "source_url": rating.source_url,
                    "override": rating.is_override,
                    "note": rating.note,
                    "state": state,
                }
                for rating, state in history
            ],
        }
        typer.echo(json.dumps(record, ensure_ascii=False, indent=1))
        return
    console = Console()
    title = f"{outlet.domain} — {outlet.name}"
    if outlet.domain != normalise_host(domain):
        title += f" (the outlet of {normalise_host(domain)})"
    summary = Table(title=title)
    for column in ("axis", "combined", "raters"):
        summary.add_column(column)
    for axis, found in combined.items():
        shown = _shown(found) if axis in known else "(axis not known here: not combined)"
        summary.add_row(axis, shown, ", ".join(found.raters))
    console.print(summary)
    table = Table(title=f"{len(history)} ratings, newest first within a rater")
    for column in ("axis", "value", "rater", "date", "licence", "source or note", "state"):
        table.add_column(column)
    for rating, state in history:
        table.add_row(
            rating.axis,
            rating.value,
            rating.rater,
            rating.rated_on or "undated",
            rating.licence,
            (rating.note or "") if rating.is_override else (rating.source_url or ""),
            state,
        )
    console.print(table)


@sources_app.command("override")
def override(
    domain: str = typer.Argument(..., help="The outlet's domain."),
    axis: str = typer.Option(
        BIAS_AXIS,
        "--axis",
        help=f"One of: {', '.join(BUILT_IN_AXES)}, or an axis a catalogue declared "
        "(newsprism sources axes).",
    ),
    value: str | None = typer.Option(None, "--value", help="A value of the axis's scale."),
    note: str | None = typer.Option(None, "--note", help="Why (shown with the override)."),
    clear: bool = typer.Option(False, "--clear", help="Remove the override on the axis."),
) -> None:
    """Override an outlet's value on an axis locally (it wins over the raters and is shown
    as an override), or --clear it."""
    from newsprism.store.axes import axis_registry
    from newsprism.store.outlets import get_outlet, outlet_id_for_host, outlet_ids_by_domain
    from newsprism.store.ratings import clear_override, set_override

    if clear == (value is not None):
        _messages.print("[red]error:[/] give either --value VALUE or --clear")
        raise typer.Exit(code=2)
    if note is not None and len(note) > _MAX_NOTE:
        _messages.print(f"[red]error:[/] --note is longer than {_MAX_NOTE} characters")
        raise typer.Exit(code=2)
    wanted = "-".join((value or "").lower().split())  # "Lean Left" is lean-left
    if axis in BUILT_IN_AXES:  # checked before a database is opened
        _check_override(BUILT_IN_AXES, axis, wanted, value, clear=clear)
    engine = _open(load_catalogue=True)
    try:
        with engine.connect() as conn:
            known = axis_registry(conn)
        _check_override(known, axis, wanted, value, clear=clear)
        with engine.begin() as conn:
            host = normalise_host(domain)
            # Exactly this outlet: an override on a parent domain by accident would be
            # silent; the error names the outlet the host belongs to instead.
            outlet_id = outlet_ids_by_domain(conn).get(host)
            if outlet_id is None:
                parent_id = outlet_id_for_host(conn, host)
                parent = get_outlet(conn, parent_id) if parent_id is not None else None
                hint = f"; its outlet is {parent.domain}" if parent else ""
                _messages.print(f"[red]error:[/] no outlet {host}{hint}")
                raise typer.Exit(code=1)
            if clear:
                removed = clear_override(conn, outlet_id=outlet_id, axis=axis)
            else:
                set_override(
                    conn,
                    outlet_id=outlet_id,
                    axis=axis,
                    value=wanted,
                    on=date.today().isoformat(),
                    note=(note or "").strip() or None,
                )
            outlet = get_outlet(conn, outlet_id)
    finally:
        engine.dispose()
    assert outlet is not None
    now = combine(outlet.ratings, axis, axes=known)
    raters = [r for r in outlet.ratings if not r.is_override]
    raters_say = combine(raters, axis, axes=known).value
    if clear:
        typer.echo(
            f"{host}: removed {removed} override(s) on {axis}; "
            f"its value is the raters' again: {now.value or 'unrated'}"
        )
    else:
        typer.echo(
            f"{host}: {axis} overridden to {now.value} (the raters say {raters_say or 'nothing'})"
        )


def _check_override(
    known: AxisRegistry, axis: str, wanted: str, value: str | None, *, clear: bool
) -> None:
    """Exit with a usage error unless ``axis`` is known and ``wanted`` on its scale."""
    scale = known.scale(axis)
    if scale is None:
        _messages.print(f"[red]error:[/] unknown axis {axis!r}; use one of {', '.join(known)}")
        raise typer.Exit(code=2)
    if not clear and wanted not in scale:
        _messages.print(f"[red]error:[/] {value!r} is not on the {axis} scale: {', '.join(scale)}")
        raise typer.Exit(code=2)


def _axis_record(axis: Axis) -> dict[str, object]:
    return {
        "label": axis.label,
        "scale": [{"value": value, "label": axis.value_label(value)} for value in axis.scale],
        "toward": axis.toward,
        "ties_toward": axis.tie_value,
        "description": axis.description,
        "built_in": axis.built_in,
    }


@sources_app.command("axes")
def axes_(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The rating axes known here: the built-in ones and those a catalogue declared,
    each with its scale in order and the value ties go toward."""
    from newsprism.store.axes import axis_registry

    engine = _open(load_catalogue=True)
    try:
        with engine.connect() as conn:
            known = axis_registry(conn)
    finally:
        engine.dispose()
    if as_json:
        records = {name: _axis_record(axis) for name, axis in known.items()}
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(known)} axes ({len(known.declared)} declared by a catalogue)")
    for column in ("axis", "label", "scale, in order", "ties toward", "declared"):
        table.add_column(column)
    for name, axis in known.items():
        ties = f"{axis.tie_value} (the end)" if axis.toward == END else axis.tie_value
        table.add_row(
            name,
            axis.label,
            " › ".join(axis.scale),
            ties,
            "built in" if axis.built_in else "catalogue",
        )
    Console().print(table)
