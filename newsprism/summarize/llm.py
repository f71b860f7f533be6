"""Summary bullets from an OpenAI-compatible LLM, kept only where their citations hold.

The model is shown the story's articles as numbered passages — the number is the
article's id, then outlet, headline and opening sentences — and asked for 3–5 bullets,
each ending in the ids it comes from (``[12]`` or ``[12, 40]``). Its answer goes
through ``citations.check_bullets``: a bullet citing nothing, citing an article not
in the story, or not supported by what it cites is dropped. Fewer than two surviving
bullets, or an endpoint that fails, times out or answers garbage, raise
``LlmSummaryFailed`` and the caller keeps the extractive summary, recording why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.nlp.embed import Embedder
from newsprism.nlp.llm_endpoint import LlmEndpoint, LlmUnavailable
from newsprism.nlp.text import clean, clean_paragraphs, sentences
from newsprism.nlp.translate import language_name
from newsprism.summarize.citations import CheckResult, Passage, check_bullets, parse_bullets
from newsprism.summarize.extractive import SummaryInput

MIN_BULLETS = 2
MAX_BULLETS = 5


class LlmSummaryFailed(Exception):
    """The LLM gave no usable summary; ``str()`` is the reason recorded with the story."""

    def __init__(self, reason: str, dropped: list[dict] | None = None) -> None:
        super().__init__(reason)
        self.dropped = dropped or []


@dataclass(frozen=True, slots=True)
class PassageParams:
    max_passages: int = 12
    sentences_per_passage: int = 3
    max_words: int = 90


def story_passages(
    inputs: Sequence[SummaryInput], params: PassageParams | None = None
) -> list[Passage]:
    """The passages shown to the model: up to ``max_passages`` articles taken round-robin
    across sides and outlets (so no side or outlet fills the prompt), each its headline
    and first sentences, in the story's order."""
    params = params or PassageParams()
    queues: dict[tuple[str, str], list[SummaryInput]] = defaultdict(list)
    for item in inputs:
        queues[(item.side or "", item.outlet_key)].append(item)
    picked: list[SummaryInput] = []
    while len(picked) < params.max_passages and any(queues.values()):
        for queue in queues.values():
            if queue and len(picked) < params.max_passages:
                picked.append(queue.pop(0))
    order = {id(item): index for index, item in enumerate(inputs)}
    picked.sort(key=lambda item: order[id(item)])
    passages = []
    for item in picked:
        words: list[str] = []
        for sentence in sentences(clean_paragraphs(item.text))[: params.sentences_per_passage]:
            words.extend(sentence.split())
            if len(words) >= params.max_words:
                break
        text = " ".join(words[: params.max_words])
        title = clean(item.title)
        if text or title:
            passages.append(
                Passage(item.article_id, item.outlet_name or item.outlet_key, title, text)
            )
    return passages


def format_passages(passages: Sequence[Passage], labels: dict[int, str] | None = None) -> str:
    blocks = []
    for passage in passages:
        label = f" ({labels[passage.article_id]})" if labels else ""
        blocks.append(
            f"[{passage.article_id}] {passage.outlet}{label} — {passage.title}\n{passage.text}"
        )
    return "\n\n".join(blocks)


def summary_prompt(passages: Sequence[Passage], *, language: str) -> tuple[str, str]:
    system = (
        "You summarize a news story for readers from the numbered passages you are given. "
        "Use only facts stated in the passages; do not add names, titles, numbers or dates "
        "that they do not contain. "
        f"Write 3 to 5 bullet points in {language_name(language)}. Each bullet is one "
        "sentence on its own line, starts with '- ', states a different fact, and ends with "
        "the numbers of the passages it comes from in square brackets, like [12] or [12, 40]. "
        "Write nothing else."
    )
    user = f"Passages:\n\n{format_passages(passages)}\n\nBullets:"
    return system, user


def llm_bullets(
    inputs: Sequence[SummaryInput],
    *,
    endpoint: LlmEndpoint,
    embedder: Embedder,
    language: str,
) -> CheckResult:
    """The checked bullets (``kept`` and ``dropped``); raises ``LlmSummaryFailed``."""
    passages = story_passages(inputs)
    if not passages:
        raise LlmSummaryFailed("no article text to summarize")
    system, user = summary_prompt(passages, language=language)
    try:
        answer = endpoint.chat(system, user)
    except LlmUnavailable as error:
        raise LlmSummaryFailed(f"LLM endpoint: {error}") from None
    bullets = parse_bullets(answer)
    if not bullets:
        raise LlmSummaryFailed("the answer contained no bullets")
    checked = check_bullets(bullets, passages, embedder=embedder)
    checked.dropped.extend(
        {"text": b.text, "article_ids": b.article_ids, "reason": "more than five bullets"}
        for b in checked.kept[MAX_BULLETS:]
    )
    checked.kept = checked.kept[:MAX_BULLETS]
    if len(checked.kept) < MIN_BULLETS:
        raise LlmSummaryFailed(
            f"only {len(checked.kept)} of {len(bullets)} bullets passed the citation check",
            checked.dropped,
        )
    return checked
