"""The JSON API: the pages' content as typed JSON (OpenAPI at /docs)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, StreamingResponse
from pydantic import BaseModel, BeforeValidator, Field
from starlette.responses import Response

from newsprism.jobs.exporter import iter_story_exports
from newsprism.store.feeds import feed_health
from newsprism.store.schema import MAX_ROW_ID
from newsprism.store.search import MAX_QUERY_LENGTH, search_stories
from newsprism.store.stories import get_story
from newsprism.store.web_reads import (
    StoryFilters,
    count_filtered_stories,
    filtered_stories,
    recent_events,
)
from newsprism.web.deps import Conn
from newsprism.web.format import safe_url
from newsprism.web.ratelimit import search_rate_limit
from newsprism.web.routes.outlets import normalise_domain, outlet_view
from newsprism.web.routes.search import plain_snippet
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


class ArticleTranslation(BaseModel):
    title: str
    lede: str | None
    source: str | None = Field(description="The article's language.")
    engine: str | None = Field(description="The engine that translated, e.g. llm:qwen2.5.")


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
        "the nearest article and the shared terms (or that it started the story, or "
        "`settled`: settling moved it here, `score` its mean pair probability with the "
        "story's other articles); for an "
        "article a person placed, `corrected`: the correction's id, action and note.",
    )
    syndicated_of: int | None = Field(
        default=None,
        description="When the article is a syndicated copy (the same wire text as an "
        "earlier article), the id of the earliest article carrying that text.",
    )
    translation: ArticleTranslation | None = Field(
        default=None,
        description="Headline and lede in the reader's language (NEWSPRISM_READER_LANGUAGE), "
        "when the article is in another and a translation engine made them.",
    )


class Bullet(BaseModel):
    text: str
    article_ids: list[int]
    translation: str | None = Field(
        default=None, description="The bullet in the reader's language, when translated."
    )


class FramingLine(BaseModel):
    text: str
    article_ids: list[int]
    backend: str | None = Field(default=None, description="'extractive' or 'llm:<model>'.")
    translation: str | None = None


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


class OwnerCount(BaseModel):
    owner: str
    sources: int


class TimelineFirst(BaseModel):
    article_id: int
    outlet: str | None
    published: datetime
    syndicated: bool = Field(description="The first article is a syndicated copy.")


class TimelinePerHour(BaseModel):
    start: datetime = Field(description="The hour (UTC) of the first article.")
    bucket_hours: int = Field(description="Hours per bucket: 1, or wider for long stories.")
    left: list[int]
    center: list[int]
    right: list[int]
    unrated: list[int]


class Timeline(BaseModel):
    """How the story spread (rules: coverage/timeline.py, /how-we-count)."""

    first: TimelineFirst | None = Field(description="The earliest article and its outlet.")
    time_to_5_sources: int | None = Field(
        default=None, description="Seconds from the first article until 5 distinct sources."
    )
    time_to_10_sources: int | None = Field(
        default=None, description="Seconds from the first article until 10 distinct sources."
    )
    undated: int = Field(default=0, description="Articles without a time, left out.")
    per_hour: TimelinePerHour | None = Field(
        default=None, description="Articles per bucket of hours by their outlet's side."
    )


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
    blindspot: str | None = Field(
        default=None,
        description="The side (left or right) that (nearly) ignores the story, if any.",
    )
    first_published: datetime | None = None
    last_published: datetime | None = None
    raters: dict[str, list[str]]
    headlines_by_side: dict[str, SideHeadline] = Field(
        default_factory=dict,
        description="Per side that covered the story, its article closest to the story as a whole.",
    )
    outlets: list[CoverageOutlet] = []
    owners: list[OwnerCount] = Field(
        default_factory=list,
        description="The owners with the most sources in the story (at most 5), most first.",
    )
    timeline: Timeline | None = Field(
        default=None, description="First report, time until 5 and 10 sources, articles per hour."
    )


class StoryDetail(StorySummary):
    original_count: int | None = Field(
        description="Articles that are not syndicated copies of another article's text; "
        "null until coverage is computed."
    )
    summary: list[Bullet]
    summary_method: str | None
    summary_backend: str | None = Field(
        default=None, description="'extractive' or 'llm:<model>': what wrote the bullets."
    )
    summary_fallback_reason: str | None = Field(
        default=None,
        description="Why the extractive summary stands in for the configured LLM, if it does.",
    )
    framing: dict[str, FramingLine] = Field(
        default_factory=dict,
        description="How each side (left/center/right) covered the story, one cited line "
        "per side with enough articles; empty when fewer than two sides have.",
    )
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
    note: str | None = Field(default=None, description="Why a local override was set.")
    superseded: bool = Field(
        default=False,
        description="A newer rating of the same rater replaced it: history, not combined.",
    )


class CombinedValue(BaseModel):
    value: str | None
    override: bool = Field(description="The value is a local override, not the raters'.")
    raters: list[str] = Field(description="The raters whose newest ratings were combined.")
    raters_disagree: bool = Field(description="Two raters are two or more steps apart.")


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
    combined: dict[str, CombinedValue] = Field(
        default_factory=dict,
        description="Per axis the outlet is rated on: its value and whether a local "
        "override set it.",
    )
    ratings: list[Rating]
    feeds: list[Feed]
    recent_stories: list[StorySummary]
    blindspot_stories: dict[str, int] = Field(
        default_factory=dict,
        description="Per side (left, right): how many stories that are a blindspot for "
        "that side this outlet covered.",
    )
    page_url: str


class ArticleMatch(BaseModel):
    id: int
    title: str
    url: str | None
    language: str | None
    published: datetime | None
    outlet_domain: str | None
    outlet_name: str | None
    snippet: str = Field(description="The passage of the article that matches best.")
    score: float = Field(description="Relevance; higher is better, comparable within a query.")


class SearchHit(StorySummary):
    match_count: int = Field(description="How many of the story's articles match.")
    matches: list[ArticleMatch] = Field(description="The best-matching articles, at most 3.")


class SearchResults(BaseModel):
    query: str = Field(description="The query as searched (control characters removed).")
    total: int = Field(description="Matching stories.")
    limit: int
    offset: int
    stories: list[SearchHit]


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error}}


def _iso_only(value: Any) -> Any:
    """Pydantic would read a bare number as a Unix time; the schema says ISO 8601."""
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+(\.\d*)?\s*", value):
        raise ValueError("expected a date (2024-06-01) or an ISO 8601 date and time")
    return value


DateOrTime = Annotated[date | datetime, BeforeValidator(_iso_only)]
# Deeper pages are no use and an offset past 64 bits is an error in the database.
MAX_OFFSET = 1_000_000
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": Error, "description": "Too many searches from this address; see Retry-After."}
}


@router.get("/stories", response_model=StoryList)
def api_stories(
    conn: Conn,
    limit: int = Query(default=30, ge=1, le=200),
    offset: int = Query(default=0, ge=0, le=MAX_OFFSET),
    order: Literal["biggest", "latest"] = "biggest",
    side: Literal["left", "center", "right"] | None = Query(
        default=None, description="Only stories with at least one source on this side."
    ),
    blindspot: Literal["left", "right"] | None = Query(
        default=None,
        description="Only stories that are a blindspot for this side: it (nearly) ignores "
        "what the other side covers (rule: coverage/blindspot.py, README).",
    ),
    outlet: str | None = Query(
        default=None,
        max_length=255,
        description="Only stories with an article from this outlet (its domain).",
    ),
    language: str | None = Query(
        default=None,
        max_length=16,
        description="Only stories with an article in this language (ISO 639-1, e.g. en).",
    ),
    since: DateOrTime | None = Query(
        default=None,
        description="Only stories seen on or after this date or time (UTC unless an offset "
        "is given).",
    ),
    until: DateOrTime | None = Query(
        default=None,
        description="Only stories begun on or before this date (the whole day) or time.",
    ),
    topic: str | None = Query(
        default=None,
        max_length=100,
        description="Only stories with this topic (its slug, as `GET /api/topics` lists them).",
    ),
) -> StoryList:
    """Stories, biggest or latest first, optionally filtered; ``total`` counts the
    stories matching the filters."""
    filters = StoryFilters(
        side=side,
        blindspot=blindspot,
        outlet_domain=normalise_domain(outlet) if outlet else None,
        language=(language or "").strip() or None,
        since=_moment(since, end_of_day=False),
        until=_moment(until, end_of_day=True),
        topic=(topic or "").strip().lower() or None,
    )
    stories = filtered_stories(conn, filters, limit=limit, offset=offset, order=order)
    return StoryList(
        total=count_filtered_stories(conn, filters),
        limit=limit,
        offset=offset,
        order=order,
        stories=[_summary(story) for story in stories],
    )


def _moment(value: datetime | date | None, *, end_of_day: bool) -> datetime | None:
    """A date means its whole day: from its first moment, or up to its last."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=UTC)


