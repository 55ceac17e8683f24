"""Saving designs: every save is a new immutable Revision; a stale base is merged or a conflict.

Concurrency: the design row is locked (SELECT ... FOR UPDATE on PostgreSQL; an IMMEDIATE
transaction on SQLite takes the write lock at BEGIN), the base revision number is compared with
the latest, and only then is revision latest+1 written. Two simultaneous saves from the same
base: one lands, the other gets StaleRevision with the revision that won.

Texts: a revision keeps the source text the user gave or typed beside its document (DESIGN.md
§2). kept_text decides what is stored: a given text once it loads to exactly the documents, or
the latest revision's text patched from its documents to the new ones (source.patch_text);
the canonical dump (stored as "") when neither holds, with Content.normalised set.

save_content is the save of a draft: no revision when nothing changed, and a stale base merged
three ways (designer.pod.merge) with the latest; only overlapping changes come back as a
conflict, which save_resolution then saves with the user's per-field choices.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from designer.models import Design, Revision
from designer.pod.findings import count_by_severity
from designer.pod.manifest import ManifestError
from designer.pod.merge import (
    MergeResult,
    Parts,
    Side,
    describe_changes,
    describe_choices,
    merge_parts,
    resolve,
)
from designer.pod.model import PodView
from designer.pod.roles import Role, container_names, roles_for
from designer.pod.source import canonical as canonical_text
from designer.pod.source import check, is_json, patch_text, refuse_oversized, stream_documents


class StaleRevision(Exception):
    """Someone saved since the edit started; carries the revision that is now the latest."""

    def __init__(self, current: Revision) -> None:
        super().__init__(f"revision {current.number} was saved since this edit started")
        self.current = current


@dataclass
class Content:
    """What a revision holds: the workload document, its companions and the roles."""

    document: dict[str, Any]
    companions: list[dict[str, Any]]
    roles: dict[str, str]
    # The workload's place among its companions in the stream; None keeps the latest revision's.
    position: int | None = None
    # The text the user gave or typed (DESIGN.md §2); None derives it from the latest revision's
    # text with a minimal patch. Set by save_revision: whether the text had to be replaced by the
    # canonical dump (the caller tells the user in one line).
    source_text: str | None = None
    normalised: bool = False

    @classmethod
    def of(cls, revision: Revision) -> Content:
        return cls(
            revision.document,
            list(revision.companions or []),
            dict(revision.roles or {}),
            revision.position,
            revision.source_text or None,
        )


NORMALISED_MESSAGE = (
    "The formatting of this manifest was normalised: its text no longer matched the document."
)


def kept_text(content: Content, position: int, current: Revision | None) -> tuple[str, bool]:
    """The source text a new revision stores, and whether it is the canonical dump instead.

    "" stands for the canonical dump (as for revisions saved before texts were kept). A given
    text must load to exactly the documents (source.check) and not outgrow them by more than
    the loader's limit; otherwise the canonical dump replaces it.
    """
    documents = stream_documents(content.document, content.companions, position)
    if content.source_text is not None:
        try:
            refuse_oversized(content.source_text, documents)
        except ManifestError:
            return "", True
        if check(content.source_text, documents):
            return _stored(content.source_text, documents), False
        return "", True
    if current is None or not current.source_text:
        return "", False
    old = stream_documents(current.document, list(current.companions or []), current.position)
    patched = patch_text(current.source_text, old, documents)
    return _stored(patched.text, documents), patched.normalised


def _stored(text: str, documents: list[dict[str, Any]]) -> str:
    """ "" when the text is the canonical dump anyway: old and new revisions read alike."""
    return "" if text == canonical_text(documents, is_json(text)) else text


def normalise_roles(document: dict[str, Any], roles: dict[str, Any] | None) -> dict[str, str]:
    """Roles for exactly the document's containers: given ones kept, the rest inferred."""
    inferred = roles_for(document)
    given = roles or {}
    result: dict[str, str] = {}
    for name in container_names(document):
        value = given.get(name)
        try:
            result[name] = Role(value).value if value else inferred[name].value
        except ValueError:
            result[name] = inferred[name].value
    return result


def lint_counts(content: Content, version: str, pss: str | None = None) -> tuple[int, int]:
    """Unwaived (errors, warnings) of a document, for the library and history lists."""
    from designer.pod.rules.lint import lint

    roles = {k: Role(v) for k, v in content.roles.items()}
    findings = lint(content.document, version=version, roles=roles, pss=pss, companions=content.companions)
    counts = count_by_severity(findings)
    return counts["error"], counts["warning"]


