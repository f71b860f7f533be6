"""Rating axes: the three built in, and those a catalogue declares.

An axis is a name (``us-left-right``), a label for people, an ordered scale of values
(each with an optional display label), a tie rule and a short description. The tie
rule (``toward``) is a value of the scale that a combined value exactly half-way
between two positions goes toward, or ``end``: the last value of the scale.

The built-in axes are code (``BUILT_IN_AXES``); they work without a database. A
catalogue may declare more (a top-level ``"axes"`` list, see the README's *Ratings*);
declared axes are stored (``store.axes``) and loaded into an ``AxisRegistry``, which
is what the combining rule (``sources.ratings``) is handed. A catalogue cannot
redefine a built-in axis: ``parse_axes`` refuses it with an ``AxisError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE

__all__ = [
    "BIAS",
    "BUILT_IN_AXES",
    "END",
    "FACTUALITY",
    "WIKIPEDIA",
    "WIKIPEDIA_AXIS",
    "WIKIPEDIA_SCALE",
    "Axis",
    "AxisError",
    "AxisRegistry",
    "parse_axes",
]

# The tie rule that means "toward the last value of the scale".
END = "end"

# Wikipedia's perennial-sources status: its own axis, most reliable first.
WIKIPEDIA_AXIS = "wikipedia-reliability"
WIKIPEDIA_SCALE: tuple[str, ...] = (
    "generally-reliable",
    "no-consensus",
    "generally-unreliable",
    "deprecated",
    "blacklisted",
)

# Names and values go into String(64) columns (store.schema) and into URLs: a narrow
# alphabet keeps them safe everywhere.
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_MAX_LABEL = 255
_MAX_DESCRIPTION = 2000
_MAX_SCALE = 64


class AxisError(ValueError):
    """A catalogue's axis declaration that cannot be taken as it is."""


@dataclass(frozen=True, slots=True)
class Axis:
    """One rating axis: its scale in order, and which way a tie goes."""

    name: str
    label: str
    scale: tuple[str, ...]
    toward: str = END  # a value of the scale, or END
    description: str = ""
    # A display label per scale value, in scale order; "" where none was declared.
    value_labels: tuple[str, ...] = ()
    built_in: bool = False

    @property
    def tie_position(self) -> int:
        """The scale position a tie goes toward."""
        return len(self.scale) - 1 if self.toward == END else self.scale.index(self.toward)

    def value_label(self, value: str) -> str | None:
        """The declared display label of ``value``, if the catalogue gave one."""
        if value not in self.scale or not self.value_labels:
            return None
        return self.value_labels[self.scale.index(value)] or None

    @property
    def tie_value(self) -> str:
        return self.scale[self.tie_position]


BIAS = Axis(
    name=BIAS_AXIS,
    label="Bias (US left–right)",
    scale=BIAS_SCALE,
    toward="center",
    description="Where an outlet stands on the US left–right axis the raters use.",
    built_in=True,
)
FACTUALITY = Axis(
    name=FACTUALITY_AXIS,
    label="Factuality",
    scale=FACTUALITY_SCALE,
    description="How factual an outlet's reporting is, best first.",
    built_in=True,
)
WIKIPEDIA = Axis(
    name=WIKIPEDIA_AXIS,
    label="Wikipedia reliability",
    scale=WIKIPEDIA_SCALE,
    description="The status of a source on Wikipedia's perennial sources list.",
    built_in=True,
)


class AxisRegistry(Mapping[str, Axis]):
    """The axes known here by name: the built-in ones first, then the declared ones
    by name. Built-ins cannot be replaced (``AxisError``)."""

    __slots__ = ("_axes",)

    def __init__(self, declared: Iterable[Axis] = ()) -> None:
        axes = {axis.name: axis for axis in (BIAS, FACTUALITY, WIKIPEDIA)}
        for axis in sorted(declared, key=lambda axis: axis.name):
            if axis.name in axes:
                raise AxisError(_built_in_message(axis.name))
            axes[axis.name] = axis
        self._axes = axes

    def __getitem__(self, name: str) -> Axis:
        return self._axes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._axes)

    def __len__(self) -> int:
        return len(self._axes)

    def scale(self, name: str) -> tuple[str, ...] | None:
        axis = self._axes.get(name)
        return axis.scale if axis else None

    @property
    def declared(self) -> tuple[Axis, ...]:
        """The axes a catalogue declared, by name."""
        return tuple(axis for axis in self._axes.values() if not axis.built_in)


BUILT_IN_AXES = AxisRegistry()


def _built_in_message(name: str) -> str:
    return (
        f"axis {name!r} is built in and cannot be redefined by a catalogue; "
        "declare an axis of another name"
    )


def parse_axes(entries: Any) -> list[Axis]:
    """A catalogue's ``"axes"`` list as axes, checked; raises AxisError saying what is
    wrong (a built-in name, a bad or repeated value, a ``toward`` off the scale...).

    Each entry: ``name`` (required), ``label`` (default: the name), ``scale`` (required:
    at least two values, each a string or ``{"value": ..., "label": ...}``), ``toward``
    (a value of the scale or ``end``; default ``end``), ``description`` (optional).
    """
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise AxisError('"axes" must be a list of axis declarations')
    axes: list[Axis] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        axis = _parse_axis(entry, index)
        if axis.name in seen:
            raise AxisError(f"axis {axis.name!r} is declared twice")
        seen.add(axis.name)
        axes.append(axis)
    return axes


def _parse_axis(entry: Any, index: int) -> Axis:
    if not isinstance(entry, dict):
        raise AxisError(f"axis #{index + 1}: a declaration is an object with name and scale")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise AxisError(
            f"axis #{index + 1}: name {name!r} must be 1 to 64 characters of a-z, 0-9 and -"
        )
    if name in BUILT_IN_AXES:
        raise AxisError(_built_in_message(name))
    where = f"axis {name!r}"
    label = _text(entry, "label", where, limit=_MAX_LABEL) or name
    description = _text(entry, "description", where, limit=_MAX_DESCRIPTION)
    scale, value_labels = _scale(entry.get("scale"), where)
    toward = entry.get("toward", END)
    if toward != END and toward not in scale:
        raise AxisError(
            f"{where}: toward {toward!r} must be a value of its scale or {END!r} (the last value)"
        )
    return Axis(
        name=name,
        label=label,
        scale=scale,
        toward=toward,
        description=description,
        value_labels=value_labels if any(value_labels) else (),
    )


def _text(entry: dict[str, Any], key: str, where: str, *, limit: int) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise AxisError(f"{where}: {key} must be text of at most {limit} characters")
    return " ".join(value.split())


def _scale(items: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(items, list) or not 2 <= len(items) <= _MAX_SCALE:
        raise AxisError(f"{where}: scale must be a list of 2 to {_MAX_SCALE} values, in order")
    values: list[str] = []
    labels: list[str] = []
    for item in items:
        value, label = (
            (item.get("value"), item.get("label")) if isinstance(item, dict) else (item, None)
        )
        if not isinstance(value, str) or not _NAME.fullmatch(value) or value == END:
            raise AxisError(
                f"{where}: scale value {value!r} must be 1 to 64 characters of a-z, 0-9 "
                f"and - (and not {END!r}, the tie rule's word)"
            )
        if value in values:
            raise AxisError(f"{where}: scale value {value!r} appears twice")
        if label is not None and (not isinstance(label, str) or len(label) > _MAX_LABEL):
            raise AxisError(f"{where}: the label of {value!r} must be text")
        values.append(value)
        labels.append(" ".join((label or "").split()))
    return tuple(values), tuple(labels)
