"""Wiring pattern rules (designer/pod/rules/patterns_wiring.py): each fires, and not on its neighbour."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules.lint import lint

STATUS = '{"initContainers":["istio-init"],"containers":["istio-proxy"]}'
PROXY = {
    "name": "istio-proxy",
    "image": "docker.io/istio/proxyv2:1.24.2",
    "args": ["proxy", "sidecar"],
    "securityContext": {"runAsUser": 1337},
}
IPTABLES = {
    "name": "istio-init",
    "image": "docker.io/istio/proxyv2:1.24.2",
    "args": ["istio-iptables", "-p", "15001"],
    "securityContext": {"runAsUser": 0, "capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
}


def ctr(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": f"ghcr.io/acme/{name}:1", **fields}


def pod(
    containers: list[dict[str, Any]],
    init: list[dict[str, Any]] | None = None,
    mesh: bool = False,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"containers": copy.deepcopy(containers), **spec}
    meta: dict[str, Any] = {"name": "p"}
    if mesh:
        body["containers"].append(copy.deepcopy(PROXY))
        body["initContainers"] = [copy.deepcopy(IPTABLES)]
        meta["annotations"] = {"sidecar.istio.io/status": STATUS}
    if init:
        body["initContainers"] = body.get("initContainers", []) + init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": body}


def hits(
    document: dict[str, Any], rule: str, companions: list[dict[str, Any]] | None = None
) -> list[tuple[str, str]]:
    return [
        (f.severity, f.path)
        for f in lint(document, layers=("patterns",), companions=companions)
        if f.rule == rule
    ]


WEB = {"containerPort": 8000}

CASES = [
    (
        "PAT-MESH-LOOPBACK-BIND",
        pod([ctr("app", args=["--bind=127.0.0.1:8000"], ports=[WEB])], mesh=True),
        pod([ctr("app", args=["--bind=0.0.0.0:8000"], ports=[WEB])], mesh=True),
        [("warning", "spec.containers[0].args[0]")],
    ),
    (
        "PAT-MESH-LOOPBACK-BIND",  # without a mesh the loopback bind is someone else's business
        pod([ctr("app", args=["--bind=127.0.0.1:8000"], ports=[WEB])], mesh=True),
        pod([ctr("app", args=["--bind=127.0.0.1:8000"], ports=[WEB])]),
        [("warning", "spec.containers[0].args[0]")],
    ),
    (
        "PAT-MESH-PROXY-UID",
        pod([ctr("app", securityContext={"runAsUser": 1337})], mesh=True),
        pod([ctr("app", securityContext={"runAsUser": 1000})], mesh=True),
        [("warning", "spec.containers[0].securityContext.runAsUser")],
    ),
    (
        "PAT-PROBE-LOOPBACK-PORT",
        pod(
            [
                ctr(
                    "app",
                    args=["--health-addr=127.0.0.1:8081"],
                    livenessProbe={"httpGet": {"path": "/", "port": 8081}},
                )
            ]
        ),
        pod(
            [ctr("app", args=["--health-addr=:8081"], livenessProbe={"httpGet": {"path": "/", "port": 8081}})]
        ),
        [("warning", "spec.containers[0].livenessProbe.httpGet.port")],
    ),
    (
        "PAT-ADAPTER-LOOPBACK",
        pod(
            [
                ctr("db", ports=[{"containerPort": 5432}]),
                ctr(
                    "exporter",
                    args=["--web.listen-address=127.0.0.1:9187"],
                    ports=[{"containerPort": 9187}],
                    env=[{"name": "DATA_SOURCE_NAME", "value": "postgresql://e@localhost:5432/x"}],
                ),
            ]
        ),
        pod(
            [
                ctr("db", ports=[{"containerPort": 5432}]),
                ctr(
                    "exporter",
                    args=["--web.listen-address=:9187"],
                    ports=[{"containerPort": 9187}],
                    env=[{"name": "DATA_SOURCE_NAME", "value": "postgresql://e@localhost:5432/x"}],
                ),
            ]
        ),
        [("warning", "spec.containers[1].args[0]")],
    ),
    (
        "PAT-LINK-PROTOCOL-MISMATCH",
        pod(
            [
                ctr(
                    "app",
                    env=[
                        {"name": "STATSD_HOST", "value": "127.0.0.1"},
                        {"name": "STATSD_PORT", "value": "9125"},
                    ],
                ),
                ctr("statsd", args=["--statsd.listen-tcp=:9125"]),
            ]
        ),
        pod(
            [
                ctr(
                    "app",
                    env=[
                        {"name": "STATSD_HOST", "value": "127.0.0.1"},
                        {"name": "STATSD_PORT", "value": "9125"},
                    ],
                ),
                ctr("statsd", args=["--statsd.listen-udp=:9125"]),
            ]
        ),
        [("warning", "spec.containers[0].env[1].value")],
    ),
    (
        "PAT-LINK-PROTOCOL-MISMATCH",
        pod(
            [
                ctr(
                    "app",
                    env=[
                        {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://localhost:4318"},
                        {"name": "OTEL_EXPORTER_OTLP_PROTOCOL", "value": "grpc"},
                    ],
                ),
                ctr(
                    "otel",
                    ports=[
                        {"containerPort": 4317, "name": "otlp-grpc"},
                        {"containerPort": 4318, "name": "otlp-http"},
                    ],
                ),
            ]
        ),
        pod(
            [
                ctr(
                    "app",
                    env=[
                        {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://localhost:4318"},
                        {"name": "OTEL_EXPORTER_OTLP_PROTOCOL", "value": "http/protobuf"},
                    ],
                ),
                ctr(
                    "otel",
                    ports=[
                        {"containerPort": 4317, "name": "otlp-grpc"},
                        {"containerPort": 4318, "name": "otlp-http"},
                    ],
                ),
            ]
        ),
        [("warning", "spec.containers[0].env[0].value")],
    ),
    (
        "PAT-PORT-CONFLICT",
        pod(
            [
                ctr("app", ports=[{"containerPort": 9093}]),
                ctr("reloader", args=["--web.listen-address=:9093"]),
            ]
        ),
        pod(
            [
                ctr("app", ports=[{"containerPort": 9093}]),
                ctr("reloader", args=["--web.listen-address=:9533"]),
            ]
        ),
        [("warning", "spec.containers[1].args[0]")],
    ),
]


@pytest.mark.parametrize(("rule", "firing", "neighbour", "expected"), CASES, ids=[c[0] for c in CASES])
def test_it_fires_and_not_on_its_neighbour(
    rule: str, firing: dict[str, Any], neighbour: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert hits(firing, rule) == expected
    assert hits(neighbour, rule) == []


def test_a_db_proxy_data_listener_on_all_interfaces_warns_but_its_health_endpoint_does_not() -> None:
    app = ctr("app", env=[{"name": "DB_HOST", "value": "127.0.0.1"}, {"name": "DB_PORT", "value": "5432"}])
    exposed = {
        "name": "cloud-sql-proxy",
        "image": "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1",
        "args": ["--address=0.0.0.0", "--port=5432", "p:r:i"],
    }
    assert hits(pod([app, exposed]), "PAT-AMBASSADOR-LOOPBACK") == [("warning", "spec.containers[1].args[1]")]
    health = dict(
        exposed,
        args=["--address=127.0.0.1", "--port=5432", "--http-address=0.0.0.0", "--http-port=9090", "p:r:i"],
        ports=[{"containerPort": 9090, "name": "health"}],
    )
    assert [s for s, _ in hits(pod([app, health]), "PAT-AMBASSADOR-LOOPBACK")] == []


def test_the_mesh_init_is_an_info_with_a_cni_hint_not_a_hardening_warning() -> None:
    findings = lint(pod([ctr("app")], mesh=True), layers=("patterns",))
    mesh_init = [f for f in findings if f.rule == "PAT-MESH-INIT"]
    assert [(f.severity, f.path) for f in mesh_init] == [("info", "spec.initContainers[0]")]
    assert "CNI" in mesh_init[0].hint
    assert not [f for f in findings if f.rule == "PAT-HELPER-HARDENING"]
    assert not [f for f in findings if f.rule.startswith("PAT-AMBASSADOR")]


def test_a_meshed_job_is_blocked_by_its_classic_proxy() -> None:
    job = pod([ctr("report")], mesh=True, restartPolicy="Never")
    assert hits(job, "PAT-SIDECAR-BLOCKS-COMPLETION") == [("warning", "spec.containers[1]")]


def test_a_loopback_listener_revealed_by_flags_is_a_valid_link_target() -> None:
    document = pod(
        [
            ctr("web", env=[{"name": "REDIS_URL", "value": "redis://localhost:6379"}]),
            ctr("redis", args=["redis-server", "--bind", "127.0.0.1", "--port", "6379"]),
        ]
    )
    findings = lint(document, layers=("patterns",))
    assert not [f for f in findings if f.severity != "info"]


def test_a_companion_service_target_port_counts_as_exposed_under_a_mesh() -> None:
    document = pod([ctr("app", env=[{"name": "LISTEN_ADDR", "value": "127.0.0.1:3000"}])], mesh=True)
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80, "targetPort": 3000}]},
    }
    assert hits(document, "PAT-MESH-LOOPBACK-BIND") == []
    assert hits(document, "PAT-MESH-LOOPBACK-BIND", companions=[service]) == [
        ("warning", "spec.containers[0].env[0].value")
    ]