def db_text(text: str) -> str:
    """Text safe for every database: PostgreSQL refuses NUL characters in text columns.

    Documents are stored as JSON text, where json.dumps escapes NUL as \\u0000, so only the
    plain text columns (message, search text) need this.
    """
    return text.replace("\x00", "") if "\x00" in text else text


def _search_text(design: Design, content: Content) -> str:
    parts = [design.name, design.description]
    for c in PodView.of(content.document).containers():
        parts += [str(c.get("name", "")), str(c.get("image", ""))]
    return db_text(" ".join(parts).lower())


def save_revision(
    design: Design,
    content: Content,
    author: Any,
    message: str = "",
    base_number: int | None = None,
) -> Revision:
    """Append revision latest+1; StaleRevision when base_number is not the latest any more."""
    content.roles = normalise_roles(content.document, content.roles)
    errors, warnings = lint_counts(content, design.k8s_version, design.pss)
    with transaction.atomic():
        locked = Design.objects.select_for_update().get(pk=design.pk)
        current = locked.latest
        if current is not None and base_number is not None and base_number != current.number:
            raise StaleRevision(current)
        number = (current.number if current else 0) + 1
        position = _position(content, current)
        source_text, content.normalised = kept_text(content, position, current)
        revision = Revision.objects.create(
            design=locked,
            number=number,
            document=content.document,
            companions=content.companions,
            roles=content.roles,
            position=position,
            source_text=db_text(source_text),
            author=author if getattr(author, "is_authenticated", False) else None,
            message=db_text(message)[:500],
            parent_number=current.number if current else None,
            error_count=errors,
            warning_count=warnings,
        )
        _refresh_summary(locked, revision, content)
        locked.save()
    design.refresh_from_db()
    return revision


def _position(content: Content, current: Revision | None) -> int:
    position = content.position if content.position is not None else (current.position if current else 0)
    return max(0, min(position, len(content.companions)))


def _refresh_summary(design: Design, revision: Revision, content: Content) -> None:
    design.latest = revision
    design.revision_count = revision.number
    design.updated = timezone.now()
    design.kind = str(content.document.get("kind") or "Pod")[:30]
    design.search_text = _search_text(design, content)
    design.roles_present = ",".join(sorted(set(content.roles.values())))
    design.error_count = revision.error_count
    design.warning_count = revision.warning_count


def create_design(owner: Any, name: str, content: Content, **fields: Any) -> Design:
    """A new design with its first revision."""
    with transaction.atomic():
        design = Design.objects.create(
            name=name[:200], owner=owner if owner and owner.is_authenticated else None, **fields
        )
        save_revision(design, content, owner, message="Created")
    return design


# --- saving a draft: unchanged, saved, merged or conflict ------------------------------------

# Each attempt merges against the latest revision and writes only if it is still the latest
# (save_revision's lock and compare); a save landing in between means merging again.
SAVE_ATTEMPTS = 5


@dataclass
class SaveOutcome:
    """What a save came to.

    unchanged: nothing differs from the latest revision: none was created (`revision` is the
    latest). saved / merged: `revision` is the new one; merged means the base was stale and the
    latest's changes were combined with mine (`merge` says which paths). conflict: nothing was
    saved; `revision` is the latest, `base` the revision the edit started from, `mine` the edit,
    `merge.conflicts` the overlapping paths.
    """

    kind: Literal["unchanged", "saved", "merged", "conflict"]
    revision: Revision
    merge: MergeResult[Parts] | None = None
    base: Revision | None = None
    mine: Content | None = None
    # The saved text is the canonical dump: the draft's no longer loaded to its document.
    normalised: bool = False


def save_content(
    design: Design, content: Content, author: Any, message: str = "", base_number: int | None = None
) -> SaveOutcome:
    """Save a draft's content edited from revision base_number (None: on top of the latest)."""
    return _save_merging(design, content, author, message, base_number, [])


