"""Shared volumes by path (designer/pod/rules/patterns_volumes.py): who writes and who reads which
part of a volume; each rule fires on a small pod and stays silent on a correct neighbour."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules import patterns
from designer.pod.rules.context import LintContext


def pod(
    containers: list[Any], volumes: list[Any], companions: list[Any] | None = None, **spec: Any
) -> dict[str, Any]:
    body = {"containers": copy.deepcopy(containers), "volumes": copy.deepcopy(volumes), **spec}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": body}


def hits(document: dict[str, Any], rule: str, companions: list[Any] | None = None) -> list[tuple[str, str]]:
    found = patterns.check(LintContext(document=document, companions=companions or []))
    return [(f.severity, f.path) for f in found if f.rule == rule]


def app(*mounts: dict[str, Any], args: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "ghcr.io/acme/app:1.0", "volumeMounts": list(mounts)}
    if args:
        container["args"] = args
    return {**container, **extra}


def shipper(*mounts: dict[str, Any], args: list[str] | None = None) -> dict[str, Any]:
    container = {
        "name": "shipper",
        "image": "cr.fluentbit.io/fluent/fluent-bit:3.1.4",
        "volumeMounts": list(mounts),
    }
    if args:
        container["args"] = args
    return container


def m(mount_path: str, name: str = "logs", **extra: Any) -> dict[str, Any]:
    return {"name": name, "mountPath": mount_path, **extra}


LOGS = [{"name": "logs", "emptyDir": {}}]
TAIL = ["-i", "tail", "-p", "path=/logs/*.log", "-o", "stdout"]
WRITES = ["--log-file=/var/log/app/app.log"]

CASES: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "PAT-PRODUCER-READONLY",
        "warning",
        "spec.containers[0].volumeMounts[0].readOnly",
        pod(
            [
                app(m("/var/log/app", readOnly=True), args=WRITES),
                shipper(m("/logs", readOnly=True), args=TAIL),
            ],
            LOGS,
        ),
        pod([app(m("/var/log/app"), args=WRITES), shipper(m("/logs", readOnly=True), args=TAIL)], LOGS),
    ),
    (
        "PAT-SUBPATH-MISMATCH",
        "warning",
        "spec.containers[1].volumeMounts[0]",
        pod(
            [
                app(m("/var/log/app", subPath="app")),
                shipper(m("/logs", subPath="other", readOnly=True), args=TAIL),
            ],
            LOGS,
        ),
        pod(
            [
                app(m("/var/log/app", subPath="app")),
                shipper(m("/logs", subPath="app", readOnly=True), args=TAIL),
            ],
            LOGS,
        ),
    ),
    (
        "PAT-LOGSHIPPER-INPUT",
        "warning",
        "spec.containers[1].args[3]",
        pod(
            [
                app(m("/var/log/app"), args=WRITES),
                shipper(
                    m("/logs", readOnly=True),
                    args=[*TAIL[:3], "path=/var/log/containers/*.log", "-o", "stdout"],
                ),
            ],
            LOGS,
        ),
        pod([app(m("/var/log/app"), args=WRITES), shipper(m("/logs", readOnly=True), args=TAIL)], LOGS),
    ),
    (
        "PAT-SHARED-PATH-MISMATCH",
        "warning",
        "spec.containers[1].args[0]",
        pod(
            [
                app(m("/shared", "shared"), args=["--output=/shared/status/app.json"]),
                {
                    "name": "exp",
                    "image": "quay.io/p/json-exporter:v0.6.0",
                    "args": ["--path=/shared/app.json"],
                    "ports": [{"containerPort": 7979}],
                    "volumeMounts": [m("/shared", "shared", readOnly=True)],
                },
            ],
            [{"name": "shared", "emptyDir": {}}],
        ),
        pod(
            [
                app(m("/shared", "shared"), args=["--output=/shared/status/app.json"]),
                {
                    "name": "exp",
                    "image": "quay.io/p/json-exporter:v0.6.0",
                    "args": ["--path=/shared/status/app.json"],
                    "ports": [{"containerPort": 7979}],
                    "volumeMounts": [m("/shared", "shared", readOnly=True)],
                },
            ],
            [{"name": "shared", "emptyDir": {}}],
        ),
    ),
    (
        "PAT-WRITE-TO-READONLY-VOLUME",
        "warning",
        "spec.containers[0].command[2]",
        pod(
            [
                app(
                    m("/etc/app", "conf"),
                    command=["sh", "-c", "sed -i s/a/b/ /etc/app/app.conf && exec ./app"],
                )
            ],
            [{"name": "conf", "configMap": {"name": "c"}}],
        ),
        pod(
            [
                app(
                    m("/etc/app", "conf"),
                    command=["sh", "-c", "sed -i s/a/b/ /etc/app/app.conf && exec ./app"],
                )
            ],
            [{"name": "conf", "emptyDir": {}}],
        ),
    ),
    (
        "PAT-SUBPATH-STALE",
        "warning",
        "spec.containers[0].volumeMounts[0].subPath",
        pod(
            [
                app(m("/etc/app/app.yaml", "conf", subPath="app.yaml")),
                {
                    "name": "reload",
                    "image": "ghcr.io/jimmidyson/configmap-reload:v0.13.1",
                    "args": ["--volume-dir=/cfg"],
                    "volumeMounts": [m("/cfg", "conf")],
                },
            ],
            [{"name": "conf", "configMap": {"name": "c"}}],
        ),
        pod(
            [app(m("/etc/app/app.yaml", "conf", subPath="app.yaml"))],
            [{"name": "conf", "configMap": {"name": "c"}}],
        ),
    ),
    (
        "PAT-EMPTYDIR-MEMORY",
        "warning",
        "spec.volumes[0].emptyDir",
        pod(
            [app(m("/var/log/app"), args=WRITES), shipper(m("/logs", readOnly=True), args=TAIL)],
            [{"name": "logs", "emptyDir": {"medium": "Memory"}}],
        ),
        pod(
            [app(m("/var/log/app"), args=WRITES), shipper(m("/logs", readOnly=True), args=TAIL)],
            [{"name": "logs", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}],
        ),
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "path", "firing", "neighbour"), CASES, ids=[c[0] for c in CASES]
)
def test_it_fires_each_volume_rule_and_not_on_its_neighbour(
    rule: str, severity: str, path: str, firing: dict[str, Any], neighbour: dict[str, Any]
) -> None:
    assert hits(firing, rule) == [(severity, path)]
    assert hits(neighbour, rule) == []


def test_it_reads_a_shippers_input_from_its_configmap_in_the_stream() -> None:
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "fb"},
        "data": {"fluent-bit.conf": "[INPUT]\n    Name tail\n    Path /var/log/pods/*.log\n"},
    }
    volumes = [*LOGS, {"name": "fb", "configMap": {"name": "fb"}}]
    document = pod(
        [app(m("/var/log/app"), args=WRITES), shipper(m("/logs", readOnly=True), m("/fluent-bit/etc", "fb"))],
        volumes,
    )
    assert [s for s, _ in hits(document, "PAT-LOGSHIPPER-INPUT", [config])] == ["warning"]
    config["data"] = {"fluent-bit.conf": "[INPUT]\n    Name tail\n    Path /logs/*.log\n"}
    assert hits(document, "PAT-LOGSHIPPER-INPUT", [config]) == []


def test_it_asks_a_consumer_for_readonly_only_as_info() -> None:
    document = pod([app(m("/var/log/app"), args=WRITES), shipper(m("/logs"), args=TAIL)], LOGS)
    assert hits(document, "PAT-CONSUMER-READONLY") == [("info", "spec.containers[1].volumeMounts[0]")]


def test_it_matches_a_subpathexpr_with_any_subpath() -> None:
    expr = pod(
        [
            app(m("/var/log/app", subPathExpr="$(POD_NAME)")),
            shipper(m("/logs", subPath="web-0", readOnly=True), args=TAIL),
        ],
        LOGS,
    )
    assert hits(expr, "PAT-SUBPATH-MISMATCH") == []


def test_it_keeps_rendered_config_in_a_memory_emptydir_an_info() -> None:
    renderer = {"name": "render", "image": "ghcr.io/acme/render:1", "volumeMounts": [m("/out", "cfg")]}
    document = pod(
        [app(m("/etc/app", "cfg", readOnly=True)), renderer],
        [{"name": "cfg", "emptyDir": {"medium": "Memory"}}],
    )
    assert hits(document, "PAT-EMPTYDIR-MEMORY") == [("info", "spec.volumes[0].emptyDir")]


def test_it_does_not_count_creating_the_mount_point_as_a_write() -> None:
    command = ["sh", "-c", "mkdir -p /etc/app && exec ./app --config /etc/app/app.conf"]
    document = pod(
        [app(m("/etc/app", "conf"), command=command)], [{"name": "conf", "configMap": {"name": "c"}}]
    )
    assert hits(document, "PAT-WRITE-TO-READONLY-VOLUME") == []
