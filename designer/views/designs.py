"""Creating designs (blank, from a starter, by import) and the export (the editor: views/editor.py)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from designer.access import get_design_for_user
from designer.documents import BLANK_POD, export_filename, revision_text
from designer.forms import BlankDesignForm, ImportForm
from designer.models import Design
from designer.pod.manifest import Manifest, ManifestError, MultipleWorkloads, load_manifest
from designer.pod.source import stream_documents, text_for_import
from designer.pod.starters import get_starter, list_starters
from designer.pod.workloads import WORKLOAD_KINDS
from designer.revisions import Content, create_design


@login_required
@require_http_methods(["GET", "POST"])
def new_design(request: HttpRequest) -> HttpResponse:
    import_form = ImportForm(prefix="import")
    blank_form = BlankDesignForm(prefix="blank")
    candidates: list[tuple[int, str, str]] = []
    if request.method == "POST" and "blank-name" in request.POST:
        blank_form = BlankDesignForm(request.POST, prefix="blank")
        if blank_form.is_valid():
            doc = copy.deepcopy(BLANK_POD)
            doc["metadata"]["name"] = _k8s_name(blank_form.cleaned_data["name"])
            doc["metadata"]["labels"]["app"] = doc["metadata"]["name"]
            design = create_design(
                request.user,
                blank_form.cleaned_data["name"],
                Content(doc, [], {}),
                k8s_version=blank_form.cleaned_data["k8s_version"],
                pss_level=blank_form.cleaned_data["pss_level"],
            )
            return redirect(design)
    elif request.method == "POST":
        import_form = ImportForm(request.POST, request.FILES, prefix="import")
        if import_form.is_valid():
            data = import_form.cleaned_data
            try:
                manifest = load_manifest(data["source"], choose=data.get("choose"))
            except MultipleWorkloads as exc:
                candidates = exc.candidates
                import_form.add_error(None, "The input holds several workloads: choose the one to design.")
            except ManifestError as exc:
                import_form.add_error("text", str(exc))
            else:
                name = data.get("name") or _workload_name(manifest.document) or "imported design"
                design = create_design(
                    request.user,
                    name,
                    _imported(manifest, data["source"]),
                    k8s_version=data["k8s_version"],
                    pss_level=data["pss_level"],
                )
                messages.success(request, f"Imported {manifest.kind} “{name}”.")
                return redirect(design)
    ctx = {
        "import_form": import_form,
        "blank_form": blank_form,
        "candidates": candidates,
        "starters": list_starters(),
        "starter_designs": {
            d.starter_slug: d for d in Design.objects.filter(is_starter=True, deleted_at=None)
        },
    }
    return render(request, "designer/new_design.html", ctx, status=400 if import_form.errors else 200)


@login_required
@require_GET
def export_manifest(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    revision = design.latest
    if revision is None:  # never, as designs are created with their first revision; but not a 500
        raise Http404("This design has no revision to export")
    kind = request.GET.get("kind") or str(revision.document.get("kind") or "Pod")
    fmt = request.GET.get("format", "yaml")
    if kind not in WORKLOAD_KINDS or fmt not in ("yaml", "json"):
        return HttpResponseBadRequest(
            f"kind must be one of {', '.join(WORKLOAD_KINDS)} and format yaml or json",
            content_type="text/plain",
        )
    annotations = request.GET.get("annotations", "1") not in ("0", "false", "no")
    text = revision_text(revision, kind=kind, fmt=fmt, annotations=annotations)
    content_type = "application/json" if fmt == "json" else "application/yaml"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(design, kind, fmt)}"'
    return response


@login_required
@require_http_methods(["POST"])
def start_from_starter(request: HttpRequest, slug: str) -> HttpResponse:
    starter = get_starter(slug)
    if starter is None:
        return render(request, "404.html", status=404)
    manifest = load_manifest(starter.text)
    design = create_design(
        request.user,
        starter.name,
        _imported(manifest, starter.text),
        description=starter.description,
    )
    messages.success(request, f"Started from the “{starter.name}” pattern.")
    return redirect(design)


def _imported(manifest: Manifest, source: str | bytes) -> Content:
    """What an import saves: the documents, and the text as the user gave it (DESIGN.md §2)."""
    documents = stream_documents(manifest.document, manifest.companions, manifest.position)
    if isinstance(source, str):
        # A browser sends a textarea's line breaks as CRLF whatever the user pasted.
        source = source.replace("\r\n", "\n")
    try:
        text: str | None = text_for_import(source, documents)
    except (ManifestError, UnicodeDecodeError):
        text = None  # the canonical dump stands in
    return Content(manifest.document, manifest.companions, {}, manifest.position, source_text=text)


def _workload_name(document: dict[str, Any]) -> str:
    meta = document.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) else ""


def _k8s_name(text: str) -> str:
    from django.utils.text import slugify

    return (slugify(text) or "my-pod")[:63].strip("-") or "my-pod"
