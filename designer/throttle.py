"""Throttling of sign-in, sign-up, password reset and API token creation.

Sign-in failures are counted by django-axes (per username and per address, settings.AXES_*);
the other forms count attempts here, on the cache (shared between workers when REDIS_URL is
set). Both use the same limit and cool-off (POD_DESIGNER_THROTTLE_LIMIT / _COOLOFF) and answer
the same 429 page with Retry-After.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the Nth from the right
    of X-Forwarded-For (the entries to its left are whatever the client chose to send)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.POD_DESIGNER_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote


def cool_off_seconds() -> int:
    return int(settings.POD_DESIGNER_THROTTLE_COOLOFF)


def too_many(request: HttpRequest, seconds: int | None = None) -> HttpResponse:
    """The one answer to a throttled request: a page that says when to try again."""
    wait = max(1, seconds if seconds is not None else cool_off_seconds())
    minutes = (wait + 59) // 60
    response = render(request, "registration/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: a sign-in refused by axes."""
    return too_many(request)


class ThrottledSignInBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses sign-in for a locked-out username or address before any password is checked.

    axes needs the request; a sign-in with none comes from inside the process (the test
    client, a shell), where no one can guess passwords over the network, so it is let through
    to the next backend instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None


def _key(action: str, who: str) -> str:
    return "throttle:" + action + ":" + hashlib.sha256(who.encode()).hexdigest()[:32]


def attempt(action: str, *subjects: str) -> int | None:
    """Count one attempt of `action` for each subject (an address, a user id); the seconds to
    wait when any of them is over the limit, else None (and the attempt is counted)."""
    limit, window = int(settings.POD_DESIGNER_THROTTLE_LIMIT), cool_off_seconds()
    now = time.time()
    keys = [_key(action, s) for s in subjects if s]
    for key in keys:
        started, count = cache.get(key, (now, 0))
        if count >= limit and now - started < window:
            return int(window - (now - started)) + 1
    for key in keys:
        started, count = cache.get(key, (now, 0))
        if now - started >= window:
            started, count = now, 0
        cache.set(key, (started, count + 1), timeout=window)
    return None


def check(request: HttpRequest, action: str, *subjects: str) -> HttpResponse | None:
    """A 429 response when `action` is throttled for the client's address or a subject; None
    when the attempt may go ahead (it is counted)."""
    wait = attempt(action, "addr:" + client_address(request), *subjects)
    return too_many(request, wait) if wait is not None else None
