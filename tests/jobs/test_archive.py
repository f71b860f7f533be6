import gzip
import json
from datetime import UTC, datetime

from newsprism.ingest.archive import ArchiveProblem, parse_time, read_archive, record_to_article


def test_parse_time_accepts_dates_datetimes_and_offsets():
    assert parse_time("2019-03-22") == datetime(2019, 3, 22, tzinfo=UTC)
    assert parse_time("2014-03-10 17:02:02") == datetime(2014, 3, 10, 17, 2, 2, tzinfo=UTC)
    assert parse_time("2018-04-17T10:00:00+02:00") == datetime(2018, 4, 17, 8, tzinfo=UTC)
    assert parse_time("2018-04-17T10:00:00Z") == datetime(2018, 4, 17, 10, tzinfo=UTC)
    assert parse_time("None") is None
    assert parse_time("not a date") is None


def test_record_without_headline_takes_its_first_line_and_literal_none_is_empty():
    article = record_to_article(
        {
            "id": "0/-/0_L",
            "url": "https://www.nytimes.com/2018/04/17/world/asia/trump-japan.html",
            "title": "None",
            "text": "WEST PALM BEACH, Fla. —\nPresident Trump dispatched the C.I.A. director "
            "to meet Kim Jong-un in secret, officials said.",
            "outlet": "New York Times",
            "outlet_domain": "nytimes.com",
            "published": "2018-04-17",
        }
    )
    assert article is not None
    assert article.title == "WEST PALM BEACH, Fla. —"
    assert article.external_id == "0/-/0_L"
    assert article.lede.startswith("President Trump dispatched")
    assert article.text_source == "imported"


def test_read_archive_reports_bad_lines_and_keeps_going(tmp_path):
    path = tmp_path / "mixed.jsonl.gz"
    good = {"id": 1, "url": "https://example.com/a", "title": "A headline", "text": ""}
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(good) + "\n")
        handle.write("{not json\n")
        handle.write(json.dumps({"id": 2, "title": "no url"}) + "\n")
        handle.write(json.dumps({**good, "id": 3, "url": "https://example.com/b"}) + "\n")
    items = list(read_archive(path))
    problems = [item for item in items if isinstance(item, ArchiveProblem)]
    assert [p.line for p in problems] == [2, 3]
    assert [a.url for a in items if not isinstance(a, ArchiveProblem)] == [
        "https://example.com/a",
        "https://example.com/b",
    ]


def test_every_shared_corpus_line_parses(tmp_path):
    from tests.conftest import SHARED_DATA

    for name in ("basil.jsonl", "newswcl50.jsonl", "uci_headlines_dev.jsonl"):
        items = list(read_archive(SHARED_DATA / "corpora" / name))
        assert items and not any(isinstance(i, ArchiveProblem) for i in items), name
        dated = sum(i.published is not None for i in items)
        # NewsWCL50 leaves some dates out; the others date every article.
        assert dated == len(items) or name == "newswcl50.jsonl", name
        assert dated > len(items) / 2, name


def test_imported_articles_get_their_language_detected_offline():
    spanish = record_to_article(
        {
            "url": "https://elpais.com/a",
            "title": "El Kremlin reconoce contactos con el Gobierno de Venezuela",
            "text": "El Kremlin reconoció este domingo que está en contacto con el Gobierno "
            "del presidente de Venezuela, Nicolás Maduro, en medio de la tensión.",
        }
    )
    english = record_to_article(
        {"url": "https://example.com/b", "title": "Senate passes the budget"}
    )
    declared = record_to_article({"url": "https://x.de/c", "title": "Hallo", "language": "de"})
    assert (spanish.language, english.language, declared.language) == ("es", "en", "de")


def test_an_undated_line_takes_the_date_of_the_dated_line_before_it(tmp_path):
    path = tmp_path / "stream.jsonl"
    lines = [
        {"url": "https://a.example/0", "title": "Undated first line, before any date"},
        {"url": "https://a.example/1", "title": "Dated", "published": "2018-06-01T10:00:00Z"},
        {"url": "https://b.example/2", "title": "Undated, like NewsWCL50's HuffPost lines"},
        {"url": "https://c.example/3", "title": "Dated later", "date": "2018-06-03"},
        {"url": "https://d.example/4", "title": "Undated again", "published": "None"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    published = [article.published for article in read_archive(path)]
    june_1 = datetime(2018, 6, 1, 10, tzinfo=UTC)
    june_3 = datetime(2018, 6, 3, tzinfo=UTC)
    assert published == [None, june_1, june_1, june_3, june_3]


def test_a_headline_and_lede_file_may_name_its_fields_headline_and_lede():
    article = record_to_article(
        {
            "url": "https://apnews.com/article/budget",
            "headline": "Senate passes budget bill",
            "lede": "WASHINGTON (AP) — The Senate passed the budget bill late on Friday.",
        }
    )
    assert article is not None
    assert article.title == "Senate passes budget bill"
    assert article.text.startswith("WASHINGTON (AP) — The Senate passed")
    assert article.lede.startswith("WASHINGTON (AP) — The Senate passed")
