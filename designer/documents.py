"""Django-side helpers around the domain core: what a page needs from a stored revision."""

from __future__ import annotations

from typing import Any

from designer.models import Design, Revision
from designer.pod.manifest import export_text
from designer.pod.roles import Role

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
    """The manifest of a revision as the user downloads it (companions appended)."""
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
