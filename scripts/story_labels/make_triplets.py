"""Writes ``article_bias_prediction-triplets.tsv``: the hand-labelled stories cut to
the held-out stream's shape, one article each from a left, a center and a right outlet.

    python scripts/story_labels/make_triplets.py [--corpora ../shared/data/corpora]

A story is kept when its articles come from all three sides (the corpus's own
``bias_label``: AllSides' rating of the outlet); from each side its earliest article
(ties: the smaller id). Nothing is chosen by hand or by any clustering score, so the
file is a function of the labels and the corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = "article_bias_prediction_2018_2020.jsonl.gz"
SIDES = ("left", "center", "right")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/data/corpora"))
    args = parser.parse_args()
    lines = (HERE / "article_bias_prediction.tsv").read_text(encoding="utf-8").splitlines()
    labels = dict(line.split("\t") for line in lines[1:])
    earliest: dict[tuple[str, str], tuple[str, str]] = {}  # (story, side) → (date, id)
    with gzip.open(args.corpora / CORPUS, "rt", encoding="utf-8") as records:
        for record in map(json.loads, records):
            story = labels.get(record["id"])
            if story is None or record["bias_label"] not in SIDES:
                continue
            key, candidate = (story, record["bias_label"]), (record["published"], record["id"])
            earliest[key] = min(earliest.get(key, candidate), candidate)
    stories = sorted({story for story, _ in earliest})
    complete = [s for s in stories if all((s, side) in earliest for side in SIDES)]
    rows = [f"{earliest[s, side][1]}\t{s}" for s in complete for side in SIDES]
    out = HERE / "article_bias_prediction-triplets.tsv"
    out.write_text("id\tstory\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(complete)} stories, {len(rows)} articles → {out}")


if __name__ == "__main__":
    main()
