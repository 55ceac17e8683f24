"""lint(): every validation layer over one document, with lines, waivers and a stable order.

Layers: schema (official OpenAPI schemas), apiserver (what kube-apiserver rejects in the pod),
workloads (what it rejects in the workload object around the pod), companions (the stream's other
documents against their schemas), pss (PodSecurity), patterns (PAT-*), practices (LINT-*). A layer that crashes yields one finding instead of an exception,
so a validator bug never turns into a 500 or a lost design.

Rule IDs added by this module (not in RULES.md):
- INTERNAL (error): a layer raised; the message names the layer and the exception.
- LINT-VERSION-INVALID (warning): the target version is not a Kubernetes version; the newest
  supported one is used instead.
- LINT-WAIVER-INVALID (warning): the pod's `pod-designer/waivers` annotation cannot be parsed
  (see designer/pod/rules/waivers.py for its format); no waiver from it applies.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from designer.pod.findings import SEVERITY_ORDER, Finding
from designer.pod.roles import Role
from designer.pod.rules.context import LATEST_VERSION, OLDEST_VERSION, LintContext, parse_version
from designer.pod.rules.waivers import WAIVERS_ANNOTATION, Waiver, apply_waivers, parse_waivers
from designer.pod.workloads import template_path

LAYERS = ("schema", "apiserver", "workloads", "companions", "pss", "patterns", "practices")


def _version(version: tuple[int, int] | str | None) -> tuple[int, int]:
    if version is None or isinstance(version, str):
        return parse_version(version)
    major, minor = int(version[0]), int(version[1])
    return max(OLDEST_VERSION, min(LATEST_VERSION, (major, minor)))


def _roles(roles: dict[str, Any] | None) -> dict[str, Role]:
    result: dict[str, Role] = {}
    for name, role in (roles or {}).items():
        try:
            result[str(name)] = role if isinstance(role, Role) else Role(str(role))
        except ValueError:
            continue
    return result


def _parent(path: str) -> str | None:
    """'spec.containers[0].image' -> 'spec.containers[0]' -> 'spec.containers' -> 'spec' -> ''."""
    if not path:
        return None
    if path.endswith("]"):
        cut = path.rfind("[")
        return path[:cut] if cut > 0 else ""
    cut = path.rfind(".")
    return path[:cut] if cut > 0 else ""


def line_for(path: str, line_map: dict[str, Any]) -> int | None:
    """The line of the path, or of its nearest ancestor present in the line map."""
    current: str | None = path
    while current is not None:
        position = line_map.get(current)
        if position is not None:
            if isinstance(position, tuple | list) and position:
                return int(position[0])
            if isinstance(position, int):
                return position
        current = _parent(current)
    return None


def _with_line(finding: Finding, line_map: dict[str, Any]) -> Finding:
    caused = tuple(_with_line(c, line_map) for c in finding.caused)
    line = finding.line if finding.line is not None else line_for(finding.path, line_map)
    if line == finding.line and caused == finding.caused:
        return finding
    return dataclasses.replace(finding, line=line, caused=caused)


def _run_layer(name: str, ctx: LintContext) -> list[Finding]:
    try:
        module = importlib.import_module(f"designer.pod.rules.{name}")
        findings = list(module.check(ctx))
        for finding in findings:
            if not isinstance(finding, Finding):
                raise TypeError(f"layer returned {type(finding).__name__}, not Finding")
        return findings
    except Exception as error:  # a bug in a layer must not cost the user their findings
        return [
            Finding(
                "INTERNAL",
                "error",
                "",
                f"the {name} layer failed ({type(error).__name__}: {error}); its findings are missing",
                hint="this is a bug in the validator, please report it with the manifest",
            )
        ]


def _annotation_waivers(ctx: LintContext) -> tuple[list[Waiver], list[Finding]]:
    annotations = ctx.metadata.get("annotations")
    value = annotations.get(WAIVERS_ANNOTATION) if isinstance(annotations, dict) else None
    if value is None:
        return [], []
    try:
        if not isinstance(value, str):
            raise ValueError(f"{WAIVERS_ANNOTATION} must be a string holding a JSON list")
        return parse_waivers(value), []
    except ValueError as error:
        prefix = ".".join(p for p in (template_path(ctx.kind), "metadata.annotations") if p)
        return [], [
            Finding(
                "LINT-WAIVER-INVALID",
                "warning",
                f"{prefix}[{WAIVERS_ANNOTATION}]",
                f"{error}; no waiver from this annotation applies",
                hint='[{"rule": "LINT-PRIVILEGED", "container": "istio-init", "reason": "..."}]',
            )
        ]


def sort_key(finding: Finding) -> tuple[Any, ...]:
    return (
        SEVERITY_ORDER.get(finding.severity, 9),
        finding.path,
        finding.rule,
        finding.container or "",
        finding.message,
    )


def lint(
    document: dict[str, Any],
    *,
    version: tuple[int, int] | str | None = None,
    roles: dict[str, Any] | None = None,
    line_map: dict[str, Any] | None = None,
    waivers: list[Waiver] | None = None,
    layers: tuple[str, ...] | list[str] = LAYERS,
    companions: list[dict[str, Any]] | None = None,
    pss: str | None = None,
) -> list[Finding]:
    """All findings for a workload document, sorted by (severity, path, rule); never raises."""
    if not isinstance(document, dict):  # a caller's junk (the type says otherwise): report, don't raise
        return [Finding("INTERNAL", "error", "", f"lint() needs a mapping, got {type(document).__name__}")]  # type: ignore[unreachable]
    findings: list[Finding] = []
    try:
        target = _version(version)
    except (TypeError, ValueError, IndexError) as error:
        target = LATEST_VERSION
        findings.append(
            Finding(
                "LINT-VERSION-INVALID",
                "warning",
                "",
                f"{error}; checked against Kubernetes {target[0]}.{target[1]} instead",
                hint="set the design's target version to e.g. 1.33",
            )
        )
    try:
        ctx = LintContext(
            document=document,
            version=target,
            roles=_roles(roles),
            companions=[c for c in companions or [] if isinstance(c, dict)],
            pss=pss,
        )
    except Exception as error:
        return [
            Finding(
                "INTERNAL", "error", "", f"cannot build the lint context ({type(error).__name__}: {error})"
            )
        ]
    for name in layers:
        if name not in LAYERS:
            findings.append(Finding("INTERNAL", "error", "", f"unknown lint layer {name!r}"))
            continue
        found = _run_layer(name, ctx)
        if name == "apiserver":  # a StatefulSet's pod spec is only validated from v1.36 on
            from designer.pod.rules.workloads import defer_statefulset_pod_errors

            found = defer_statefulset_pod_errors(found, ctx)
        findings.extend(found)
    try:
        from_annotation, problems = _annotation_waivers(ctx)
    except Exception as error:
        from_annotation, problems = [], [Finding("INTERNAL", "error", "", f"waivers: {error}")]
    findings.extend(problems)
    if line_map:
        findings = [_with_line(f, line_map) for f in findings]
    findings = apply_waivers(findings, [*(waivers or []), *from_annotation])
    # A helper's privileges are said once, by PAT-HELPER-HARDENING, not again by the practices.
    from designer.pod.rules.patterns import supersede_practices

    findings = supersede_practices(findings)
    return sorted(findings, key=sort_key)