@router.get("/stories/{story_id}", response_model=StoryDetail, responses=NOT_FOUND)
def api_story(
    conn: Conn, request: Request, story_id: int = Path(ge=1, le=MAX_ROW_ID)
) -> StoryDetail | Response:
    story = get_story(conn, story_id)
    if story is None:
        raise HTTPException(status_code=404, detail=f"No story {story_id}")
    if story["id"] != story_id:
        return RedirectResponse(f"/api/stories/{story['id']}", status_code=301)
    view = story_view(conn, story, reader_language=request.app.state.settings.reader_language)
    summary = story.get("summary") or {}
    return StoryDetail(
        **_summary(story).model_dump(),
        summary=[
            Bullet(
                text=b.get("text", ""),
                article_ids=b.get("article_ids") or [],
                translation=b.get("translation"),
            )
            for b in summary.get("bullets") or []
        ],
        summary_method=summary.get("method"),
        summary_backend=summary.get("backend"),
        summary_fallback_reason=summary.get("fallback_reason"),
        framing={
            side: FramingLine.model_validate(line)
            for side, line in (summary.get("framing") or {}).items()
        },
        original_count=view["original_count"],
        coverage=Coverage.model_validate(story["coverage"]) if story.get("coverage") else None,
        articles=[
            Article(
                **{
                    key: value
                    for key, value in article.items()
                    # The API gives the original's id; "foreign" is the page's badge switch.
                    if key not in ("original", "outlet", "foreign")
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
        combined={
            axis: CombinedValue(
                value=found.value,
                override=found.override,
                raters=list(found.raters),
                raters_disagree=found.raters_disagree,
            )
            for axis, found in view["axes"].items()
        },
        ratings=[Rating(**row) for row in view["ratings"]],
        feeds=[Feed(**{**feed, "outlet_domain": outlet["domain"]}) for feed in view["feeds"]],
        recent_stories=[_summary(story) for story in view["stories"]],
        blindspot_stories=view["blindspots"],
        page_url=f"/outlets/{outlet['domain']}",
    )


@router.get("/feeds", response_model=FeedHealth)
def api_feeds(conn: Conn) -> FeedHealth:
    return FeedHealth(
        feeds=[Feed(**feed) for feed in feed_health(conn)],
        events=[Event(**event) for event in recent_events(conn, limit=50)],
    )


@router.get(
    "/search",
    response_model=SearchResults,
    responses=RATE_LIMITED,
    dependencies=[Depends(search_rate_limit)],
)
def api_search(
    conn: Conn,
    q: str = Query(
        min_length=1,
        max_length=500,
        description='Words (all must match), "a phrase", `or` between alternatives, '
        f"-word to exclude; cut at {MAX_QUERY_LENGTH} characters.",
    ),
    limit: int = Query(default=20, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=10_000),
) -> SearchResults:
    """Stories whose articles match the query, best first, with their matching articles."""
    results = search_stories(conn, q, limit=limit, offset=offset)
    return SearchResults(
        query=results.query,
        total=results.total,
        limit=limit,
        offset=offset,
        stories=[
            SearchHit(
                **_summary(story).model_dump(),
                match_count=story["match_count"],
                matches=[
                    ArticleMatch(
                        **{
                            **match,
                            "url": safe_url(match["url"]),
                            "snippet": plain_snippet(match["snippet"]),
                        }
                    )
                    for match in story["matches"]
                ],
            )
            for story in results.stories
        ],
    )


@router.get(
    "/export.jsonl",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/x-ndjson": {}},
            "description": "One JSON object a line, as `newsprism export` writes them.",
        }
    },
)
def api_export(request: Request) -> StreamingResponse:
    """Every story as JSON Lines, streamed: id, title, numbers (coverage), each rater's
    own numbers (``per_rater``), summary, and its articles (ids, URLs, outlets)."""
    # Its own connection from the engine: the stream outlives the request's dependencies.
    lines = (
        json.dumps(record, ensure_ascii=False) + "\n"
        for record in iter_story_exports(request.app.state.engine)
    )
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="newsprism-stories.jsonl"'},
    )


def _summary(story: dict[str, Any]) -> StorySummary:
    coverage = story.get("coverage") or {}
    sides = coverage.get("sides_percent")
    return StorySummary(
        **{key: story[key] for key in StorySummary.model_fields if key in story},
        sides_percent=Sides(**sides) if sides else None,
        page_url=f"/stories/{story['id']}",
    )
