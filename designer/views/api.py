"""/api/v1/designs: list and filter, read, create from a manifest, update with a merge, export.

Auth and the error shape: designer.api. No access answers 404, as in the pages. An update
names the revision it started from (`base_revision`); when someone saved since, the change is
merged three ways: changes to different paths land (200, `merged_paths`), the same path changed
differently on both sides answers 409 with each conflict's base/theirs/mine values.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Query, Router, Schema, Status

from designer.access import get_design_for_user, permissions, visible_designs
from designer.api_schemas import (
    ChooseError,
    Conflict,
    DesignCreate,
    DesignDetail,
    DesignPage,
    DesignUpdate,
    Error,
    Format,
    Kind,
    Number,
    SaveResult,
)
from designer.documents import export_filename, revision_text
from designer.library_search import LibraryFilterForm, filter_designs
from designer.models import Design, Revision
from designer.numbers import MAX_NUMBER
from designer.pod.manifest import (
    DEFAULT_LIMITS,
    Manifest,
    ManifestError,
    MultipleWorkloads,
    check_json_limits,
    load_manifest,
)
from designer.revisions import (
    NORMALISED_MESSAGE,
    Content,
    SaveOutcome,
    StaleRevision,
    create_design,
    save_content,
)
from designer.views.designs import imported_content

router = Router()
# The design's id; a number no database integer holds is refused (400), not an overflow.
DesignId = Annotated[int, Path(ge=1, le=MAX_NUMBER)]
PAGE_SIZE = 50
ANSWERS: dict[int, Any] = {400: Error, 401: Error, 404: Error}


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
        "updated": design.updated,
        "url": request.build_absolute_uri(design.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:design", args=[design.pk])),
    }


def revision_data(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "author": revision.author.get_username() if revision.author else None,
        "message": revision.message,
        "created": revision.created,
        "parent": revision.parent_number,
        "errors": revision.error_count,
        "warnings": revision.warning_count,
        "document": revision.document,
        "companions": revision.companions,
        "roles": revision.roles,
    }


def design_detail(request: HttpRequest, design: Design) -> dict[str, Any]:
    return {
        **design_summary(request, design),
        "permissions": sorted(permissions(request.user, design)),
        "latest": revision_data(design.latest) if design.latest else None,
    }


def manifest_error(exc: ManifestError) -> Status[dict[str, Any]]:
    """400 with the loader's message (and where), or the workloads to choose from."""
    if isinstance(exc, MultipleWorkloads):
        candidates = [{"index": i, "kind": k, "name": n} for i, k, n in exc.candidates]
        return Status(400, {"error": f"{exc}: set `choose`", "candidates": candidates})
    return Status(400, {"error": str(exc), "line": exc.line, "column": exc.column})


def check_limits(payload: Schema) -> None:
    """Every JSON value of a body within the loader's limits (ManifestError otherwise)."""
    for name, value in payload:
        check_json_limits(value, name=name)
    companions = getattr(payload, "companions", None) or []
    if len(companions) >= DEFAULT_LIMITS.max_documents:
        raise ManifestError(f"too many companions: at most {DEFAULT_LIMITS.max_documents - 1}")


class ListQuery(Schema):
    """The library's filters (an invalid filter is dropped, as in the library: it is a search)."""

    q: str | None = None
    role: str | None = None
    tag: str | None = None
    owner: str | None = None
    team: Number | None = None
    version: str | None = None
    has_errors: bool = False
    sort: str | None = None
    patterns: bool = False
    page: Number = 1


@router.get(
    "/designs", response={200: DesignPage, 400: Error, 401: Error}, url_name="designs", summary="List designs"
)
def design_list(request: HttpRequest, filters: Query[ListQuery]) -> Any:
    query = LibraryFilterForm(request.GET).query()
    designs = visible_designs(request.user).select_related("owner", "team")
    if not filters.patterns:
        designs = designs.filter(is_starter=False)
    page = Paginator(filter_designs(designs, query, request.user), PAGE_SIZE).get_page(filters.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [design_summary(request, d) for d in page.object_list],
    }


@router.post(
    "/designs",
    response={201: DesignDetail, 400: ChooseError | Error, 401: Error},
    summary="Create a design from a manifest",
)
def design_create(request: HttpRequest, payload: DesignCreate) -> Any:
    try:
        check_limits(payload)
        manifest = load_manifest(payload.manifest, choose=payload.choose)
    except ManifestError as exc:
        return manifest_error(exc)
    name = payload.name or _workload_name(manifest) or "imported design"
    fields: dict[str, Any] = {"pss_level": payload.pss or ""}
    if payload.k8s_version:
        fields["k8s_version"] = payload.k8s_version
    design = create_design(request.user, name, imported_content(manifest, payload.manifest), **fields)
    return Status(201, design_detail(request, design))


@router.get(
    "/designs/{int:pk}", response={200: DesignDetail, **ANSWERS}, url_name="design", summary="Read a design"
)
def design_read(request: HttpRequest, pk: DesignId) -> Any:
    return design_detail(request, get_design_for_user(request.user, pk))


