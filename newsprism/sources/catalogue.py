"""The outlet catalogue: read one (bundled, or a user's file) and load it into a database.

Two files under ``newsprism/sources/data`` (see DATA-LICENSES.md):

* ``outlets.json`` (CC BY-SA 4.0): outlets, feeds, ownership, open factuality ratings;
* ``ratings-allsides.json`` (CC BY-NC 4.0): AllSides bias ratings, loaded only when
  non-commercial data is wanted. Domains it rates that ``outlets.json`` lacks become
  outlets without feeds, so that articles from them still show a rating.

Both are written by ``scripts/build_catalogue.py``; edit that, not the JSON.

A catalogue (``outlets.json``'s format: ``{"outlets": [...]}``, the same a user imports
with ``newsprism sources import FILE.json``) may also declare rating axes beside the
built-in ones: a top-level ``"axes"`` list (``sources.axes.parse_axes``). Its axes are
stored before its outlets, so that the outlets' ratings on them count. A rating on an
axis not known here, with a value off its axis's scale, or by the rater ``local``
(reserved for overrides) is left out and reported, never stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

from newsprism.models import Outlet, Rating
from newsprism.sources.axes import Axis, parse_axes
from newsprism.sources.hosts import normalise_host
from newsprism.store.axes import AxisCounts, axis_registry, declare_axes
from newsprism.store.outlets import count_outlets, set_meta, upsert_outlet
from newsprism.store.ratings import OVERRIDE_RATER

if TYPE_CHECKING:
    from newsprism.settings import Settings

__all__ = [
    "CATALOGUE_VERSION_KEY",
    "Catalogue",
    "CatalogueLoad",
    "bundled_catalogue",
    "bundled_outlets",
    "catalogue_version",
    "ensure_catalogue",
    "load_catalogue",
    "parse_catalogue",
    "store_catalogue",
]

OUTLETS_FILE = "outlets.json"
ALLSIDES_FILE = "ratings-allsides.json"
CATALOGUE_VERSION_KEY = "catalogue_version"

# Column widths of the ratings table (store.schema): a user's file is checked first.
_MAX_LENGTHS = {"rater": 64, "licence": 128, "source_url": 2048}
# Dates are compared as text to find a rater's newest rating: ISO only.
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(slots=True)
class Catalogue:
    """What a catalogue file holds: outlets (with feeds and ratings) and declared axes."""

    outlets: list[Outlet]
    axes: list[Axis] = field(default_factory=list)


@dataclass(slots=True)
class CatalogueLoad:
    """What storing a catalogue did."""

    outlets: int
    axes: AxisCounts
    # Ratings left out, by reason (an unknown axis, a value off the scale, ...).
    skipped: Counter[str] = field(default_factory=Counter)


def _read(name: str) -> bytes | None:
    """A bundled data file's bytes; None when it is absent (e.g. removed by its user)."""
    path = resources.files("newsprism.sources").joinpath("data", name)
    if not path.is_file():
        return None
    return path.read_bytes()


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"{where}: {key} is missing")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key} must be text")
    limit = _MAX_LENGTHS.get(key)
    if limit is not None and len(value) > limit:
        raise ValueError(f"{where}: {key} is longer than {limit} characters")
    return value


def _rating(entry: Any, where: str = "a rating") -> Rating:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: a rating is an object with axis, value, rater, licence")
    rated_on = _text(entry, "rated_on", where)
    if rated_on is not None and not _ISO_DATE.fullmatch(rated_on):
        raise ValueError(f"{where}: rated_on {rated_on!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    return Rating(
        axis=_text(entry, "axis", where, required=True) or "",
        value=_text(entry, "value", where, required=True) or "",
        rater=_text(entry, "rater", where, required=True) or "",
        licence=_text(entry, "licence", where, required=True) or "",
        rated_on=rated_on,
        source_url=_text(entry, "source_url", where),
    )


def _outlet(entry: Any) -> Outlet:
    if not isinstance(entry, dict):
        raise ValueError("an outlet is an object with at least a domain")
    domain = normalise_host(_text(entry, "domain", "an outlet", required=True))
    if not domain:
        raise ValueError(f"outlet domain {entry.get('domain')!r} is not a host name")
    ownership = entry.get("ownership") or {}
    ratings = entry.get("ratings") or []
    feeds = entry.get("feeds") or []
    if not isinstance(ratings, list) or not isinstance(feeds, list):
        raise ValueError(f"outlet {domain}: feeds and ratings must be lists")
    return Outlet(
        domain=domain,
        name=entry.get("name") or domain,
        country=entry.get("country"),
        language=entry.get("language"),
        homepage=entry.get("homepage"),
        feeds=list(feeds),
        owner=ownership.get("owner"),
        ownership_typology=ownership.get("typology"),
        ownership_source=_ownership_source(ownership),
        ratings=[_rating(rating, f"outlet {domain}") for rating in ratings],
    )


