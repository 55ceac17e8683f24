"""The conflict screen: someone saved the design since this tab's edit began, and changed some
of the same fields. Each is listed with its value before, theirs and mine; the user keeps one
side per field (or all of theirs, or all of mine), forks, or discards their draft."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from designer.editor import drafts, editing, saving
from designer.editor.state import WorkingCopy, yaml_of
from designer.models import Design
from designer.numbers import ascii_int
from designer.pod.merge import SIDES, Side, UnresolvedConflicts, show
from designer.revisions import Content, SaveOutcome, StaleRevision

RESOLVE_ACTIONS = ("resolve", "resolve-theirs", "resolve-mine")


def yaml_diff(theirs: str, mine: str, theirs_label: str, mine_label: str) -> str:
    """A unified diff of two manifests."""
    return "".join(
        difflib.unified_diff(
            theirs.splitlines(keepends=True), mine.splitlines(keepends=True), theirs_label, mine_label, n=3
        )
    )


def diff_lines(diff: str) -> list[dict[str, str]]:
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [
        {"kind": kinds.get(line[:1], "context"), "text": line.rstrip("\n")} for line in diff.splitlines(True)
    ]


def conflict_page(
    request: HttpRequest, design: Design, state: editing.EditorState, outcome: SaveOutcome, error: str = ""
) -> HttpResponse:
    theirs = outcome.revision
    theirs_yaml = yaml_of(WorkingCopy.from_content(Content.of(theirs), theirs.number))
    mine_yaml = state.analysis.yaml_text
    diff = yaml_diff(theirs_yaml, mine_yaml, f"revision {theirs.number} (theirs)", "your changes (mine)")
    conflicts = outcome.merge.conflicts if outcome.merge is not None else []
    ctx = {
        "design": design,
        "state": state,
        "theirs": theirs,
        "theirs_yaml": theirs_yaml,
        "mine_yaml": mine_yaml,
        "diff_lines": diff_lines(diff),
        "conflicts": [
            {"path": c.path, "base": show(c.base), "theirs": show(c.theirs), "mine": show(c.mine)}
            for c in conflicts
        ],
        "error": error,
    }
    return render(request, "designer/conflict.html", ctx, status=409)


def resolve(request: HttpRequest, design: Design, tab: str, action: str) -> HttpResponse:
    """Save the draft with the choices made on the conflict screen."""
    state = editing.open_tab(design, request.user, tab)
    if state.snapshot.draft is None:
        messages.info(request, "There is no unsaved edit to resolve in this tab any more.")
        return redirect(design)
    message = request.POST.get("message", "").strip()
    state.message = message
    theirs_number = ascii_int(request.POST.get("theirs_number", ""))
    if theirs_number is None:
        theirs_number = -1
    settings_changed = (state.version, state.pss) != (design.k8s_version, design.pss_level)
    # Where the conflicts stand now: someone may have saved again since the screen was drawn.
    outcome = saving.save_tab(design, request.user, state, message)
    if outcome.kind != "conflict":
        messages.success(request, saving.describe(outcome, settings_changed))
        return redirect(design)
    if outcome.revision.number != theirs_number:
        error = f"Revision {outcome.revision.number} was saved meanwhile: choose again."
        return conflict_page(request, design, state, outcome, error)
    assert outcome.merge is not None
    paths = [c.path for c in outcome.merge.conflicts]
    choices: dict[str, Side] = {}
    for path in paths:
        side = action.removeprefix("resolve-") if action != "resolve" else request.POST.get(f"choice:{path}")
        if side in SIDES:
            choices[path] = side
    try:
        final = saving.resolve_tab(design, request.user, state, message, theirs_number, choices)
    except UnresolvedConflicts:
        return conflict_page(request, design, state, outcome, "Choose theirs or mine for every field.")
    except StaleRevision:
        return conflict_page(request, design, state, outcome, "The design keeps changing: try again.")
    if final.kind == "conflict":
        return conflict_page(request, design, state, final, "Revision saved meanwhile: choose again.")
    messages.success(request, saving.describe(final, settings_changed))
    drafts.discard(design, request.user, tab)
    return redirect(design)
