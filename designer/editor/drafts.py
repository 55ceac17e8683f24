"""Drafts: each user's working copy of a design, per browser tab, kept in the database.

Every applied post writes the draft and appends a DraftStep (the state after it), so that any
app server can render the panels, a closed tab or a crash loses nothing that was previewed,
and undo/redo walk the steps. A save turns the draft into a revision and deletes it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from designer.editor.state import WorkingCopy
from designer.models import Design, Draft, DraftStep, Revision
from designer.numbers import ascii_int
from designer.revisions import Content

# Undo reaches this many steps back; older steps are dropped as new ones come.
MAX_STEPS = 200
_TAB_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")


def new_tab_key() -> str:
    return secrets.token_urlsafe(12)


def valid_tab_key(key: Any) -> bool:
    return isinstance(key, str) and _TAB_KEY.match(key) is not None


def latest_working(design: Design) -> WorkingCopy:
    """The latest revision as a working copy, roles normalised: where a new edit starts."""
    return revision_working(design.latest)


def revision_working(revision: Revision | None) -> WorkingCopy:
    content = Content.of(revision) if revision else Content({}, [], {})
    working = WorkingCopy.from_content(content, revision.number if revision else None)
    working.normalise()
    return working


@dataclass
class Snapshot:
    """What a tab shows: the working copy, the target version and the enforced PodSecurity level."""

    working: WorkingCopy
    version: str
    pss: str
    draft: Draft | None = None

    @property
    def can_undo(self) -> bool:
        return self.draft is not None and self.draft.step > 0

    # Known after an edit (a new step ends the redo stack); otherwise asked once.
    redo: bool | None = None

    @property
    def can_redo(self) -> bool:
        if self.redo is None:
            self.redo = (
                self.draft is not None and self.draft.steps.filter(number__gt=self.draft.step).exists()
            )
        return self.redo


def find(design: Design, user: Any, tab: str) -> Draft | None:
    return Draft.objects.filter(design=design, user=user, tab_key=tab).first()


def others(design: Design, user: Any, tab: str) -> list[Draft]:
    """The user's drafts of this design in other tabs (closed, crashed): offered for resuming."""
    return list(Draft.objects.filter(design=design, user=user).exclude(tab_key=tab).order_by("-updated")[:5])


def load(design: Design, draft: Draft | None, base: Any = None) -> Snapshot:
    """The tab's state: its draft; without one, the revision the page was drawn from (`base`,
    posted by the page: an edit started before someone else saved still starts from there), or
    the latest revision."""
    if draft is None:
        revision = design.latest
        number = ascii_int(str(base)) if base not in (None, "") else None
        if number is not None and (revision is None or number != revision.number):
            revision = design.revisions.filter(number=number).first() or revision
        return Snapshot(revision_working(revision), design.k8s_version, design.pss_level)
    working = WorkingCopy(
        draft.document,
        list(draft.companions or []),
        dict(draft.roles or {}),
        draft.base_number,
        draft.position,
        draft.source_text,
    )
    return Snapshot(working, draft.k8s_version or design.k8s_version, draft.pss_level, draft)


def _same(a: WorkingCopy, b: WorkingCopy) -> bool:
    # The text counts on its own: a comment typed in the YAML tab is an edit (and an undo step).
    return (a.document, a.companions, a.roles, a.source_text) == (
        b.document,
        b.companions,
        b.roles,
        b.source_text,
    )


def record(
    design: Design, user: Any, tab: str, before: Snapshot, after: Snapshot, label: str = ""
) -> Draft | None:
    """Write the tab's new state; a new step when the document changed. None when nothing changed
    and the tab had no draft (looking is not editing)."""
    draft = before.draft
    changed = not _same(before.working, after.working)
    settings_changed = (before.version, before.pss) != (after.version, after.pss)
    if not changed and not settings_changed:
        return draft
    with transaction.atomic():
        if draft is not None:
            # Previews of one tab may overlap (a keystroke posts before the last answer came
            # back): the row lock orders them, and each numbers its step from the step the
            # draft holds now, not from the one it read before the lock.
            current = Draft.objects.select_for_update().filter(pk=draft.pk).values_list("step", flat=True)
            step = current.first()
            if step is None:
                draft = None  # discarded meanwhile (another tab, clean_drafts): start again
            else:
                draft.step = step
        if draft is None:
            draft = _create(design, user, tab, before)
        _write(draft, after)
        if changed:
            draft.steps.filter(number__gt=draft.step).delete()  # a new edit ends the redo stack
            draft.step += 1
            _step(draft, after.working, label)
            if draft.step > MAX_STEPS:
                draft.steps.filter(number__lte=draft.step - MAX_STEPS).delete()
        draft.save()
    return draft


def _create(design: Design, user: Any, tab: str, start: Snapshot) -> Draft:
    try:
        with transaction.atomic():
            draft = Draft(design=design, user=user, tab_key=tab, base_number=start.working.base, document={})
            _write(draft, start)
            draft.save()
    except IntegrityError:
        # The same tab posted twice at once: the other request made the draft.
        return Draft.objects.select_for_update().get(design=design, user=user, tab_key=tab)
    _step(draft, start.working, "opened")
    return draft


def _write(draft: Draft, snapshot: Snapshot) -> None:
    working = snapshot.working
    draft.document = working.document
    draft.companions = working.companions
    draft.roles = working.roles
    draft.position = working.position or 0
    draft.source_text = working.source_text
    draft.k8s_version = snapshot.version
    draft.pss_level = snapshot.pss
    draft.updated = timezone.now()


def _step(draft: Draft, working: WorkingCopy, label: str) -> None:
    DraftStep.objects.create(
        draft=draft,
        number=draft.step,
        document=working.document,
        companions=working.companions,
        roles=working.roles,
        source_text=working.source_text,
        label=label[:200],
    )


def move(draft: Draft, delta: int) -> bool:
    """Undo (-1) or redo (+1): the draft shows the neighbouring step; False when there is none."""
    step = DraftStep.objects.filter(draft=draft, number=draft.step + delta).first()
    if step is None:
        return False
    draft.step = step.number
    draft.document = step.document
    draft.companions = step.companions
    draft.roles = step.roles
    draft.source_text = step.source_text
    draft.updated = timezone.now()
    draft.save()
    return True


def rebase(draft: Draft, number: int | None) -> None:
    """The draft now builds on revision `number` (after a merge the user chose to keep editing)."""
    draft.base_number = number
    draft.save(update_fields=["base_number"])


def discard(design: Design, user: Any, tab: str) -> int:
    deleted, _ = Draft.objects.filter(design=design, user=user, tab_key=tab).delete()
    return deleted


def clean(max_age_days: int) -> int:
    """Delete drafts untouched for longer than max_age_days; the number deleted."""
    cutoff = timezone.now() - timedelta(days=max_age_days)
    count = Draft.objects.filter(updated__lt=cutoff).count()
    Draft.objects.filter(updated__lt=cutoff).delete()
    return count
