"""Stories covered by chosen outlets, their coverage computed by the pipeline's own
refresh step: for the pages that list stories by side (blindspots, outlet pages, /me)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from newsprism.jobs.pipeline import Pipeline
from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Outlet, Rating, RawArticle
from newsprism.store.articles import add_article
from newsprism.store.outlets import upsert_outlet
from newsprism.stories.cluster import ClusterParams
from tests.fixtures.stories import story_of

# domain -> (name, bias, factuality, ownership typology)
OUTLETS = {
    "huffpost.com": ("HuffPost", "left", "mixed", "private"),
    "nytimes.com": ("New York Times", "lean-left", "high", "private"),
    "cnn.com": ("CNN", "lean-left", "mostly-factual", "private"),
    "reuters.com": ("Reuters", "center", "very-high", "private"),
    "npr.org": ("NPR", "lean-left", "high", "non-profit"),
    "foxnews.com": ("Fox News", "right", "mixed", "private"),
    "breitbart.com": ("Breitbart", "right", "very-low", "private"),
    "nypost.com": ("New York Post", "lean-right", "mixed", "private"),
    "unrated.example": ("Unrated Daily", None, None, None),
}


def _outlet(domain: str) -> Outlet:
    name, bias, factuality, typology = OUTLETS[domain]
    ratings = []
    if bias:
        ratings.append(Rating(axis=BIAS_AXIS, value=bias, rater="allsides", licence="CC BY-NC 4.0"))
    if factuality:
        ratings.append(
            Rating(axis=FACTUALITY_AXIS, value=factuality, rater="mbfc", licence="fair use")
        )
    return Outlet(
        domain=domain,
        name=name,
        country="US",
        language="en",
        ownership_typology=typology,
        ratings=ratings,
    )


def seed_covered_story(
    engine: Engine, title: str, domains: list[str], *, hours_ago: int = 5
) -> int:
    """A story with one article from each outlet (an hour apart), refreshed like the
    pipeline refreshes it: coverage, blindspot and timeline are the real ones."""
    start = datetime.now(UTC) - timedelta(hours=hours_ago)
    slug = "-".join(title.lower().split())
    with engine.begin() as conn:
        article_ids = []
        for index, domain in enumerate(domains):
            outlet_id = upsert_outlet(conn, _outlet(domain))
            article_ids.append(
                add_article(
                    conn,
                    RawArticle(
                        url=f"https://www.{domain}/{slug}.html",
                        title=f"{OUTLETS[domain][0]}: {title}",
                        lede=f"{title}, as {OUTLETS[domain][0]} tells it.",
                        text=f"{title}. A report by {OUTLETS[domain][0]}.",
                        published=start + timedelta(hours=index),
                        language="en",
                    ),
                    outlet_id=outlet_id,
                )
            )
        story_id = story_of(
            conn,
            article_ids,
            title=title,
            first_seen=start,
            last_seen=start + timedelta(hours=len(domains) - 1),
        )
    Pipeline(engine, params=ClusterParams()).refresh_story(story_id)
    return story_id
