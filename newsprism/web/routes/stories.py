"""The story page, and the story view model the JSON API shares with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection
from starlette.responses import Response

from newsprism.coverage.compute import percentages
from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE, side_of
from newsprism.nlp.text import clean
from newsprism.sources.ratings import combined_value
from newsprism.store.outlets import ratings_by_outlet
from newsprism.store.schema import MAX_ROW_ID
from newsprism.store.syndication import originals_of
from newsprism.store.web_reads import page_articles, page_story
from newsprism.web.deps import render
from newsprism.web.format import rater_name, safe_url, scale_label
from newsprism.web.page_build import build_page
from newsprism.web.page_cache import page_cache_of
from newsprism.web.timeline_chart import timeline_view

router = APIRouter()

SIDES = ("left", "center", "right", "unrated")
# A story's page lists its newest articles first and this many of them; the rest come
# on demand (app.js fetches them into the list; without JavaScript, ``?all=1``). A
# story of 200 articles rendered whole cost ~25 ms of CPU, most stories have fewer.
ARTICLES_SHOWN = 20


@router.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
async def story_page(
    request: Request, story_id: int, show_all: bool = Query(default=False, alias="all")
) -> Response:
    cache = page_cache_of(request)
    if cache is not None and (kept := cache.get(request)) is not None:
        return kept
    reader_language = request.app.state.settings.reader_language

    def build(conn: Connection) -> Response:
        story = _story_or_404(conn, story_id)
        if story["id"] != story_id:
            # Merged into another story: old links keep working and search engines move on.
            query = "?all=1" if show_all else ""
            return RedirectResponse(f"/stories/{story['id']}{query}", status_code=301)
        view = story_view(conn, story, reader_language=reader_language)
        articles = view["articles"]
        listed = _article_list(articles, len(articles) if show_all else ARTICLES_SHOWN)
        return render(request, "story.html", {**view, **listed})

    page = await build_page(request, build)
    return cache.keep(request, page) if cache is not None else page


@router.get("/stories/{story_id}/articles", response_class=HTMLResponse, include_in_schema=False)
async def story_articles_from(
    request: Request, story_id: int, start: int = Query(default=0, ge=0, le=MAX_ROW_ID)
) -> Response:
    """The entries of a story's article list from the ``start``-th on, as the story
    page lists them: what app.js appends to a long list when a reader asks for all."""
    reader_language = request.app.state.settings.reader_language

    def build(conn: Connection) -> Response:
        story = _story_or_404(conn, story_id)
        if story["id"] != story_id:
            return RedirectResponse(
                f"/stories/{story['id']}/articles?start={start}", status_code=301
            )
        view = story_view(conn, story, reader_language=reader_language)
        return render(
            request,
            "_story_articles.html",
            {"shown_articles": view["articles"][start:], "article_href": _article_href(None)},
        )

    return await build_page(request, build)


def _story_or_404(conn: Connection, story_id: int) -> dict[str, Any]:
    story = page_story(conn, story_id) if 0 < story_id <= MAX_ROW_ID else None
    if story is None:
        raise HTTPException(status_code=404, detail=f"No story {story_id}")
    return story


def _article_list(articles: list[dict[str, Any]], shown: int) -> dict[str, Any]:
    """The part of the story page that lists articles: the first ``shown`` of them,
    how many more there are, and the sources of those not listed."""
    listed, rest = articles[:shown], articles[shown:]
    listed_domains = {article["outlet"]["domain"] for article in listed}
    unlisted: dict[str, dict[str, Any]] = {}
    for article in rest:
        domain = article["outlet"]["domain"]
        if domain and domain not in listed_domains:
            unlisted.setdefault(domain, article["outlet"])
    return {
        "shown_articles": listed,
        "more_articles": len(rest),
        "more_from": rest[0]["id"] if rest else None,
        "hidden_outlets": list(unlisted.values()),
        "article_href": _article_href({article["id"] for article in listed} if rest else None),
    }


def _article_href(listed: set[int] | None) -> Callable[[int], str]:
    """Links to an article of the story: its entry on this page, or (not listed here:
    ``listed`` names those that are, None means all) on the page listing every one."""

    def article_href(article_id: int) -> str:
        if listed is None or article_id in listed:
            return f"#article-{article_id}"
        return f"?all=1#article-{article_id}"

    return article_href


def story_view(
    conn: Connection, story: dict[str, Any], *, reader_language: str = "en"
) -> dict[str, Any]:
    """Everything the story page and ``/api/stories/{id}`` show, from one place."""
    coverage = story.get("coverage") or {}
    summary = story.get("summary") or {}
    rows = page_articles(conn, story["id"])
    facts = _outlet_facts(conn, coverage, {row["outlet_id"] for row in rows})
    articles = [_article_entry(row, facts) for row in rows]
    articles.sort(key=lambda a: a["published"].timestamp() if a["published"] else 0, reverse=True)
    articles_by_id = {article["id"]: article for article in articles}
    _link_originals(conn, articles, articles_by_id)
    _attach_translations(articles, summary, reader_language)
    for article in articles:  # "why grouped": name the nearest article by its headline
        grouping = article["grouping"] or {}
        nearest = articles_by_id.get(grouping.get("nearest_article_id"))
        if nearest is not None:
            grouping["nearest_title"] = nearest["title"]
            grouping["nearest_outlet"] = nearest["outlet"]["name"]
    side_counts = dict.fromkeys(SIDES, 0)
    for article in articles:
        side_counts[article["outlet"]["side"]] += 1
    return {
        "story": story,
        "coverage": coverage,
        # Missing from coverage computed before syndicated copies were detected.
        "original_count": coverage.get("original_count"),
        "bullets": _bullets(story.get("summary"), articles_by_id),
        "framing": _framing(summary, articles_by_id),
        "translation_engine": (summary.get("translations") or {}).get("engine"),
        "title_translation": _title_translation(story, articles),
        "reader_language": reader_language,
        "articles": articles,
        "side_article_counts": side_counts,
        "bias_breakdown": _breakdown(coverage.get("bias"), (*BIAS_SCALE, "unrated")),
        "factuality_breakdown": _breakdown(
            coverage.get("factuality"),
            (*FACTUALITY_SCALE, "unrated"),
            coverage.get("factuality_percent"),
        ),
        "rater_notes": _rater_notes(coverage),
        "timeline": timeline_view(coverage.get("timeline")),
    }


def _outlet_facts(
    conn: Connection, coverage: dict[str, Any], outlet_ids: set[int | None]
) -> dict[int | None, dict[str, Any]]:
    """Bias and factuality per outlet: as counted in the coverage numbers, and from the
    stored ratings for an outlet that joined after the numbers were last computed."""
    facts: dict[int | None, dict[str, Any]] = {}
    for outlet in coverage.get("outlets") or []:
        facts[outlet.get("outlet_id")] = _facts(
            outlet.get("bias"), outlet.get("factuality"), outlet.get("ratings") or []
        )
    missing = [outlet_id for outlet_id in outlet_ids if outlet_id is not None]
    missing = [outlet_id for outlet_id in missing if outlet_id not in facts]
    for outlet_id, ratings in ratings_by_outlet(conn, missing).items():
        facts[outlet_id] = _facts(
            combined_value(ratings, BIAS_AXIS),
            combined_value(ratings, FACTUALITY_AXIS),
            [
                {"axis": r.axis, "value": r.value, "rater": r.rater, "rated_on": r.rated_on}
                for r in ratings
            ],
        )
    return facts


def _facts(bias: str | None, factuality: str | None, ratings: list[dict[str, Any]]) -> dict:
    return {
        "bias": bias,
        "side": side_of(bias) or "unrated",
        "factuality": factuality,
        "bias_note": _rating_note("Bias", bias, ratings, BIAS_AXIS),
        "factuality_note": _rating_note("Factuality", factuality, ratings, FACTUALITY_AXIS),
    }


def _rating_note(label: str, value: str | None, ratings: list[dict[str, Any]], axis: str) -> str:
    """Tooltip naming who rated what: "Bias: Lean Left — AllSides: Lean Left (2019)"."""
    if value is None:
        return f"{label}: no rating"
    parts = []
    for rating in ratings:
        if rating.get("axis") != axis:
            continue
        when = f" ({rating['rated_on']})" if rating.get("rated_on") else ""
        parts.append(f"{rater_name(rating['rater'])}: {scale_label(rating['value'])}{when}")
    summary = f"{label}: {scale_label(value)}"
    return f"{summary} — {'; '.join(parts)}" if parts else summary


_UNRATED = _facts(None, None, [])  # an outlet without ratings, or no outlet


def _article_entry(row: dict[str, Any], facts: dict[int | None, dict[str, Any]]) -> dict:
    return {
        "id": row["id"],
        "url": _link(row["url"]),
        "title": row["title"],
        "lede": row["lede"],  # or the opening of the text (web_reads.page_articles)
        "published": row["published_at"] or row["fetched_at"],
        "language": row["language"],
        "syndicated_of": row["syndicated_of"],
        "original": None,
        "grouping": row.get("grouping"),
        "outlet": {
            "id": row["outlet_id"],
            "domain": row["outlet_domain"],
            "name": row["outlet_name"] or row["outlet_domain"] or "Unknown outlet",
            "ownership": row["outlet_ownership_typology"],
            **facts.get(row["outlet_id"], _UNRATED),
        },
    }


def _link(url: str | None) -> str | None:
    """``safe_url``, which parses the URL, after a check that settles nearly every
    feed's URL at a fraction of the cost (a story of 200 articles checked 200)."""
    if url and url.startswith(("https://", "http://")):
        return url
    return safe_url(url)


