"""Admin pages on SQLite and PostgreSQL: off without a token; a login with the token;
a signed, HttpOnly, SameSite=Strict session; CSRF on every form; and each action —
add an outlet and feed, retry/disable/enable a feed, import a ratings file, split,
merge and move — done end to end and seen in the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from newsprism.settings import Settings
from newsprism.store.corrections import list_corrections
from newsprism.store.feeds import due_feeds, feed_health, record_poll_failure
from newsprism.store.outlets import add_feed, ensure_outlet, get_outlet, outlet_ids_by_domain
from newsprism.store.schema import articles
from newsprism.store.stories import get_story
from newsprism.web.app import create_app
from newsprism.web.routes.admin_ratings import MAX_UPLOAD_BYTES
from tests.conftest import SHARED_DATA
from tests.web.conftest import seed_story

TOKEN = "correct-horse-battery-staple-42"
ALLSIDES = SHARED_DATA / "ratings" / "noncommercial" / "allsides.csv"
MERGED = SHARED_DATA / "ratings" / "import-only" / "outlets-merged.csv"
PAGES = ["/admin/catalogue", "/admin/feeds", "/admin/ratings", "/admin/stories/1"]


def _app(tmp_path: Path, engine: Engine, token: str | None):  # type: ignore[no-untyped-def]
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", load_catalogue=False, admin_token=token
    ).prepare()
    return create_app(settings, engine)


@pytest.fixture
def anonymous(tmp_path: Path, engine: Engine) -> Iterator[TestClient]:
    with TestClient(_app(tmp_path, engine, TOKEN), follow_redirects=False) as client:
        yield client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


def _log_in(client: TestClient, token: str = TOKEN) -> str:
    """Log in through the form; the CSRF token of the logged-in session."""
    form = client.get("/admin")
    response = client.post("/admin/login", data={"token": token, "csrf": _csrf(form.text)})
    assert response.status_code == 303, response.text
    return _csrf(client.get("/admin").text)


@pytest.fixture
def admin(anonymous: TestClient) -> tuple[TestClient, str]:
    return anonymous, _log_in(anonymous)


# --- off, login, session ---------------------------------------------------------------


def test_without_a_token_admin_is_off_with_a_page_that_says_so(tmp_path, engine):
    with TestClient(_app(tmp_path, engine, None), follow_redirects=False) as client:
        page = client.get("/admin")
        assert page.status_code == 403
        assert "Admin is off on this instance" in page.text
        assert "NEWSPRISM_ADMIN_TOKEN" in page.text
        for path in PAGES:
            assert client.get(path).status_code == 403
        login = client.post("/admin/login", data={"token": "", "csrf": "x"})
        assert login.status_code == 403
        assert client.post("/admin/catalogue", data={"domain": "a.com"}).status_code == 403
        assert "set-cookie" not in page.headers


def test_pages_send_a_visitor_to_the_login_and_forms_refuse_them(anonymous, engine):
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/admin?next=" + path.replace("/", "%2F")
    login = anonymous.get("/admin")
    assert login.status_code == 200
    assert '<input type="password" id="admin-token" name="token"' in login.text
    assert login.headers["cache-control"] == "no-store"
    assert login.headers["x-robots-tag"] == "noindex, nofollow"
    # A session that is not logged in (the login form's) cannot post to the admin.
    csrf = _csrf(login.text)
    for path, data in (
        ("/admin/catalogue", {"domain": "a.com", "name": "A"}),
        ("/admin/feeds/1", {"action": "disable"}),
        ("/admin/stories/1/merge", {"into": "2"}),
        ("/admin/logout", {}),
    ):
        response = anonymous.post(path, data={**data, "csrf": csrf})
        assert response.status_code == 401, path
    with engine.connect() as conn:
        assert "a.com" not in outlet_ids_by_domain(conn)


def test_the_wrong_token_is_refused(anonymous):
    form = anonymous.get("/admin")
    for wrong in ("", "correct-horse", TOKEN + " ", TOKEN.upper()):
        response = anonymous.post("/admin/login", data={"token": wrong, "csrf": _csrf(form.text)})
        assert response.status_code == 403
        assert "That is not the admin token." in response.text
    assert anonymous.get("/admin/feeds").status_code == 303


def test_logging_in_sets_a_strict_httponly_cookie_and_goes_where_asked(anonymous):
    form = anonymous.get("/admin?next=/admin/feeds")
    assert 'name="next" value="/admin/feeds"' in form.text
    response = anonymous.post(
        "/admin/login",
        data={"token": TOKEN, "csrf": _csrf(form.text), "next": "/admin/feeds"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/feeds"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("newsprism_admin=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
    assert TOKEN not in cookie
    assert anonymous.get("/admin/feeds").status_code == 200
    # The CSRF token seen before logging in is worth nothing after it.
    assert _csrf(anonymous.get("/admin").text) != _csrf(form.text)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/admin", "/adminx", "/admin//x", "/"]
)
def test_after_login_only_admin_pages_are_a_destination(anonymous, target):
    form = anonymous.get("/admin")
    response = anonymous.post(
        "/admin/login", data={"token": TOKEN, "csrf": _csrf(form.text), "next": target}
    )
    assert response.headers["location"] == "/admin"


def test_over_https_the_cookie_is_secure(tmp_path, engine):
    app = _app(tmp_path, engine, TOKEN)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert "Secure" in client.get("/admin").headers["set-cookie"]


def test_a_forged_or_outdated_cookie_is_no_session(tmp_path, engine, anonymous):
    _log_in(anonymous)
    good = anonymous.cookies.get("newsprism_admin")
    payload, stamp, _signature = good.split(".")
    anonymous.cookies.clear()
    anonymous.cookies.set("newsprism_admin", f"{payload}.{stamp}.forged", path="/admin")
    assert anonymous.get("/admin/feeds").status_code == 303
    anonymous.cookies.clear()
    anonymous.cookies.set("newsprism_admin", good, path="/admin")
    assert anonymous.get("/admin/feeds").status_code == 200  # the real one still works
    # Another token (changed by the admin) invalidates every session signed before.
    with TestClient(_app(tmp_path, engine, "another-token"), follow_redirects=False) as other:
        other.cookies.set("newsprism_admin", good, path="/admin")
        assert other.get("/admin/feeds").status_code == 303


def test_logging_out_ends_the_session(admin):
    client, csrf = admin
    response = client.post("/admin/logout", data={"csrf": csrf})
    assert response.status_code == 303
    assert 'newsprism_admin=""' in response.headers["set-cookie"]
    assert client.get("/admin/feeds").status_code == 303


def test_login_attempts_are_rate_limited(anonymous):
    form = anonymous.get("/admin")
    statuses = [
        anonymous.post("/admin/login", data={"token": "x", "csrf": _csrf(form.text)}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [403] * 10
    assert statuses[-1] == 429


def test_public_pages_never_link_or_show_the_admin(anonymous, engine):
    seed_story(engine)
    for path in ("/", "/topics", "/feeds", "/stories/1", "/outlets/reuters.com", "/search?q=x"):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert "/admin" not in response.text, path
        assert "newsprism_admin" not in response.headers.get("set-cookie", ""), path


# --- CSRF -----------------------------------------------------------------------------


def test_every_form_needs_the_sessions_csrf_token(admin, engine):
    client, csrf = admin
    other_session = TestClient(client.app, follow_redirects=False)
    foreign = _log_in(other_session)  # a valid token, of another session
    forms = [
        ("/admin/catalogue", {"domain": "new.example", "name": "New"}),
        ("/admin/feeds/1", {"action": "disable"}),
        ("/admin/stories/1/merge", {"into": "2"}),
        ("/admin/stories/1/split", {"article_ids": "1"}),
        ("/admin/stories/1/move", {"article_id": "1", "to_story": "2"}),
        ("/admin/logout", {}),
    ]
    for path, data in forms:
        for bad in (None, "", "wrong", foreign, csrf[:-1], csrf + "é"):
            sent = data if bad is None else {**data, "csrf": bad}
            assert client.post(path, data=sent).status_code == 403, (path, bad)
    upload = client.post(
        "/admin/ratings",
        data={"csrf": "wrong"},
        files={"file": ("allsides.csv", ALLSIDES.read_bytes(), "text/csv")},
    )
    assert upload.status_code == 403
    login = client.post("/admin/login", data={"token": TOKEN})
    assert login.status_code == 403
    with engine.connect() as conn:
        assert "new.example" not in outlet_ids_by_domain(conn)
    assert client.get("/admin/feeds").status_code == 200  # still logged in


# --- the actions -----------------------------------------------------------------------


def test_add_an_outlet_and_its_feed(admin, engine):
    client, csrf = admin
    response = client.post(
        "/admin/catalogue",
        data={
            "csrf": csrf,
            "domain": "https://www.Example.org/",
            "name": "Example Daily",
            "country": "de",
            "language": "DE",
            "feed_url": "https://example.org/rss.xml",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/catalogue?added=example.org"
    page = client.get("/admin/catalogue?added=example.org")
    assert 'Saved: <a href="/outlets/example.org">example.org</a>' in page.text
    assert "<td>example.org</td>" in page.text
    with engine.connect() as conn:
        outlet = get_outlet(conn, outlet_ids_by_domain(conn)["example.org"])
        due = [feed.url for feed in due_feeds(conn, now=datetime.now(UTC))]
    assert (outlet.name, outlet.country, outlet.language) == ("Example Daily", "DE", "de")
    assert outlet.feeds == ["https://example.org/rss.xml"]
    assert "https://example.org/rss.xml" in due  # polled on the next pass
    # Again: nothing new.
    client.post(
        "/admin/catalogue",
        data={"csrf": csrf, "domain": "example.org", "name": "Example Daily"},
    )
    with engine.connect() as conn:
        assert len([d for d in outlet_ids_by_domain(conn) if d == "example.org"]) == 1


def test_a_bad_outlet_is_refused_with_reasons(admin, engine):
    client, csrf = admin
    response = client.post(
        "/admin/catalogue",
        data={
            "csrf": csrf,
            "domain": "not a domain",
            "name": " ",
            "country": "Germany",
            "feed_url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 400
    for reason in (
        "The domain must be a host name",
        "The outlet needs a name.",
        "The country is a two-letter code",
        "The feed URL must start with http:// or https://.",
    ):
        assert reason in response.text
    assert 'value="javascript:alert(1)"' in response.text  # kept, escaped, for correcting
    with engine.connect() as conn:
        assert outlet_ids_by_domain(conn) == {}


def _quarantined_feed(engine: Engine) -> int:
    with engine.begin() as conn:
        outlet = ensure_outlet(conn, domain="broken.example", name="Broken")
        feed_id = add_feed(conn, url="https://broken.example/rss", outlet_id=outlet)
        record_poll_failure(
            conn,
            feed_id,
            status=404,
            error="HTTP 404",
            kind="permanent",
            next_poll_at=datetime.now(UTC) - timedelta(minutes=1),
            quarantine=True,
        )
    return feed_id


def _state(engine: Engine, feed_id: int) -> dict:
    with engine.connect() as conn:
        return next(feed for feed in feed_health(conn) if feed["id"] == feed_id)


def test_retry_disable_and_enable_a_feed(admin, engine):
    client, csrf = admin
    feed_id = _quarantined_feed(engine)
    page = client.get("/admin/feeds")
    assert "quarantined" in page.text and "HTTP 404" in page.text
    assert 'aria-label="Retry https://broken.example/rss"' in page.text

    response = client.post(f"/admin/feeds/{feed_id}", data={"csrf": csrf, "action": "retry"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/feeds?done=retry&feed={feed_id}#feed-{feed_id}"
    assert _state(engine, feed_id)["state"] == "new"
    assert "Released feed" in client.get(f"/admin/feeds?done=retry&feed={feed_id}").text

    client.post(f"/admin/feeds/{feed_id}", data={"csrf": csrf, "action": "disable"})
    disabled = _state(engine, feed_id)
    assert disabled["state"] == "disabled" and disabled["disabled_reason"] == "disabled by an admin"
    with engine.connect() as conn:
        assert feed_id not in [f.id for f in due_feeds(conn, now=datetime.now(UTC))]
    assert 'aria-label="Enable https://broken.example/rss"' in client.get("/admin/feeds").text

    client.post(f"/admin/feeds/{feed_id}", data={"csrf": csrf, "action": "enable"})
    assert _state(engine, feed_id)["state"] == "new"
    with engine.connect() as conn:
        assert feed_id in [f.id for f in due_feeds(conn, now=datetime.now(UTC))]

    assert (
        client.post("/admin/feeds/999", data={"csrf": csrf, "action": "retry"}).status_code == 404
    )
    bogus = client.post(f"/admin/feeds/{feed_id}", data={"csrf": csrf, "action": "delete"})
    assert bogus.status_code == 422


def test_import_a_ratings_file_and_see_the_report(admin, engine):
    client, csrf = admin
    with engine.begin() as conn:
        for domain in ("abcnews.go.com", "aarp.org", "go.com"):
            ensure_outlet(conn, domain=domain, name=domain)

    def upload(**fields: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/admin/ratings",
            data={"csrf": csrf, **fields},
            files={"file": ("allsides.csv", ALLSIDES.read_bytes(), "text/csv")},
        )

    first = upload()
    assert first.status_code == 200, first.text
    report = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", first.text))
    assert report["Format"] == "allsides"
    assert report["Rows read"] == "278"
    assert report["Outlets matched"] == "2" and report["Ratings added"] == "2"
    assert report["Unknown domains"] == "276"
    assert "abcnews.go.com was not applied to its parent outlet go.com" not in first.text
    with engine.connect() as conn:
        abc = get_outlet(conn, outlet_ids_by_domain(conn)["abcnews.go.com"])
        go = get_outlet(conn, outlet_ids_by_domain(conn)["go.com"])
    assert [(r.rater, r.value) for r in abc.ratings] == [("allsides", "lean-left")]
    assert go.ratings == []

    second = upload()
    report = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", second.text))
    assert report["Ratings added"] == "0" and report["Ratings unchanged"] == "2"

    added = upload(add_outlets="true")
    report = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", added.text))
    assert report["Outlets added"] == "276"


def test_only_the_admin_may_upload_and_not_too_much(anonymous, engine):
    files = {"file": ("allsides.csv", ALLSIDES.read_bytes(), "text/csv")}
    csrf = _csrf(anonymous.get("/admin").text)
    assert anonymous.post("/admin/ratings", data={"csrf": csrf}, files=files).status_code == 401
    csrf = _log_in(anonymous)
    huge = {"file": ("big.csv", b"domain,bias\n" + b"x" * (MAX_UPLOAD_BYTES + 200_000), "text/csv")}
    response = anonymous.post("/admin/ratings", data={"csrf": csrf}, files=huge)
    assert response.status_code == 413
    none = anonymous.post("/admin/ratings", data={"csrf": csrf})
    assert none.status_code == 400 and "Choose a ratings file to upload." in none.text
    with engine.connect() as conn:
        assert outlet_ids_by_domain(conn) == {}


def test_a_ratings_file_that_cannot_be_read_as_asked_is_explained(admin, engine):
    client, csrf = admin
    merged = client.post(
        "/admin/ratings",
        data={"csrf": csrf},
        files={"file": ("outlets-merged.csv", MERGED.read_bytes(), "text/csv")},
    )
    assert merged.status_code == 400
    assert "rater" in merged.text  # a merged file names no rater of its own
    bad = client.post(
        "/admin/ratings",
        data={"csrf": csrf, "rated_on": "last spring", "format": "nonsense", "rater": "r" * 65},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert bad.status_code == 400
    for reason in ("The date must be", "Unknown format", "The rater must be at most 64"):
        assert reason in bad.text
    unknown = client.post(
        "/admin/ratings",
        data={"csrf": csrf},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert unknown.status_code == 400 and "cannot tell the format of x.csv" in unknown.text


def test_split_merge_and_move_from_the_story_page(admin, engine):
    client, csrf = admin
    one = seed_story(engine, title="Maduro asks Russia for help", url_prefix="one")
    two = seed_story(engine, title="Kremlin answers Maduro", url_prefix="two", hours_ago=2)
    page = client.get(f"/admin/stories/{one.story_id}")
    assert page.status_code == 200
    assert f'name="article_ids" value="{one.article_ids["foxnews.com"]}"' in page.text

    split = client.post(
        f"/admin/stories/{one.story_id}/split",
        data={"csrf": csrf, "article_ids": [str(one.article_ids["foxnews.com"])], "note": "other"},
    )
    assert split.status_code == 303
    new_id = int(
        re.fullmatch(
            r"/admin/stories/(\d+)\?done=split&other=\d+", split.headers["location"]
        ).group(1)
    )
    with engine.connect() as conn:
        story_of = dict(conn.execute(select(articles.c.id, articles.c.story_id)).all())
    assert story_of[one.article_ids["foxnews.com"]] == new_id
    assert story_of[one.article_ids["reuters.com"]] == one.story_id
    assert "Split off from story" in client.get(split.headers["location"]).text

    move = client.post(
        f"/admin/stories/{two.story_id}/move",
        data={
            "csrf": csrf,
            "article_id": str(two.article_ids["nytimes.com"]),
            "to_story": str(new_id),
        },
    )
    assert move.status_code == 303
    with engine.connect() as conn:
        moved = conn.execute(
            select(articles.c.story_id).where(articles.c.id == two.article_ids["nytimes.com"])
        ).scalar()
    assert moved == new_id

    merge = client.post(
        f"/admin/stories/{new_id}/merge",
        data={"csrf": csrf, "into": str(one.story_id), "note": "same"},
    )
    assert merge.status_code == 303
    assert merge.headers["location"] == f"/admin/stories/{one.story_id}?done=merge&other={new_id}"
    with engine.connect() as conn:
        assert get_story(conn, new_id)["id"] == one.story_id  # redirects to the survivor
        log = list_corrections(conn, limit=10)
    assert [(c.action, c.actor) for c in log] == [
        ("merge", "admin"),
        ("move", "admin"),
        ("split", "admin"),
    ]
    assert log[0].note == "same" and log[2].note == "other"
    # The absorbed story's admin page leads to the survivor.
    assert (
        client.get(f"/admin/stories/{new_id}").headers["location"]
        == f"/admin/stories/{one.story_id}"
    )


def test_a_correction_that_makes_no_sense_is_explained_on_the_page(admin, engine):
    client, csrf = admin
    one = seed_story(engine, url_prefix="one")
    itself = client.post(
        f"/admin/stories/{one.story_id}/merge", data={"csrf": csrf, "into": str(one.story_id)}
    )
    assert itself.status_code == 400
    assert f"cannot merge story {one.story_id} into itself" in itself.text
    nowhere = client.post(
        f"/admin/stories/{one.story_id}/merge", data={"csrf": csrf, "into": "999"}
    )
    assert nowhere.status_code == 404 and "999" in nowhere.text
    nothing = client.post(f"/admin/stories/{one.story_id}/split", data={"csrf": csrf})
    assert nothing.status_code == 400 and "Tick the articles to split off." in nothing.text
    assert client.get("/admin/stories/999").status_code == 404
    assert client.get("/admin/stories?id=7").headers["location"] == "/admin/stories/7"
    with engine.connect() as conn:
        assert list_corrections(conn, limit=10) == []
