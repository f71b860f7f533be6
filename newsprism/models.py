"""Plain dataclasses the pipeline stages pass to one another.

Stages talk through these, never through each other's internals or the store's
rows. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The 7-point left/right scale and the 6-point factuality scale, in order.
BIAS_SCALE: tuple[str, ...] = (
    "far-left",
    "left",
    "lean-left",
    "center",
    "lean-right",
    "right",
    "far-right",
)
FACTUALITY_SCALE: tuple[str, ...] = (
    "very-high",
    "high",
    "mostly-factual",
    "mixed",
    "low",
    "very-low",
)
BIAS_AXIS = "us-left-right"
FACTUALITY_AXIS = "factuality"


def side_of(bias: str | None) -> str | None:
    """Fold the 7-point scale into left / center / right."""
    if bias in ("far-left", "left", "lean-left"):
        return "left"
    if bias == "center":
        return "center"
    if bias in ("lean-right", "right", "far-right"):
        return "right"
    return None


@dataclass(frozen=True, slots=True)
class Rating:
    """One rater's value for one outlet on one axis."""

    axis: str  # BIAS_AXIS, FACTUALITY_AXIS, ...
    value: str  # a label of that axis's scale
    rater: str  # e.g. "allsides", "wikipedia-rsp", "cred1"
    licence: str  # licence of the rating data, e.g. "CC BY-NC 4.0"
    rated_on: str | None = None  # date or snapshot name, e.g. "2019"
    source_url: str | None = None
    # Set by this instance's admin (``newsprism sources override``): wins over the raters.
    is_override: bool = False
    note: str | None = None  # why an override was set


@dataclass(slots=True)
class Outlet:
    domain: str
    name: str
    country: str | None = None  # ISO 3166-1 alpha-2
    language: str | None = None  # ISO 639-1
    feeds: list[str] = field(default_factory=list)
    owner: str | None = None
    ownership_typology: str | None = None  # private, state-funded, public-broadcaster, ...
    ownership_source: str | None = None
    ratings: list[Rating] = field(default_factory=list)
    homepage: str | None = None
    id: int | None = None


@dataclass(slots=True)
class RawArticle:
    """An article as it arrives, from a feed item or an import file, before NLP."""

    url: str
    title: str
    text: str = ""
    lede: str = ""
    published: datetime | None = None
    author: str | None = None
    language: str | None = None
    image_url: str | None = None
    canonical_url: str | None = None
    outlet_domain: str | None = None
    outlet_name: str | None = None
    external_id: str | None = None  # id in the import file, if any
    # How the text was obtained: "extracted" (page fetched and extracted),
    # "feed-only" (page could not be fetched or extracted; feed title/summary kept),
    # "imported" (came from an archive file).
    text_source: str = "extracted"
    extraction_error: str | None = None
    paywalled: bool | None = None  # the page's own markup says it is behind a paywall
    # The categories (tags) the feed or import file gave the item, as written there.
    categories: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic of a story (``stories.topics``): a feed category or a headline keyword."""

    slug: str  # the key in URLs and filters: "climate-change"
    label: str  # what people read: "Climate change"
    weight: float  # share of the story's articles that carry it, 0..1
    origin: str  # "category" (the feeds' label) or "keyword" (shared headline word)


@dataclass(slots=True)
class Extracted:
    """What the extractor gets from one page."""

    url: str | None
    canonical_url: str | None
    title: str | None
    text: str
    published: str | None  # ISO date/datetime as the page states it
    author: str | None
    language: str | None
    image_url: str | None = None
    sitename: str | None = None
    # The page declares that its full text is for subscribers (see ingest.extract).
    paywalled: bool = False


@dataclass(slots=True)
class ArticleForClustering:
    id: int
    title: str
    lede: str
    published: datetime
    outlet_id: int | None
    language: str | None = None
    text: str = ""
