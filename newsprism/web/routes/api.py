"""The JSON API: the pages' content as typed JSON (OpenAPI at /docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from newsprism.store.feeds import feed_health
from newsprism.store.stories import count_stories, get_story, list_stories
from newsprism.store.web_reads import recent_events
from newsprism.web.deps import Conn
from newsprism.web.routes.outlets import outlet_view
from newsprism.web.routes.stories import story_view

router = APIRouter(prefix="/api", tags=["api"])


class Error(BaseModel):
    detail: str


class Sides(BaseModel):
    left: int = 0
    center: int = 0
    right: int = 0
    unrated: int = 0


class StorySummary(BaseModel):
    id: int
    title: str
    article_count: int
    source_count: int
    sides_percent: Sides | None = Field(
        description="Share of the story's sources per side; null until coverage is computed."
    )
    first_seen: datetime
    last_seen: datetime
    updated_at: datetime
    page_url: str = Field(description="Path of the story's page on this instance.")


class StoryList(BaseModel):
    total: int
    limit: int
    offset: int
    order: str
    stories: list[StorySummary]


class OutletRef(BaseModel):
    domain: str | None
    name: str
    bias: str | None
    side: str
    factuality: str | None


class Article(BaseModel):
    id: int
    url: str | None = Field(description="The article's http(s) URL; null if it had none.")
    title: str
    lede: str
    published: datetime | None
    language: str | None
    outlet: OutletRef
    grouping: dict[str, Any] | None = Field(
        default=None,
        description="Why the clusterer put the article in this story: score and threshold, "
        "the nearest article and the shared terms (or that it started the story).",
    )
    syndicated_of: int | None = Field(
        default=None,
        description="When the article is a syndicated copy (the same wire text as an "
        "earlier article), the id of the earliest article carrying that text.",
    )


class Bullet(BaseModel):
    text: str
    article_ids: list[int]


class CoverageRating(BaseModel):
    axis: str
    value: str
    rater: str
    licence: str | None = None
    rated_on: str | None = None


class CoverageOutlet(BaseModel):
    outlet_id: int | None
    domain: str | None
    name: str | None
    bias: str | None
    side: str | None
    factuality: str | None
    ratings: list[CoverageRating] = []
    articles: int


class SideHeadline(BaseModel):
    article_id: int
    title: str
    outlet: str | None


class Coverage(BaseModel):
    """The story's coverage numbers; every count is of sources (distinct outlets)."""

    article_count: int
    source_count: int
    original_count: int | None = Field(
        default=None, description="Distinct texts: articles that are not syndicated copies."
    )
    syndicated_count: int | None = None
    bias: dict[str, int]
    sides: dict[str, int]
    sides_percent: dict[str, int]
    factuality: dict[str, int]
    factuality_percent: dict[str, int]
    ownership: dict[str, int]
    countries: dict[str, int]
    languages: dict[str, int]
    headline: str
    first_published: datetime | None = None
    last_published: datetime | None = None
    raters: dict[str, list[str]]
    headlines_by_side: dict[str, SideHeadline] = Field(
        default_factory=dict,
        description="Per side that covered the story, its article closest to the story as a whole.",
    )
    outlets: list[CoverageOutlet] = []


class StoryDetail(StorySummary):
    original_count: int | None = Field(
        description="Articles that are not syndicated copies of another article's text; "
        "null until coverage is computed."
    )
    summary: list[Bullet]
    summary_method: str | None
    coverage: Coverage | None
    articles: list[Article]


class Rating(BaseModel):
    axis: str
    value: str
    rater: str
    licence: str
    rated_on: str | None
    source_url: str | None
    is_override: bool


class Feed(BaseModel):
    url: str
    outlet_domain: str | None = None
    title: str | None
    active: bool
    last_status: int | None
    error_count: int
    last_error: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    articles_found: int
    state: str  # ok, new, failing, quarantined, disabled
    last_error_kind: str | None  # retry (may work later) or permanent (will not work as it is)
    failing_since: datetime | None
    quarantine_reason: str | None
    disabled_reason: str | None
    poll_interval_seconds: int | None
    articles_per_day: float


