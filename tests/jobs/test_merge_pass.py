"""The merge pass: stories that turn out to be one event become one; ids redirect."""

from dataclasses import replace
from functools import partial

from newsprism.jobs.pipeline import Pipeline
from newsprism.models import ArticleForClustering
from newsprism.store import corrections as corrections_store
from newsprism.store.schema import articles
from newsprism.store.stories import count_stories, get_story, story_articles
from newsprism.stories.cluster import ClusterParams
from tests.jobs.newswcl50 import store_newswcl50

# The merge pass on its own, without settling after each batch.
_ALONE = partial(ClusterParams, settle=False)


def test_bridged_stories_merge_and_the_absorbed_ids_redirect(engine, sqlite_url):
    store_newswcl50(engine)
    # A stricter join (0.8) and a looser merge (0.45) than the shipped defaults: at the
    # defaults NewsWCL50 clusters perfectly, so no article bridges two of its stories.
    # Settling off: it would join what the merge pass leaves split (test_settle.py).
    report = Pipeline(engine, params=_ALONE(threshold=0.8, merge_threshold=0.45)).process(
        refresh=False
    )
    assert report.stories_merged >= 1

    with engine.connect() as conn:
        log = corrections_store.list_corrections(conn, limit=100)
        assert len(log) == report.stories_merged
        assert {c.actor for c in log} == {"machine"} and {c.action for c in log} == {"merge"}
        for correction in log:
            survivor = get_story(conn, correction.source_story_id)
            assert survivor["id"] == correction.target_story_id
            members = {a["id"] for a in story_articles(conn, correction.target_story_id)}
            assert set(correction.article_ids) <= members
        # The machine placed them: nothing is pinned.
        assert conn.execute(articles.select().where(articles.c.pinned.is_(True))).all() == []
        merged_count = count_stories(conn)

    # The same stream without the merge pass ends with that many more stories.
    from newsprism.store.db import open_database

    unmerged = open_database(sqlite_url.replace("newsprism.sqlite3", "unmerged.sqlite3"))
    store_newswcl50(unmerged)
    Pipeline(unmerged, params=_ALONE(threshold=0.8, merge_threshold=0)).process(refresh=False)
    with unmerged.connect() as conn:
        assert count_stories(conn) == merged_count + report.stories_merged
    unmerged.dispose()


def test_stories_people_corrected_are_never_merged_by_the_machine(engine):
    store_newswcl50(engine)
    pipeline = Pipeline(engine, params=ClusterParams(merge_threshold=0))
    pipeline.process(refresh=False)
    latest = max(story.last_seen for story in pipeline._clusterer.stories.values())
    loaded = Pipeline(engine, params=ClusterParams())._fresh_clusterer(
        ArticleForClustering(0, "", "", latest, None)
    )
    open_ids = sorted(key for key, story in loaded.stories.items() if story.count >= 2)
    pairs = sorted(
        ((loaded.story_score(a, b), a, b) for a in open_ids for b in open_ids if a < b),
        reverse=True,
    )
    # The closest pair, the closest pair apart from it, and a pipeline whose merge
    # threshold both reach: only the correction can keep the first two apart.
    _, first, second = pairs[0]
    score, third, fourth = next(p for p in pairs if not {p[1], p[2]} & {first, second})
    assert score > 0
    eager = Pipeline(engine, params=replace(ClusterParams(), merge_threshold=score))
    with engine.begin() as conn:
        # A person moves one article of the first story into the second.
        moved = story_articles(conn, first)[0]["id"]
        corrections_store.move_article(conn, article_id=moved, story_id=second, actor="cli")
    # As the next batch does: the correction changed the version, so the clusterer (and
    # what it knows people corrected) is read again.
    clusterer = eager._fresh_clusterer(ArticleForClustering(0, "", "", latest, None))
    # The two still score as one event: only the correction can keep them apart.
    assert clusterer.story_score(first, second) >= score
    with engine.begin() as conn:
        corrections_store.lock_corrections_version(conn)
        refused = eager._merge_bridged(conn, clusterer, first, (second,), {})
        accepted = eager._merge_bridged(conn, clusterer, third, (fourth,), {})
    assert refused == set()
    assert accepted == {max(third, fourth)} or accepted == {min(third, fourth)}
    with engine.connect() as conn:
        assert get_story(conn, first)["id"] == first
        assert get_story(conn, second)["id"] == second
        absorbed = accepted.pop()
        assert get_story(conn, absorbed)["id"] in {third, fourth} - {absorbed}
