"""The Jinja environment of the pages, tuned for the view models they are given.

The routes hand templates plain dicts (``story_view``, ``listing_entry``), and a page
looks up hundreds of keys as ``article.outlet.name``. Jinja reads ``a.b`` as the
attribute first and the key second, so on a dict each lookup raised and caught an
AttributeError before finding the key: a third of the story page's render time
(bench/web.py). Here a plain dict's key comes first, unless the name is one of dict's
own attributes (``items``, ``get``…), which keep Jinja's order: what a template gets
is the same in every case, a missing key included (Jinja's Undefined, made at once
instead of after two exceptions: a story page asks for a dozen keys an article's
"why grouped" record does not have).

Two globals do in one Python call what cost a story page a quarter of its template
time as template code (measured per template line with py-spy over bench/web.py's
data):

- ``static_url(path)``: what ``url_for('static', path=path).path`` gives, without
  searching the routes (each non-matching one raises) and building a URL per call;
- ``time_html(value)``: the ``<time>`` element of ``_bars.html``'s ``time_tag``
  (which calls it), three filters and a macro call less on every article.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from newsprism.web.format import absolute_time, iso_time, relative_time

# What getattr finds on a dict; every other name it would not, so the key is the answer.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class ViewModelEnvironment(Environment):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.update(static_url=static_url, time_html=time_html)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals: the environment's own dict when the template adds none
        (always, here), not a ChainMap over it. Every context copies its template's
        globals and every import compares key sets, and a ChainMap is slow to iterate:
        a fifth of an empty template's render. Jinja mutates a template's globals only
        when ``get_template`` is given globals, which then get a ChainMap as before."""
        if not d:
            return self.globals
        return super().make_globals(d)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                # What Jinja's own lookup ends with, once getattr and the key failed.
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@pass_context
def static_url(context: Context, path: str) -> str:
    """The path of a static file, as ``url_for('static', path=path).path``: under the
    app's root path when it is mounted below one. Each app finds a file's path in its
    routes once (kept in ``app.state.static_paths``)."""
    request = context["request"]
    state = request.app.state
    known: dict[str, str] | None = getattr(state, "static_paths", None)
    if known is None:
        known = state.static_paths = {}
    if path not in known:
        known[path] = str(request.app.url_path_for("static", path=path))
    scope = request.scope
    root = scope.get("app_root_path", scope.get("root_path", ""))
    return root.rstrip("/") + known[path]


def time_html(value: datetime | str | None) -> Markup:
    """A time for people ("3 hours ago") with the exact UTC time for machines and for
    the tooltip; nothing for no time."""
    if not value:
        return Markup("")
    # Nothing to escape: the three are formatted from a datetime (digits, "-", ":",
    # "+", "T", "." and English words), never from the text they were given.
    return Markup(
        f'<time datetime="{iso_time(value)}" title="{absolute_time(value)}">'
        f"{relative_time(value)}</time>"
    )
