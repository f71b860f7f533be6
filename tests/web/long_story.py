"""A story longer than the story page lists at first (``stories.ARTICLES_SHOWN``),
refreshed by the pipeline's own step: for the tests of the long article list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from newsprism.jobs.pipeline import Pipeline
from newsprism.models import BIAS_AXIS, Outlet, Rating, RawArticle
from newsprism.store.articles import add_article
from newsprism.store.outlets import upsert_outlet
from newsprism.stories.cluster import ClusterParams
from newsprism.web.routes.stories import ARTICLES_SHOWN
from tests.fixtures.stories import story_of
from tests.web.sided import OUTLETS, _outlet

# Only the story's oldest articles come from this outlet: it is among the sources of
# the articles the page does not list at first.
ARCHIVE = Outlet(
    domain="archive.example",
    name="Archive Weekly",
    country="US",
    language="en",
    ownership_typology="private",
    ratings=[Rating(axis=BIAS_AXIS, value="lean-right", rater="allsides", licence="CC BY-NC 4.0")],
)
ARCHIVE_ARTICLES = 3
ARTICLE_COUNT = ARTICLES_SHOWN + 5


@dataclass
class LongStory:
    story_id: int
    article_ids: list[int]  # oldest first
    domains: list[str]  # each article's outlet, oldest first

    @property
    def listed(self) -> list[int]:
        """The articles the page lists at first: the newest, newest first."""
        return self.article_ids[::-1][:ARTICLES_SHOWN]

    @property
    def unlisted(self) -> list[int]:
        return self.article_ids[::-1][ARTICLES_SHOWN:]


def seed_long_story(engine: Engine, *, title: str = "A long-running story") -> LongStory:
    """``ARTICLE_COUNT`` articles an hour apart: the oldest from ``ARCHIVE``, then the
    outlets of ``sided.OUTLETS`` in turn (every side, and an unrated one)."""
    start = datetime.now(UTC) - timedelta(hours=ARTICLE_COUNT + 1)
    rotation = sorted(OUTLETS)
    domains = [ARCHIVE.domain] * ARCHIVE_ARTICLES + [
        rotation[index % len(rotation)] for index in range(ARTICLE_COUNT - ARCHIVE_ARTICLES)
    ]
    with engine.begin() as conn:
        outlet_ids = {ARCHIVE.domain: upsert_outlet(conn, ARCHIVE)}
        for domain in rotation:
            outlet_ids[domain] = upsert_outlet(conn, _outlet(domain))
        article_ids = [
            add_article(
                conn,
                RawArticle(
                    url=f"https://www.{domain}/long-story-{index}.html",
                    title=f"Part {index} of {title}, by {domain}",
                    lede=f"Lede {index}: what {domain} reported in hour {index}.",
                    text=f"{title}, hour {index}. A report by {domain} on the council vote.",
                    published=start + timedelta(hours=index),
                    language="en",
                ),
                outlet_id=outlet_ids[domain],
            )
            for index, domain in enumerate(domains)
        ]
        story_id = story_of(
            conn,
            article_ids,
            title=title,
            first_seen=start,
            last_seen=start + timedelta(hours=ARTICLE_COUNT - 1),
        )
    Pipeline(engine, params=ClusterParams()).refresh_story(story_id)
    return LongStory(story_id=story_id, article_ids=article_ids, domains=domains)
