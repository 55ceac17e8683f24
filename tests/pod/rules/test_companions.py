"""The companions layer: the stream's other documents against their official schemas and name rules."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.rules import companions
from designer.pod.rules.lint import lint

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"containers": [{"name": "web", "image": "nginx"}]},
}
SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"ports": [{"port": 80}]},
}


def found(*documents: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in lint(POD, companions=list(documents), layers=("companions",))]


def test_valid_companions_have_no_finding() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web.config"}, "data": {"a": "b"}}
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {},
    }
    assert found(SERVICE, config, ingress) == []


def test_unknown_fields_and_wrong_types_are_reported_under_the_companion() -> None:
    service = {**SERVICE, "spec": {"ports": [{"port": "http", "nmae": "x"}]}}
    assert found(POD, service) == [
        ("K8S-FIELD-UNKNOWN", "companions[1].spec.ports[0].nmae"),
        ("K8S-FIELD-TYPE", "companions[1].spec.ports[0].port"),
    ]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({**SERVICE, "metadata": {"name": "1web"}}, ("K8S-META-NAME", "companions[0].metadata.name")),
        ({**SERVICE, "metadata": {}}, ("K8S-META-NAME", "companions[0].metadata.name")),
        (
            {**SERVICE, "metadata": {"name": "web", "labels": {"a b": "c"}}},
            ("K8S-META-LABELS", "companions[0].metadata.labels"),
        ),
        (
            {**SERVICE, "metadata": {"name": "web", "annotations": {"-x": "c"}}},
            ("K8S-META-ANNOTATIONS", "companions[0].metadata.annotations"),
        ),
    ],
)
def test_companion_metadata(document: dict[str, Any], expected: tuple[str, str]) -> None:
    assert found(document) == [expected]


def test_a_service_name_is_a_dns1035_label_but_a_configmap_name_a_subdomain() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "1web.config"}}
    assert found(config) == []
    assert found({**SERVICE, "metadata": {"name": "web.config"}}) == [
        ("K8S-META-NAME", "companions[0].metadata.name")
    ]


def test_a_kind_without_an_official_schema_is_left_alone() -> None:
    assert (
        found({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "Bad_Name"}, "spek": 1})
        == []
    )
    assert companions.schema_file("networking.k8s.io/v1", "Ingress") == "ingress-networking-v1.json"
    assert companions.schema_file("v1", "Service") == "service-v1.json"
