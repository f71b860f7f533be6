"""The bundled catalogue: its contents, and loading it into SQLite and PostgreSQL."""

from sqlalchemy import select

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS
from newsprism.sources.catalogue import (
    CATALOGUE_VERSION_KEY,
    bundled_outlets,
    ensure_catalogue,
    load_catalogue,
)
from newsprism.sources.ratings import combined_value
from newsprism.store.outlets import (
    count_feeds,
    count_outlets,
    count_ratings,
    get_meta,
    list_outlets,
    outlet_id_for_host,
)
from newsprism.store.schema import outlets as outlets_table

OPEN_RATERS = {"wikipedia-rsp", "cred1", "opensources"}
IMPORT_ONLY_RATERS = ("mbfc", "adfontes", "ad-fontes", "mediabiasfactcheck")


def test_at_least_150_outlets_with_feeds():
    with_feeds = [outlet for outlet in bundled_outlets() if outlet.feeds]
    assert len(with_feeds) >= 150
    for outlet in with_feeds:
        assert all(url.startswith(("http://", "https://")) for url in outlet.feeds), outlet


def test_required_countries_are_covered():
    countries = {outlet.country for outlet in bundled_outlets() if outlet.feeds}
    assert {"US", "GB", "DE", "FR"} <= countries
    assert countries & {"ES", "MX", "AR", "CO", "CL", "VE", "PE"}
    assert "ES" in countries


def test_every_rating_names_rater_and_licence_and_no_import_only_rater_ships():
    for outlet in bundled_outlets():
        for rating in outlet.ratings:
            assert rating.rater and rating.licence, outlet.domain
            assert not rating.rater.lower().startswith(IMPORT_ONLY_RATERS), rating


def test_us_spectrum_left_to_right():
    by_domain = {outlet.domain: outlet for outlet in bundled_outlets()}
    values = {
        domain: combined_value(by_domain[domain].ratings, BIAS_AXIS)
        for domain in ("nytimes.com", "foxnews.com", "huffingtonpost.com", "huffpost.com")
    }
    assert values == {
        "nytimes.com": "lean-left",
        "foxnews.com": "lean-right",
        "huffingtonpost.com": "left",
        "huffpost.com": "left",
    }
    for domain in ("breitbart.com", "motherjones.com", "npr.org", "nationalreview.com"):
        assert by_domain[domain].feeds and combined_value(by_domain[domain].ratings, BIAS_AXIS)


def test_without_noncommercial_data_no_allsides_rating_and_no_allsides_only_outlet():
    outlets = bundled_outlets(include_noncommercial=False)
    assert all(rating.rater in OPEN_RATERS for outlet in outlets for rating in outlet.ratings)
    assert len(outlets) < len(bundled_outlets())
    assert "aarp.org" not in {outlet.domain for outlet in outlets}  # rated by AllSides only


def test_load_is_idempotent(engine):
    loaded = load_catalogue(engine)
    with engine.connect() as conn:
        counts = count_outlets(conn), count_feeds(conn), count_ratings(conn)
        version = get_meta(conn, CATALOGUE_VERSION_KEY)
    assert loaded == counts[0] == len(bundled_outlets())
    assert counts[1] >= 150 and counts[2] > counts[0] / 2
    assert version and "outlets.json" in version and "ratings-allsides.json" in version
    assert load_catalogue(engine) == loaded
    with engine.connect() as conn:
        assert (count_outlets(conn), count_feeds(conn), count_ratings(conn)) == counts
        assert get_meta(conn, CATALOGUE_VERSION_KEY) == version


def test_loaded_outlets_come_back_with_feeds_ratings_and_ownership(sqlite_engine):
    load_catalogue(sqlite_engine)
    with sqlite_engine.connect() as conn:
        by_domain = {outlet.domain: outlet for outlet in list_outlets(conn)}
        nyt_id = outlet_id_for_host(conn, "mobile.nytimes.com")
        origin = conn.execute(
            select(outlets_table.c.origin).where(outlets_table.c.domain == "nytimes.com")
        ).scalar()
        german = list_outlets(conn, country="de")
    nyt = by_domain["nytimes.com"]
    assert nyt.id == nyt_id and origin == "catalogue"
    assert nyt.feeds and nyt.owner and nyt.ownership_typology == "private"
    assert combined_value(nyt.ratings, BIAS_AXIS) == "lean-left"
    assert combined_value(nyt.ratings, FACTUALITY_AXIS) == "high"
    assert {rating.rater for rating in nyt.ratings} == {"allsides", "wikipedia-rsp"}
    assert not by_domain["aarp.org"].feeds  # an AllSides-only domain: rated, no feeds
    assert german and all(outlet.country == "DE" for outlet in german)


def test_ensure_catalogue_loads_only_into_an_empty_database(sqlite_engine, settings):
    assert ensure_catalogue(sqlite_engine, settings) == 0  # the fixture turns loading off
    wanted = settings.model_copy(update={"load_catalogue": True, "load_allsides": False})
    loaded = ensure_catalogue(sqlite_engine, wanted)
    assert loaded == len(bundled_outlets(include_noncommercial=False))
    assert ensure_catalogue(sqlite_engine, wanted) == 0
    with sqlite_engine.connect() as conn:
        raters = {r.rater for outlet in list_outlets(conn) for r in outlet.ratings}
    assert "allsides" not in raters