def parse_catalogue(data: Any) -> Catalogue:
    """A catalogue's parsed JSON as outlets and axes; ValueError (``AxisError`` for an
    axis declaration) saying what is wrong with it."""
    if not isinstance(data, dict) or not isinstance(data.get("outlets", []), list):
        raise ValueError('a catalogue is a JSON object with an "outlets" list (and "axes")')
    return Catalogue(
        outlets=[_outlet(entry) for entry in data.get("outlets", [])],
        axes=parse_axes(data.get("axes")),
    )


def _ownership_source(ownership: dict[str, Any]) -> str | None:
    if not ownership.get("source"):
        return None
    licence = ownership.get("licence")
    return f"{ownership['source']}, {licence}" if licence else ownership["source"]


def bundled_catalogue(*, include_noncommercial: bool = True) -> Catalogue:
    """The bundled catalogue, with AllSides' ratings merged in by domain when wanted."""
    raw = _read(OUTLETS_FILE)
    catalogue = parse_catalogue(json.loads(raw)) if raw else Catalogue(outlets=[])
    outlets = catalogue.outlets
    if not include_noncommercial:
        return catalogue
    allsides = _read(ALLSIDES_FILE)
    if allsides is None:
        return catalogue
    by_domain = {outlet.domain: outlet for outlet in outlets}
    for entry in json.loads(allsides)["ratings"]:
        outlet = by_domain.get(entry["domain"])
        if outlet is None:
            outlet = Outlet(domain=entry["domain"], name=entry.get("name") or entry["domain"])
            by_domain[outlet.domain] = outlet
            outlets.append(outlet)
        outlet.ratings.append(_rating(entry))
    catalogue.outlets = sorted(outlets, key=lambda outlet: outlet.domain)
    return catalogue


def bundled_outlets(*, include_noncommercial: bool = True) -> list[Outlet]:
    """The bundled catalogue's outlets (``bundled_catalogue`` without its axes)."""
    return bundled_catalogue(include_noncommercial=include_noncommercial).outlets


def catalogue_version(*, include_noncommercial: bool = True) -> str:
    """What a load records: the files' generation date, content hash and parts."""
    digest = hashlib.sha256()
    parts = [OUTLETS_FILE]
    generated = None
    for name in (OUTLETS_FILE, ALLSIDES_FILE):
        if name == ALLSIDES_FILE and not include_noncommercial:
            continue
        raw = _read(name)
        if raw is None:
            continue
        digest.update(raw)
        if name == ALLSIDES_FILE:
            parts.append(name)
        else:
            generated = json.loads(raw).get("generated")
    return json.dumps(
        {"generated": generated, "sha256": digest.hexdigest()[:16], "files": parts},
        sort_keys=True,
    )


def store_catalogue(conn: Connection, catalogue: Catalogue, *, origin: str) -> CatalogueLoad:
    """Declare the catalogue's axes, then upsert its outlets with their feeds and the
    ratings whose axis and value are known here (``origin``: catalogue or import).

    Idempotent: storing the same catalogue again changes nothing.
    """
    axes = declare_axes(conn, catalogue.axes, origin=origin)
    known = axis_registry(conn)
    load = CatalogueLoad(outlets=len(catalogue.outlets), axes=axes)
    for outlet in catalogue.outlets:
        kept = []
        for rating in outlet.ratings:
            axis = known.get(rating.axis)
            if axis is None:
                load.skipped[f"axis {rating.axis!r} is not known here (not declared)"] += 1
            elif rating.value not in axis.scale:
                load.skipped[f"{rating.value!r} is not on the {rating.axis} scale"] += 1
            elif rating.rater == OVERRIDE_RATER:
                load.skipped[f"rater {OVERRIDE_RATER!r} is reserved for local overrides"] += 1
            else:
                kept.append(rating)
        upsert_outlet(conn, replace(outlet, ratings=kept), origin=origin)
    return load


def load_catalogue(engine: Engine, *, include_noncommercial: bool = True) -> int:
    """Store the bundled catalogue (axes, outlets, feeds, ratings) in one transaction.

    Idempotent: a second load changes nothing. Returns the number of outlets loaded.
    """
    catalogue = bundled_catalogue(include_noncommercial=include_noncommercial)
    with engine.begin() as conn:
        store_catalogue(conn, catalogue, origin="catalogue")
        set_meta(
            conn,
            CATALOGUE_VERSION_KEY,
            catalogue_version(include_noncommercial=include_noncommercial),
        )
    return len(catalogue.outlets)


def ensure_catalogue(engine: Engine, settings: Settings) -> int:
    """Load the catalogue into a database that has no outlets yet, if the settings want it.

    Returns the number of outlets loaded (0 when nothing was done).
    """
    if not settings.load_catalogue:
        return 0
    with engine.connect() as conn:
        if count_outlets(conn):
            return 0
    return load_catalogue(engine, include_noncommercial=settings.load_allsides)
