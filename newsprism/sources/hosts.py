"""Which outlet a host belongs to: the outlet whose domain is its longest suffix.

``timesofindia.indiatimes.com`` is that outlet before ``indiatimes.com``;
``abcnews.go.com`` is never ``go.com`` when both are outlets, and ``xgo.com`` is never
``go.com`` at all (only whole labels count). ``www.`` in front of a host is ignored.

Pure functions over strings: the store asks the database for the candidates
(``store.outlets.outlet_id_for_host``) and the ratings importer looks them up in a dict,
so that both follow exactly the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import urlsplit

__all__ = ["host_suffixes", "longest_suffix_match", "normalise_host"]

T = TypeVar("T")


def normalise_host(value: str | None) -> str:
    """A bare, lower-case host: ``https://WWW.CNN.com:443/x`` and ``cnn.com.`` are ``cnn.com``.

    Rating files carry either bare domains or homepage URLs; both mean the same outlet.
    Returns "" when nothing host-like is left.
    """
    value = (value or "").strip().lower()
    if "/" in value or ":" in value:
        try:
            value = urlsplit(value if "//" in value else f"//{value}").hostname or ""
        except ValueError:  # an unbalanced IPv6 bracket
            return ""
    value = value.rstrip(".")
    return value.removeprefix("www.")


def host_suffixes(host: str) -> list[str]:
    """The host and each parent domain of two labels or more, longest first.

    ``a.b.example.co.uk`` -> ``a.b.example.co.uk, b.example.co.uk, example.co.uk, co.uk``:
    the bare top-level label is never a candidate.
    """
    labels = [label for label in normalise_host(host).split(".") if label]
    return [".".join(labels[start:]) for start in range(len(labels) - 1)]


def longest_suffix_match(host: str, known: Mapping[str, T]) -> T | None:
    """The value of the longest key of ``known`` that is a whole-label suffix of ``host``."""
    for candidate in host_suffixes(host):
        if candidate in known:
            return known[candidate]
    return None