def save_resolution(
    design: Design,
    content: Content,
    author: Any,
    message: str,
    base_number: int,
    theirs_number: int,
    choices: Mapping[str, Side],
) -> SaveOutcome:
    """Save mine merged with revision theirs_number, each conflict taking the chosen side.

    The choices answer the conflicts of merging base_number, theirs_number and mine (as the
    conflict outcome showed them); a choice missing or for another path raises
    designer.pod.merge.UnresolvedConflicts. The result is saved on top of theirs_number, so a
    save that landed since is merged in turn (or is a new conflict).
    """
    base, theirs = _revision(design, base_number), _revision(design, theirs_number)
    mine = _normalised(content, base)
    result = merge_parts(_parts(Content.of(base)), _parts(Content.of(theirs)), _parts(mine))
    resolved = _content(resolve(result, choices))
    note = f"resolved against {_since(design, base, theirs)}: {describe_choices(choices)}"
    return _save_merging(design, resolved, author, message, theirs_number, [note])


def _save_merging(
    design: Design, content: Content, author: Any, message: str, base_number: int | None, notes: list[str]
) -> SaveOutcome:
    for _attempt in range(SAVE_ATTEMPTS):
        current = Design.objects.select_related("latest").get(pk=design.pk).latest
        if current is None:
            revision = save_revision(design, content, author, _noted(message, notes))
            return SaveOutcome("saved", revision, normalised=content.normalised)
        latest: Revision = current
        if base_number is None or base_number == latest.number:
            mine = _normalised(content, latest)
            if _same_content(mine, Content.of(latest)):
                return SaveOutcome("unchanged", latest)
            kind: Literal["saved", "merged"] = "saved"
            to_save, result, merge_notes = mine, None, notes
        else:
            base = _revision(design, base_number)
            mine = _normalised(content, base)
            result = merge_parts(_parts(Content.of(base)), _parts(Content.of(latest)), _parts(mine))
            if result.conflicts:
                return SaveOutcome("conflict", latest, result, base, mine)
            to_save = _content(result.merged)
            if _same_content(to_save, Content.of(latest)):
                return SaveOutcome("unchanged", latest, result, base, mine)
            kind = "merged"
            merge_notes = [
                *notes,
                f"merged with {_since(design, base, latest)}: {describe_changes(result.changes)}",
            ]
        try:
            revision = save_revision(
                design, to_save, author, _noted(message, merge_notes), base_number=latest.number
            )
        except StaleRevision:
            continue
        return SaveOutcome(kind, revision, result, None, mine, to_save.normalised)
    raise StaleRevision(latest)


def _revision(design: Design, number: int) -> Revision:
    """A revision of the design; an unknown number is as stale as can be."""
    revision = design.revisions.filter(number=number).first()
    if revision is None:
        latest = Design.objects.get(pk=design.pk).latest
        if latest is None:
            raise Revision.DoesNotExist(f"design {design.pk} has no revision {number}")
        raise StaleRevision(latest)
    return revision


def _normalised(content: Content, base: Revision) -> Content:
    """Roles for exactly the document's containers, and the position the edit started from."""
    position = content.position if content.position is not None else base.position
    roles = normalise_roles(content.document, content.roles)
    return Content(content.document, content.companions, roles, position, content.source_text)


def _parts(content: Content) -> Parts:
    return Parts(content.document, content.companions, content.roles, content.position or 0)


def _content(parts: Parts) -> Content:
    return Content(parts.document, parts.companions, parts.roles, parts.position)


def _same_content(a: Content, b: Content) -> bool:
    """Equal with key order (the user's text keeps it) and position."""

    def key(c: Content) -> str:
        return json.dumps([c.document, c.companions, c.roles, c.position or 0])

    return key(a) == key(b) and _same_text(a, b)


def _same_text(mine: Content, saved: Content) -> bool:
    """Whether a text typed in the draft (None: none typed) is the saved one: comments count."""
    if mine.source_text is None:
        return True
    documents = stream_documents(saved.document, saved.companions, saved.position or 0)
    return mine.source_text == (saved.source_text or canonical_text(documents))


def _since(design: Design, base: Revision, latest: Revision) -> str:
    """'r5 by alice', 'r4-r6 by bob, alice': the revisions saved since the edit started."""
    between = design.revisions.filter(number__gt=base.number, number__lte=latest.number).select_related(
        "author"
    )
    authors = list(dict.fromkeys(r.author.get_username() for r in between.order_by("number") if r.author))
    first = base.number + 1
    numbers = f"r{latest.number}" if first >= latest.number else f"r{first}-r{latest.number}"
    return f"{numbers} by {', '.join(authors)}" if authors else numbers


def _noted(message: str, notes: list[str]) -> str:
    return " ".join([message, *(f"({note})" for note in notes)]).strip()
