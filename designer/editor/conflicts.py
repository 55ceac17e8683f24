"""The conflict screen: someone saved the design since this tab's edit began."""

from __future__ import annotations

import difflib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from designer.editor.editing import EditorState
from designer.editor.state import WorkingCopy, yaml_of
from designer.models import Design
from designer.revisions import Content


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


def conflict_page(request: HttpRequest, design: Design, state: EditorState, outcome: Any) -> HttpResponse:
    current = outcome.current
    theirs_yaml = yaml_of(WorkingCopy.from_content(Content.of(current), current.number))
    mine_yaml = state.analysis.yaml_text
    diff = yaml_diff(theirs_yaml, mine_yaml, f"revision {current.number} (theirs)", "your changes (mine)")
    ctx = {
        "design": design,
        "state": state,
        "theirs": current,
        "theirs_yaml": theirs_yaml,
        "mine_yaml": mine_yaml,
        "diff_lines": diff_lines(diff),
        "conflicts": getattr(outcome, "conflicts", []),
    }
    return render(request, "designer/conflict.html", ctx, status=409)
