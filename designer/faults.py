"""The database is down: answer 503 with Retry-After instead of a 500, and log it once per incident.

A request that meets an unreachable database (OperationalError, InterfaceError) gets JSON under
/api/, a small fragment for htmx (static/designer/errors.js shows it in a banner and leaves the
page's inputs as they are), and otherwise a page that says the change was not saved. The page
is rendered without the database: no session, no user, no base template that asks for them.

Logging: the first failure of an incident logs one line with the cause; later ones are counted
silently; the first new connection Django opens afterwards (connection_created) closes the
incident with one line saying how long it lasted. A traceback per request would bury the one
line an operator needs under hundreds of identical ones.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)
NOT_SAVED = "The database is not reachable, so nothing was saved. Try again in a few seconds."

logger = logging.getLogger("designer.faults")


class _Incident:
    """One outage as this process sees it: when it began and how many requests it refused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None
        self.refused = 0

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self.refused += 1
            if self.since is not None:
                return
            self.since = time.monotonic()
        logger.error("database unavailable, answering 503 until it is back: %s", _one_line(exc))

    def recovered(self) -> None:
        with self._lock:
            if self.since is None:
                return
            lasted, refused = time.monotonic() - self.since, self.refused
            self.since, self.refused = None, 0
        logger.warning("database reachable again after %.1f s; %d request(s) were refused", lasted, refused)


incident = _Incident()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def _on_connection_created(sender: Any, **kwargs: Any) -> None:
    incident.recovered()


connection_created.connect(_on_connection_created, dispatch_uid="designer.faults.recovered")


def is_database_error(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer for this request's kind (API, htmx, page); the incident notes the failure."""
    incident.failed(exc)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "database unavailable", "detail": NOT_SAVED}, status=503)
    else:
        template = "designer/partials/database_down.html" if _is_htmx(request) else "503.html"
        body = loader.get_template(template).render(
            {"message": NOT_SAVED, "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django's request logger would add a traceback per request; the incident logged it once.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class DatabaseUnavailableMiddleware:
    """Turns a view's database connection failure into database_unavailable()."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_error(exception):
            return database_unavailable(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database failure raised outside a view (a middleware, a session save) is a 503 too."""
    import sys

    from django.views.defaults import server_error as plain_server_error

    exc = sys.exc_info()[1]
    if is_database_error(exc):
        assert exc is not None
        return database_unavailable(request, exc)
    return plain_server_error(request)
