"""Settling: the stories a batch changed, grouped again all at once."""

from datetime import UTC, datetime, timedelta

import numpy as np

from newsprism.stories.cluster import ClusterParams, StoryClusterer
from newsprism.stories.settle import average_linkage_groups, keys_for_groups
from newsprism.stories.sparse import SparseSum, TermSpace, pair_cosines, story_cosines

START = datetime(2021, 3, 1, 9, tzinfo=UTC)


def test_average_linkage_keeps_a_chain_apart_that_single_linkage_would_join():
    # A–B and B–C are one event by their pair scores, A–C are not: B alone bridges
    # them. The mean over A, B against C is 0.45, under 0.5.
    probabilities = np.array([[0, 0.9, 0.0], [0.9, 0, 0.9], [0.0, 0.9, 0]])
    assert average_linkage_groups(probabilities, 0.5) == [0, 0, 1]
    # Where the whole group agrees enough, it is one.
    assert average_linkage_groups(probabilities, 0.45) == [0, 0, 0]


def test_groups_are_numbered_by_first_item_and_unrelated_items_stay_alone():
    probabilities = np.zeros((4, 4))
    probabilities[1, 3] = probabilities[3, 1] = 0.8
    assert average_linkage_groups(probabilities, 0.5) == [0, 1, 2, 1]
    assert average_linkage_groups(np.zeros((0, 0)), 0.5) == []


def test_a_split_story_keeps_its_key_for_the_larger_part_and_the_rest_gets_a_new_one():
    new_keys = iter([100])
    # Story 7's articles: three stay together, one leaves; story 9 is untouched.
    keys = keys_for_groups([0, 0, 1, 0, 2], [7, 7, 7, 7, 9], lambda group: next(new_keys))
    assert keys == [7, 7, 100, 7, 9]


def test_two_stories_grouped_as_one_keep_the_key_of_the_larger_or_on_a_tie_the_older():
    assert keys_for_groups([0, 0, 0], [5, 3, 3], lambda group: -1) == [3, 3, 3]
    assert keys_for_groups([0, 0], [8, 4], lambda group: -1) == [4, 4]


def test_pair_cosines_are_the_cosines_the_scorer_computes_against_one_article_stories():
    space = TermSpace()
    vectors = [
        space.vector(text)
        for text in (
            "Senate passes the relief bill\nThe Senate passed the $1.9 trillion relief bill.",
            "Relief bill clears the Senate\nSenators approved the $1.9 trillion package.",
            "Storm hits Texas\nA winter storm left millions in Texas without power.",
        )
    ]
    cosines = pair_cosines(vectors)
    for position, vector in enumerate(vectors):
        sums = []
        for other in vectors:
            one = SparseSum.empty()
            one.add(other.ids, other.values)
            sums.append(one)
        expected = story_cosines(vector, sums)  # (articles, signals)
        assert np.allclose(cosines[:, position, :].T, expected)
    assert cosines[0, 0, 1] > 0.2 > cosines[0, 0, 2]


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


# Two events a day apart that share the same people (a saga's two developments), as
# embedded vectors and texts.
VOTE = "Senate votes to acquit\nThe Senate voted on Wednesday to acquit the president."
VOTE_TOO = "Senators acquit the president\nThe Senate acquitted the president on Wednesday."
WITNESSES = "No witnesses at the trial\nSenators rejected a motion to call witnesses Friday."
WITNESSES_TOO = "Witness motion fails\nThe motion to call witnesses failed in the Senate Friday."


def _clusterer(**params) -> StoryClusterer:
    return StoryClusterer(params=ClusterParams(**params))


