"""Rating axes a catalogue declared: store them, read them back as an ``AxisRegistry``.

An axis is keyed on its name. Declaring the same axis again changes nothing; declaring
it with another label, scale, tie rule or description updates the row (the newest
catalogue wins). Ratings already stored on the axis stay; those whose value is no
longer on its scale are then not combined (``sources.ratings``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from newsprism.sources.axes import BUILT_IN_AXES, Axis, AxisError, AxisRegistry
from newsprism.store.db import utcnow
from newsprism.store.schema import axes as axes_table

__all__ = ["AxisCounts", "axis_registry", "declare_axes", "declared_axes"]


@dataclass(slots=True)
class AxisCounts:
    added: int = 0
    updated: int = 0  # declared before with another label, scale, tie rule or description
    unchanged: int = 0


def _row_values(axis: Axis) -> dict[str, Any]:
    labels = axis.value_labels or ("",) * len(axis.scale)
    return {
        "label": axis.label,
        "scale_json": json.dumps([list(pair) for pair in zip(axis.scale, labels, strict=True)]),
        "toward": axis.toward,
        "description": axis.description,
    }


def declare_axes(conn: Connection, axes: Iterable[Axis], *, origin: str) -> AxisCounts:
    """Store declared axes by name (``origin``: catalogue or import); idempotent."""
    counts = AxisCounts()
    wanted = list(axes)
    if not wanted:
        return counts
    for axis in wanted:
        if axis.name in BUILT_IN_AXES:  # parse_axes refuses these; a caller might not
            raise AxisError(f"axis {axis.name!r} is built in and cannot be redefined")
    stored = {
        row.name: row
        for row in conn.execute(
            select(axes_table).where(axes_table.c.name.in_([axis.name for axis in wanted]))
        )
    }
    now = utcnow()
    for axis in wanted:
        values = _row_values(axis)
        row = stored.get(axis.name)
        if row is None:
            conn.execute(
                insert(axes_table).values(name=axis.name, origin=origin, updated_at=now, **values)
            )
            counts.added += 1
        elif all(getattr(row, key) == value for key, value in values.items()):
            counts.unchanged += 1
        else:
            conn.execute(
                update(axes_table)
                .where(axes_table.c.name == axis.name)
                .values(origin=origin, updated_at=now, **values)
            )
            counts.updated += 1
    return counts


def declared_axes(conn: Connection) -> list[Axis]:
    """Every declared axis, by name."""
    found = []
    for row in conn.execute(select(axes_table).order_by(axes_table.c.name)):
        if row.name in BUILT_IN_AXES:  # never written by declare_axes; built-ins win
            continue
        pairs = json.loads(row.scale_json)
        labels = tuple(label for _value, label in pairs)
        found.append(
            Axis(
                name=row.name,
                label=row.label,
                scale=tuple(value for value, _label in pairs),
                toward=row.toward,
                description=row.description,
                value_labels=labels if any(labels) else (),
            )
        )
    return found


def axis_registry(conn: Connection) -> AxisRegistry:
    """The built-in axes and those declared here: what the combining rule is handed."""
    return AxisRegistry(declared_axes(conn))
