"""errors.js: a failed htmx request shows a banner and leaves what the user typed in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from designer.faults import database_unavailable

pytestmark = pytest.mark.django_db(transaction=True)


def the_servers_503(path: str) -> tuple[dict[str, str], str]:
    """What the app answers an htmx request while the database is down (designer/faults.py)."""
    request = RequestFactory().get(path, HTTP_HX_REQUEST="true")
    response = database_unavailable(request, OperationalError("connection refused"))
    headers = {"Retry-After": response["Retry-After"], "Content-Type": response["Content-Type"]}
    return headers, response.content.decode()


def test_a_failed_search_shows_a_banner_and_keeps_the_input(
    signed_in_page: Any, live_server: Any, screenshot: Any
) -> None:
    page = signed_in_page
    headers, body = the_servers_503("/")

    def database_down(route: Any) -> None:
        route.fulfill(status=503, headers=headers, body=body)

    page.route(lambda url: "q=" in url, database_down)
    search = page.locator("#id_q")
    search.fill("web shop")
    banner = page.get_by_role("alert")
    banner.wait_for()
    assert "The database is not reachable, so nothing was saved" in banner.inner_text()
    assert search.input_value() == "web shop"
    screenshot("request-error-database-down")

    page.unroute(lambda url: "q=" in url)
    page.route(lambda url: "q=" in url, lambda route: route.abort("connectionrefused"))
    search.fill("web shop 2")
    page.wait_for_function(
        "() => document.getElementById('request-error').textContent.includes('could not be reached')"
    )
    assert search.input_value() == "web shop 2"
    screenshot("request-error-unreachable")

    # Back to normal: the next successful request hides the banner.
    page.unroute_all()
    search.fill("web")
    page.wait_for_function("() => document.getElementById('request-error').hidden")
