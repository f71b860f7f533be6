"""My news bias (/me): the reader's own mix of outlets, kept in their browser only.

The server sends an empty page with the scales to count on; ``static/my-news-bias.js``
fills it from the browser's localStorage, where the story pages recorded what the
reader opened. Nothing about the reader reaches the server: the record is never sent.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.models import FACTUALITY_SCALE
from newsprism.web.deps import render

router = APIRouter(include_in_schema=False)

SIDE_KEYS = ("left", "center", "right", "unrated")
FACTUALITY_KEYS = (*FACTUALITY_SCALE, "unrated")


@router.get("/me", response_class=HTMLResponse)
def my_news_bias(request: Request) -> Response:
    return render(
        request,
        "me.html",
        {"section": "me", "side_keys": SIDE_KEYS, "factuality_keys": FACTUALITY_KEYS},
    )
