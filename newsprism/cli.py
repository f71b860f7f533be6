"""The ``newsprism`` command line (Typer + Rich)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from newsprism.settings import Settings

app = typer.Typer(
    help="newsprism: every side of every news story, self-hosted.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


@app.callback()
def _check_settings() -> None:
    """Settings come from the environment and .env: a wrong value stops every command
    with what is wrong and where, before any work (not a traceback halfway through)."""
    try:
        Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "NEWSPRISM_" + "_".join(str(part) for part in problem["loc"]).upper()
            console.print(f"[red]setting {name}:[/] {problem['msg']} (got {problem['input']!r})")
        raise typer.Exit(2) from None


def _settings() -> Settings:
    return Settings().prepare()


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from newsprism.store.db import open_database

    return open_database(settings.effective_database_url)


@app.command()
def run(
    host: str | None = typer.Option(None, help="Address to listen on (default from settings)."),
    port: int | None = typer.Option(None, help="Port to listen on (default from settings)."),
) -> None:
    """Poll the feeds on a schedule, build stories and serve the web UI: the whole product."""
    from newsprism.jobs.runner import run_forever

    settings = _settings()
    run_forever(settings, host=host or settings.host, port=port or settings.port, console=console)


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default from settings)."),
    port: int | None = typer.Option(None, help="Port to listen on (default from settings)."),
) -> None:
    """Serve the web UI and JSON API only (no polling)."""
    from newsprism.jobs.runner import serve_only

    settings = _settings()
    serve_only(settings, host=host or settings.host, port=port or settings.port, console=console)


@app.command()
def ingest(
    once: bool = typer.Option(
        False, "--once", help="Poll every due feed once, process the new articles, then exit."
    ),
) -> None:
    """Poll the feeds (with --once: one pass, then a summary table)."""
    from newsprism.jobs.runner import ingest_once, run_ingest_loop

    settings = _settings()
    if once:
        report = ingest_once(settings, console=console)
        table = Table(title="Ingest pass")
        table.add_column("what")
        table.add_column("count", justify="right")
        for key, value in report.items():
            table.add_row(key.replace("_", " "), str(value))
        Console().print(table)
    else:
        run_ingest_loop(settings, console=console)


@app.command("import")
def import_(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL or JSONL.gz file."),
) -> None:
    """Import an archive of already-fetched articles and run them through the pipeline."""
    from newsprism.jobs.runner import import_archive

    settings = _settings()
    report = import_archive(settings, path, console=console)
    table = Table(title=f"Import of {path.name}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in report.items():
        table.add_row(key.replace("_", " "), str(value))
    Console().print(table)


@app.command()
def export(
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
) -> None:
    """Export every story as JSONL: id, title, numbers, summary and its articles."""
    from newsprism.jobs.exporter import iter_story_exports

    settings = _settings()
    engine = _engine(settings)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        count = 0
        for record in iter_story_exports(engine):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if output:
            out.close()
    console.print(f"exported {count} stories")


@app.command()
def extract(
    source: str = typer.Argument(..., help="An HTML file (optionally .gz) or an http(s) URL."),
    url: str | None = typer.Option(None, help="The page's URL, when SOURCE is a file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show what the extractor gets from one page."""
    from newsprism.ingest.extract import extract_source

    settings = _settings()
    result = extract_source(source, url=url, settings=settings)
    data = {
        "url": result.url,
        "canonical_url": result.canonical_url,
        "title": result.title,
        "author": result.author,
        "published": result.published,
        "language": result.language,
        "image_url": result.image_url,
        "sitename": result.sitename,
        "text": result.text,
    }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(show_header=False)
    for key, value in data.items():
        shown = value if key != "text" or value is None or len(value) < 600 else value[:600] + "…"
        table.add_row(key, str(shown))
    Console().print(table)


@app.command("settings")
def show_settings() -> None:
    """Print the settings in force (secrets masked) and where they come from."""
    from sqlalchemy.engine import make_url

    settings = _settings()
    table = Table(title="Settings (NEWSPRISM_* environment variables or .env)")
    table.add_column("variable")
    table.add_column("value")
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name == "database_url" and value:
            value = make_url(value).render_as_string(hide_password=True)
        masked = "********" if "token" in name and value else str(value)
        table.add_row(f"NEWSPRISM_{name.upper()}", masked)
    in_use = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    table.add_row("(database in use)", in_use)
    Console().print(table)


