"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when reachable),
settings pointing at a temporary data directory, and the path to ../shared."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from newsprism.settings import Settings
from newsprism.store.db import open_database


def _shared_folder() -> Path:
    """``../shared`` beside the checkout, as in CI; else ``$NEWSPRISM_SHARED``; else,
    for a throwaway clone elsewhere (``git clone . /tmp/x``), the ``../shared`` beside
    the repository it was cloned from."""
    checkout = Path(__file__).resolve().parents[1]
    candidates = [checkout.parent / "shared"]
    if os.environ.get("NEWSPRISM_SHARED"):
        candidates.append(Path(os.environ["NEWSPRISM_SHARED"]))
    try:
        origin = subprocess.run(
            ["git", "-C", str(checkout), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        origin = ""
    if origin and Path(origin).is_dir():
        candidates.append(Path(origin).resolve().parent / "shared")
    return next((path for path in candidates if path.is_dir()), candidates[0])


SHARED = _shared_folder()
SHARED_DATA = SHARED / "data"
POSTGRES_URL = os.environ.get(
    "NEWSPRISM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


_PG_OK: bool | None = None


def _require_postgres() -> None:
    global _PG_OK
    if _PG_OK is None:
        _PG_OK = _postgres_reachable()
    if not _PG_OK:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}; CI must run it")
        pytest.skip("PostgreSQL not reachable (set NEWSPRISM_TEST_POSTGRES_URL)")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsprism.sqlite3'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test PostgreSQL, as a URL whose search_path points at it."""
    _require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = open_database(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh instance in a temporary folder (SQLite), built like the CLI
    builds them but without reading the developer's environment."""
    return Settings(_env_file=None, data_dir=tmp_path / "data", load_catalogue=False).prepare()
