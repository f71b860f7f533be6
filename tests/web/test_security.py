"""Security headers on every response, and pages that need nothing from other hosts."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from newsprism.web.app import CONTENT_SECURITY_POLICY
from newsprism.web.deps import STATIC_DIR, TEMPLATE_DIR
from tests.web.conftest import Seeded


@pytest.mark.parametrize(
    "path", ["/", "/stories/1", "/outlets/nytimes.com", "/feeds", "/api/stories", "/nope"]
)
def test_security_headers(client: TestClient, seeded: Seeded, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_templates_have_no_inline_scripts_styles_or_remote_resources() -> None:
    # The CSP would block them; a closed network could not load them.
    for template in TEMPLATE_DIR.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"\sstyle=", text), template.name
        assert "<style" not in text, template.name
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
        assert not re.search(r'(src|href)="(https?:)?//(?!www\.allsides)', text), template.name
    css = (STATIC_DIR / "style.css").read_text()
    assert "@import" not in css and "url(http" not in css


def test_static_files_are_served(client: TestClient) -> None:
    assert "prefers-color-scheme: dark" in client.get("/static/style.css").text
    assert "data-filter-for" in client.get("/static/app.js").text


def test_pages_have_landmarks_and_language(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/stories/{seeded.story_id}").text
    assert '<html lang="en">' in html
    for landmark in (
        '<header class="site-header">',
        '<nav aria-label="Main">',
        '<main id="main"',
        '<footer class="site-footer">',
    ):
        assert landmark in html
    assert "How we count" in html
