"""/how-we-count: every formula behind the numbers, stated from the code that computes them.

Thresholds and scales are the modules' own constants, the combining rule is the
docstring of ``sources/ratings.py`` (the rule's one statement) and its worked examples
are computed by ``combine`` as the page renders: the page cannot drift from the code.
The raters and licences, and the axes a catalogue declared beside the built-in ones,
are those in this instance's database.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.coverage import compute, timeline
from newsprism.ingest import syndication
from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE, Rating
from newsprism.models import side_of as fold_side
from newsprism.sources import ratings as ratings_rule
from newsprism.store.axes import axis_registry
from newsprism.store.outlet_reads import raters_in_force
from newsprism.web.deps import Conn, render
from newsprism.web.routes.blindspots import blindspot_rule

router = APIRouter(include_in_schema=False)

# Pairs of raters' values whose combination the page shows, computed live.
COMBINING_EXAMPLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (BIAS_AXIS, ("left", "lean-left")),
    (BIAS_AXIS, ("lean-left", "center")),
    (BIAS_AXIS, ("left", "right")),
    (BIAS_AXIS, ("far-left", "left", "lean-right")),
    (FACTUALITY_AXIS, ("high", "mostly-factual")),
    (FACTUALITY_AXIS, ("very-high", "mixed")),
)
PERCENTAGES_EXAMPLE = {"left": 1, "center": 1, "right": 1, "unrated": 0}

_INLINE = re.compile(r"(``[^`]+``|\*\*[^*]+\*\*|\*[^*\s][^*]*\*)")


@router.get("/how-we-count", response_class=HTMLResponse)
def how_we_count(request: Request, conn: Conn) -> Response:
    known = axis_registry(conn)
    return render(
        request,
        "how_we_count.html",
        {
            "section": "how-we-count",
            "bias_scale": [(value, fold_side(value)) for value in BIAS_SCALE],
            "factuality_scale": FACTUALITY_SCALE,
            # Each axis beyond bias and factuality, with its scale and tie rule: the
            # built-in Wikipedia reliability and those a catalogue declared here.
            "other_axes": [
                axis for name, axis in known.items() if name not in (BIAS_AXIS, FACTUALITY_AXIS)
            ],
            "axis_labels": {axis.name: axis.label for axis in known.declared},
            "combining_rule": doc_blocks(ratings_rule.__doc__ or "", start="The rule"),
            "combining_examples": combining_examples(),
            "percentages_example": {
                "counts": PERCENTAGES_EXAMPLE,
                "shares": compute.percentages(PERCENTAGES_EXAMPLE),
            },
            "top_owners": compute.TOP_OWNERS,
            "syndication": {
                "shingle_words": syndication.SHINGLE_WORDS,
                "copy_threshold": round(syndication.COPY_THRESHOLD * 100),
                "containment_threshold": round(syndication.CONTAINMENT_THRESHOLD * 100),
                "min_words": syndication.MIN_WORDS,
                "window_days": syndication.WINDOW_DAYS,
            },
            "blindspot": blindspot_rule(),
            "timeline": {
                "milestones": timeline.SOURCE_MILESTONES,
                "max_buckets": timeline.MAX_BUCKETS,
                "bucket_hours": timeline.BUCKET_HOURS,
            },
            "raters": raters_in_force(conn),
        },
    )


def combining_examples() -> list[dict[str, Any]]:
    """Each example's raters' values and what the combining rule makes of them."""
    examples = []
    for axis, values in COMBINING_EXAMPLES:
        given = [
            Rating(axis=axis, value=value, rater=f"rater {chr(65 + i)}", licence="example")
            for i, value in enumerate(values)
        ]
        found = ratings_rule.combine(given, axis)
        scale = ratings_rule.SCALES[axis]
        examples.append(
            {
                "axis": axis,
                "given": [(value, scale.index(value)) for value in values],
                "mean": sum(scale.index(value) for value in values) / len(values),
                "value": found.value,
                "position": scale.index(found.value) if found.value else None,
                "disagree": found.raters_disagree,
            }
        )
    return examples


def doc_blocks(text: str, *, start: str | None = None) -> list[dict[str, Any]]:
    """A docstring as paragraphs and bullet lists of inline parts (text, ``code``,
    **strong**, *em*), from the paragraph beginning with ``start`` on, for the template to
    render (escaped) without any HTML coming from the docstring."""
    paragraphs = [chunk for chunk in inspect.cleandoc(text).split("\n\n") if chunk.strip()]
    if start is not None:
        first = next((i for i, chunk in enumerate(paragraphs) if chunk.startswith(start)), 0)
        paragraphs = paragraphs[first:]
    blocks: list[dict[str, Any]] = []
    for chunk in paragraphs:
        lines = [line.strip() for line in chunk.splitlines()]
        if lines[0].startswith("* "):
            items: list[str] = []
            for line in lines:
                if line.startswith("* "):
                    items.append(line[2:])
                else:
                    items[-1] += " " + line
            blocks.append({"bullets": [_inline(item) for item in items]})
        else:
            blocks.append({"text": _inline(" ".join(lines))})
    return blocks


def _inline(text: str) -> list[dict[str, str]]:
    parts = []
    for piece in _INLINE.split(text):
        if not piece:
            continue
        if piece.startswith("``"):
            parts.append({"kind": "code", "text": piece[2:-2]})
        elif piece.startswith("**"):
            parts.append({"kind": "strong", "text": piece[2:-2]})
        elif piece.startswith("*"):
            parts.append({"kind": "em", "text": piece[1:-1]})
        else:
            parts.append({"kind": "text", "text": piece})
    return parts
