"""The editor's views: the page (full posts without JS, PRG), the htmx preview, save and conflicts.

Each request goes one way: the view reads the tab's draft and applies the post (editing.py),
saves when asked (saving.py), then draws the panels (panels.py) with the templates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from designer.access import get_design_for_user, permissions
from designer.editor import conflicts, drafts, editing, panels, saving
from designer.editor.state import analyse, draw_svg
from designer.models import Design
from designer.pod.diagram import build_lifecycle_dot
from designer.revisions import create_design

PAGE = "designer/editor.html"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def design_detail(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    tab = _tab(request)
    if request.method == "GET":
        state = editing.open_tab(design, request.user, tab)
        state.expanded = panels.expanded_prefixes(request.GET.get("open", ""))
        return _page(request, design, state)
    action = request.POST.get("action", "")
    if action == "discard":
        drafts.discard(design, request.user, tab)
        messages.info(request, "Your changes were discarded; this is the latest revision.")
        return redirect(design)
    if action == "discard-draft":
        other = request.POST.get("draft_tab", "")
        if drafts.valid_tab_key(other):
            drafts.discard(design, request.user, other)
            messages.info(request, "Those unsaved changes were discarded.")
        return redirect(_tab_url(design, tab))
    if action in conflicts.RESOLVE_ACTIONS:
        if "edit" not in permissions(request.user, design):
            raise Http404("No such design")
        return conflicts.resolve(request, design, tab, action)
    if action in ("undo", "redo"):
        state = editing.step(design, request.user, tab, -1 if action == "undo" else 1)
        if state.edit_error:
            messages.info(request, f"There is {state.edit_error}.")
        return redirect(_tab_url(design, tab))
    state = editing.process(design, request.user, tab, request.POST, action)
    state.expanded = panels.expanded_prefixes(request.POST.get("open", ""))
    if action == "save":
        return _save(request, design, state)
    if action == "fork":
        return _fork(request, design, state)
    if state.notice:
        messages.warning(request, state.notice)
    if state.yaml_error or state.edit_error or state.field_errors:
        return _page(request, design, state)  # shown with the errors; the draft has the rest
    shown = ",".join(sorted(state.expanded))
    return redirect(_tab_url(design, tab) + (f"&open={shown}" if shown else ""))


@never_cache
@login_required
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The live preview: status, diagram, findings and YAML as out-of-band swaps (forms after an
    action, YAML applied, undo or redo)."""
    design = get_design_for_user(request.user, pk)
    tab = _tab(request)
    action = request.POST.get("action", "")
    if action in ("undo", "redo"):
        state = editing.step(design, request.user, tab, -1 if action == "undo" else 1)
    else:
        state = editing.process(design, request.user, tab, request.POST, action)
    state.expanded = panels.expanded_prefixes(request.POST.get("open", ""))
    digest = request.POST.get("findings_digest", "")
    ctx = _context(request, design, state, with_forms=state.structural, shown_digest=digest)
    return render(request, "designer/editor_preview.html", ctx)


@never_cache
@login_required
@require_GET
def item_fields(request: HttpRequest, pk: int) -> HttpResponse:
    """What a closed section draws when it opens (htmx): the pod's fields or those of one container
    or volume of a large pod, or the start/stop drawing (prefix=lifecycle)."""
    design = get_design_for_user(request.user, pk)
    tab = _tab(request)
    snapshot = drafts.load(design, drafts.find(design, request.user, tab))
    prefix = request.GET.get("prefix", "")
    if prefix == panels.LIFECYCLE:
        dot = build_lifecycle_dot(snapshot.working.document, snapshot.working.role_map)
        context = {"design": design, "lifecycle_dot": panels.single_quoted(dot)}
        return render(request, "designer/editor.html#lifecycle-figure", context)
    found = panels.item_section(snapshot.working, prefix)
    if found is None:  # no such item, or one past the form limit (edited in YAML)
        return HttpResponseBadRequest("That item has no form to show.", content_type="text/plain")
    kind, item = found
    if kind == "pod":
        return render(request, "designer/editor.html#pod-fields", {"sections": {"pod": item}})
    if kind == "volume":
        return render(request, "designer/editor.html#volume-fields", {"v": item})
    return render(request, "designer/editor.html#container-fields", {"c": item})


@never_cache
@login_required
@require_GET
def draft_diagram(request: HttpRequest, pk: int) -> HttpResponse:
    """This tab's draft drawn by the server (SVG): the diagram of the page without JavaScript,
    where the browser cannot lay out the DOT the page carries."""
    design = get_design_for_user(request.user, pk)
    snapshot = drafts.load(design, drafts.find(design, request.user, _tab(request)))
    analysis = analyse(snapshot.working, snapshot.version, pss=snapshot.pss or None)
    svg, error = draw_svg(analysis.dot)
    if error:
        return HttpResponse(error, content_type="text/plain; charset=utf-8", status=503)
    return HttpResponse(svg, content_type="image/svg+xml")


def _save(request: HttpRequest, design: Design, state: editing.EditorState) -> HttpResponse:
    if "edit" not in permissions(request.user, design):
        raise Http404("No such design")
    if state.yaml_error:
        messages.error(
            request, "Fix the YAML before saving: nothing was saved, and your text is kept in the YAML tab."
        )
        return _page(request, design, state, status=400)
    settings_changed = (state.version, state.pss) != (design.k8s_version, design.pss_level)
    outcome = saving.save_tab(design, request.user, state, request.POST.get("message", "").strip())
    if outcome.kind == "conflict":
        return conflicts.conflict_page(request, design, state, outcome)
    text = saving.describe(outcome, settings_changed)
    if outcome.kind == "unchanged":
        messages.info(request, text)
    else:
        messages.success(request, text)
    return _to(request, design.get_absolute_url())


def _fork(request: HttpRequest, design: Design, state: editing.EditorState) -> HttpResponse:
    fork = create_design(
        request.user,
        f"{design.name} (fork)",
        state.working.content(),
        k8s_version=state.version,
        pss_level=state.pss,
        forked_from=design,
    )
    drafts.discard(design, request.user, state.tab)
    messages.success(request, f"Forked into “{fork.name}”; your changes are its first revision.")
    return _to(request, fork.get_absolute_url())


def _tab(request: HttpRequest) -> str:
    key = request.POST.get("tab") if request.method == "POST" else request.GET.get("tab")
    return key if key is not None and drafts.valid_tab_key(key) else drafts.new_tab_key()


def _tab_url(design: Design, tab: str) -> str:
    return f"{design.get_absolute_url()}?tab={tab}"


def _to(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


def _page(
    request: HttpRequest, design: Design, state: editing.EditorState, status: int = 200
) -> HttpResponse:
    ctx = _context(request, design, state)
    if state.snapshot.draft is None:
        ctx["resumable"] = drafts.others(design, request.user, state.tab)
    return render(request, PAGE, ctx, status=status)


def _context(
    request: HttpRequest,
    design: Design,
    state: editing.EditorState,
    with_forms: bool = True,
    shown_digest: str = "",
) -> dict[str, Any]:
    return {
        "design": design,
        "state": state,
        "perms": permissions(request.user, design),
        "can_undo": state.snapshot.can_undo,
        "can_redo": state.snapshot.can_redo,
        **panels.page_context(state, design, with_forms, shown_digest),
    }
