"""The editor's completion schema: field names, types and enum values per Kubernetes version."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.pod.completion_schema import completion_schema, enum_values
from designer.pod.rules.context import LATEST_VERSION, OLDEST_VERSION
from designer.pod.workloads import WORKLOAD_KINDS


def load(version: tuple[int, int]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(completion_schema(version))
    return document


@pytest.mark.parametrize("version", [OLDEST_VERSION, (1, 33), LATEST_VERSION])
def test_every_kind_reaches_the_container_fields(version: tuple[int, int]) -> None:
    schema = load(version)
    types = schema["types"]
    assert set(schema["kinds"]) == set(WORKLOAD_KINDS)
    container = types["core.v1.Container"]
    assert container["imagePullPolicy"]["enum"] == ["Always", "Never", "IfNotPresent"]
    assert "pull" in container["imagePullPolicy"]["doc"].lower()
    assert container["ports"]["list"] == "core.v1.ContainerPort"
    assert container["resources"]["type"] == "core.v1.ResourceRequirements"
    assert types["core.v1.ResourceRequirements"]["limits"]["map"] == "string|number"
    assert types["core.v1.PodSpec"]["containers"]["list"] == "core.v1.Container"
    assert types["core.v1.PodSpec"]["restartPolicy"]["enum"] == ["Always", "OnFailure", "Never"]
    # Deployment -> spec -> template -> spec -> containers, by names only.
    spec = types[types[schema["kinds"]["Deployment"]]["spec"]["type"]]
    template = types[spec["template"]["type"]]
    assert types[template["spec"]["type"]]["containers"]["list"] == "core.v1.Container"
    assert types[schema["kinds"]["Pod"]]["kind"]["enum"] == ["Pod"]


def test_enum_values_come_from_the_schema_or_the_description() -> None:
    assert enum_values({"enum": ["a", None]}) == ["a"]
    assert enum_values(
        {"description": "Policy. One of Always, Never, IfNotPresent. Defaults to Always."}
    ) == [
        "Always",
        "Never",
        "IfNotPresent",
    ]
    assert enum_values({"description": "Valid values are 'A', 'B' or 'C'. DNS..."}) == ["A", "B", "C"]
    newer = 'Policy.\n\nPossible enum values:\n - `"Always"` means x\n - `"Never"` means y'
    assert enum_values({"description": newer}) == ["Always", "Never"]
    assert (
        enum_values({"description": "Exactly one of ResourceClaimName and ResourceClaimTemplateName."}) == []
    )
    assert enum_values({"description": "Name of one of the containers, or of the pod."}) == []
    assert enum_values({"description": "The name."}) == []


def test_the_json_is_compact_and_built_once() -> None:
    first = completion_schema(LATEST_VERSION)
    assert completion_schema(LATEST_VERSION) is first
    assert b"\n" not in first and len(first) < 400_000
