"""Throughput of the processing pipeline on real articles: import → stories → refresh.

    python bench/pipeline.py [--limit 2000] [--corpus PATH]

Imports the first LIMIT articles of a corpus (default: the 2018–2020 article-bias
corpus in ../shared) into a fresh SQLite database and prints articles/second for each
stage. Figures, not assertions: the tests never time anything.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import tempfile
import time
from pathlib import Path

from newsprism.ingest.archive import ArchiveProblem, read_archive
from newsprism.jobs.runner import make_pipeline
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.db import open_database

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/corpora/article_bias_prediction_2018_2020.jsonl.gz"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sample.jsonl.gz"
        opener = gzip.open if args.corpus.suffix == ".gz" else open
        with opener(args.corpus, "rt", encoding="utf-8") as src, gzip.open(source, "wt") as dst:
            dst.writelines(itertools.islice(src, args.limit))
        settings = Settings(_env_file=None, data_dir=Path(folder), load_catalogue=False)
        engine = open_database(settings.effective_database_url)

        started = time.perf_counter()
        stored = 0
        with engine.begin() as conn:
            for item in read_archive(source):
                if not isinstance(item, ArchiveProblem) and add_article(conn, item):
                    stored += 1
        stored_in = time.perf_counter() - started

        pipeline = make_pipeline(engine, settings)
        pipeline.embedder.embed(["warm up"])
        started = time.perf_counter()
        refreshed_at = {}

        def on_progress(event: str, **_: object) -> None:
            if event == "refreshed" and "start" not in refreshed_at:
                refreshed_at["start"] = time.perf_counter()

        report = pipeline.process(on_progress=on_progress)
        finished = time.perf_counter()
        cluster_time = refreshed_at.get("start", finished) - started
        refresh_time = finished - refreshed_at.get("start", finished)

    print(f"articles            {stored}")
    print(f"store               {stored / stored_in:8.0f} articles/s")
    print(f"embed + cluster     {report.articles_clustered / cluster_time:8.1f} articles/s")
    print(f"stories             {report.stories_created}")
    print(
        f"coverage + summary  {report.stories_refreshed / max(refresh_time, 1e-9):8.1f} stories/s"
    )
    print(f"end to end          {stored / (finished - started + stored_in):8.1f} articles/s")


if __name__ == "__main__":
    main()