@router.put(
    "/designs/{int:pk}",
    response={200: SaveResult, 409: Conflict, **ANSWERS},
    summary="Save a new revision (merged when base_revision is stale)",
)
def design_update(request: HttpRequest, pk: DesignId, payload: DesignUpdate) -> Any:
    design = get_design_for_user(request.user, pk, need="edit")
    try:
        check_limits(payload)
        content = _content(payload)
    except ManifestError as exc:
        return manifest_error(exc)
    if isinstance(content, str):
        return Status(400, {"error": content})
    outcome = _save(design, content, request, payload)
    if outcome.kind == "conflict":
        return Status(409, _conflict(outcome, payload.base_revision))
    design.refresh_from_db()
    changes = outcome.merge.changes if outcome.merge else []
    return {
        "outcome": outcome.kind,
        "detail": _detail(outcome),
        "normalised": outcome.normalised,
        "merged_paths": [c.path for c in changes],
        "changes": [{"path": c.path, "side": c.side} for c in changes],
        "design": design_summary(request, design),
        "revision": revision_data(outcome.revision),
    }


def _save(design: Design, content: Content, request: HttpRequest, payload: DesignUpdate) -> SaveOutcome:
    """save_content, with the update's `pss` (the level the namespace enforces; null: none)
    set for the lint counts of the save, and put back when nothing is saved."""
    previous = design.pss_level
    if "pss" in payload.model_fields_set:
        design.pss_level = payload.pss or ""
        design.save(update_fields=["pss_level"])
    try:
        outcome = save_content(design, content, request.user, payload.message, payload.base_revision)
    except StaleRevision as exc:  # a base this design never had, or saves racing past every retry
        outcome = SaveOutcome("conflict", exc.current)
    if outcome.kind == "conflict" and design.pss_level != previous:
        design.pss_level = previous
        design.save(update_fields=["pss_level"])
    return outcome


def _detail(outcome: SaveOutcome) -> str:
    number = outcome.revision.number
    if outcome.kind == "unchanged":
        return f"Nothing changed: revision {number} stays the latest and no revision was created."
    saved = f"Saved revision {number}." if outcome.kind == "saved" else f"Merged and saved revision {number}."
    return f"{saved} {NORMALISED_MESSAGE}" if outcome.normalised else saved


def _conflict(outcome: SaveOutcome, base: int) -> dict[str, Any]:
    latest = outcome.revision
    conflicts = outcome.merge.conflicts if outcome.merge else []
    if conflicts:
        error = f"Revision {latest.number} changed the same fields since revision {base}; nothing was saved."
    elif outcome.base is None and base > latest.number:
        error = f"Revision {base} does not exist; the latest is revision {latest.number}."
    else:
        error = f"Revision {latest.number} was saved since revision {base}; nothing was saved."
    return {
        "error": error,
        "conflicts": [c.as_dict() for c in conflicts],
        "current_revision": revision_data(latest),
    }


def _content(payload: DesignUpdate) -> Content | str:
    """The content of an update: a `manifest` text, or a `document`; or an error message."""
    roles = dict(payload.roles or {})
    if payload.manifest is not None:  # the text is kept as written (DESIGN.md §2)
        content = imported_content(load_manifest(payload.manifest, choose=payload.choose), payload.manifest)
        content.roles = roles
        return content
    if payload.document is None:
        return "Send `document` (a Kubernetes object) or `manifest` (YAML or JSON text)."
    if not isinstance(payload.document.get("kind"), str):
        return "The document needs a kind."
    # No text: the new text is the latest revision's with the document's changes patched in.
    return Content(payload.document, list(payload.companions or []), roles)


def _workload_name(manifest: Manifest) -> str:
    meta = manifest.document.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return name[:200] if isinstance(name, str) else ""


EXPORT_CONTENT = {
    # No schema: a YAML stream of one or more documents (the user's text) is not one JSON value.
    "application/yaml": {},
    "application/json": {"schema": {"type": "object", "description": "one object, or a v1 List"}},
}


@router.get(
    "/designs/{int:pk}/export",
    response=ANSWERS,
    url_name="export",
    summary="Export the latest revision as any kind, YAML or JSON",
    openapi_extra={"responses": {200: {"description": "The manifest", "content": EXPORT_CONTENT}}},
)
def design_export(
    request: HttpRequest,
    pk: DesignId,
    kind: Kind | None = None,
    format: Format = "yaml",
    annotations: bool = True,
) -> Any:
    """The latest revision as any workload kind, YAML or JSON (as /designs/<id>/export.yaml)."""
    design = get_design_for_user(request.user, pk)
    revision = design.latest
    if revision is None:  # never: designs are created with their first revision; but not a 500
        raise Http404("This design has no revision to export")
    kind = kind or str(revision.document.get("kind") or "Pod")
    text = revision_text(revision, kind=kind, fmt=format, annotations=annotations)
    response = HttpResponse(text, content_type=f"application/{format}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(design, kind, format)}"'
    return response
