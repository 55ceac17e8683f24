"""Personal API tokens: `Authorization: Bearer pd_...` signs a request in as the token's user.

The middleware runs after AuthenticationMiddleware. A request with a valid bearer token gets
request.user set to the token's owner (no session is created). CSRF is waived only for
token-authenticated requests to the JSON API: a browser never adds this header by itself, so
such a request cannot be forged cross-site. Elsewhere (the export downloads) a token only
authenticates safe methods. A bearer token that is unknown answers 401 straight away.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from designer.models import ApiToken

API_PREFIX = "/api/"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        secret = bearer_secret(request)
        if secret is not None:
            is_api = request.path.startswith(API_PREFIX)
            if is_api or request.method in SAFE_METHODS:
                user = user_for_token(secret)
                if user is None:
                    return unauthorized("Invalid or revoked API token")
                request.user = user
                request.token_authenticated = True  # type: ignore[attr-defined]
                if is_api:
                    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For API views: 401 (JSON, WWW-Authenticate) instead of a redirect to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return unauthorized()
        return view(request, *args, **kwargs)

    return wrapper
