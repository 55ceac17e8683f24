"""Lifecycle PAT rules (designer/pod/rules/patterns_lifecycle.py): each fires on a small pod and
stays silent on a close neighbour that is correct."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules import patterns
from designer.pod.rules.context import LintContext

APP = {"name": "app", "image": "ghcr.io/acme/app:1.0", "ports": [{"containerPort": 8080}]}
PROXY = {
    "name": "proxy",
    "image": "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
    "args": ["--port=5432", "p:r:db"],
    "ports": [{"containerPort": 5432}],
}
DB_ENV = [{"name": "DATABASE_URL", "value": "postgres://u@127.0.0.1:5432/db"}]


def pod(
    containers: list[Any], init: list[Any] | None = None, kind: str = "Pod", **spec: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"containers": copy.deepcopy(containers), **spec}
    if init is not None:
        body["initContainers"] = copy.deepcopy(init)
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": "p"}, "spec": body}


def sh(name: str, script: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **extra}


def hits(document: dict[str, Any], rule: str, version: tuple[int, int] = (1, 33)) -> list[tuple[str, str]]:
    found = patterns.check(LintContext(document=document, version=version))  # roles inferred: app is main
    return [(f.severity, f.path) for f in found if f.rule == rule]


def with_(container: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**copy.deepcopy(container), **extra}


SHARED = [{"name": "shared", "emptyDir": {}}]
MOUNT = {"name": "shared", "mountPath": "/shared"}
RO = {**MOUNT, "readOnly": True}

CASES: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "PAT-INIT-NEVER-EXITS",
        "warning",
        "spec.initContainers[0].command",
        pod([APP], [sh("tailer", "tail -f /dev/null")]),
        pod([APP], [sh("tailer", "while true; do [ -f /x ] && break; sleep 1; done")]),
    ),
    (
        "PAT-INIT-WAITS-FOR-APP",
        "warning",
        "spec.initContainers[0].command[2]",
        pod([APP], [sh("wait", "until nc -z localhost 8080; do sleep 1; done")]),
        pod([APP], [sh("wait", "until nc -z other.svc 8080; do sleep 1; done")]),
    ),
    (
        "PAT-HELPER-EXITS",
        "warning",
        "spec.containers[1]",
        pod([APP, sh("helper", "cp /a /shared/a")]),
        pod([APP], [sh("helper", "cp /a /shared/a")]),
    ),
    (
        "PAT-NATIVE-SIDECAR-ONESHOT",
        "warning",
        "spec.initContainers[0].restartPolicy",
        pod([APP], [sh("seed", "python manage.py migrate", restartPolicy="Always")]),
        pod([APP], [sh("seed", "python manage.py migrate")]),
    ),
    (
        "PAT-INIT-ORDER",
        "warning",
        "spec.initContainers[0].volumeMounts[0]",
        pod(
            [with_(APP, volumeMounts=[RO])],
            [
                sh("reader", "cat /shared/a", volumeMounts=[RO]),
                sh("writer", "echo x > /shared/a", volumeMounts=[MOUNT]),
            ],
            volumes=SHARED,
        ),
        pod(
            [with_(APP, volumeMounts=[RO])],
            [
                sh("writer", "echo x > /shared/a", volumeMounts=[MOUNT]),
                sh("reader", "cat /shared/a", volumeMounts=[RO]),
            ],
            volumes=SHARED,
        ),
    ),
    (
        "PAT-NATIVE-SIDECAR-ORDER",
        "warning",
        "spec.initContainers[0].volumeMounts[0]",
        pod(
            [with_(APP, volumeMounts=[RO])],
            [
                sh("reader", ". /shared/db.env && ./migrate", volumeMounts=[RO]),
                with_(PROXY, name="agent", restartPolicy="Always", ports=[], volumeMounts=[MOUNT]),
            ],
            volumes=SHARED,
        ),
        pod(
            [with_(APP, volumeMounts=[RO])],
            [
                with_(PROXY, name="agent", restartPolicy="Always", ports=[], volumeMounts=[MOUNT]),
                sh("reader", ". /shared/db.env && ./migrate", volumeMounts=[RO]),
            ],
            volumes=SHARED,
        ),
    ),
    (
        "PAT-SHUTDOWN-ORDER",
        "warning",
        "spec.containers[1]",
        pod([with_(APP, env=DB_ENV, lifecycle={"preStop": {"sleep": {"seconds": 10}}}), PROXY]),
        pod(
            [with_(APP, env=DB_ENV, lifecycle={"preStop": {"sleep": {"seconds": 10}}})],
            [with_(PROXY, restartPolicy="Always")],
        ),
    ),
    (
        "PAT-GRACE-SHORTER-THAN-DRAIN",
        "warning",
        "spec.terminationGracePeriodSeconds",
        pod([with_(APP, lifecycle={"preStop": {"exec": {"command": ["sleep", "30"]}}})]),
        pod(
            [with_(APP, lifecycle={"preStop": {"exec": {"command": ["sleep", "30"]}}})],
            terminationGracePeriodSeconds=45,
        ),
    ),
    (
        "PAT-STARTUP-DEPENDS-ON-CLASSIC-SIDECAR",
        "warning",
        "spec.containers[0].command",
        pod([with_(APP, env=DB_ENV, command=["sh", "-c", "./migrate up && exec ./serve"]), PROXY]),
        pod(
            [with_(APP, env=DB_ENV, command=["sh", "-c", "./migrate up && exec ./serve"])],
            [with_(PROXY, restartPolicy="Always", startupProbe={"tcpSocket": {"port": 5432}})],
        ),
    ),
    (
        "PAT-SHAREPID-SIGNAL",
        "warning",
        "spec.shareProcessNamespace",
        pod([APP, sh("reloader", "while sleep 60; do pkill -HUP app; done")]),
        pod([APP, sh("reloader", "while sleep 60; do pkill -HUP app; done")], shareProcessNamespace=True),
    ),
    (
        "PAT-SHAREPID-PID1",
        "warning",
        "spec.containers[1].command[2]",
        pod([APP, sh("reloader", "while sleep 60; do kill -HUP 1; done")], shareProcessNamespace=True),
        pod([APP, sh("reloader", "while sleep 60; do pkill -HUP -x app; done")], shareProcessNamespace=True),
    ),
    (
        "PAT-SIDECAR-BLOCKS-COMPLETION",
        "warning",
        "spec.containers[1]",
        pod([APP, PROXY], restartPolicy="Never"),
        pod([APP], [with_(PROXY, restartPolicy="Always")], restartPolicy="Never"),
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "path", "firing", "neighbour"), CASES, ids=[c[0] for c in CASES]
)
def test_it_fires_each_lifecycle_rule_and_not_on_its_neighbour(
    rule: str, severity: str, path: str, firing: dict[str, Any], neighbour: dict[str, Any]
) -> None:
    assert hits(firing, rule) == [(severity, path)]
    assert hits(neighbour, rule) == []


def test_it_does_not_hold_a_job_open_for_a_helper_that_exits() -> None:
    uploader = sh("uploader", "while true; do [ -f /shared/done ] && exit 0; sleep 5; done")
    assert hits(pod([APP, uploader], restartPolicy="Never"), "PAT-SIDECAR-BLOCKS-COMPLETION") == []


def test_it_reports_a_wait_for_the_app_instead_of_a_bare_localhost_target() -> None:
    document = pod([APP], [sh("wait", "until curl -sf http://localhost:8080/ready; do sleep 1; done")])
    found = patterns.check(LintContext(document=document))
    on_init = [f.rule for f in found if f.container == "wait" and f.severity == "warning"]
    assert on_init == ["PAT-INIT-WAITS-FOR-APP"]


def test_it_warns_about_a_missing_startup_probe_only_when_others_depend_on_the_sidecar() -> None:
    used = pod([with_(APP, env=DB_ENV)], [with_(PROXY, restartPolicy="Always")])
    unused = pod([APP], [with_(PROXY, restartPolicy="Always")])
    assert hits(used, "PAT-NATIVE-SIDECAR-STARTUP") == [("warning", "spec.initContainers[0].startupProbe")]
    assert hits(unused, "PAT-NATIVE-SIDECAR-STARTUP") == [("info", "spec.initContainers[0].startupProbe")]


def test_it_leaves_a_preStop_sleep_longer_than_the_grace_period_to_the_api_server() -> None:
    document = pod([with_(APP, lifecycle={"preStop": {"sleep": {"seconds": 40}}})])
    assert hits(document, "PAT-GRACE-SHORTER-THAN-DRAIN") == []
    equal = pod([with_(APP, lifecycle={"preStop": {"sleep": {"seconds": 30}}})])
    assert hits(equal, "PAT-GRACE-SHORTER-THAN-DRAIN") == [("warning", "spec.terminationGracePeriodSeconds")]


def test_it_warns_once_when_the_default_container_is_an_init_container() -> None:
    document = pod([APP], [sh("setup", "cp /a /b")])
    document["metadata"]["annotations"] = {"kubectl.kubernetes.io/default-container": "setup"}
    path = "metadata.annotations[kubectl.kubernetes.io/default-container]"
    assert hits(document, "PAT-DEFAULT-CONTAINER") == [("warning", path)]


def test_it_counts_a_shared_pid_namespace_as_coupling() -> None:
    reloader = sh("reloader", "while sleep 60; do pkill -HUP -x app; done")
    assert hits(pod([APP, reloader], shareProcessNamespace=True), "PAT-SIDECAR-COUPLED") == []
    assert hits(pod([APP, reloader]), "PAT-SIDECAR-COUPLED") == [("warning", "spec.containers[1]")]


def test_it_warns_when_helpers_cost_a_whole_cpu_main_its_guaranteed_qos() -> None:
    pinned = {"requests": {"cpu": "2", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1Gi"}}
    shared = {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "500m", "memory": "1Gi"}}
    helper = with_(PROXY, resources={"requests": {"cpu": "10m"}})
    assert hits(pod([with_(APP, resources=pinned), helper]), "PAT-RES-QOS") == [("warning", "spec")]
    assert hits(pod([with_(APP, resources=shared), helper]), "PAT-RES-QOS") == [("info", "spec")]


def test_it_orders_native_sidecars_by_the_files_they_need() -> None:
    renderer = with_(
        PROXY,
        name="render",
        restartPolicy="Always",
        ports=[],
        args=["--out=/shared/envoy.yaml"],
        volumeMounts=[MOUNT],
    )
    envoy = {
        "name": "envoy",
        "image": "envoyproxy/envoy:v1.30.2",
        "restartPolicy": "Always",
        "args": ["-c", "/shared/envoy.yaml"],
        "volumeMounts": [RO],
    }
    wrong = pod([APP], [envoy, renderer], volumes=SHARED)
    right = pod([APP], [renderer, envoy], volumes=SHARED)
    assert hits(wrong, "PAT-NATIVE-SIDECAR-ORDER") == [("warning", "spec.initContainers[0].volumeMounts[0]")]
    assert hits(right, "PAT-NATIVE-SIDECAR-ORDER") == []
