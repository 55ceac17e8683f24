"""/healthz (the process answers) and /readyz (its dependencies answer): JSON, no login.

Served by HealthCheckMiddleware at the top of the stack, before the host check and the HTTPS
redirect: a kubelet or a load balancer asks by the pod's IP over plain HTTP, and must get the
answer rather than a 400 for an unknown Host or a 301 to https.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from designer.pod import render

PROBE_DOT = "digraph readyz { ready }"


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: answers without touching the database, so an outage never restarts the app."""
    return _no_store(JsonResponse({"status": "ok"}))


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    check = getattr(cache, "check_ready", None)
    if callable(check):
        check()
        return
    key, value = "pod-designer:readyz", str(time.monotonic())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("a value just stored could not be read back")


def check_diagram_engine() -> None:
    render.render(PROBE_DOT, "svg", engine=settings.POD_DESIGNER_GRAPHVIZ or None, cache=False)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "diagram_engine": check_diagram_engine,
}


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: each dependency answers "ok" or its error; 503 names the ones that failed."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure of a dependency is the answer, never a 500
            results[name] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "fail" if failed else "ok", "checks": results, "failed": failed}
    response = JsonResponse(body, status=503 if failed else 200)
    # A probe asks every few seconds: the failure is logged where it happens (designer/faults.py,
    # designer/cache.py), not once more per probe by Django's request logger.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return _no_store(response)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers GET/HEAD /healthz and /readyz before any other middleware runs."""

    PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.PATHS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
