"""Content-Security-Policy and Permissions-Policy on every page; no page relies on inline code."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


class _InlineFinder(HTMLParser):
    """Everything the policy would refuse: inline scripts, event handlers, style attributes and
    <style> elements, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        # A JSON script element is data, never run (the editor's diagnostics for the YAML editor).
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline <script>")


def _inline(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


def _pages(design: Any) -> list[str]:
    pk = design.pk
    return [
        "/",
        "/designs/new",
        f"/designs/{pk}/",
        f"/designs/{pk}/history/",
        f"/designs/{pk}/revisions/1/",
        f"/designs/{pk}/settings/",
        f"/designs/{pk}/fork",
        "/trash/",
        "/teams/",
        "/rules/",
        "/accounts/profile/",
        "/accounts/password_change/",
        "/designs/999999/",  # the 404 page
    ]


def test_every_page_carries_both_headers(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    for url in [*_pages(design), "/api/v1/designs", f"/designs/{design.pk}/export.yaml"]:
        response = alice_client.get(url)
        assert response.status_code in (200, 404), url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp, url
        assert "frame-ancestors 'none'" in csp, url
        # 'wasm-unsafe-eval' compiles WebAssembly (the editor's Graphviz); JavaScript eval stays refused.
        assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp, url
        assert "script-src 'self' 'wasm-unsafe-eval'" in csp, url
        assert "camera=()" in response["Permissions-Policy"], url


def test_signed_out_pages_carry_both_headers(client: Any) -> None:
    for url in ("/accounts/login/", "/rules/", "/"):
        response = client.get(url)
        assert "default-src 'self'" in response["Content-Security-Policy"], url
        assert "Permissions-Policy" in response, url


def test_no_served_page_has_inline_code(alice_client: Any, make_design: Any, client: Any) -> None:
    design = make_design()
    for url in _pages(design):
        response = alice_client.get(url)
        assert _inline(response.content.decode()) == [], url
    alice_client.logout()
    assert _inline(alice_client.get("/accounts/login/").content.decode()) == []


def test_the_finder_sees_inline_code() -> None:
    html = '<script>alert(1)</script><a onclick="x()" style="color:red">'
    assert _inline(html) == ["inline <script>", "<a onclick=...>", "<a style=...>"]
    assert _inline('<script src="/static/x.js"></script><p class="a">') == []


def test_htmx_does_not_inject_its_indicator_style(alice_client: Any) -> None:
    html = alice_client.get("/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html
