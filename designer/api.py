"""The JSON API /api/v1/ (django-ninja): one NinjaAPI, its auth, and one error shape.

Every answer that is not a success is JSON `{"error": ...}` (the Error schema): 400 for input
that does not validate (never ninja's 422), 401 with WWW-Authenticate without a valid token or
session, 404 for what the user may not see, 413 for a body over the upload limit. The schema is
served at /api/v1/openapi.json and the docs at /api/v1/docs, with swagger-ui from ninja's own
static files (no CDN: `ninja` is in INSTALLED_APPS).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from designer.api_auth import CsrfSessionAuth, InvalidToken, TokenAuth, unauthorized
from designer.views.api import router as designs_router
from designer.views.api_tools import router as tools_router

api = NinjaAPI(
    title="Pod Designer API",
    version="1",
    description=(
        "Designs (list, read, create from a manifest, update with a three-way merge, export), "
        "`lint` (YAML in, findings out) and `diagram` (YAML in, SVG out). Send a personal token "
        "(profile page) as `Authorization: Bearer pd_...`."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), CsrfSessionAuth()],
)
api.add_router("/", designs_router, tags=["designs"])
api.add_router("/", tools_router, tags=["tools"])


def _json_error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"error": message}, status=status)


def _where(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    messages = [f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors[:5]]
    return _json_error(request, "; ".join(messages), 400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return unauthorized("Authentication required: send `Authorization: Bearer <token>`")


@api.exception_handler(InvalidToken)
def _invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
    return unauthorized("Invalid or revoked API token")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _json_error(request, exc.message, exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json_error(request, "Not found", 404)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _json_error(request, "The request body is larger than the upload limit.", 413)


def api_not_found(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"error": "Not found"}, status=404)
