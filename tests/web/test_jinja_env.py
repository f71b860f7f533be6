"""The pages' Jinja environment (web/jinja_env.py) reads a dict's keys first, and
gives every template exactly what Jinja's own lookup gives; its two globals give what
the template code they replace gave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError
from starlette.requests import Request

from newsprism.web.deps import templates
from newsprism.web.jinja_env import ViewModelEnvironment, time_html
from tests.web.conftest import Seeded

CASES = {
    "key": "{{ d.title }}",
    "nested": "{{ d.outlet.name }}",
    # Names of dict's own attributes keep Jinja's order: the method, not the key.
    "method": "{{ d.items is callable }} {{ d['items'] }}",
    "missing": "[{{ d.nope }}]",
    "dict subclass": "{{ o.title }}",
    "object": "{{ n.real }}",
    "loop over items": "{% for k, v in d.outlet.items() %}{{ k }}={{ v }};{% endfor %}",
}


class _Ordered(dict):
    pass


CONTEXT = {
    "d": {"title": "T", "outlet": {"name": "N", "side": "left"}, "items": "key"},
    "o": _Ordered(title="sub"),
    "n": 5,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_lookup_renders_as_with_jinja_itself(name: str) -> None:
    rendered = {}
    for environment_class in (Environment, ViewModelEnvironment):
        environment = environment_class(loader=DictLoader(CASES), autoescape=True)
        rendered[environment_class] = environment.get_template(name).render(CONTEXT)
    assert rendered[ViewModelEnvironment] == rendered[Environment]
    assert rendered[ViewModelEnvironment]  # something was rendered, not an empty page


def test_a_missing_key_is_undefined_as_before() -> None:
    environment = ViewModelEnvironment(loader=DictLoader(CASES), undefined=StrictUndefined)
    with pytest.raises(UndefinedError):
        environment.get_template("missing").render(CONTEXT)


def test_the_story_page_is_the_same_as_with_jinja_s_own_lookup(
    client: TestClient, seeded: Seeded
) -> None:
    """The whole story page (and the home page) rendered by the app, then again by a
    plain Environment over the same templates: byte for byte the same."""
    plain = Environment(
        loader=templates.env.loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    plain.filters = templates.env.filters
    plain.globals = templates.env.globals
    original = templates.env
    for path in (f"/stories/{seeded.story_id}", "/"):
        served = client.get(path).text
        try:
            templates.env = plain
            with_plain = client.get(path).text
        finally:
            templates.env = original
        assert served == with_plain, path
        assert "Maduro" in served


# The old macro of _bars.html, through Jinja's own filters: what time_html must give.
OLD_TIME_TAG = (
    '{% if value %}<time datetime="{{ value|iso_time }}" title="{{ value|absolute_time }}">'
    "{{ value|relative_time }}</time>{% endif %}"
)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2020, 4, 22, 6, 0, tzinfo=UTC),
        datetime(2020, 4, 22, 6, 0, 30, 123456),  # naive: stored UTC, from SQLite
        datetime.now(UTC) - timedelta(hours=3),
        "2019-03-22T10:00:00+02:00",  # a time kept in JSON
        "not a time",
        "",
        None,
    ],
)
def test_time_html_is_what_the_time_tag_macro_made(value: object) -> None:
    plain = Environment(autoescape=True)
    plain.filters = templates.env.filters
    expected = plain.from_string(OLD_TIME_TAG).render(value=value)
    assert str(time_html(value)) == expected
    assert templates.env.from_string("{{ time_html(value) }}").render(value=value) == expected
    if isinstance(value, datetime):
        assert "<time datetime=" in expected  # the case renders something


@pytest.mark.parametrize("root_path", ["", "/news"])
def test_static_url_is_url_for_s_path(client: TestClient, root_path: str) -> None:
    app = client.app
    scope = {
        "type": "http",
        "app": app,
        "router": app.router,
        "path": f"{root_path}/",
        "root_path": root_path,
        "headers": [(b"host", b"example.org")],
        "query_string": b"",
        "method": "GET",
        "scheme": "https",
        "server": ("example.org", 443),
    }
    request = Request(scope)
    template = templates.env.from_string("{{ static_url(name) }}")
    for name in ("style.css", "app.js", "my-news-bias.js"):
        expected = request.url_for("static", path=name).path
        assert expected.endswith(f"/static/{name}")
        assert template.render(request=request, name=name) == expected
        assert template.render(request=request, name=name) == expected  # kept, the same


def test_templates_see_the_environment_s_globals() -> None:
    environment = ViewModelEnvironment(loader=DictLoader({"page": "{{ later }}"}))
    page = environment.get_template("page")
    environment.globals["later"] = "added after loading"
    assert page.render() == "added after loading"
    # A template's own globals stay its own.
    own = environment.from_string("{{ mine }}", globals={"mine": "only here"})
    assert own.render() == "only here"
    assert "mine" not in environment.globals
