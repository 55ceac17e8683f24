"""PodDisruptionBudget companions: ValidatePodDisruptionBudgetSpec."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.rules.companions import check_companion


def pdb(**spec: Any) -> dict[str, Any]:
    body = {"selector": {"matchLabels": {"app": "web"}}, **spec}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": body,
    }


def found(document: dict[str, Any], version: tuple[int, int] = (1, 33)) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in check_companion(document, 0, version)]


@pytest.mark.parametrize(
    "spec",
    [
        {"minAvailable": 1},
        {"maxUnavailable": "50%"},
        {"minAvailable": "100%"},
        {"unhealthyPodEvictionPolicy": "AlwaysAllow"},
    ],
)
def test_valid_budgets(spec: dict[str, Any]) -> None:
    assert found(pdb(**spec)) == []


@pytest.mark.parametrize(
    ("spec", "rule", "path"),
    [
        ({"minAvailable": 1, "maxUnavailable": 1}, "K8S-PDB-SPEC", "spec"),
        ({"minAvailable": -1}, "K8S-PDB-SPEC", "spec.minAvailable"),
        ({"maxUnavailable": "150%"}, "K8S-PDB-SPEC", "spec.maxUnavailable"),
        ({"maxUnavailable": "half"}, "K8S-PDB-SPEC", "spec.maxUnavailable"),
        ({"unhealthyPodEvictionPolicy": "Always"}, "K8S-PDB-SPEC", "spec.unhealthyPodEvictionPolicy"),
        (
            {"selector": {"matchLabels": {"app": "web server"}}},
            "K8S-SELECTOR-SYNTAX",
            "spec.selector.matchLabels",
        ),
    ],
)
def test_invalid_budgets(spec: dict[str, Any], rule: str, path: str) -> None:
    assert found(pdb(**spec)) == [(rule, f"companions[0].{path}")]


def test_the_eviction_policy_is_dropped_before_v1_27() -> None:
    assert found(pdb(unhealthyPodEvictionPolicy="Always"), (1, 26)) == []
