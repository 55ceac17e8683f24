"""Stateless JSON API for CI: POST a manifest, get findings (`lint`) or a drawing (`diagram`).

Both take the manifest as the raw request body (YAML or JSON) and answer 400 with the loader's
message (line and column) when it cannot be read. Signed-in users or bearer tokens only. `lint`
checks every workload of a multi-document stream (`documents`, one entry each); for a stream
with one workload it also answers with that workload's `kind` and `findings` at the top level.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from designer.api_auth import api_login_required
from designer.pod.diagram import build_dot
from designer.pod.findings import count_by_severity
from designer.pod.manifest import ManifestError, MultipleWorkloads, load_manifest
from designer.pod.render import RenderError, render, sanitize_svg
from designer.pod.roles import roles_for
from designer.pod.rules.context import parse_version
from designer.pod.rules.lint import lint
from designer.pod.rules.pss import LEVELS as PSS_LEVELS
from designer.pod.rules.stream import lint_stream


def _choose(request: HttpRequest) -> int | None:
    choose = request.GET.get("choose")
    return int(choose) if choose and choose.isascii() and choose.isdigit() else None


def _read(request: HttpRequest) -> tuple[object, JsonResponse | None]:
    try:
        manifest = load_manifest(request.body, choose=_choose(request))
    except MultipleWorkloads as exc:
        body = {
            "error": str(exc),
            "candidates": [{"index": i, "kind": k, "name": n} for i, k, n in exc.candidates],
        }
        return None, JsonResponse(body, status=400)
    except ManifestError as exc:
        return None, JsonResponse({"error": str(exc), "line": exc.line, "column": exc.column}, status=400)
    return manifest, None


def _pss(request: HttpRequest) -> tuple[str | None, JsonResponse | None]:
    """?pss=LEVEL: the PodSecurity level the namespace enforces (absent or empty: not checked)."""
    level = request.GET.get("pss") or None
    if level is not None and level not in PSS_LEVELS:
        return None, JsonResponse({"error": f"pss must be one of {', '.join(PSS_LEVELS)}"}, status=400)
    return level, None


def _version(request: HttpRequest) -> tuple[tuple[int, int] | None, JsonResponse | None]:
    try:
        return parse_version(request.GET.get("k8s_version")), None
    except ValueError as exc:
        return None, JsonResponse({"error": str(exc)}, status=400)


@require_POST
@api_login_required
def lint_manifest(request: HttpRequest) -> HttpResponse:
    version, version_error = _version(request)
    pss, pss_error = _pss(request)
    if version_error or pss_error:
        return version_error or pss_error  # type: ignore[return-value]
    try:
        results = lint_stream(request.body, choose=_choose(request), version=version, pss=pss)
    except ManifestError as exc:
        return JsonResponse({"error": str(exc), "line": exc.line, "column": exc.column}, status=400)
    documents = [
        {
            "index": result.position,
            "kind": result.kind,
            "name": result.name,
            "counts": count_by_severity(result.findings),
            "findings": [f.as_dict() for f in result.findings],
        }
        for result in results
    ]
    body: dict[str, object] = {
        "k8s_version": f"{version[0]}.{version[1]}",  # type: ignore[index]
        "pss": pss,
        "counts": count_by_severity([f for result in results for f in result.findings]),
        "documents": documents,
    }
    if len(documents) == 1:  # the shape of the single-workload answer, kept for existing clients
        body.update(kind=documents[0]["kind"], findings=documents[0]["findings"])
    return JsonResponse(body)


@require_POST
@api_login_required
def diagram_manifest(request: HttpRequest) -> HttpResponse:
    manifest, error = _read(request)
    version, version_error = _version(request)
    pss, pss_error = _pss(request)
    if error or version_error or pss_error:
        return error or version_error or pss_error  # type: ignore[return-value]
    document = manifest.document  # type: ignore[attr-defined]
    findings = lint(document, version=version, pss=pss)
    dot = build_dot(document, roles_for(document), findings, version=f"{version[0]}.{version[1]}", pss=pss)  # type: ignore[index]
    try:
        svg = sanitize_svg(render(dot, "svg"))
    except RenderError as exc:
        return JsonResponse({"error": f"the diagram could not be drawn: {exc}"}, status=422)
    return HttpResponse(svg, content_type="image/svg+xml")
