"""``newsprism sources ...``: list, import and export outlets and feeds."""

from __future__ import annotations

import typer

sources_app = typer.Typer(no_args_is_help=True)
