"""Real multi-outlet stories from ../shared/data/corpora as summary inputs.

Article ids are line numbers in the file (unique within it); sides come from the
corpus's own bias labels where it has them (newswcl50), else from the outlets'
AllSides ratings for BASIL (New York Times and HuffPost lean left, Fox News is right);
giveme5w1h has no sides.
"""

from __future__ import annotations

import json
from collections import defaultdict

from newsprism.ingest.archive import record_to_article
from newsprism.summarize.extractive import SummaryInput
from tests.conftest import SHARED_DATA

_SIDE_OF_LABEL = {
    "far-left": "left",
    "left": "left",
    "lean-left": "left",
    "center": "center",
    "lean-right": "right",
    "right": "right",
    "far-right": "right",
}
_BASIL_SIDES = {"Fox News": "right", "New York Times": "left", "HuffPost": "left"}


def corpus_stories(name: str) -> list[list[SummaryInput]]:
    """Every gold story of a corpus file, in file order, as summary inputs."""
    lines = (SHARED_DATA / "corpora" / name).read_text(encoding="utf-8").splitlines()
    stories: dict[str, list[SummaryInput]] = defaultdict(list)
    for number, line in enumerate(lines):
        record = json.loads(line)
        article = record_to_article(record)
        outlet = record.get("outlet") or record["outlet_domain"]
        side = _SIDE_OF_LABEL.get(record.get("bias_label") or "") or _BASIL_SIDES.get(outlet)
        stories[record["story_id"]].append(
            SummaryInput(
                article_id=number,
                outlet_key=outlet,
                side=side,
                title=article.title,
                text=article.text,
                outlet_name=outlet,
                language="en",
                lede=article.text[:400],
            )
        )
    return list(stories.values())


def outlets(inputs: list[SummaryInput]) -> set[str]:
    return {item.outlet_key for item in inputs}
