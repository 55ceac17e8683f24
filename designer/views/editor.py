"""The editor page: one big form over a working copy (full-page posts without JS, htmx previews)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from designer import editor
from designer.access import get_design_for_user, permissions
from designer.models import Design
from designer.revisions import Content, StaleRevision, create_design, save_revision

PAGE = "designer/editor.html"


@login_required
@require_http_methods(["GET", "POST"])
def design_detail(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    if request.method == "GET":
        state = editor.open_editor(design)
        return render(request, PAGE, _context(request, design, state))
    state = _posted_state(request, design)
    action = request.POST.get("action", "")
    if action in ("save", "save-on-top"):
        return _save(request, design, state, on_top=action == "save-on-top")
    if action == "fork":
        return _fork(request, design, state)
    if action == "discard":
        messages.info(request, "Your changes were discarded; this is the latest revision.")
        return redirect(design)
    return render(request, PAGE, _context(request, design, state), status=400 if state.input_error else 200)


@login_required
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The live preview: diagram, findings and YAML as out-of-band swaps (form panel on actions)."""
    design = get_design_for_user(request.user, pk)
    state = _posted_state(request, design)
    digest = request.POST.get("findings_digest", "")
    ctx = _context(request, design, state, with_forms=state.structural, shown_digest=digest)
    return render(request, "designer/editor_preview.html", ctx, status=400 if state.input_error else 200)


def _posted_state(request: HttpRequest, design: Design) -> editor.EditorState:
    action = request.POST.get("action", "")
    if action in ("save", "save-on-top", "fork", "discard"):
        action = ""
    return editor.process(design, request.POST, action)


def _save(request: HttpRequest, design: Design, state: editor.EditorState, on_top: bool) -> HttpResponse:
    if "edit" not in permissions(request.user, design):
        raise Http404("No such design")
    if state.input_error or state.yaml_error:
        messages.error(
            request, "Fix the YAML before saving: nothing was saved, and your text is kept in the YAML tab."
        )
        return render(request, PAGE, _context(request, design, state), status=400)
    base = design.latest.number if on_top and design.latest else state.working.base
    try:
        revision = save_revision(
            design, state.working.content(), request.user, request.POST.get("message", "").strip(), base
        )
    except StaleRevision as exc:
        ctx = {**_context(request, design, state), **editor.conflict_context(design, state, exc.current)}
        return render(request, "designer/conflict.html", ctx, status=409)
    editor.store_version(design, state.version, state.pss)
    messages.success(request, f"Saved revision {revision.number}.")
    return _to(request, design.get_absolute_url())


def _fork(request: HttpRequest, design: Design, state: editor.EditorState) -> HttpResponse:
    content: Content = state.working.content()
    fork = create_design(
        request.user,
        f"{design.name} (fork)",
        content,
        k8s_version=state.version,
        pss_level=state.pss,
        forked_from=design,
    )
    messages.success(request, f"Forked into “{fork.name}”; your changes are its first revision.")
    return _to(request, fork.get_absolute_url())


def _to(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


def _context(
    request: HttpRequest,
    design: Design,
    state: editor.EditorState,
    with_forms: bool = True,
    shown_digest: str = "",
) -> dict[str, Any]:
    perms = permissions(request.user, design)
    return {
        "design": design,
        "state": state,
        "perms": perms,
        **editor.page_context(state, design, with_forms, shown_digest),
    }
