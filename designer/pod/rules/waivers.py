"""Waivers: a design exempts one rule, for one container or the whole pod, with a reason.

A waived finding is kept and marked (Finding.waived = reason); it no longer counts as an error.
Waivers come from the design (passed to lint()) and from the pod's annotation

    pod-designer/waivers: '[{"rule": "LINT-RUN-AS-NONROOT", "container": "istio-init",
                             "reason": "mesh iptables setup needs root"}]'

a JSON list of objects with `rule` (an ID; `*` wildcards allowed, e.g. "LINT-PROBE-*"),
`container` (a container name, or null/absent for every finding of the rule) and `reason`
(required, non-empty: a waiver without a reason is a silent one).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
from dataclasses import dataclass
from typing import Any

from designer.pod.findings import Finding

WAIVERS_ANNOTATION = "pod-designer/waivers"


@dataclass(frozen=True)
class Waiver:
    rule: str
    container: str | None
    reason: str

    def matches(self, finding: Finding) -> bool:
        if self.container is not None and finding.container != self.container:
            return False
        return finding.rule == self.rule or fnmatch.fnmatchcase(finding.rule, self.rule)


def parse_waivers(annotation_value: str) -> list[Waiver]:
    """Waivers from the annotation's JSON text; ValueError naming the problem when malformed."""
    try:
        data = json.loads(annotation_value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{WAIVERS_ANNOTATION} is not valid JSON: {error}") from None
    if not isinstance(data, list):
        raise ValueError(f"{WAIVERS_ANNOTATION} must be a JSON list of {{rule, container, reason}}")
    waivers = []
    for index, item in enumerate(data):
        waivers.append(_waiver(item, index))
    return waivers


def _waiver(item: Any, index: int) -> Waiver:
    where = f"{WAIVERS_ANNOTATION}[{index}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object with rule, container and reason")
    rule, container, reason = item.get("rule"), item.get("container"), item.get("reason")
    if not isinstance(rule, str) or not rule.strip():
        raise ValueError(f"{where}.rule must be a rule ID such as LINT-PRIVILEGED")
    if container is not None and not isinstance(container, str):
        raise ValueError(f"{where}.container must be a container name or null")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError(f"{where}.reason is required: say why the rule does not apply")
    return Waiver(rule=rule.strip(), container=container or None, reason=reason.strip())


def encode_waivers(waivers: list[Waiver]) -> str:
    """The annotation value for a list of waivers (compact JSON, order kept)."""
    return json.dumps(
        [{"rule": w.rule, "container": w.container, "reason": w.reason} for w in waivers],
        separators=(",", ":"),
    )


def apply_waivers(findings: list[Finding], waivers: list[Waiver]) -> list[Finding]:
    """The findings with `waived` set where a waiver matches (the first matching waiver's reason)."""
    if not waivers:
        return findings
    return [_apply(f, waivers) for f in findings]


def _apply(finding: Finding, waivers: list[Waiver]) -> Finding:
    waiver = next((w for w in waivers if w.matches(finding)), None)
    caused = tuple(_apply(c, waivers) for c in finding.caused)
    if waiver is None and caused == finding.caused:
        return finding
    if waiver is None or finding.waived is not None:
        return dataclasses.replace(finding, caused=caused)
    return dataclasses.replace(finding, waived=waiver.reason, caused=caused)
