"""Outlets and their feeds as OPML 2.0, and OPML subscription lists read back.

Export writes one ``<outline type="rss">`` per feed, with ``xmlUrl``, ``htmlUrl`` (the
outlet's homepage), ``text`` (the outlet's name) and ``category`` (its country).

Import reads any reader's OPML. The file comes from a user, so it is parsed without a
DTD: a document that declares one (the door to entity-expansion attacks) is refused.
Real exports are often sloppy (bare ``&``, unescaped quotes in titles); such files are
repaired, or as a last resort read outline by outline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from typing import TextIO
from urllib.parse import urlsplit

from newsprism.models import Outlet

__all__ = ["UnsafeOPML", "domain_for_feed", "read_outlets_opml", "write_outlets_opml"]


class UnsafeOPML(ValueError):
    """The document declares a DTD or entities, which an OPML file never needs."""


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_BARE_AMPERSAND = re.compile(rb"&(?!(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_OUTLINE_TAG = re.compile(rb"<outline\b[^>]*>", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(rb'\b(xmlUrl|htmlUrl|text|title|category)\s*=\s*"([^"]*)"')
# Hosts that serve feeds for many outlets; the outlet's domain is not theirs.
_FEED_HOST_PREFIXES = ("www.", "feeds.", "feeds2.", "feed.", "rss.", "rssfeeds.")


def write_outlets_opml(outlets: list[Outlet], out: TextIO, *, title: str = "newsprism") -> int:
    """Write the outlets' feeds; returns the number of feed outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    count = 0
    for outlet in outlets:
        for feed_url in outlet.feeds:
            attributes = {"type": "rss", "text": outlet.name, "title": outlet.name}
            attributes["xmlUrl"] = feed_url
            attributes["htmlUrl"] = outlet.homepage or f"https://{outlet.domain}/"
            if outlet.country:
                attributes["category"] = outlet.country
            ET.SubElement(body, "outline", attributes)
            count += 1
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
    return count


def domain_for_feed(xml_url: str, html_url: str | None = None) -> str | None:
    """The outlet domain a feed belongs to: the site's host when the OPML names the site,
    else the feed's host less the prefixes feed servers add (``feeds.``, ``rss.``, ...)."""
    for url, strip in ((html_url, ("www.",)), (xml_url, _FEED_HOST_PREFIXES)):
        host = (urlsplit(url).hostname or "").lower().rstrip(".") if url else ""
        if host == "openrss.org" and url:
            # Open RSS proxies a site named by the first path segment.
            host = urlsplit(url).path.strip("/").split("/")[0].lower()
        for prefix in strip:
            if host.startswith(prefix) and host.count(".") > 1:
                host = host[len(prefix) :]
        if host and "." in host:
            return host
    return None


def read_outlets_opml(data: bytes) -> list[Outlet]:
    """Outlets with their feeds from an OPML document, grouped by domain."""
    if _DTD.search(data):
        raise UnsafeOPML("OPML with a DTD or entity declarations is refused")
    outlines = _parsed_outlines(data)
    by_domain: dict[str, Outlet] = {}
    for attributes in outlines:
        xml_url = (attributes.get("xmlUrl") or "").strip()
        if not xml_url.startswith(("http://", "https://")):
            continue
        html_url = (attributes.get("htmlUrl") or "").strip() or None
        domain = domain_for_feed(xml_url, html_url)
        if domain is None:
            continue
        outlet = by_domain.get(domain)
        if outlet is None:
            name = (attributes.get("text") or attributes.get("title") or "").strip()
            category = (attributes.get("category") or "").strip()
            outlet = Outlet(
                domain=domain,
                name=name or domain,
                country=category.upper() if re.fullmatch(r"[A-Za-z]{2}", category) else None,
                homepage=html_url,
            )
            by_domain[domain] = outlet
        if xml_url not in outlet.feeds:
            outlet.feeds.append(xml_url)
    return list(by_domain.values())


def _parsed_outlines(data: bytes) -> list[dict[str, str]]:
    for attempt in (data, _BARE_AMPERSAND.sub(b"&amp;", data)):
        try:
            root = ET.fromstring(attempt)
        except ET.ParseError:
            continue
        return [dict(outline.attrib) for outline in root.iter("outline")]
    return _scanned_outlines(data)


def _scanned_outlines(data: bytes) -> list[dict[str, str]]:
    """Outline attributes read tag by tag, for files no XML parser accepts."""
    found = []
    for tag in _OUTLINE_TAG.findall(data):
        attributes = {
            name.decode(): unescape(value.decode("utf-8", "replace"))
            for name, value in _URL_ATTRIBUTE.findall(tag)
        }
        if attributes.get("xmlUrl"):
            found.append(attributes)
    return found
