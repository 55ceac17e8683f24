"""A test-only page for the live-editing modules: static files from the live server, a strict CSP.

The page is served by Playwright's request routing under the live server's origin, so the
scripts and styles load from /static/ exactly as the editor will load them, and the CSP is the
one the site is moving to: no inline script or style, WebAssembly allowed to compile.
"""

from __future__ import annotations

import html
import json
from typing import Any

NONCE = "harness-nonce"
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    f"style-src 'self' 'nonce-{NONCE}'; img-src 'self' data:; object-src 'none'; base-uri 'none'"
)
# What the editor page will include, in this order (see frontend/README.md).
DIAGRAM_SCRIPTS = (
    "vendor/viz/viz-global.js",
    "vendor/dompurify/purify.min.js",
    "vendor/svg-pan-zoom/svg-pan-zoom.min.js",
)
EDITOR_SCRIPTS = ("vendor/codemirror/codemirror.min.js",)


def page_html(body: str, scripts: tuple[str, ...]) -> str:
    tags = "".join(f'<script src="/static/{src}" defer></script>' for src in scripts)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>'
        f'<meta name="csp-nonce" content="{NONCE}">'
        '<link rel="stylesheet" href="/static/vendor/pico/pico.min.css">'
        '<link rel="stylesheet" href="/static/designer/live_editing.css">'
        f"{tags}</head><body><main class='container'>{body}</main></body></html>"
    )


def open_harness(page: Any, live_server: Any, body: str, scripts: tuple[str, ...]) -> list[str]:
    """Open the page; returns the list the page's CSP violations and errors are collected into."""
    problems: list[str] = []
    url = f"{live_server.url}/__harness__"
    page.route(
        url,
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP},
            body=page_html(body, scripts),
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type in ("error", "warning") else None,
    )
    page.goto(url)
    return problems


def diagram_element(dot: str) -> str:
    return (
        f'<figure id="diagram" class="live-diagram" data-live-diagram data-dot="{html.escape(dot)}"></figure>'
    )


def yaml_element(text: str, findings: list[dict[str, Any]], schema_url: str, **extra: str) -> str:
    attributes = "".join(
        f' data-{key.replace("_", "-")}="{html.escape(value)}"' for key, value in extra.items()
    )
    return (
        '<form id="editor-form" method="post"><div id="yaml-panel">'
        '<label for="yaml-text">YAML</label>'
        f'<textarea id="yaml-text" name="yaml_text" data-yaml-editor data-schema-url="{schema_url}" '
        f'data-findings="{html.escape(json.dumps(findings))}"{attributes}>{html.escape(text)}</textarea>'
        "</div></form>"
    )
