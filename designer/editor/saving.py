"""Saving a tab: its draft becomes a revision (or nothing, when nothing changed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.editor import drafts
from designer.editor.editing import EditorState, is_dirty
from designer.models import Design, Revision
from designer.revisions import StaleRevision, save_revision


@dataclass
class Outcome:
    """unchanged (no revision made) | saved | conflict (someone saved since: current)."""

    kind: str
    revision: Revision | None = None
    current: Revision | None = None
    merged: list[str] = field(default_factory=list)


def save_tab(design: Design, user: Any, state: EditorState, message: str) -> Outcome:
    if not is_dirty(design, state.snapshot):
        drafts.discard(design, user, state.tab)
        return Outcome("unchanged", current=design.latest)
    try:
        revision = save_revision(design, state.working.content(), user, message, state.working.base)
    except StaleRevision as exc:
        return Outcome("conflict", current=exc.current)
    store_settings(design, state.version, state.pss)
    drafts.discard(design, user, state.tab)
    return Outcome("saved", revision=revision)


def store_settings(design: Design, version: str, pss: str) -> None:
    """The target version and the enforced PodSecurity level belong to the design, saved with a revision."""
    changed: dict[str, str] = {}
    if version != design.k8s_version:
        changed["k8s_version"] = version
    if pss != design.pss_level:
        changed["pss_level"] = pss
    if changed:
        Design.objects.filter(pk=design.pk).update(**changed)
        for name, value in changed.items():
            setattr(design, name, value)


def describe(outcome: Outcome) -> str:
    """The message after a save."""
    assert outcome.revision is not None
    if outcome.merged:
        return f"Saved revision {outcome.revision.number}, merged with the changes saved meanwhile: {', '.join(outcome.merged)}."
    return f"Saved revision {outcome.revision.number}."
