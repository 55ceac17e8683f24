"""Personal API tokens: `Authorization: Bearer pd_...` signs a request in as the token's user.

A token authenticates two things only: the JSON API (`/api/`, through TokenAuth below, which
django-ninja runs for every operation) and the download endpoints (TOKEN_VIEWS, through the
middleware), so that a CI job can fetch an export. Never the pages or the admin: a token that
leaks from a pipeline must not open a superuser's admin. A browser never adds the header by
itself, so a token request cannot be forged cross-site and CSRF does not apply to it; an API
call signed in by the session cookie (the docs page) still needs the CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from designer.models import ApiToken

# The downloads a token may fetch (URL names): export.yaml/json, diagram.svg/png/dot, bundle.zip.
TOKEN_VIEWS = frozenset({"designer:export", "designer:diagram", "designer:bundle"})


class InvalidToken(Exception):
    """A bearer token that matches no active user's token: 401, never a fall-back to the session."""


def bearer_secret(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def user_for_token(secret: str) -> Any | None:
    """The active user a token secret belongs to, or None; notes when the token was last used."""
    token = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # One write a minute at most, so busy CI jobs do not turn every read into a write.
    if token.last_used is None or now - token.last_used > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def unauthorized(message: str = "Authentication required") -> JsonResponse:
    response = JsonResponse({"error": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="pod-designer"'
    return response


class TokenAuth(HttpBearer):
    """The API's bearer tokens; the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token.strip()) if token.strip() else None
        if user is None:
            raise InvalidToken
        request.user = user
        return user


class CsrfSessionAuth(SessionAuth):
    """The browser session (the docs page), with Django's CSRF check on unsafe methods.

    The check runs only for a signed-in session, so a request with no credentials at all is
    told 401 (sign in) rather than 403 (CSRF).
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        if key is None:
            return None
        return super().authenticate(request, key)


class BearerTokenMiddleware:
    """Signs download requests in with a bearer token; leaves every other page alone.

    Runs after AuthenticationMiddleware, at view time (the URL is resolved by then). The API
    authenticates tokens itself (TokenAuth).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name not in TOKEN_VIEWS or request.method not in ("GET", "HEAD"):
            return None
        secret = bearer_secret(request)
        if secret is None:
            return None
        user = user_for_token(secret)
        if user is None:
            return unauthorized("Invalid or revoked API token")
        request.user = user
        return None
