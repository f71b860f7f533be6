"""The bundled outlet catalogue: read it from the package and load it into a database.

Two files under ``newsprism/sources/data`` (see DATA-LICENSES.md):

* ``outlets.json`` (CC BY-SA 4.0): outlets, feeds, ownership, open factuality ratings;
* ``ratings-allsides.json`` (CC BY-NC 4.0): AllSides bias ratings, loaded only when
  non-commercial data is wanted. Domains it rates that ``outlets.json`` lacks become
  outlets without feeds, so that articles from them still show a rating.

Both are written by ``scripts/build_catalogue.py``; edit that, not the JSON.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from newsprism.models import Outlet, Rating
from newsprism.store.outlets import count_outlets, set_meta, upsert_outlet

if TYPE_CHECKING:
    from newsprism.settings import Settings

__all__ = [
    "CATALOGUE_VERSION_KEY",
    "bundled_outlets",
    "catalogue_version",
    "ensure_catalogue",
    "load_catalogue",
]

OUTLETS_FILE = "outlets.json"
ALLSIDES_FILE = "ratings-allsides.json"
CATALOGUE_VERSION_KEY = "catalogue_version"


def _read(name: str) -> bytes | None:
    """A bundled data file's bytes; None when it is absent (e.g. removed by its user)."""
    path = resources.files("newsprism.sources").joinpath("data", name)
    if not path.is_file():
        return None
    return path.read_bytes()


def _rating(entry: dict[str, Any]) -> Rating:
    return Rating(
        axis=entry["axis"],
        value=entry["value"],
        rater=entry["rater"],
        licence=entry["licence"],
        rated_on=entry.get("rated_on"),
        source_url=entry.get("source_url"),
    )


def _outlet(entry: dict[str, Any]) -> Outlet:
    ownership = entry.get("ownership") or {}
    return Outlet(
        domain=entry["domain"],
        name=entry["name"],
        country=entry.get("country"),
        language=entry.get("language"),
        homepage=entry.get("homepage"),
        feeds=list(entry.get("feeds", [])),
        owner=ownership.get("owner"),
        ownership_typology=ownership.get("typology"),
        ownership_source=_ownership_source(ownership),
        ratings=[_rating(rating) for rating in entry.get("ratings", [])],
    )


def _ownership_source(ownership: dict[str, Any]) -> str | None:
    if not ownership.get("source"):
        return None
    licence = ownership.get("licence")
    return f"{ownership['source']}, {licence}" if licence else ownership["source"]


def bundled_outlets(*, include_noncommercial: bool = True) -> list[Outlet]:
    """The catalogue's outlets, with AllSides' ratings merged in by domain when wanted."""
    raw = _read(OUTLETS_FILE)
    outlets = [_outlet(entry) for entry in json.loads(raw)["outlets"]] if raw else []
    if not include_noncommercial:
        return outlets
    allsides = _read(ALLSIDES_FILE)
    if allsides is None:
        return outlets
    by_domain = {outlet.domain: outlet for outlet in outlets}
    for entry in json.loads(allsides)["ratings"]:
        outlet = by_domain.get(entry["domain"])
        if outlet is None:
            outlet = Outlet(domain=entry["domain"], name=entry.get("name") or entry["domain"])
            by_domain[outlet.domain] = outlet
            outlets.append(outlet)
        outlet.ratings.append(_rating(entry))
    return sorted(outlets, key=lambda outlet: outlet.domain)


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


def load_catalogue(engine: Engine, *, include_noncommercial: bool = True) -> int:
    """Upsert every bundled outlet with its feeds and ratings in one transaction.

    Idempotent: a second load changes nothing. Returns the number of outlets loaded.
    """
    outlets = bundled_outlets(include_noncommercial=include_noncommercial)
    with engine.begin() as conn:
        for outlet in outlets:
            upsert_outlet(conn, outlet, origin="catalogue")
        set_meta(
            conn,
            CATALOGUE_VERSION_KEY,
            catalogue_version(include_noncommercial=include_noncommercial),
        )
    return len(outlets)


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
