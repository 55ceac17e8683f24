"""Service companions: ports and selector as ValidateService checks them."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.rules.companions import check_companion


def service(**spec: Any) -> dict[str, Any]:
    body = {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": body}


def found(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in check_companion(document, 0, (1, 33))]


def test_a_plain_service_is_valid() -> None:
    assert found(service()) == []
    assert (
        found(
            service(ports=[{"name": "http", "port": 80}, {"name": "https", "port": 443, "protocol": "TCP"}])
        )
        == []
    )
    assert found(service(clusterIP="None", ports=[])) == []  # headless
    assert found(service(type="ExternalName", externalName="db.example.com", ports=[])) == []


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"ports": []}, "spec.ports"),
        ({"ports": [{"port": 80}, {"name": "https", "port": 443}]}, "spec.ports[0].name"),
        ({"ports": [{"name": "web", "port": 80}, {"name": "web", "port": 81}]}, "spec.ports[1].name"),
        ({"ports": [{"name": "Web", "port": 80}]}, "spec.ports[0].name"),
        ({"ports": [{"port": 80, "targetPort": "http-web-server-too-long"}]}, "spec.ports[0].targetPort"),
        ({"ports": [{"port": 80, "targetPort": 70000}]}, "spec.ports[0].targetPort"),
        ({"ports": [{"port": 0}]}, "spec.ports[0].port"),
        ({"ports": [{"port": 53, "protocol": "udp"}]}, "spec.ports[0].protocol"),
        ({"ports": [{"port": 80, "appProtocol": "http 2"}]}, "spec.ports[0].appProtocol"),
        ({"selector": {"app": "web server"}}, "spec.selector"),
    ],
)
def test_service_port_and_selector_errors(spec: dict[str, Any], path: str) -> None:
    rule = "K8S-META-LABELS" if path == "spec.selector" else "K8S-SERVICE-PORTS"
    assert found(service(**spec)) == [(rule, f"companions[0].{path}")]
