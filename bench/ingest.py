"""Articles per second from raw HTML to a stored, clustered article, on all cores.

    python bench/ingest.py [--pages 181] [--processes 0]

The 181 real article pages of the scrapinghub benchmark (../shared) are extracted in
the same process pool the polling pass uses, stored, embedded, clustered into stories,
and their stories' coverage and summaries computed — the work a polling pass does after
the bytes have arrived. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from newsprism.ingest.archive import parse_time
from newsprism.ingest.poll import lede_from
from newsprism.ingest.pool import ExtractionPool
from newsprism.jobs.runner import make_pipeline
from newsprism.models import RawArticle
from newsprism.settings import Settings
from newsprism.store.articles import add_article
from newsprism.store.db import open_database

PAGES = Path(__file__).resolve().parents[2] / "shared/data/extraction/scrapinghub"


async def extract_all(pages: list[tuple[bytes, str]], processes: int) -> list:
    with ExtractionPool(processes=processes) as pool:
        await pool.extract(pages[0][0], url=pages[0][1])  # start the workers: not timed
        started = time.perf_counter()
        results = await asyncio.gather(*(pool.extract(html, url=url) for html, url in pages))
        return [time.perf_counter() - started, results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=181)
    parser.add_argument("--processes", type=int, default=0, help="0 = one per core")
    args = parser.parse_args()
    truth = json.loads((PAGES / "ground-truth.json").read_text())
    keys = sorted(truth)[: args.pages]
    pages = [
        (gzip.decompress((PAGES / "html" / f"{key}.html.gz").read_bytes()), truth[key]["url"])
        for key in keys
    ]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, data_dir=Path(folder), load_catalogue=False)
        engine = open_database(settings.effective_database_url)
        pipeline = make_pipeline(engine, settings)
        pipeline.embedder.embed(["load the model before timing"])

        started = time.perf_counter()
        extract_seconds, extracted = asyncio.run(extract_all(pages, args.processes))
        stored = 0
        with engine.begin() as conn:
            for (_, url), page in zip(pages, extracted, strict=True):
                article = RawArticle(
                    url=url,
                    title=page.title or url,
                    text=page.text,
                    lede=lede_from(page.text),
                    published=parse_time(page.published),
                    author=page.author,
                    language=page.language,
                    canonical_url=page.canonical_url,
                )
                stored += add_article(conn, article) is not None
        store_done = time.perf_counter()
        report = pipeline.process()
        finished = time.perf_counter()

    total = finished - started
    store_seconds = store_done - started - extract_seconds
    process_seconds = finished - store_done
    print(f"pages {len(pages)} ({stored} stored, {report.stories_created} stories)")
    print(f"extract                 {len(pages) / extract_seconds:7.1f} pages/s")
    print(f"store                   {stored / store_seconds:7.1f} articles/s")
    print(f"embed, cluster, refresh {report.articles_clustered / process_seconds:7.1f} articles/s")
    print(f"end to end              {stored / total:7.1f} articles/s  (goal: 40 on 2 cores)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