def test_settling_moves_an_article_the_single_pass_put_with_the_wrong_development():
    clusterer = _clusterer()
    vote, witnesses = _unit(1, 0.05, 0), _unit(0.05, 1, 0)
    placed = [
        (1, vote, VOTE, 0),
        (1, _unit(0.45, 0.9, 0), WITNESSES, 1),  # placed with the vote by the pass
        (2, witnesses, WITNESSES_TOO, 2),
        (1, vote, VOTE_TOO, 3),
    ]
    for key, embedding, text, article_id in placed:
        vector = clusterer.term_vector(text)
        clusterer.add(
            key, embedding, vector, START + timedelta(hours=article_id), article_id=article_id
        )
    created = []

    def new_key(members):
        created.append([member.article_id for member in members])
        return 50

    settled = clusterer.settle(new_key)
    assert created == []  # no new story: the moved article joins story 2
    assert [(m.member.article_id, m.from_key, m.to_key) for m in settled.moves] == [(1, 1, 2)]
    assert 0 < settled.moves[0].score <= 1
    assert settled.emptied == {}
    assert sorted(m.article_id for m in clusterer.stories[1].members) == [0, 3]
    assert sorted(m.article_id for m in clusterer.stories[2].members) == [1, 2]
    # The story's numbers follow its members (what the store is told).
    story = clusterer.stories[2]
    assert story.count == 2 and story.first_seen == START + timedelta(hours=1)
    expected_sum = _unit(0.45, 0.9, 0) + witnesses
    assert np.allclose(story.embedding_sum, expected_sum, atol=1e-6)
    # Nothing changed since: settling again moves nothing.
    assert clusterer.settle(new_key).moves == []


def test_two_stories_of_one_event_become_one_and_the_emptied_one_is_named():
    clusterer = _clusterer()
    for key, text, hours in ((3, VOTE, 0), (3, VOTE_TOO, 1), (4, VOTE_TOO, 2)):
        clusterer.add(
            key,
            _unit(1, 0.3, 0),
            clusterer.term_vector(text),
            START + timedelta(hours=hours),
            article_id=hours,
        )
    settled = clusterer.settle(lambda members: -1)
    assert settled.emptied == {4: 3}
    assert 4 not in clusterer.stories and clusterer.stories[3].count == 3
    # The emptied story is gone from retrieval too.
    found = clusterer.candidates(_unit(1, 0.3, 0), clusterer.term_vector(VOTE), START)
    assert found.keys == [3]


def test_a_split_gets_a_new_key_from_the_caller_with_its_members():
    clusterer = _clusterer()
    for article_id, (embedding, text) in enumerate(
        [
            (_unit(1, 0, 0), VOTE),
            (_unit(0, 0, 1), WITNESSES),
            (_unit(1, 0, 0), VOTE_TOO),
            (_unit(0, 0, 1), WITNESSES_TOO),
        ]
    ):
        clusterer.add(
            1,
            embedding,
            clusterer.term_vector(text),
            START + timedelta(hours=article_id),
            article_id=article_id,
        )
    created = []

    def new_key(members):
        created.append(sorted(member.article_id for member in members))
        return 9

    settled = clusterer.settle(new_key)
    assert created == [[1, 3]]
    assert sorted((m.member.article_id, m.to_key) for m in settled.moves) == [(1, 9), (3, 9)]
    assert {key: story.count for key, story in clusterer.stories.items()} == {1: 2, 9: 2}


def test_pinned_stories_and_stories_nothing_touched_are_left_alone():
    clusterer = _clusterer()
    for article_id, (key, embedding, text) in enumerate(
        [(1, _unit(1, 0, 0), VOTE), (1, _unit(0, 0, 1), WITNESSES)]
    ):
        clusterer.add(
            key,
            embedding,
            clusterer.term_vector(text),
            START + timedelta(hours=article_id),
            article_id=article_id,
        )
    assert clusterer.settle(lambda members: 9, pinned={1}).moves == []
    # Settled (or passed over) once, story 1 is not looked at again until it changes.
    assert clusterer.unsettled == set()
    assert clusterer.settle(lambda members: 9).moves == []
    assert clusterer.stories[1].count == 2


def test_settling_is_off_when_asked_and_then_tracks_nothing():
    clusterer = _clusterer(settle=False)
    clusterer.add(1, _unit(1, 0, 0), clusterer.term_vector(VOTE), START, article_id=0)
    assert clusterer.unsettled == set()
    assert not clusterer.settle_due(START + timedelta(days=5))


def test_a_batch_that_spans_days_settles_every_two_days_of_stream_time():
    clusterer = _clusterer()
    clusterer.add(1, _unit(1, 0, 0), clusterer.term_vector(VOTE), START, article_id=0)
    assert not clusterer.settle_due(START + timedelta(hours=47))
    assert clusterer.settle_due(START + timedelta(hours=48))
    clusterer.settle(lambda members: 9)
    assert not clusterer.settle_due(START + timedelta(hours=96))  # nothing unsettled
