"""Diagram downloads of a design's latest revision: SVG, PNG, DOT, lifecycle, and the bundle."""

from __future__ import annotations

import io
import json
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from designer.access import get_design_for_user
from designer.documents import export_filename
from designer.editor import state as editor
from designer.editor.drafts import latest_working
from designer.models import Design
from designer.pod.render import RenderError, sanitize_svg

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "dot": "text/vnd.graphviz; charset=utf-8"}


@login_required
@require_GET
def diagram(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404("Diagrams come as .svg, .png or .dot")
    working = latest_working(design)
    analysis = editor.analyse(working, design.k8s_version, draw=False, pss=design.pss)
    from designer.pod.diagram import build_dot

    dot = build_dot(working.document, working.role_map, analysis.findings, design.k8s_version, pss=design.pss)
    return _drawing(dot, fmt, f"{_base(design)}-diagram.{fmt}")


@login_required
@require_GET
def lifecycle(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    working = latest_working(design)
    from designer.pod.diagram import build_lifecycle_dot

    return _drawing(
        build_lifecycle_dot(working.document, working.role_map), "svg", f"{_base(design)}-lifecycle.svg"
    )


@login_required
@require_GET
def bundle(request: HttpRequest, pk: int) -> HttpResponse:
    """YAML + SVG + PNG + findings.json in one zip; a failed render leaves a note instead."""
    design = get_design_for_user(request.user, pk)
    working = latest_working(design)
    analysis = editor.analyse(working, design.k8s_version, draw=False, pss=design.pss)
    from designer.pod.diagram import build_dot

    dot = build_dot(working.document, working.role_map, analysis.findings, design.k8s_version, pss=design.pss)
    base = _base(design)
    kind = str(working.document.get("kind") or "Pod")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(export_filename(design, kind, "yaml"), analysis.yaml_text)
        archive.writestr(f"{base}-diagram.dot", dot)
        try:
            archive.writestr(f"{base}-diagram.svg", sanitize_svg(editor.render_bytes(dot, "svg")))
            archive.writestr(f"{base}-diagram.png", editor.render_bytes(dot, "png"))
        except RenderError as exc:
            archive.writestr("diagram-error.txt", f"The diagram could not be drawn: {exc}\n")
        report = {
            "design": design.name,
            "revision": design.latest.number if design.latest else None,
            "kubernetesVersion": design.k8s_version,
            "podSecurityLevel": design.pss,
            "counts": analysis.counts,
            "findings": [f.as_dict() for f in analysis.findings],
        }
        archive.writestr("findings.json", json.dumps(report, indent=2) + "\n")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{base}-bundle.zip"'
    return response


def _drawing(dot: str, fmt: str, filename: str) -> HttpResponse:
    try:
        data = editor.render_bytes(dot, fmt)
        if fmt == "svg":
            data = sanitize_svg(data)
    except RenderError as exc:
        # A clear message for the person or script that asked, never a server error page.
        return HttpResponse(
            f"The diagram could not be drawn: {exc}\n", status=503, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "svg" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _base(design: Design) -> str:
    from django.utils.text import slugify

    return slugify(design.name) or f"design-{design.pk}"
