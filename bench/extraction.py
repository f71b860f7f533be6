"""Article-body quality of newsprism's extractor against plain trafilatura, same run.

    python bench/extraction.py [--pages N] [--data PATH ...]

Runs over the scrapinghub article-extraction-benchmark (181 real pages with gold
``articleBody``) and the 27 news pages of Mozilla Readability's tests, and scores, page
by page, (a) ``extract_page(html, url=url).text`` and (b) ``trafilatura.extract(html,
url=url)`` with default options.

The metric re-implements the benchmark's ``evaluate.py`` (that file is not vendored):

- tokens are the runs of word characters, ``re.findall(r"\\w+", text)``, so punctuation
  only separates tokens and is otherwise ignored; case is kept, as there (its regex
  carries ``re.IGNORECASE``, which does not fold the tokens it returns);
- shingles are the 4-token windows (a text shorter than 4 tokens is one shingle);
- per page, true/false positives and false negatives count shingles as multisets and
  are divided by their sum, so long pages weigh no more than short ones;
- precision is averaged over the pages where the extractor returned something
  (tp + fp > 0), recall over the pages with a gold body (tp + fn > 0); a page where
  both are empty scores 1;
- F1 comes from the averaged precision and recall.

Published figure for trafilatura 2.0 on this metric: F1 0.958. Figures, not
assertions: the tests never time anything.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import lxml.html
import trafilatura

from newsprism.ingest.extract import extract_page

_EXTRACTION = Path(__file__).resolve().parents[2] / "shared/data/extraction"
DEFAULT = _EXTRACTION / "scrapinghub"
# 27 pages of Mozilla Readability's tests: news in Czech, German, French, Portuguese,
# Spanish and English, with the article as Readability's maintainers expect it.
DEFAULTS = [DEFAULT, _EXTRACTION / "readability-news"]
_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


def shingles(text: str, *, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(
        tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens
    )


def match_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalised to sum to 1 when any is non-zero."""
    expected, got = shingles(gold), shingles(predicted)
    tp = fp = fn = 0
    for key in expected.keys() | got.keys():
        tp += min(expected[key], got[key])
        fp += max(0, got[key] - expected[key])
        fn += max(0, expected[key] - got[key])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Averaged precision and recall over pages, and F1 of the two averages."""
    precision = statistics.mean([_precision(*c) for c in counts if c[0] + c[1] > 0] or [0.0])
    recall = statistics.mean([_recall(*c) for c in counts if c[0] + c[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _newsprism(html: str, url: str) -> str:
    return extract_page(html, url=url).text


def _trafilatura(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "newsprism extract_page": _newsprism,
    "trafilatura.extract (defaults)": _trafilatura,
}


def load_pages(folder: Path, *, limit: int | None) -> list[tuple[str, str, str]]:
    """(html, url, gold body) per page, in id order; html decoded as the benchmark does.
    A folder of ``*/source.html`` and ``*/expected.html`` (Mozilla Readability's test
    pages) gives the text of each expected page as its gold body."""
    if not (folder / "ground-truth.json").exists():
        return _readability_pages(folder, limit=limit)
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(gold)[:limit]:
        raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        pages.append((raw.decode("utf-8"), gold[key]["url"], gold[key].get("articleBody") or ""))
    return pages


def _readability_pages(folder: Path, *, limit: int | None) -> list[tuple[str, str, str]]:
    pages = []
    for page in sorted(path.parent for path in folder.glob("*/expected.html"))[:limit]:
        expected = lxml.html.fromstring((page / "expected.html").read_text(encoding="utf-8"))
        # Text nodes joined by spaces, so two paragraphs never run into one token.
        gold = " ".join(expected.itertext())
        html = (page / "source.html").read_text(encoding="utf-8", errors="replace")
        pages.append((html, f"http://fakehost/{page.name}/", gold))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--data", type=Path, nargs="+", default=DEFAULTS, help="benchmark folders (default: both)"
    )
    args = parser.parse_args()
    for folder in args.data:
        pages = load_pages(folder, limit=args.pages)
        print(f"\n{len(pages)} pages from {folder}")
        print(f"{'extractor':32} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}")
        for name, extractor in EXTRACTORS.items():
            started = time.perf_counter()
            counts = [match_counts(body, extractor(html, url)) for html, url, body in pages]
            elapsed = time.perf_counter() - started
            precision, recall, f1 = scores(counts)
            rate = len(pages) / elapsed
            print(f"{name:32} {precision:6.3f} {recall:6.3f} {f1:6.3f} {rate:8.1f}")


if __name__ == "__main__":
    main()
