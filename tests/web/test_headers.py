"""The security headers middleware (web/headers.py): every response gets the headers
it does not set itself, once; the API docs pages get their own policy."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from newsprism.web.app import _DOCS_POLICY, CONTENT_SECURITY_POLICY
from newsprism.web.headers import DefaultHeaders


def test_the_docs_have_their_own_policy_and_pages_the_strict_one(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.headers["content-security-policy"] == _DOCS_POLICY
    assert docs.headers["x-frame-options"] == "DENY"
    assert client.get("/").headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_a_header_the_response_sets_is_kept_and_none_is_doubled() -> None:
    def own(_request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("x", headers={"X-Frame-Options": "SAMEORIGIN"})

    def plain(_request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("x")

    app = DefaultHeaders(
        Starlette(routes=[Route("/own", own), Route("/plain", plain)]),
        policy="default-src 'self'",
        policy_by_path={"/plain": "default-src 'none'"},
        headers={"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"},
    )
    with TestClient(app) as test_client:
        kept = test_client.get("/own").headers
        plain_headers = test_client.get("/plain").headers
    assert kept.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert kept.get_list("content-security-policy") == ["default-src 'self'"]
    assert kept["referrer-policy"] == "no-referrer"
    assert plain_headers.get_list("x-frame-options") == ["DENY"]
    assert plain_headers["content-security-policy"] == "default-src 'none'"
