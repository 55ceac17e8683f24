"""LINT-* rules: each one fires on a small pod, and stays silent on a close neighbour."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules import practices
from designer.pod.rules.context import LintContext

HARDENED = {
    "runAsNonRoot": True,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESOURCES = {
    "requests": {"cpu": "100m", "memory": "64Mi", "ephemeral-storage": "1Gi"},
    "limits": {"cpu": "100m", "memory": "64Mi", "ephemeral-storage": "1Gi"},
}


def good(name: str = "app", **changes: Any) -> dict[str, Any]:
    """A container no LINT rule complains about; `changes` replace or (None) delete fields."""
    container: dict[str, Any] = {
        "name": name,
        "image": "ghcr.io/acme/app:1.0",
        "ports": [{"name": "http", "containerPort": 8080}],
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}},
        "livenessProbe": {"httpGet": {"path": "/live", "port": 8080}},
        "resources": copy.deepcopy(RESOURCES),
        "securityContext": copy.deepcopy(HARDENED),
    }
    for key, value in changes.items():
        if value is None:
            container.pop(key, None)
        else:
            container[key] = value
    return container


def pod(containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    body = {
        "serviceAccountName": "web",
        "automountServiceAccountToken": False,
        "containers": containers,
        **spec,
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": body}


def sc(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(HARDENED)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def res(requests: dict[str, str], limits: dict[str, str]) -> dict[str, Any]:
    return {"requests": requests, "limits": limits}


def hits(document: dict[str, Any], rule: str) -> list[tuple[str, str]]:
    found = practices.check(LintContext(document=document, version=(1, 33)))
    return [(f.severity, f.path) for f in found if f.rule == rule]


def test_it_finds_nothing_on_a_hardened_pod() -> None:
    assert practices.check(LintContext(document=pod([good()]))) == []


C0 = "spec.containers[0]"
FULL = {"cpu": "100m", "memory": "64Mi", "ephemeral-storage": "1Gi"}
CASES: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    ("LINT-IMAGE-TAG", "warning", f"{C0}.image", pod([good(image="nginx")]), pod([good(image="nginx:1.27")])),
    (
        "LINT-PULL-POLICY",
        "info",
        f"{C0}.imagePullPolicy",
        pod([good(imagePullPolicy="IfNotPresent")]),
        pod([good(imagePullPolicy="Always")]),
    ),
    (
        "LINT-RES-REQUESTS",
        "warning",
        f"{C0}.resources.requests",
        pod([good(resources=res({}, {"memory": "64Mi", "ephemeral-storage": "1Gi"}))]),
        pod([good(resources=res({}, FULL))]),
    ),
    (
        "LINT-RES-LIMITS",
        "warning",
        f"{C0}.resources.limits",
        pod([good(resources=res(FULL, {"cpu": "100m", "ephemeral-storage": "1Gi"}))]),
        pod([good(resources=res(FULL, {"memory": "64Mi", "ephemeral-storage": "1Gi"}))]),
    ),
    (
        "LINT-RES-EPHEMERAL",
        "info",
        f"{C0}.resources",
        pod([good(resources=res({"cpu": "1", "memory": "1Gi"}, {"cpu": "1", "memory": "1Gi"}))]),
        pod([good()]),
    ),
    (
        "LINT-RES-EQUAL",
        "info",
        f"{C0}.resources",
        pod([good(resources=res(FULL, {**FULL, "cpu": "200m"}))]),
        pod([good(resources=res(FULL, FULL))]),
    ),
    (
        "LINT-PROBE-READINESS",
        "warning",
        f"{C0}.readinessProbe",
        pod([good(readinessProbe=None)]),
        pod([good()]),
    ),
    ("LINT-PROBE-LIVENESS", "info", f"{C0}.livenessProbe", pod([good(livenessProbe=None)]), pod([good()])),
    (
        "LINT-PROBE-IDENTICAL",
        "warning",
        f"{C0}.livenessProbe",
        pod([good(livenessProbe={"httpGet": {"path": "/ready", "port": "http"}})]),
        pod([good(livenessProbe={"httpGet": {"path": "/ready", "port": "http"}, "failureThreshold": 6})]),
    ),
    (
        "LINT-PROBE-PORT",
        "error",
        f"{C0}.readinessProbe.httpGet.port",
        pod([good(readinessProbe={"httpGet": {"path": "/", "port": "web"}})]),
        pod([good(readinessProbe={"httpGet": {"path": "/", "port": "http"}})]),
    ),
    (
        "LINT-HARDENING",
        "warning",
        f"{C0}.securityContext",
        pod([good(securityContext=sc(runAsNonRoot=None))]),
        pod([good(securityContext=sc(runAsNonRoot=None))], securityContext={"runAsNonRoot": True}),
    ),
    (
        "LINT-PRIVILEGED",
        "warning",
        f"{C0}.securityContext.privileged",
        pod([good(securityContext=sc(privileged=True, allowPrivilegeEscalation=None))]),
        pod([good(securityContext=sc(privileged=False))]),
    ),
    (
        "LINT-HARDENING",
        "warning",
        f"{C0}.securityContext",
        pod([good(securityContext=sc(allowPrivilegeEscalation=True))]),
        pod([good()]),
    ),
    (
        "LINT-HARDENING",
        "warning",
        f"{C0}.securityContext",
        pod([good(securityContext=sc(readOnlyRootFilesystem=False))]),
        pod([good()]),
    ),
    (
        "LINT-HARDENING",
        "warning",
        f"{C0}.securityContext",
        pod([good(securityContext=sc(capabilities={"drop": ["CHOWN"]}))]),
        pod([good(securityContext=sc(capabilities={"drop": ["NET_RAW"]}))]),
    ),
    (
        "LINT-CAPABILITIES",
        "warning",
        f"{C0}.securityContext.capabilities.add[0]",
        pod([good(securityContext=sc(capabilities={"drop": ["ALL"], "add": ["SYS_ADMIN"]}))]),
        pod([good(securityContext=sc(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}))]),
    ),
    (
        "LINT-HARDENING",
        "info",
        f"{C0}.securityContext",
        pod([good(securityContext=sc(seccompProfile={"type": "Unconfined"}))]),
        pod(
            [good(securityContext=sc(seccompProfile=None))],
            securityContext={"seccompProfile": {"type": "RuntimeDefault"}},
        ),
    ),
    (
        "LINT-HOST-NAMESPACES",
        "warning",
        "spec.hostPID",
        pod([good()], hostPID=True),
        pod([good()], hostPID=False),
    ),
    (
        "LINT-HOSTPORT",
        "warning",
        f"{C0}.ports[0].hostPort",
        pod([good(ports=[{"name": "http", "containerPort": 8080, "hostPort": 8080}])]),
        pod([good()]),
    ),
    (
        "LINT-HOSTPATH",
        "warning",
        "spec.volumes[0].hostPath",
        pod([good()], volumes=[{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]),
        pod([good()], volumes=[{"name": "sock", "emptyDir": {}}]),
    ),
    (
        "LINT-PROCMOUNT-SYSCTLS",
        "warning",
        "spec.securityContext.sysctls[0].name",
        pod([good()], securityContext={"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]}),
        pod([good()], securityContext={"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}]}),
    ),
    (
        "LINT-ENV-DUP",
        "warning",
        f"{C0}.env[1].name",
        pod([good(env=[{"name": "LOG", "value": "a"}, {"name": "LOG", "value": "b"}])]),
        pod([good(env=[{"name": "LOG", "value": "a"}, {"name": "LOG_LEVEL", "value": "b"}])]),
    ),
    (
        "LINT-ENV-SECRETS",
        "warning",
        f"{C0}.env[0].value",
        pod([good(env=[{"name": "DB_PASSWORD", "value": "hunter2"}])]),
        pod(
            [good(env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}])]
        ),
    ),
    (
        "LINT-PORTS",
        "info",
        f"{C0}.ports[0].containerPort",
        pod(
            [
                good(
                    ports=[{"name": "http", "containerPort": 80}],
                    livenessProbe={"httpGet": {"path": "/", "port": 80}},
                )
            ]
        ),
        pod([good()]),
    ),
    (
        "LINT-SERVICE-ACCOUNT",
        "info",
        "spec.serviceAccountName",
        pod([good()], serviceAccountName="default"),
        pod([good()], serviceAccountName="web"),
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "path", "firing", "neighbour"), CASES, ids=[c[0] for c in CASES]
)
def test_it_fires_each_practice_rule_and_not_on_its_neighbour(
    rule: str, severity: str, path: str, firing: dict[str, Any], neighbour: dict[str, Any]
) -> None:
    assert hits(firing, rule) == [(severity, path)]
    assert hits(neighbour, rule) == []


def test_it_reports_an_undeclared_numeric_probe_port_as_a_warning() -> None:
    document = pod([good(livenessProbe={"tcpSocket": {"port": 9999}})])
    assert hits(document, "LINT-PROBE-PORT") == [("warning", f"{C0}.livenessProbe.tcpSocket.port")]


def test_it_reports_root_uid_on_run_as_user() -> None:
    document = pod([good(securityContext=sc(runAsUser=0))])
    assert hits(document, "LINT-RUN-AS-NONROOT") == [("warning", f"{C0}.securityContext.runAsUser")]


def test_it_checks_only_resources_on_run_to_completion_init_containers() -> None:
    init = {"name": "setup", "image": "busybox:latest", "securityContext": {"privileged": True}}
    document = pod([good()], initContainers=[init])
    rules = {f.rule for f in practices.check(LintContext(document=document)) if f.container == "setup"}
    assert rules == {"LINT-RES-REQUESTS", "LINT-RES-LIMITS", "LINT-RES-EPHEMERAL"}


def test_it_checks_native_sidecars_like_app_containers() -> None:
    sidecar = good("proxy", image="envoy:latest", restartPolicy="Always")
    document = pod([good()], initContainers=[sidecar])
    assert hits(document, "LINT-IMAGE-TAG") == [("warning", "spec.initContainers[0].image")]


def test_it_skips_missing_probes_in_a_pod_that_runs_to_completion() -> None:
    document = pod([good(readinessProbe=None, livenessProbe=None)], restartPolicy="Never")
    assert hits(document, "LINT-PROBE-READINESS") == []


def test_it_requires_readiness_on_helpers_in_front_of_the_main_only() -> None:
    # A helper's failing readiness takes the whole pod out of its Services: only an inbound proxy
    # (it carries the main's traffic) needs one; an exporter or a shipper must not have one forced.
    main = good(args=["--listen=127.0.0.1:8000"], ports=None, readinessProbe=None)
    main["readinessProbe"] = {"exec": {"command": ["wget", "-qO-", "http://127.0.0.1:8000/ready"]}}
    quiet = good("shipper", ports=None, readinessProbe=None, livenessProbe=None)
    exporter = good("exporter", image="prom/statsd-exporter:v0.26.1", readinessProbe=None)
    exporter["ports"] = [{"name": "metrics", "containerPort": 9102}]
    exporter["livenessProbe"] = {"httpGet": {"path": "/", "port": 9102}}
    front = good("oauth2-proxy", args=["--upstream=http://127.0.0.1:8000/"], readinessProbe=None)
    document = pod([main, quiet, exporter, front])
    assert hits(document, "LINT-PROBE-READINESS") == [("warning", "spec.containers[3].readinessProbe")]


def test_it_expects_privileged_root_and_host_paths_of_a_csi_node_plugin() -> None:
    plugin = good("csi-plugin", securityContext={"privileged": True, "runAsUser": 0})
    plugin["volumeMounts"] = [
        {"name": "kubelet", "mountPath": "/var/lib/kubelet", "mountPropagation": "Bidirectional"}
    ]
    registrar = good("registrar", securityContext={"runAsUser": 0})
    registrar["volumeMounts"] = [{"name": "registration", "mountPath": "/registration"}]
    volumes = [
        {"name": "kubelet", "hostPath": {"path": "/var/lib/kubelet", "type": "Directory"}},
        {
            "name": "registration",
            "hostPath": {"path": "/var/lib/kubelet/plugins_registry/", "type": "Directory"},
        },
    ]
    document = pod([plugin, registrar], volumes=volumes)
    for rule in ("LINT-PRIVILEGED", "LINT-RUN-AS-NONROOT", "LINT-HOSTPATH"):
        assert hits(document, rule) and {s for s, _ in hits(document, rule)} == {"info"}, rule
    # The same privileged container without the kubelet's registry is still a warning.
    plain = pod([good("agent", securityContext={"privileged": True, "runAsUser": 0})])
    assert {s for s, _ in hits(plain, "LINT-PRIVILEGED")} == {"warning"}


def test_it_accepts_a_probe_port_the_flags_reveal() -> None:
    manager = good("manager", ports=None, args=["--health-probe-bind-address=:8081"])
    manager["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": 8081}}
    manager["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": 8081, "scheme": "HTTP"}}
    assert hits(pod([manager]), "LINT-PROBE-PORT") == []


def messages(document: dict[str, Any], rule: str) -> list[str]:
    return [f.message for f in practices.check(LintContext(document=document)) if f.rule == rule]


def test_it_lists_everything_a_container_lacks_in_one_hardening_finding() -> None:
    document = pod([good(securityContext=None)])
    assert messages(document, "LINT-HARDENING") == [
        "'app' lacks runAsNonRoot, allowPrivilegeEscalation, readOnlyRootFilesystem, capabilities.drop, "
        "seccompProfile"
    ]
    for old in ("LINT-PRIV-ESCALATION", "LINT-RO-ROOTFS", "LINT-SECCOMP", "LINT-RUN-AS-NONROOT"):
        assert hits(document, old) == []


def test_it_drops_a_hardening_piece_waived_under_its_old_rule_id() -> None:
    document = pod([good(securityContext=sc(readOnlyRootFilesystem=None, seccompProfile=None))])
    waivers = '[{"rule": "LINT-RO-ROOTFS", "container": "app", "reason": "writes a cache"}]'
    document["metadata"]["annotations"] = {"pod-designer/waivers": waivers}
    assert messages(document, "LINT-HARDENING") == ["'app' lacks seccompProfile"]
    waivers = '[{"rule": "LINT-RO-ROOTFS", "reason": "legacy"}, {"rule": "LINT-SECCOMP", "reason": "legacy"}]'
    document["metadata"]["annotations"] = {"pod-designer/waivers": waivers}
    assert messages(document, "LINT-HARDENING") == []


def test_it_gives_a_windows_pod_no_linux_only_advice() -> None:
    document = pod([good(securityContext={"runAsNonRoot": True})], os={"name": "windows"})
    assert hits(document, "LINT-HARDENING") == []
    linux = pod([good(securityContext={"runAsNonRoot": True})], os={"name": "linux"})
    assert hits(linux, "LINT-HARDENING") == [("warning", f"{C0}.securityContext")]


def test_it_asks_no_readiness_probe_of_a_job_or_cronjob() -> None:
    container = good(readinessProbe=None, livenessProbe=None)
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [container]}}},
    }
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {
            "schedule": "@daily",
            "jobTemplate": {"spec": {"template": {"spec": {"containers": [container]}}}},
        },
    }
    for document in (job, cron):
        assert [
            f for f in practices.check(LintContext(document=document)) if f.rule.startswith("LINT-PROBE")
        ] == []


def test_it_leaves_an_injected_mesh_proxy_its_capabilities() -> None:
    istio_init = good(
        "istio-init",
        image="docker.io/istio/proxyv2:1.22.0",
        securityContext={
            "runAsUser": 0,
            "runAsNonRoot": False,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": False,
            "capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]},
        },
    )
    proxy = good(
        "istio-proxy",
        image="docker.io/istio/proxyv2:1.22.0",
        restartPolicy="Always",
        securityContext=sc(capabilities={"add": ["NET_ADMIN"]}),
    )
    document = pod([good()], initContainers=[istio_init, proxy])
    found = [
        f
        for f in practices.check(LintContext(document=document))
        if f.container in ("istio-init", "istio-proxy")
    ]
    assert [f.rule for f in found if f.rule.startswith(("LINT-CAPAB", "LINT-HARD", "LINT-RUN-AS"))] == []
    plain = pod([good(securityContext=sc(capabilities={"add": ["NET_ADMIN"], "drop": ["ALL"]}))])
    assert hits(plain, "LINT-CAPABILITIES") == [("warning", f"{C0}.securityContext.capabilities.add[0]")]


def test_it_accepts_probes_an_injector_rewrote_to_the_mesh_status_port() -> None:
    app = good(readinessProbe={"httpGet": {"path": "/app-health/app/readyz", "port": 15020}})
    proxy = good(
        "istio-proxy",
        image="docker.io/istio/proxyv2:1.22.0",
        readinessProbe={"httpGet": {"path": "/healthz/ready", "port": 15021}},
    )
    assert hits(pod([app, proxy]), "LINT-PROBE-PORT") == []
    assert hits(pod([app]), "LINT-PROBE-PORT") == [("warning", f"{C0}.readinessProbe.httpGet.port")]
