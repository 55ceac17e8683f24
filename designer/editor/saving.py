"""Saving a tab: its draft becomes a revision, merged with what others saved meanwhile.

The merge itself is the core's (designer.pod.merge) behind designer.revisions.save_content:
a save that changes nothing makes no revision; a stale base whose changes do not overlap
lands on top with both; overlapping changes come back as a conflict the user resolves field by
field (save_resolution). Nothing is saved over a teammate's change without the user's choice.
"""

from __future__ import annotations

from typing import Any

from designer.editor import drafts
from designer.editor.editing import EditorState
from designer.models import Design
from designer.pod.merge import Side, describe_changes
from designer.revisions import NORMALISED_MESSAGE, SaveOutcome, save_content, save_resolution


def save_tab(design: Design, user: Any, state: EditorState, message: str) -> SaveOutcome:
    """Save the tab's draft; the draft is gone unless the outcome is a conflict."""
    outcome = save_content(design, state.working.content(), user, message, state.working.base)
    return _settled(design, user, state, outcome)


def resolve_tab(
    design: Design, user: Any, state: EditorState, message: str, theirs_number: int, choices: dict[str, Side]
) -> SaveOutcome:
    """Save the draft with the user's side for each conflicting field (DESIGN.md §2)."""
    base = state.working.base if state.working.base is not None else theirs_number
    outcome = save_resolution(design, state.working.content(), user, message, base, theirs_number, choices)
    return _settled(design, user, state, outcome)


def _settled(design: Design, user: Any, state: EditorState, outcome: SaveOutcome) -> SaveOutcome:
    if outcome.kind != "conflict":
        store_settings(design, state.version, state.pss)
        drafts.discard(design, user, state.tab)
    return outcome


def describe(outcome: SaveOutcome, settings_changed: bool = False) -> str:
    """What the user is told after a save that did not end in a conflict."""
    told = _describe(outcome, settings_changed)
    return f"{told} {NORMALISED_MESSAGE}" if outcome.normalised else told


def _describe(outcome: SaveOutcome, settings_changed: bool) -> str:
    number = outcome.revision.number
    if outcome.kind == "unchanged":
        if settings_changed:
            return f"Saved the target version and PodSecurity level; the manifest is revision {number} as it is, so no revision was made."
        return f"Nothing to save: this is revision {number} as it is. No revision was made."
    if outcome.kind == "merged" and outcome.merge is not None:
        return (
            f"Saved revision {number}: merged with the changes saved since your edit began "
            f"({describe_changes(outcome.merge.changes)})."
        )
    return f"Saved revision {number}."


def store_settings(design: Design, version: str, pss: str) -> bool:
    """The target version and the enforced PodSecurity level belong to the design: saved with it.
    True when they changed."""
    changed: dict[str, str] = {}
    if version != design.k8s_version:
        changed["k8s_version"] = version
    if pss != design.pss_level:
        changed["pss_level"] = pss
    if changed:
        Design.objects.filter(pk=design.pk).update(**changed)
        for name, value in changed.items():
            setattr(design, name, value)
    return bool(changed)
