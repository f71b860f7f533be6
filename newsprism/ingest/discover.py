"""Feed autodiscovery: the feed URLs a homepage declares, or failing that, links to them.

A page declares its feeds with ``<link rel="alternate" type="application/rss+xml">``
(or Atom, or JSON Feed) in its head; browsers and feed readers have read that since
2005, so it comes first and, when present, alone. Pages that declare nothing often
still link to a feed from the body: an anchor whose path ends in ``/feed``, ``/rss``,
``.rss``, or ``.xml`` with "rss" or "feed" in the address.

``application/json`` is what JSON Feed 1.0 asked for, but WordPress also emits it for
every page's REST address (``/wp-json/wp/v2/posts/42``); such a link counts only when
its address or title speaks of a feed.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

__all__ = ["discover_feeds"]

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
    }
)
_FEED_PATH_ENDINGS = ("/feed", "/rss", ".rss")


def _parse(page: str | bytes) -> lxml_html.HtmlElement | None:
    # lxml refuses str input that carries an XML encoding declaration.
    data = page.encode("utf-8", errors="replace") if isinstance(page, str) else page
    if not data.strip():
        return None
    try:
        return lxml_html.fromstring(data)
    except (ValueError, etree.ParserError):
        return None


def _absolute(href: str | None, *, base_url: str) -> str | None:
    """``href`` resolved against the page, fragment dropped; None unless http(s)."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        address = urldefrag(urljoin(base_url, href)).url
        scheme = urlsplit(address).scheme.lower()
    except ValueError:  # malformed IPv6 host and the like
        return None
    return address if scheme in ("http", "https") else None


def _declared(document: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    """(href, title) of each ``<link rel=alternate>`` with a feed type, in page order."""
    found = []
    for link in document.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or kind not in _FEED_TYPES:
            continue
        href, title = link.get("href") or "", link.get("title") or ""
        if kind == "application/json" and "feed" not in f"{href} {title}".lower():
            continue
        found.append((href, title))
    return found


def _looks_like_feed_link(address: str) -> bool:
    path = urlsplit(address).path.lower().rstrip("/")
    if path.endswith(_FEED_PATH_ENDINGS):
        return True
    return path.endswith(".xml") and ("rss" in address.lower() or "feed" in address.lower())


def discover_feeds(html: str | bytes, *, base_url: str) -> list[str]:
    """Absolute feed URLs of a homepage, de-duplicated, in page order ([] if none)."""
    document = _parse(html)
    if document is None:
        return []
    # A <base href> changes what every relative link on the page resolves against.
    for base in document.iter("base"):
        if base.get("href"):
            base_url = _absolute(base.get("href"), base_url=base_url) or base_url
            break
    candidates = [_absolute(href, base_url=base_url) for href, _title in _declared(document)]
    if not any(candidates):
        candidates = [
            address
            for address in (_absolute(a.get("href"), base_url=base_url) for a in document.iter("a"))
            if address and _looks_like_feed_link(address)
        ]
    return list(dict.fromkeys(address for address in candidates if address))
