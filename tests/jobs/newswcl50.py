"""NewsWCL50 stored for the pipeline tests: ten events, five outlets each, far left to
far right."""

import json

from newsprism.ingest.archive import record_to_article
from newsprism.store.articles import add_article
from tests.conftest import SHARED_DATA

CORPUS = SHARED_DATA / "corpora" / "newswcl50.jsonl"


def store_newswcl50(engine, *, only=None, leave_out=frozenset()) -> None:
    """Its articles, or ``only`` those ids, or all but ``leave_out``. An undated
    article takes the date of the line before it, as ``eval stories`` does."""
    last_date = None
    with engine.begin() as conn:
        for line in CORPUS.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record["published"] = record.get("published") or last_date
            last_date = record["published"]
            chosen = record["id"] in only if only is not None else record["id"] not in leave_out
            if chosen:
                add_article(conn, record_to_article(record))


def gold_stories() -> dict[str, str]:
    """Article id → its event."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return {record["id"]: record["story_id"] for record in map(json.loads, lines)}
