"""The story timeline as the story page shows it: facts in words and a small bar chart.

The chart is an inline SVG drawn on the server: one bar per bucket of hours, stacked by
side (left at the bottom, then center, right, unrated). Its geometry is computed here
and the template only writes the numbers out as attributes: the Content-Security-Policy
forbids inline styles, and colours come from CSS classes so dark mode recolours them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from newsprism.coverage.timeline import SOURCE_MILESTONES, TIMELINE_SIDES
from newsprism.web.format import absolute_time, plural, scale_label

__all__ = ["CHART_HEIGHT", "BAR_STEP", "duration", "timeline_view"]

CHART_HEIGHT = 60  # SVG units; the CSS sets the height on the page
BAR_STEP = 10  # SVG units per bucket: the bar and the gap after it
BAR_WIDTH = 8
# A short story's few bars are drawn on an axis this many buckets long, not stretched
# across the whole card (which would make one hour look like a day).
MIN_BUCKETS_SHOWN = 12


def duration(seconds: int | float | None) -> str | None:
    """A span for people: "45 min", "3 h 20 min", "2 days 4 h"."""
    if seconds is None:
        return None
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{plural(days, 'day')} {hours} h" if hours else plural(days, "day")


def timeline_view(timeline: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What the page shows of coverage's ``timeline`` (None when there is none)."""
    if not timeline or not timeline.get("first"):
        return None
    first = dict(timeline["first"])
    first["published"] = _time(first.get("published"))
    return {
        "first": first,
        "milestones": [
            {"sources": n, "after": duration(timeline.get(f"time_to_{n}_sources"))}
            for n in SOURCE_MILESTONES
        ],
        "undated": timeline.get("undated") or 0,
        "chart": _chart(timeline.get("per_hour")),
    }


def _chart(per_hour: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not per_hour:
        return None
    start = _time(per_hour["start"])
    if start is None:
        return None
    width_hours = int(per_hour.get("bucket_hours") or 1)
    series = {side: list(per_hour.get(side) or []) for side in TIMELINE_SIDES}
    buckets = max(len(values) for values in series.values())
    totals = [
        sum(series[side][i] for side in TIMELINE_SIDES if i < len(series[side]))
        for i in range(buckets)
    ]
    peak = max(totals, default=0)
    if not peak:
        return None
    scale = CHART_HEIGHT / peak
    unit = "hour" if width_hours == 1 else f"{width_hours} hours"
    bars = []
    for index, total in enumerate(totals):
        begins = start + timedelta(hours=index * width_hours)
        counts = {
            side: series[side][index] if index < len(series[side]) else 0 for side in TIMELINE_SIDES
        }
        segments = []
        top = float(CHART_HEIGHT)
        for side in TIMELINE_SIDES:
            if counts[side]:
                height = counts[side] * scale
                top -= height
                segments.append({"side": side, "y": round(top, 3), "height": round(height, 3)})
        label = ", ".join(
            f"{scale_label(side)} {counts[side]}" for side in TIMELINE_SIDES if counts[side]
        )
        bars.append(
            {
                "x": index * BAR_STEP + (BAR_STEP - BAR_WIDTH) / 2,
                "width": BAR_WIDTH,
                "segments": segments,
                "title": f"{absolute_time(begins)}: {plural(total, 'article')}"
                + (f" ({label})" if label else ""),
            }
        )
    shown = max(buckets, MIN_BUCKETS_SHOWN)
    by_side = {side: sum(series[side]) for side in TIMELINE_SIDES}
    busiest = totals.index(peak)
    summary = (
        f"Articles per {unit} by side, from {absolute_time(start)} over "
        f"{duration(buckets * width_hours * 3600)}: "
        + ", ".join(f"{scale_label(side)} {count}" for side, count in by_side.items())
        + f". Busiest: {plural(peak, 'article')} from "
        f"{absolute_time(start + timedelta(hours=busiest * width_hours))}."
    )
    return {
        "width": shown * BAR_STEP,
        "height": CHART_HEIGHT,
        "bars": bars,
        "unit": unit,
        "peak": peak,
        "summary": summary,
        "start": start,
        "end": start + timedelta(hours=shown * width_hours),
        "sides": [side for side in TIMELINE_SIDES if by_side[side]],
    }


def _time(value: str | datetime | None) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
