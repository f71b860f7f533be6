"""``python -m newsprism`` runs the command line."""

from newsprism.cli import app

app()
