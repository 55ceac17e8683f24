"""History: every revision of a design, an old revision, the diff of two, restore as a new one."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from designer.access import get_design_for_user, permissions
from designer.diffs import diff_html
from designer.documents import revision_text, role_map
from designer.models import Design, Revision
from designer.numbers import ascii_int
from designer.revisions import Content, StaleRevision, save_revision


def _revision(design: Design, number: int) -> Revision:
    revision = design.revisions.select_related("author").filter(number=number).first()
    if revision is None:
        raise Http404("No such revision")
    return revision


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    revisions = design.revisions.select_related("author").defer("document", "companions", "roles")
    page = Paginator(revisions.order_by("-number"), 50).get_page(ascii_int(request.GET.get("page")))
    events = design.events.select_related("actor").order_by("-created", "-id")[:200]
    ctx = {"design": design, "page": page, "events": events, "perms": permissions(request.user, design)}
    return render(request, "designer/history.html", ctx)


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The history page's plain GET form picks two numbers; the diff lives at a stable URL."""
    design = get_design_for_user(request.user, pk)
    a, b = ascii_int(request.GET.get("a")), ascii_int(request.GET.get("b"))
    if a is None or b is None:  # the diff URL takes revision numbers: ASCII digits, never negative
        return redirect("designer:history", design.pk)
    return redirect("designer:diff", design.pk, min(a, b), max(a, b))


@login_required
@require_GET
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    revision = _revision(design, number)
    ctx = {
        "design": design,
        "revision": revision,
        "yaml_text": revision_text(revision),
        "diagram_url": _diagram_svg(revision, design),
        "perms": permissions(request.user, design),
    }
    return render(request, "designer/revision_detail.html", ctx)


@login_required
@require_GET
def diff(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk)
    old, new = _revision(design, a), _revision(design, b)
    ctx = {
        "design": design,
        "old": old,
        "new": new,
        "diff": diff_html(revision_text(old), revision_text(new)),
        "perms": permissions(request.user, design),
    }
    return render(request, "designer/diff.html", ctx)


@login_required
@require_POST
def restore_revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk, need="edit")
    old = _revision(design, number)
    base = ascii_int(request.POST.get("base_revision"))
    if base is None:  # without the revision the page showed, a restore could undo a newer save
        return HttpResponseBadRequest("base_revision must be a revision number", content_type="text/plain")
    try:
        save_revision(
            design, Content.of(old), request.user, f"Restored revision {old.number}", base_number=base
        )
    except StaleRevision as exc:
        messages.error(request, f"Revision {exc.current.number} was saved meanwhile; nothing was restored.")
        return redirect("designer:history", design.pk)
    messages.success(request, f"Restored revision {old.number} as revision {design.revision_count}.")
    return redirect("designer:history", design.pk)


def _diagram_svg(revision: Revision, design: Design) -> str:
    """The diagram of an old revision as a data: URL, or "" (a render failure never breaks the page).

    Shown through <img>, where an SVG cannot run scripts whatever text it carries.
    """
    try:
        from designer.pod.diagram import build_dot
        from designer.pod.render import render as render_dot
    except ImportError:
        return ""
    try:
        output = render_dot(
            build_dot(revision.document, roles=role_map(revision), version=design.k8s_version), "svg"
        )
    except Exception:  # noqa: BLE001 - a missing engine or a bad graph must not break the history
        return ""
    data = output if isinstance(output, bytes) else str(output).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode()