eval_app = typer.Typer(no_args_is_help=True)


@eval_app.command("stories")
def eval_stories(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL or JSONL.gz file."),
    out: Path | None = typer.Option(None, "--out", help="Write id<TAB>story_id here."),
) -> None:
    """Cluster a stream of articles from an empty state; score it against gold labels."""
    from newsprism.jobs.evaluate import evaluate_stories
    from newsprism.jobs.runner import pipeline_progress, progress_bars

    with progress_bars(console) as progress:
        evaluation = evaluate_stories(
            path, settings=_settings(), on_progress=pipeline_progress(progress)
        )
    for problem in evaluation.problems[:10]:
        console.print(f"[yellow]skipped[/yellow] {problem}")
    if len(evaluation.problems) > 10:
        console.print(f"[yellow]skipped[/yellow] {len(evaluation.problems) - 10} more such lines")
    if out:
        with out.open("w", encoding="utf-8") as handle:
            for article_id, story_id in zip(evaluation.ids, evaluation.predicted, strict=True):
                handle.write(f"{article_id}\t{story_id}\n")
        console.print(f"wrote {len(evaluation.ids)} predictions to {out}")
    scores = evaluation.scores()
    if scores is None:
        console.print("no gold labels (story_id or cluster) in the file: nothing to score")
        return
    table = Table(title=f"Story clustering on {path.name}")
    for column in ("measure", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    for name, label in (
        ("bcubed", "BCubed"),
        ("pairwise", "pairwise"),
        ("singletons", "BCubed, all singletons"),
    ):
        score = scores[name]
        table.add_row(label, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}")
    Console().print(table)
    Console().print(
        f"{len(evaluation.ids)} articles; {scores['gold_stories']} gold stories, "
        f"{scores['predicted_stories']} predicted, {scores['exact']} reproduced exactly"
        + (f"; {evaluation.skipped_lines} lines skipped" if evaluation.skipped_lines else "")
    )


@eval_app.command("summaries")
def eval_summaries(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL or JSONL.gz file."),
    out: Path | None = typer.Option(
        None, "--out", help="Write one JSON line per story: bullets, framing, ROUGE."
    ),
) -> None:
    """Summarize each gold story; score against reference_summary with ROUGE-1/2/L."""
    from collections import Counter

    from newsprism.jobs.evaluate_summaries import evaluate_summaries

    evaluation = evaluate_summaries(path, settings=_settings())
    if out:
        with out.open("w", encoding="utf-8") as handle:
            for story in evaluation.stories:
                handle.write(json.dumps(story, ensure_ascii=False) + "\n")
        console.print(f"wrote {len(evaluation.stories)} story summaries to {out}")
    backends = Counter(story["backend"] for story in evaluation.stories)
    parts = [
        f"{len(evaluation.stories)} gold stories summarized ("
        + ", ".join(f"{count} {name}" for name, count in sorted(backends.items()))
        + ")"
    ]
    if evaluation.unlabelled_lines:
        parts.append(f"{evaluation.unlabelled_lines} lines without a story")
    if evaluation.skipped_lines:
        parts.append(f"{evaluation.skipped_lines} lines skipped")
    Console().print("; ".join(parts))
    mean = evaluation.mean_rouge()
    if mean is None:
        console.print("no reference_summary in the file: nothing to score")
        return
    table = Table(title=f"Summaries of {path.name} ({evaluation.scored_stories} with a reference)")
    table.add_column("measure")
    table.add_column("mean F1", justify="right")
    for name, label in (("rouge1", "ROUGE-1"), ("rouge2", "ROUGE-2"), ("rougeL", "ROUGE-L")):
        table.add_row(label, f"{mean[name]:.3f}")
    Console().print(table)


def _register_subcommands() -> None:
    from newsprism.ingest.cli import feeds_app
    from newsprism.sources.cli import sources_app
    from newsprism.stories.cli import stories_app

    app.add_typer(sources_app, name="sources", help="List, import and export outlets and feeds.")
    app.add_typer(feeds_app, name="feeds", help="Feed health; retry quarantined feeds.")
    app.add_typer(
        eval_app, name="eval", help="Measure story clustering and summaries on labelled articles."
    )
    app.add_typer(
        stories_app, name="stories", help="Correct stories by hand (merge, split, move); the log."
    )


_register_subcommands()
