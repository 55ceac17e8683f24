"""Stateless API for CI: POST a manifest, get findings (`lint`) or a drawing (`diagram`).

Both take the manifest as the raw request body (YAML or JSON) and answer 400 with the loader's
message (line and column) when it cannot be read. `lint` checks every workload of a
multi-document stream (`documents`, one entry each); for a stream with one workload it also
answers with that workload's `kind` and `findings` at the top level.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from designer.api_schemas import ChooseError, Error, Level, LintResult, Number, Version
from designer.pod.diagram import build_dot
from designer.pod.findings import count_by_severity
from designer.pod.manifest import ManifestError, load_manifest
from designer.pod.render import RenderError, render, sanitize_svg
from designer.pod.roles import roles_for
from designer.pod.rules.context import parse_supported_version
from designer.pod.rules.lint import lint
from designer.pod.rules.stream import lint_stream
from designer.views.api import manifest_error

router = Router()

EXAMPLE = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: app, image: "nginx:1.27"}
"""
MANIFEST_BODY = {
    "requestBody": {
        "required": True,
        "description": "The manifest: YAML or JSON, one or several documents",
        "content": {
            "application/yaml": {"schema": {"type": "string"}, "example": EXAMPLE},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}
ANSWERS: dict[int, Any] = {400: ChooseError | Error, 401: Error, 413: Error}


@router.post(
    "/lint",
    response={200: LintResult, **ANSWERS},
    url_name="lint",
    summary="Lint a manifest (YAML in, findings out)",
    openapi_extra=MANIFEST_BODY,
    exclude_unset=True,
)
def lint_manifest(
    request: HttpRequest,
    k8s_version: Version | None = None,
    pss: Level | None = None,
    choose: Number | None = None,
) -> Any:
    version = parse_supported_version(k8s_version)
    try:
        results = lint_stream(request.body, choose=choose, version=version, pss=pss)
    except ManifestError as exc:
        return manifest_error(exc)
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
    body: dict[str, Any] = {
        "k8s_version": f"{version[0]}.{version[1]}",
        "pss": pss,
        "counts": count_by_severity([f for result in results for f in result.findings]),
        "documents": documents,
    }
    if len(documents) == 1:  # the shape of the single-workload answer, kept for existing clients
        body.update(kind=documents[0]["kind"], findings=documents[0]["findings"])
    return body


@router.post(
    "/diagram",
    response={**ANSWERS, 422: Error},
    url_name="diagram",
    summary="Draw a manifest (YAML in, SVG out)",
    openapi_extra={
        **MANIFEST_BODY,
        "responses": {
            200: {"description": "The diagram", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}
        },
    },
)
def diagram_manifest(
    request: HttpRequest,
    k8s_version: Version | None = None,
    pss: Level | None = None,
    choose: Number | None = None,
) -> Any:
    version = parse_supported_version(k8s_version)
    try:
        manifest = load_manifest(request.body, choose=choose)
    except ManifestError as exc:
        return manifest_error(exc)
    document = manifest.document
    findings = lint(document, version=version, pss=pss)
    dot = build_dot(document, roles_for(document), findings, version=f"{version[0]}.{version[1]}", pss=pss)
    try:
        svg = sanitize_svg(render(dot, "svg"))
    except RenderError as exc:
        return Status(422, {"error": f"the diagram could not be drawn: {exc}"})
    return HttpResponse(svg, content_type="image/svg+xml")
