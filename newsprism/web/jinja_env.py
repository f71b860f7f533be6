"""The Jinja environment of the pages, tuned for the view models they are given.

The routes hand templates plain dicts (``story_view``, ``listing_entry``), and a page
looks up hundreds of keys as ``article.outlet.name``. Jinja reads ``a.b`` as the
attribute first and the key second, so on a dict each lookup raised and caught an
AttributeError before finding the key: a third of the story page's render time
(bench/web.py). Here a plain dict's key comes first, unless the name is one of dict's
own attributes (``items``, ``get``…), which keep Jinja's order: what a template gets
is the same in every case.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

# What getattr finds on a dict; every other name it would not, so the key is the answer.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class ViewModelEnvironment(Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass  # Jinja's own lookup then makes the Undefined
        return super().getattr(obj, attribute)
