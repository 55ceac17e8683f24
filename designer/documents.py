"""Django-side helpers around the domain core: what a page needs from a stored revision."""

from __future__ import annotations

from typing import Any

from designer.models import Design, Revision
from designer.pod.manifest import export_text
from designer.pod.roles import Role, apply_role_annotations
from designer.pod.source import convert_text, is_json, patch_text, stream_documents
from designer.pod.workloads import convert_kind

BLANK_POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "my-pod", "labels": {"app": "my-pod"}},
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 8080, "name": "http"}],
            }
        ]
    },
}


def role_map(revision: Revision) -> dict[str, Role]:
    result = {}
    for name, value in (revision.roles or {}).items():
        try:
            result[name] = Role(value)
        except ValueError:
            continue
    return result


def revision_text(
    revision: Revision, kind: str | None = None, fmt: str = "yaml", annotations: bool = True
) -> str:
    """The manifest of a revision as the user downloads it, in the stream it came in.

    Its own kind in the format of its text: the user's text, with only the role-annotation
    lines added (a minimal patch) when annotations are on. Another kind keeps the comments of
    the pod spec and of the companions where it can; otherwise (and in the other format) the
    canonical dump, as for revisions without a text.
    """
    text = revision.source_text
    companions = list(revision.companions or [])
    if text and (fmt == "json") == is_json(text):
        roles = role_map(revision) if annotations else {}
        documents = stream_documents(revision.document, companions, revision.position)
        if kind in (None, revision.document.get("kind")):
            if not roles:
                return text
            annotated = apply_role_annotations(revision.document, roles)
            return patch_text(
                text, documents, stream_documents(annotated, companions, revision.position)
            ).text
        converted = convert_kind(revision.document, kind)
        if roles:
            converted = apply_role_annotations(converted, roles)
        kept = convert_text(text, documents, revision.position, converted)
        if kept is not None:
            return kept
    return export_text(
        revision.document,
        list(revision.companions or []),
        roles=role_map(revision),
        kind=kind,
        fmt=fmt,
        role_annotations=annotations,
        position=revision.position,
    )


def export_filename(design: Design, kind: str, fmt: str) -> str:
    """A sensible download name: '<design-slug>-<kind>.yaml'."""
    from django.utils.text import slugify

    base = slugify(design.name) or f"design-{design.pk}"
    return f"{base}-{kind.lower()}.{'json' if fmt == 'json' else 'yaml'}"
