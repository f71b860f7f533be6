"""The pages' Jinja environment (web/jinja_env.py) reads a dict's keys first, and
gives every template exactly what Jinja's own lookup gives."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError

from newsprism.web.deps import templates
from newsprism.web.jinja_env import ViewModelEnvironment
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