def _link_originals(
    conn: Connection, articles: list[dict[str, Any]], articles_by_id: dict[int, dict[str, Any]]
) -> None:
    """Where each syndicated copy's original is: on this page, or another story's."""
    outside = sorted(
        {a["syndicated_of"] for a in articles if a["syndicated_of"]} - set(articles_by_id)
    )
    elsewhere = originals_of(conn, outside)
    for article in articles:
        original_id = article["syndicated_of"]
        if not original_id:
            continue
        if original_id in articles_by_id:
            outlet = articles_by_id[original_id]["outlet"]["name"]
            article["original"] = {
                "href": f"#article-{original_id}",
                "article_id": original_id,  # the page links it where it is listed
                "outlet": outlet,
            }
        elif original_id in elsewhere:
            row = elsewhere[original_id]
            href = (
                f"/stories/{row['story_id']}#article-{original_id}"
                if row["story_id"]
                else safe_url(row["url"])
            )
            outlet = row["outlet_name"] or row["outlet_domain"] or "another outlet"
            article["original"] = {"href": href, "outlet": outlet}


def _bullets(
    summary: dict[str, Any] | None, articles_by_id: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Summary bullets with their citations; a cited article no longer in the story
    (moved by a merge) is dropped from the citations, not linked to nowhere."""
    bullets = []
    for bullet in (summary or {}).get("bullets") or []:
        citations = [
            {"article_id": article_id, "outlet": articles_by_id[article_id]["outlet"]["name"]}
            for article_id in bullet.get("article_ids") or []
            if article_id in articles_by_id
        ]
        bullets.append(
            {
                "text": bullet.get("text", ""),
                "citations": citations,
                "translation": bullet.get("translation"),
                "language": _cited_language(bullet, articles_by_id),
            }
        )
    return bullets


def _cited_language(line: dict[str, Any], articles_by_id: dict[int, dict[str, Any]]) -> str | None:
    """The language of a summary line: that of the first article it cites."""
    for article_id in line.get("article_ids") or []:
        if article_id in articles_by_id:
            return articles_by_id[article_id]["language"]
    return None


def _framing(
    summary: dict[str, Any], articles_by_id: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """ "How each side covered it": one cited line per side (summarize/framing.py)."""
    lines = []
    for side in ("left", "center", "right"):
        line = (summary.get("framing") or {}).get(side)
        if not line:
            continue
        lines.append(
            {
                "side": side,
                "text": line.get("text", ""),
                "backend": line.get("backend"),
                "translation": line.get("translation"),
                "language": _cited_language(line, articles_by_id),
                "citations": [
                    {"article_id": i, "outlet": articles_by_id[i]["outlet"]["name"]}
                    for i in line.get("article_ids") or []
                    if i in articles_by_id
                ],
            }
        )
    return lines


def _title_translation(
    story: dict[str, Any], articles: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The story's title is one of its headlines: when that headline was translated,
    the page's heading is the translation too."""
    for article in articles:
        translation = article["translation"]
        if translation and clean(article["title"]) == clean(story["title"]):
            return {
                "title": translation["title"],
                "language": article["language"],
                "engine": translation["engine"],
            }
    return None


def _attach_translations(
    articles: list[dict[str, Any]], summary: dict[str, Any], reader_language: str
) -> None:
    """Each article's headline and lede in the reader's language, when the summary step
    translated them (``translation``), and whether it is in another language at all
    (``foreign``: shown with its language tag when there is no translation)."""
    record = summary.get("translations") or {}
    stored = record.get("articles") or {}
    reader = reader_language.split("-")[0].lower()
    for article in articles:
        language = (article["language"] or "").split("-")[0].lower()
        article["foreign"] = bool(language) and language != reader
        entry = stored.get(str(article["id"]))
        if entry and record.get("target") == reader and entry.get("title"):
            article["translation"] = {
                "title": entry["title"],
                "lede": entry.get("lede"),
                "source": entry.get("source"),
                "engine": record.get("engine"),
            }
        else:
            article["translation"] = None


def _breakdown(
    counts: dict[str, int] | None,
    keys: tuple[str, ...],
    percents: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Rows of count and share per scale value; shares add up to 100 like the bars."""
    counts = {key: (counts or {}).get(key, 0) for key in keys}
    percents = percents or percentages(counts)
    return [{"key": key, "count": counts[key], "percent": percents.get(key, 0)} for key in keys]


def _rater_notes(coverage: dict[str, Any]) -> list[dict[str, Any]]:
    """Which raters (and under which licences) the numbers come from, per axis."""
    licences: dict[str, set[str]] = {}
    for outlet in coverage.get("outlets") or []:
        for rating in outlet.get("ratings") or []:
            if rating.get("licence"):
                licences.setdefault(rating["rater"], set()).add(rating["licence"])
    raters = coverage.get("raters") or {}
    notes = []
    for axis, label in ((BIAS_AXIS, "Bias ratings"), (FACTUALITY_AXIS, "Factuality")):
        names = raters.get(axis) or []
        notes.append(
            {
                "label": label,
                "raters": [
                    {"name": rater_name(name), "licences": sorted(licences.get(name, ()))}
                    for name in names
                ],
            }
        )
    return notes
