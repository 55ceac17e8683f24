"""A PodDisruptionBudget companion, as ValidatePodDisruptionBudgetSpec checks it.

The budget of the workload's pods: minAvailable or maxUnavailable (not both), each a count
>= 0 or a percentage up to 100%, a valid label selector, and, where the field exists, an
unhealthyPodEvictionPolicy of IfHealthyBudget or AlwaysAllow.

Rule ID: K8S-PDB-SPEC (error); the selector's syntax is K8S-SELECTOR-SYNTAX.
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates, selectors
from designer.pod.rules.fieldpath import as_dict, child
from designer.pod.rules.workloads import int_or_percent, not_over_100

RULE = "K8S-PDB-SPEC"
_EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]


def validate(document: dict[str, Any], prefix: str, version: tuple[int, int]) -> list[Finding]:
    if document.get("apiVersion") != "policy/v1" or document.get("kind") != "PodDisruptionBudget":
        return []
    spec = as_dict(document.get("spec"))
    path = child(prefix, "spec")
    out: list[Finding] = []
    minimum, maximum = spec.get("minAvailable"), spec.get("maxUnavailable")
    if minimum is not None and maximum is not None:
        detail = "minAvailable and maxUnavailable cannot be both set"
        out.append(selectors.invalid_go(RULE, path, "policy.PodDisruptionBudgetSpec{...}", detail))
    for field, value in (("minAvailable", minimum), ("maxUnavailable", maximum)):
        if value is not None:
            out += int_or_percent(RULE, value, child(path, field))
            out += not_over_100(RULE, value, child(path, field))
    out += selectors.validate_label_selector(spec.get("selector"), child(path, "selector"))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if (
        isinstance(policy, str)
        and gates.enabled("PDBUnhealthyPodEvictionPolicy", version)
        and policy not in _EVICTION_POLICIES
    ):
        where = child(path, "unhealthyPodEvictionPolicy")
        out.append(fp.not_supported(RULE, where, policy, _EVICTION_POLICIES))
    return out
