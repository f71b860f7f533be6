"""The clustering step alone (embeddings given): articles/s with many stories open.

    python bench/cluster.py [--articles 100000] [--events 40000] [--batch 256]

A synthetic stream stands in for a busy instance: ARTICLES articles over three days
(the default window), about EVENTS events, each article a noisy copy of its event's
unit vector (512 dimensions, like USE), with a headline of
event words and common words and a 50-word lede that names the event's two
capitalised entities among common words (what the TF-IDF, headline and entity
signals read). Prints articles/s, the CPU seconds it took and the peak resident
memory. Tokenising the texts is timed apart: for a backlog the pipeline does it in
its worker process beside the embeddings when the worker keeps up, else while it
waits for them (``jobs.prepare``). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from newsprism.stories.cluster import ClusterParams, StoryClusterer
from newsprism.stories.sparse import Tokens, tokenize


def _word(number: int) -> str:
    """A distinct letters-only word (the tokenizer drops digits)."""
    letters = ""
    number += 1
    while number:
        number, digit = divmod(number - 1, 26)
        letters = chr(ord("a") + digit) + letters
    return "w" + letters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--batch", type=int, default=256, help="the pipeline's batch size")
    parser.add_argument(
        "--no-settle", dest="settle", action="store_false", help="leave settling out"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    centers = rng.standard_normal((args.events, 512)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    event_of = np.sort(rng.integers(0, args.events, args.articles))  # events arrive in order
    start = datetime(2024, 1, 1, tzinfo=UTC)
    seconds = np.sort(rng.uniform(0, 3 * 86400, args.articles))
    vocabulary = [_word(n) for n in range(50_000)]

    clusterer = StoryClusterer(params=ClusterParams(settle=args.settle))

    def text(event: int) -> str:
        common = [vocabulary[i] for i in rng.integers(0, len(vocabulary), 50)]
        title = " ".join([_word(10**6 + event), _word(3 * 10**6 + event % 997), *common[:6]])
        names = f"{_word(2 * 10**6 + event).title()} and {_word(4 * 10**6 + event).title()}"
        return f"{title}\n{' '.join(common[6:30])} said {names} {' '.join(common[30:])}"

    texts = [text(int(event)) for event in event_of]
    noise = rng.standard_normal((args.articles, 512)).astype(np.float32) * 0.03
    vectors = centers[event_of] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    started = time.perf_counter()
    cpu_started = time.process_time()
    next_key = 0
    moved = 0

    def new_key(_members: object = None) -> int:
        nonlocal next_key
        next_key += 1
        return next_key

    tokenising = tokenising_cpu = 0.0
    tokens: list[Tokens] = []
    for number in range(args.articles):
        position = number % args.batch
        if position == 0:  # as the pipeline does: one product scores a whole batch
            if number and args.settle:  # ...and settles the previous one
                moved += len(clusterer.settle(new_key).moves)
            # The pipeline tokenises a batch before placing it, in its worker process
            # or while it waits for the embeddings: timed apart from the clustering.
            paused, paused_cpu = time.perf_counter(), time.process_time()
            tokens = [tokenize(text) for text in texts[number : number + args.batch]]
            tokenising += time.perf_counter() - paused
            tokenising_cpu += time.process_time() - paused_cpu
            clusterer.prefetch(vectors[number : number + args.batch])
        when = start + timedelta(seconds=float(seconds[number]))
        clusterer.close_before(when - timedelta(hours=clusterer.params.window_hours))
        terms = clusterer.weigh(tokens[position])
        choice = clusterer.best_story(vectors[number], terms, when, query=position)
        key = choice.story_key if choice.story_key is not None else new_key()
        clusterer.add(key, vectors[number], terms, when, article_id=number)
    if args.settle:
        moved += len(clusterer.settle(new_key).moves)
    elapsed = time.perf_counter() - started - tokenising
    cpu = time.process_time() - cpu_started - tokenising_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles        {args.articles}")
    print(f"stories         {next_key} (open at the end: {len(clusterer.stories)})")
    print(f"settling moved  {moved} articles" if args.settle else "settling        off")
    print(f"clustering      {args.articles / elapsed:8.0f} articles/s  (goal: 2,000)")
    one_process = args.articles / (elapsed + tokenising)
    print(
        f"tokenising      {args.articles / tokenising:8.0f} articles/s  (done before placing, "
        f"see jobs/prepare.py; both in one process: {one_process:.0f} articles/s)"
    )
    print(f"CPU time        {cpu:8.1f} s  ({args.articles / cpu:.0f} articles per CPU-second)")
    print(f"peak RSS        {peak_mb:8.0f} MB")


if __name__ == "__main__":
    main()
