"""The API docs page draws the operations from the app's own files: no request leaves the host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_works_offline(page: Any, live_server: Any, screenshot: Any) -> None:
    host = urlparse(live_server.url).netloc
    elsewhere: list[str] = []

    def only_this_host(route: Any) -> None:
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_host)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The Content-Security-Policy allows no inline script and nothing from elsewhere.
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock-summary-path", has_text="/api/v1/designs/{pk}").first.wait_for()
    assert page.locator(".opblock").count() == 7
    screenshot("api-docs")
    assert not elsewhere, elsewhere
    assert not errors, errors