class Event(BaseModel):
    at: datetime
    level: str
    kind: str
    url: str | None
    message: str


class FeedHealth(BaseModel):
    feeds: list[Feed]
    events: list[Event] = Field(description="The 50 latest pipeline events, newest first.")


class OutletDetail(BaseModel):
    domain: str
    name: str
    country: str | None
    language: str | None
    homepage: str | None
    owner: str | None
    ownership_typology: str | None
    ownership_source: str | None
    bias: str | None = Field(description="The ratings combined on the 7-point scale.")
    factuality: str | None
    ratings: list[Rating]
    feeds: list[Feed]
    recent_stories: list[StorySummary]
    page_url: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error}}


@router.get("/stories", response_model=StoryList)
def api_stories(
    conn: Conn,
    limit: int = Query(default=30, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
    order: Literal["biggest", "latest"] = "biggest",
) -> StoryList:
    stories = list_stories(conn, limit=limit, offset=offset, order=order)
    return StoryList(
        total=count_stories(conn),
        limit=limit,
        offset=offset,
        order=order,
        stories=[_summary(story) for story in stories],
    )


@router.get("/stories/{story_id}", response_model=StoryDetail, responses=NOT_FOUND)
def api_story(story_id: int, conn: Conn) -> StoryDetail | Response:
    story = get_story(conn, story_id)
    if story is None:
        raise HTTPException(status_code=404, detail=f"No story {story_id}")
    if story["id"] != story_id:
        return RedirectResponse(f"/api/stories/{story['id']}", status_code=301)
    view = story_view(conn, story)
    summary = story.get("summary") or {}
    return StoryDetail(
        **_summary(story).model_dump(),
        summary=[
            Bullet(text=b.get("text", ""), article_ids=b.get("article_ids") or [])
            for b in summary.get("bullets") or []
        ],
        summary_method=summary.get("method"),
        original_count=view["original_count"],
        coverage=Coverage.model_validate(story["coverage"]) if story.get("coverage") else None,
        articles=[
            Article(
                **{
                    key: value
                    for key, value in article.items()
                    if key not in ("original", "outlet")  # the API gives the original's id
                },
                outlet=OutletRef(**article["outlet"]),
            )
            for article in view["articles"]
        ],
    )


@router.get("/outlets/{domain}", response_model=OutletDetail, responses=NOT_FOUND)
def api_outlet(domain: str, conn: Conn) -> OutletDetail:
    view = outlet_view(conn, domain)
    if view is None:
        raise HTTPException(status_code=404, detail=f"No outlet {domain}")
    outlet = view["outlet"]
    return OutletDetail(
        **{key: outlet[key] for key in OutletDetail.model_fields if key in outlet},
        bias=view["combined"]["bias"],
        factuality=view["combined"]["factuality"],
        ratings=[Rating(**row) for row in view["ratings"]],
        feeds=[Feed(**{**feed, "outlet_domain": outlet["domain"]}) for feed in view["feeds"]],
        recent_stories=[_summary(story) for story in view["stories"]],
        page_url=f"/outlets/{outlet['domain']}",
    )


@router.get("/feeds", response_model=FeedHealth)
def api_feeds(conn: Conn) -> FeedHealth:
    return FeedHealth(
        feeds=[Feed(**feed) for feed in feed_health(conn)],
        events=[Event(**event) for event in recent_events(conn, limit=50)],
    )


def _summary(story: dict[str, Any]) -> StorySummary:
    coverage = story.get("coverage") or {}
    sides = coverage.get("sides_percent")
    return StorySummary(
        **{key: story[key] for key in StorySummary.model_fields if key in story},
        sides_percent=Sides(**sides) if sides else None,
        page_url=f"/stories/{story['id']}",
    )
