"""JSON API /api/v1/ for CI and scripts: list/filter designs, read one, save a new revision.

Auth: a bearer token (designer.api_auth) or the browser session. No access answers 404, as in
the pages; a save from a stale base revision answers 409 with the revision that won.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from designer.access import get_design_for_user, permissions, visible_designs
from designer.api_auth import api_login_required
from designer.library_search import LibraryFilterForm, filter_designs
from designer.models import Design, Revision
from designer.pod.manifest import ManifestError, load_manifest
from designer.pod.rules.pss import LEVELS as PSS_LEVELS
from designer.revisions import Content, StaleRevision, save_revision

PAGE_SIZE = 50


def design_summary(request: HttpRequest, design: Design) -> dict[str, Any]:
    return {
        "id": design.pk,
        "name": design.name,
        "description": design.description,
        "kind": design.kind,
        "owner": design.owner.get_username() if design.owner else None,
        "team": design.team.slug if design.team else None,
        "visibility": design.visibility,
        "tags": design.tag_list,
        "k8s_version": design.k8s_version,
        "pss": design.pss,
        "roles_present": [r for r in design.roles_present.split(",") if r],
        "revision": design.revision_count,
        "errors": design.error_count,
        "warnings": design.warning_count,
        "is_starter": design.is_starter,
        "forked_from": design.forked_from_id,
        "updated": design.updated.isoformat(),
        "url": request.build_absolute_uri(design.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:design", args=[design.pk])),
    }


def revision_data(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "author": revision.author.get_username() if revision.author else None,
        "message": revision.message,
        "created": revision.created.isoformat(),
        "parent": revision.parent_number,
        "errors": revision.error_count,
        "warnings": revision.warning_count,
        "document": revision.document,
        "companions": revision.companions,
        "roles": revision.roles,
    }


def _error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@api_login_required
@require_GET
def design_list(request: HttpRequest) -> HttpResponse:
    query = LibraryFilterForm(request.GET).query()
    designs = visible_designs(request.user).select_related("owner", "team")
    if request.GET.get("patterns") not in ("1", "true"):
        designs = designs.filter(is_starter=False)
    page = Paginator(filter_designs(designs, query, request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [design_summary(request, d) for d in page.object_list],
        }
    )


@api_login_required
@require_http_methods(["GET", "PUT", "POST"])
def design_item(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        design = get_design_for_user(request.user, pk)
        data = design_summary(request, design)
        data["permissions"] = sorted(permissions(request.user, design))
        data["latest"] = revision_data(design.latest) if design.latest else None
        return JsonResponse(data)
    design = get_design_for_user(request.user, pk, need="edit")
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than json can decode
        return _error("The body must be a JSON object.", 400)
    base = body.get("base_revision")
    if not isinstance(base, int) or isinstance(base, bool):
        return _error("base_revision (the revision number the edit started from) is required.", 400)
    content = _content_from(body)
    if isinstance(content, str):
        return _error(content, 400)
    if "pss" in body:  # the PodSecurity level the namespace enforces: a level, or null for none
        if body["pss"] not in (None, "", *PSS_LEVELS):
            return _error(f"pss must be one of {', '.join(PSS_LEVELS)} or null.", 400)
        design.pss_level = body["pss"] or ""
        design.save(update_fields=["pss_level"])
    try:
        revision = save_revision(
            design, content, request.user, str(body.get("message") or ""), base_number=base
        )
    except StaleRevision as exc:
        return _error(
            f"Revision {exc.current.number} was saved since revision {base}.",
            409,
            current_revision=revision_data(exc.current),
        )
    return JsonResponse({"design": design_summary(request, design), "revision": revision_data(revision)})


def _content_from(body: dict[str, Any]) -> Content | str:
    """The content of an update: a `document` object or a `manifest` text; or an error message."""
    roles = body.get("roles") or {}
    if not isinstance(roles, dict):
        return "roles must be an object {container: role}."
    if isinstance(body.get("manifest"), str):
        try:
            manifest = load_manifest(body["manifest"])
        except ManifestError as exc:
            return f"The manifest could not be read: {exc}"
        return Content(manifest.document, list(manifest.companions), roles, manifest.position)
    document = body.get("document")
    companions = body.get("companions") or []
    if not isinstance(document, dict) or not isinstance(companions, list):
        return "Send `document` (a Kubernetes object) or `manifest` (YAML or JSON text)."
    if not isinstance(document.get("kind"), str):
        return "The document needs a kind."
    return Content(document, companions, roles)
