"""Lint a whole stream: every workload of a multi-document file or a `List`, each with the rest.

A Helm output holds a Deployment, a Service, a ConfigMap and a test Pod: each workload (a kind with
a pod template) is linted with the other documents as its companions, so rules that look across
objects (a PriorityClass, a ConfigMap the pod reads) see them. `choose` narrows the stream to one
document, as load_manifest does. The CLI and the API are thin layers over lint_stream().
"""

from __future__ import annotations

from typing import Any, NamedTuple

from designer.pod.findings import Finding
from designer.pod.manifest import (
    DEFAULT_LIMITS,
    SUPPORTED_KINDS,
    Limits,
    ManifestError,
    load_stream,
    require_template,
    workload_candidates,
)
from designer.pod.roles import Role, roles_for
from designer.pod.rules.lint import lint
from designer.pod.rules.waivers import Waiver


class NoWorkload(ManifestError):
    """The stream holds no workload (only Services, ConfigMaps... or no Kubernetes object at all)."""


class DocumentResult(NamedTuple):
    """The findings of one workload, and its position in the stream (0-based, Lists flattened)."""

    position: int
    kind: str
    name: str
    findings: list[Finding]

    @property
    def label(self) -> str:
        """'#1 Pod/web-test': how output names the document."""
        return f"#{self.position} {self.kind}/{self.name or '(unnamed)'}"


def lint_stream(
    data: str | bytes,
    *,
    choose: int | None = None,
    version: tuple[int, int] | str | None = None,
    roles: dict[str, Any] | None = None,
    stated_roles: dict[str, str] | None = None,
    waivers: list[Waiver] | None = None,
    pss: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[DocumentResult]:
    """Findings for every workload of the stream (or the chosen one); ManifestError if unreadable.

    roles fixes every role; stated_roles (`lint --roles`) pins some and infers the others per workload.
    """
    loaded = load_stream(data, limits)
    candidates = workload_candidates(loaded)
    if not candidates:
        kinds = [str(d.get("kind")) if d.get("kind") is not None else "(none)" for d in loaded.documents]
        line, column = loaded.line_maps[0].get("kind", (None, None))
        raise NoWorkload(
            f"no workload found (kinds: {', '.join(kinds)}); supported kinds: {SUPPORTED_KINDS}", line, column
        )
    if choose is not None:
        if choose not in [index for index, _, _ in candidates]:
            listed = ", ".join(f"[{i}] {k} {n!r}" for i, k, n in candidates)
            raise ManifestError(f"document {choose} is not a workload; workloads: {listed}")
        candidates = [c for c in candidates if c[0] == choose]
    results = []
    for index, kind, name in candidates:
        document, line_map = loaded.documents[index], loaded.line_maps[index]
        require_template(document, line_map)
        companions = [d for i, d in enumerate(loaded.documents) if i != index]
        document_roles = roles
        if stated_roles:
            pinned = {name: Role(role) for name, role in stated_roles.items()}
            document_roles = dict(roles_for(document, companions, pinned))
        findings = lint(
            document,
            version=version,
            roles=document_roles,
            line_map=line_map,
            waivers=waivers,
            companions=companions,
            pss=pss,
        )
        results.append(DocumentResult(index, kind, name, findings))
    return results
