"""Hashed TF-IDF vectors: stable ids, bounded memory, and vectorised cosines that equal
the plain sums."""

import math
import subprocess
import sys

import numpy as np

from newsprism.stories.sparse import (
    SIGNALS,
    SPACE_BITS,
    SparseSum,
    SparseVector,
    TermSpace,
    slot_of,
    story_cosines,
    tokenize,
)


def _plain_cosines(vector: SparseVector, story: SparseSum) -> list[float]:
    """Per-signal cosine by dictionaries: the definition the fast paths must match."""
    weights = dict(zip(story.ids.tolist(), story.values.tolist(), strict=True))
    result = []
    for signal in range(len(SIGNALS)):
        dot = sum(
            value * weights.get(id_, 0.0)
            for id_, value in zip(vector.ids.tolist(), vector.values.tolist(), strict=True)
            if id_ >> SPACE_BITS == signal
        )
        norm = math.sqrt(sum(v * v for i, v in weights.items() if i >> SPACE_BITS == signal))
        result.append(dot / norm if norm else 0.0)
    return result


def test_a_words_slot_is_the_same_in_every_process():
    # Python's hash() of a str changes between processes; the slots must not, or the
    # same stream would give different stories after a restart.
    code = "from newsprism.stories.sparse import slot_of; print(slot_of('senate'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert int(other.stdout) == slot_of("senate") < 1 << SPACE_BITS


def test_each_signal_of_a_vector_has_unit_length_and_the_frequencies_a_fixed_size():
    space = TermSpace()
    size = space.document_frequency.nbytes
    for number in range(300):
        space.vector(f"Budget vote {number}\nThe Senate passed the budget, said Schumer.")
    vector = space.vector("Senate budget\nSchumer said the Senate voted on the NATO budget.")
    assert space.document_frequency.nbytes == size  # does not grow with the stream
    assert list(vector.ids) == sorted(set(vector.ids.tolist()))
    for signal in range(len(SIGNALS)):
        _, values = vector.block(signal)
        assert math.isclose(float(values @ values), 1.0)
    assert vector.word(int(vector.block(2)[0][0])) in {"nato", "schumer", "senate"}


def test_tokens_from_another_process_weigh_as_the_text_does():
    """The pipeline's worker process tokenises a backlog's texts (jobs/prepare.py):
    its tokens, pickled across, give the vector the text gives here."""
    import pickle

    texts = [
        "Senate passes budget\nThe Senate passed the budget, said Schumer, 51 to 49.",
        "El Senado aprueba el presupuesto\nSchumer's bill passed; NATO's allies watched.",
        "\nNo headline at all, just the text of a report from Kyiv.",
    ]
    by_text, by_tokens = TermSpace(), TermSpace()
    for text in texts * 2:
        expected = by_text.vector(text)
        tokens = pickle.loads(pickle.dumps(tokenize(text)))
        found = by_tokens.weigh(tokens)
        assert np.array_equal(found.ids, expected.ids)
        assert np.allclose(found.values, expected.values)
        # Each signal's words name its ids (the "why grouped" terms).
        assert all(found.word(int(id_)) is not None for id_ in found.ids)
    assert by_tokens.documents == by_text.documents == 6


def test_rare_words_weigh_more_than_common_ones():
    space = TermSpace()
    for _ in range(50):
        space.vector("news\nthe senate met today")
    vector = space.vector("news\nthe senate met today about filibuster")
    ids, values = vector.block(0)
    weight = {vector.word(int(i)): v for i, v in zip(ids, values, strict=True)}
    assert weight["filibuster"] > 3 * weight["senate"]


def _random_stories(rng, ids: np.ndarray, count: int) -> list[SparseSum]:
    """Story sums of one to three members, each sharing a few of ``ids``."""
    stories = []
    for _ in range(count):
        story = SparseSum.empty()
        for _ in range(int(rng.integers(1, 4))):
            members = np.unique(
                np.concatenate(
                    [rng.integers(0, 3 << SPACE_BITS, 40), rng.choice(ids, min(8, len(ids)))]
                )
            )
            story.add(members, rng.random(len(members)))
        stories.append(story)
    return stories


def test_story_cosines_equal_the_plain_sums_on_both_paths():
    rng = np.random.default_rng(5)
    searched = 0
    for _ in range(150):
        ids = np.unique(rng.integers(0, len(SIGNALS) << SPACE_BITS, rng.integers(1, 600)))
        vector = SparseVector(ids, rng.random(len(ids)))
        stories = _random_stories(rng, ids, 6) + [SparseSum.empty()]
        found = story_cosines(vector, stories)
        assert found.shape == (7, len(SIGNALS))
        for row, story in zip(found, stories, strict=True):
            assert np.allclose(row, _plain_cosines(vector, story))
        assert not found[-1].any()  # an empty story shares nothing
        # Against a sum many times longer the shared ids are found by binary search.
        searched += any(len(story.ids) > 8 * len(ids) for story in stories)
    assert 0 < searched < 150  # both paths ran
    assert not story_cosines(SparseVector(np.zeros(0, np.int64), np.zeros(0)), stories).any()


def test_a_story_sum_adds_its_members_id_by_id():
    rng = np.random.default_rng(11)
    for story in _random_stories(rng, np.arange(50, dtype=np.int64), 40):
        again = SparseSum.empty()
        expected: dict[int, float] = {}
        members = [(story.ids[::2], story.values[::2]), (story.ids[::3], story.values[::3])]
        for ids, values in members:
            again.add(ids.astype(np.int32), values.astype(np.float32))  # as members keep them
            for id_, value in zip(ids.tolist(), values.astype(np.float32).tolist(), strict=True):
                expected[id_] = expected.get(id_, 0.0) + value
        assert again.ids.tolist() == sorted(expected)
        assert np.allclose(again.values, [expected[id_] for id_ in sorted(expected)])
        norm_sq = np.zeros(len(SIGNALS))
        for id_, value in expected.items():
            norm_sq[id_ >> SPACE_BITS] += value * value
        assert np.allclose(again.norm_sq, norm_sq)


def test_two_story_sums_score_each_signal_like_their_plain_cosine():
    first, second = SparseSum.empty(), SparseSum.empty()
    first.add(np.array([1, 2, (1 << SPACE_BITS) + 5]), np.array([0.6, 0.8, 1.0]))
    second.add(np.array([2, 3, (1 << SPACE_BITS) + 5]), np.array([0.6, 0.8, 0.5]))
    terms, title, entities = first.cosines(second)
    assert math.isclose(terms, 0.48) and math.isclose(title, 1.0) and entities == 0.0


def test_a_full_word_cache_starts_afresh_without_changing_any_vector(monkeypatch):
    from newsprism.stories import sparse

    texts = [f"Vote {n} on the budget\nSchumer and McConnell met {n} times." for n in range(20)]
    expected = [tokenize(text).ids for text in texts]
    monkeypatch.setattr(sparse, "_CACHE_LIMIT", 12)
    monkeypatch.setattr(sparse, "_slot_cache", {})
    for text, ids in zip(texts, expected, strict=True):
        assert np.array_equal(tokenize(text).ids, ids)
        assert len(sparse._slot_cache) <= 12 + 14  # the limit, or one text's words
