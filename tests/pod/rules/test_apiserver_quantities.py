"""Quantity fields outside container resources must decode (K8S-FIELD-QUANTITY)."""

from __future__ import annotations

from designer.pod.quantity import QUANTITY_REGEX_MSG
from designer.pod.rules.apiserver_quantities import validate_quantities


def test_every_quantity_field_of_the_spec_is_checked() -> None:
    spec = {
        "resources": {"requests": {"cpu": "1 core"}},
        "volumes": [
            {"name": "s", "emptyDir": {"sizeLimit": "1 GiB"}},
            {"name": "d", "downwardAPI": {"items": [{"path": "p", "resourceFieldRef": {"resource": "limits.cpu", "divisor": "1x"}}]}},
            {"name": "e", "ephemeral": {"volumeClaimTemplate": {"spec": {"resources": {"requests": {"storage": "ten"}}}}}},
            {"name": "ok", "emptyDir": {"sizeLimit": "1Gi"}},
        ],
        "containers": [
            {"name": "a", "env": [{"name": "X", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "M i"}}}]}
        ],
    }  # fmt: skip
    findings = validate_quantities(spec, "spec")
    assert [f.path for f in findings] == [
        "spec.resources.requests[cpu]",
        "spec.volumes[0].emptyDir.sizeLimit",
        "spec.volumes[1].downwardAPI.items[0].resourceFieldRef.divisor",
        "spec.volumes[2].ephemeral.volumeClaimTemplate.spec.resources.requests[storage]",
        "spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor",
    ]
    assert {f.rule for f in findings} == {"K8S-FIELD-QUANTITY"}
    assert findings[1].message == f'Invalid value: "1 GiB": {QUANTITY_REGEX_MSG}'


def test_numbers_and_valid_texts_pass() -> None:
    spec = {"volumes": [{"name": "s", "emptyDir": {"sizeLimit": 1073741824}}], "overhead": {"cpu": "250m"}}
    assert validate_quantities(spec, "spec") == []
