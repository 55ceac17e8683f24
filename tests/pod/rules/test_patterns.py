"""PAT-* rules: each one fires on a small pod, and stays silent on a close neighbour."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.findings import Finding
from designer.pod.roles import Role
from designer.pod.rules import patterns
from designer.pod.rules.context import LintContext


def ctr(name: str, image: str = "ghcr.io/acme/app:1.0", **extra: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": name, "image": image}
    container.update(extra)
    return container


def port(number: int, **extra: Any) -> dict[str, Any]:
    return {"containerPort": number, **extra}


def mount(name: str, read_only: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {"name": name, "mountPath": f"/{name}"}
    if read_only:
        result["readOnly"] = True
    return result


def pod(containers: list[Any], init: Any = None, **spec: Any) -> dict[str, Any]:
    annotations = spec.pop("annotations", None)
    body: dict[str, Any] = {"containers": containers, **spec}
    if init is not None:
        body["initContainers"] = init
    metadata: dict[str, Any] = {"name": "web"}
    if annotations is not None:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": body}


def run(
    document: dict[str, Any], roles: dict[str, str] | None = None, version: tuple[int, int] = (1, 33)
) -> list[Finding]:
    typed = {name: Role(role) for name, role in (roles or {}).items()}
    return patterns.check(LintContext(document=document, version=version, roles=typed))


def hits(document: dict[str, Any], rule: str, **kwargs: Any) -> list[tuple[str, str]]:
    return [(f.severity, f.path) for f in run(document, **kwargs) if f.rule == rule]


MAIN = ctr("app", ports=[port(8080)], volumeMounts=[mount("data")])
DATA = [{"name": "data", "emptyDir": {}}]
ROLES2 = {"app": "main", "helper": "sidecar"}


TAIL = ["sh", "-c", "tail -F /data/app.log"]


def two(helper: dict[str, Any], role: str, **spec: Any) -> tuple[dict[str, Any], dict[str, str]]:
    spec.setdefault("volumes", DATA)
    return pod([copy.deepcopy(MAIN), helper], **spec), {"app": "main", helper["name"]: role}


# (rule, severity, path, firing (document, roles), neighbour (document, roles))
CASES: list[tuple[str, str, str, Any, Any]] = [
    (
        "PAT-MAIN-REQUIRED",
        "error",
        "spec.containers",
        (pod([ctr("a"), ctr("b")]), {"a": "sidecar", "b": "sidecar"}),
        (pod([ctr("a"), ctr("b")]), {"a": "main", "b": "sidecar"}),
    ),
    (
        "PAT-MAIN-SINGLE",
        "warning",
        "spec.containers[1]",
        (pod([ctr("a"), ctr("b")]), {"a": "main", "b": "main"}),
        (pod([ctr("a"), ctr("b")]), {"a": "main", "b": "sidecar"}),
    ),
    (
        "PAT-MAIN-IN-CONTAINERS",
        "error",
        "spec.initContainers[0]",
        (pod([ctr("a")], init=[ctr("setup")]), {"a": "sidecar", "setup": "main"}),
        (pod([ctr("a")], init=[ctr("setup")]), {"a": "main", "setup": "init"}),
    ),
    (
        "PAT-DEFAULT-CONTAINER",
        "info",
        "metadata.annotations",
        (pod([ctr("a"), ctr("b")]), None),
        (pod([ctr("a"), ctr("b")], annotations={"kubectl.kubernetes.io/default-container": "a"}), None),
    ),
    (
        "PAT-DEFAULT-CONTAINER-EXISTS",
        "error",
        "metadata.annotations[kubectl.kubernetes.io/default-container]",
        (pod([ctr("a"), ctr("b")], annotations={"kubectl.kubernetes.io/default-container": "ghost"}), None),
        (pod([ctr("a"), ctr("b")], annotations={"kubectl.kubernetes.io/default-container": "b"}), None),
    ),
    (
        "PAT-PORT-CONFLICT",
        "error",
        "spec.containers[1].ports[0].containerPort",
        two(ctr("helper", ports=[port(8080)], volumeMounts=[mount("data")]), "sidecar"),
        two(ctr("helper", ports=[port(8080, protocol="UDP")], volumeMounts=[mount("data")]), "sidecar"),
    ),
    (
        "PAT-HOSTPORT-CONFLICT",
        "error",
        "spec.containers[0].ports[0].hostPort",
        (
            pod(
                [ctr("app", ports=[port(8080, hostPort=80)])],
                init=[ctr("proxy", restartPolicy="Always", ports=[port(9090, hostPort=80)])],
            ),
            None,
        ),
        (
            pod(
                [ctr("app", ports=[port(8080, hostPort=80)])],
                init=[
                    ctr("proxy", restartPolicy="Always", ports=[port(9090, hostPort=80, hostIP="10.0.0.1")])
                ],
            ),
            None,
        ),
    ),
    (
        "PAT-PORT-NAME-POD-UNIQUE",
        "warning",
        "spec.containers[1].ports[0].name",
        (pod([ctr("a", ports=[port(80, name="http")]), ctr("b", ports=[port(81, name="http")])]), None),
        (pod([ctr("a", ports=[port(80, name="http")]), ctr("b", ports=[port(81, name="metrics")])]), None),
    ),
    (
        "PAT-LOCALHOST-TARGET",
        "warning",
        "spec.containers[0].env[0].value",
        (pod([ctr("app", env=[{"name": "DB", "value": "postgres://localhost:5432/db"}])]), None),
        (
            pod(
                [
                    ctr("app", env=[{"name": "DB", "value": "postgres://localhost:5432/db"}]),
                    ctr("proxy", ports=[port(5432)]),
                ]
            ),
            {"app": "main", "proxy": "ambassador"},
        ),
    ),
    (
        "PAT-SIDECAR-COUPLED",
        "warning",
        "spec.containers[1]",
        two(ctr("helper"), "sidecar"),
        two(ctr("helper", volumeMounts=[mount("data", read_only=True)]), "sidecar"),
    ),
    (
        "PAT-ADAPTER-PORT",
        "warning",
        "spec.containers[1].ports",
        two(ctr("helper", args=["--scrape=http://localhost:8080/"]), "adapter"),
        two(ctr("helper", args=["--scrape=http://localhost:8080/"], ports=[port(9113)]), "adapter"),
    ),
    (
        "PAT-ADAPTER-INPUT",
        "warning",
        "spec.containers[1]",
        two(ctr("helper", ports=[port(9113)]), "adapter"),
        two(ctr("helper", args=["--scrape-uri=http://localhost:8080/status"], ports=[port(9113)]), "adapter"),
    ),
    (
        "PAT-AMBASSADOR-PORT",
        "error",
        "spec.containers[1].ports",
        two(ctr("helper"), "ambassador"),
        two(ctr("helper", ports=[port(5432)]), "ambassador"),
    ),
    (
        "PAT-AMBASSADOR-REFERENCED",
        "warning",
        "spec.containers[1].ports",
        two(ctr("helper", ports=[port(5432)]), "ambassador"),
        (
            pod(
                [
                    ctr(
                        "app",
                        env=[{"name": "DB_HOST", "value": "127.0.0.1"}, {"name": "DB_PORT", "value": "5432"}],
                    ),
                    ctr("helper", ports=[port(5432)]),
                ]
            ),
            {"app": "main", "helper": "ambassador"},
        ),
    ),
    (
        "PAT-AMBASSADOR-LOOPBACK",
        "info",
        "spec.containers[1]",
        two(ctr("helper", ports=[port(5432)], args=["--address=0.0.0.0"]), "ambassador"),
        two(ctr("helper", ports=[port(5432)], args=["--address=127.0.0.1"]), "ambassador"),
    ),
    (
        "PAT-VOLUME-UNUSED",
        "warning",
        "spec.volumes[1]",
        (pod([copy.deepcopy(MAIN)], volumes=[*DATA, {"name": "cache", "emptyDir": {}}]), None),
        (pod([copy.deepcopy(MAIN)], volumes=DATA), None),
    ),
    (
        "PAT-CONSUMER-READONLY",
        "info",
        "spec.containers[1].volumeMounts[0]",
        two(ctr("helper", ports=[port(9113)], volumeMounts=[mount("data")]), "adapter"),
        two(ctr("helper", ports=[port(9113)], volumeMounts=[mount("data", read_only=True)]), "adapter"),
    ),
    (
        "PAT-INIT-OUTPUT-CONSUMED",
        "warning",
        "spec.initContainers[0].volumeMounts[0]",
        (
            pod(
                [ctr("app")],
                init=[ctr("fetch", volumeMounts=[mount("out")])],
                volumes=[{"name": "out", "emptyDir": {}}],
            ),
            None,
        ),
        (
            pod(
                [ctr("app", volumeMounts=[mount("out", True)])],
                init=[ctr("fetch", volumeMounts=[mount("out")])],
                volumes=[{"name": "out", "emptyDir": {}}],
            ),
            None,
        ),
    ),
    (
        "PAT-INIT-READS-UNWRITTEN",
        "warning",
        "spec.initContainers[0].volumeMounts[0]",
        (
            pod(
                [ctr("app", volumeMounts=[mount("out")])],
                init=[ctr("check", volumeMounts=[mount("out", True)])],
                volumes=[{"name": "out", "emptyDir": {}}],
            ),
            None,
        ),
        (
            pod(
                [ctr("app", volumeMounts=[mount("out")])],
                init=[
                    ctr("fetch", volumeMounts=[mount("out")]),
                    ctr("check", volumeMounts=[mount("out", True)]),
                ],
                volumes=[{"name": "out", "emptyDir": {}}],
            ),
            None,
        ),
    ),
    (
        "PAT-INIT-NEVER-EXITS",
        "warning",
        "spec.initContainers[0].command",
        (pod([ctr("app")], init=[ctr("agent", command=["sh", "-c", "while true; do sleep 5; done"])]), None),
        (
            pod(
                [ctr("app")],
                init=[ctr("agent", command=["sh", "-c", "until nc -z db 5432; do sleep 2; done"])],
            ),
            None,
        ),
    ),
    (
        "PAT-INIT-PORTS",
        "warning",
        "spec.initContainers[0].ports",
        (pod([ctr("app")], init=[ctr("setup", ports=[port(9000)])]), None),
        (pod([ctr("app")], init=[ctr("setup", restartPolicy="Always", ports=[port(9000)])]), None),
    ),
    (
        "PAT-INIT-IDEMPOTENT",
        "info",
        "spec.initContainers[0].volumeMounts[0]",
        (
            pod(
                [ctr("app", volumeMounts=[mount("out", True)])],
                init=[ctr("fetch", volumeMounts=[mount("out")])],
                volumes=[{"name": "out", "emptyDir": {}}],
            ),
            None,
        ),
        (
            pod(
                [ctr("app", volumeMounts=[mount("out", True)])],
                init=[ctr("fetch", volumeMounts=[mount("out")])],
                volumes=[{"name": "out", "configMap": {"name": "x"}}],
            ),
            None,
        ),
    ),
    (
        "PAT-NATIVE-SIDECAR-ORDER",
        "warning",
        "spec.initContainers[0].args[0]",
        (
            pod(
                [ctr("app")],
                init=[
                    ctr("migrate", args=["--db=localhost:9000"]),
                    ctr("proxy", restartPolicy="Always", ports=[port(9000)]),
                ],
            ),
            None,
        ),
        (
            pod(
                [ctr("app")],
                init=[
                    ctr("proxy", restartPolicy="Always", ports=[port(9000)]),
                    ctr("migrate", args=["--db=localhost:9000"]),
                ],
            ),
            None,
        ),
    ),
    (
        "PAT-NATIVE-SIDECAR-STARTUP",
        "info",
        "spec.initContainers[0].startupProbe",
        (pod([ctr("app")], init=[ctr("proxy", restartPolicy="Always", ports=[port(9000)])]), None),
        (
            pod(
                [ctr("app")],
                init=[
                    ctr(
                        "proxy",
                        restartPolicy="Always",
                        ports=[port(9000)],
                        startupProbe={"tcpSocket": {"port": 9000}},
                        readinessProbe={"tcpSocket": {"port": 9000}},
                    )
                ],
            ),
            None,
        ),
    ),
    (
        "PAT-SIDECAR-BLOCKS-COMPLETION",
        "warning",
        "spec.containers[1]",
        # A daemon by evidence (it follows a file forever); a helper that exits is not flagged.
        two(ctr("helper", command=TAIL, volumeMounts=[mount("data")]), "sidecar", restartPolicy="Never"),
        two(ctr("helper", command=TAIL, volumeMounts=[mount("data")]), "sidecar", restartPolicy="Always"),
    ),
    (
        "PAT-RES-INIT-DOMINATES",
        "info",
        "spec.initContainers",
        (
            pod(
                [ctr("app", resources={"requests": {"cpu": "100m"}})],
                init=[ctr("warm", resources={"requests": {"cpu": "2"}})],
            ),
            None,
        ),
        (
            pod(
                [ctr("app", resources={"requests": {"cpu": "100m"}})],
                init=[ctr("warm", resources={"requests": {"cpu": "100m"}})],
            ),
            None,
        ),
    ),
    (
        "PAT-HELPER-HARDENING",
        "warning",
        "spec.containers[1].securityContext.privileged",
        two(ctr("helper", volumeMounts=[mount("data")], securityContext={"privileged": True}), "sidecar"),
        two(ctr("helper", volumeMounts=[mount("data")], securityContext={"privileged": False}), "sidecar"),
    ),
    (
        "PAT-SHAREPID-SIGNAL",
        "warning",
        "spec.shareProcessNamespace",
        two(ctr("helper", volumeMounts=[mount("data")], command=["sh", "-c", "pkill -HUP nginx"]), "sidecar"),
        two(
            ctr("helper", volumeMounts=[mount("data")], command=["sh", "-c", "pkill -HUP nginx"]),
            "sidecar",
            shareProcessNamespace=True,
        ),
    ),
    (
        "PAT-EMPTYDIR-MEMORY",
        "info",
        "spec.volumes[0].emptyDir",
        (pod([copy.deepcopy(MAIN)], volumes=[{"name": "data", "emptyDir": {"medium": "Memory"}}]), None),
        (
            pod(
                [copy.deepcopy(MAIN)],
                volumes=[{"name": "data", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}],
            ),
            None,
        ),
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "path", "firing", "neighbour"), CASES, ids=[c[0] for c in CASES]
)
def test_it_fires_each_pattern_rule_and_not_on_its_neighbour(
    rule: str, severity: str, path: str, firing: Any, neighbour: Any
) -> None:
    document, roles = firing
    assert hits(document, rule, roles=roles) == [(severity, path)]
    document, roles = neighbour
    assert hits(document, rule, roles=roles) == []


def test_it_reports_a_port_clash_between_native_sidecar_and_main_on_the_main() -> None:
    document = pod(
        [ctr("app", ports=[port(15001)])], init=[ctr("envoy", restartPolicy="Always", ports=[port(15001)])]
    )
    found = [f for f in run(document) if f.rule == "PAT-PORT-CONFLICT"]
    assert [(f.path, f.container) for f in found] == [("spec.containers[0].ports[0].containerPort", "app")]


def test_it_prefixes_paths_with_the_pod_template_of_a_deployment() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"metadata": {}, "spec": {"containers": [ctr("a"), ctr("b")]}}},
    }
    assert hits(deployment, "PAT-DEFAULT-CONTAINER") == [("info", "spec.template.metadata.annotations")]
    assert hits(deployment, "PAT-RES-QOS") == [("info", "spec.template.spec")]


def test_it_detects_loopback_host_plus_port_env_links() -> None:
    main = ctr(
        "app", env=[{"name": "REDIS_HOST", "value": "localhost"}, {"name": "REDIS_PORT", "value": "6379"}]
    )
    assert hits(pod([main]), "PAT-LOCALHOST-TARGET") == [("warning", "spec.containers[0].env[1].value")]


def test_it_never_asks_to_declare_a_port_the_ambassadors_flags_reveal() -> None:
    # Issue 11: a listener revealed by flags is a valid link target; the declaration adds nothing.
    main = ctr("app", env=[{"name": "DATABASE_URL", "value": "postgres://u@localhost:5432/db"}])
    proxy = ctr("proxy", args=["--port=5432", "project:region:db"])
    found = [
        f
        for f in run(pod([main, proxy]), roles={"app": "main", "proxy": "ambassador"})
        if f.rule == "PAT-AMBASSADOR-PORT"
    ]
    assert found == []
    links = [
        f
        for f in run(pod([main, proxy]), roles={"app": "main", "proxy": "ambassador"})
        if f.rule == "PAT-LOCALHOST-TARGET"
    ]
    assert links == []


def test_it_accepts_an_ambassador_port_from_flags_when_the_main_reads_it_elsewhere() -> None:
    # The main's database address lives in a ConfigMap (envFrom) not in the stream: we cannot see
    # the link, but the proxy's own flags say where it listens; nothing to declare.
    main = ctr("app", envFrom=[{"configMapRef": {"name": "db-settings"}}])
    proxy = ctr("cloudsql", args=["--port=5432", "project:region:db"])
    found = [
        f
        for f in run(pod([main, proxy]), roles={"app": "main", "cloudsql": "ambassador"})
        if f.rule == "PAT-AMBASSADOR-PORT"
    ]
    assert found == []


def test_it_flags_a_server_image_without_command_as_never_exiting() -> None:
    document = pod([ctr("app")], init=[ctr("web", image="nginx:1.27")])
    assert hits(document, "PAT-INIT-NEVER-EXITS") == [("warning", "spec.initContainers[0]")]


def test_it_grades_native_sidecars_by_target_version() -> None:
    document = pod([ctr("app")], init=[ctr("proxy", restartPolicy="Always")])
    path = "spec.initContainers[0].restartPolicy"
    assert hits(document, "PAT-NATIVE-SIDECAR-VERSION", version=(1, 28)) == [("warning", path)]
    assert hits(document, "PAT-NATIVE-SIDECAR-VERSION", version=(1, 30)) == [("info", path)]
    assert hits(document, "PAT-NATIVE-SIDECAR-VERSION", version=(1, 33)) == []


def test_it_treats_restart_always_init_as_blocking_before_1_29() -> None:
    document = pod([ctr("app")], init=[ctr("proxy", restartPolicy="Always", command=["sleep", "infinity"])])
    assert hits(document, "PAT-INIT-NEVER-EXITS", version=(1, 28)) == [
        ("warning", "spec.initContainers[0].command")
    ]
    assert hits(document, "PAT-INIT-NEVER-EXITS", version=(1, 29)) == []


def _effective_message(document: dict[str, Any]) -> str:
    return next(f.message for f in run(document) if f.rule == "PAT-RES-EFFECTIVE")


def test_it_reports_effective_requests_with_a_native_sidecar_before_an_init() -> None:
    def req(cpu: str, memory: str) -> dict[str, Any]:
        return {"requests": {"cpu": cpu, "memory": memory}}

    document = pod(
        [ctr("app", resources=req("100m", "64Mi"))],
        init=[
            ctr("proxy", restartPolicy="Always", resources=req("100m", "128Mi")),
            ctr("migrate", resources=req("500m", "256Mi")),
        ],
    )
    assert "requests: cpu=600m, memory=384Mi" in _effective_message(document)
    assert hits(document, "PAT-RES-EFFECTIVE") == [("info", "spec")]


def test_it_reports_qos_class_over_all_containers() -> None:
    exact = {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}
    guaranteed = pod([ctr("app", resources=exact)], init=[ctr("setup", resources=exact)])
    burstable = pod([ctr("app", resources=exact)], init=[ctr("setup")])
    qos = [f.message for f in run(guaranteed) if f.rule == "PAT-RES-QOS"]
    assert qos[0].startswith("QoS class: Guaranteed")
    qos = [f.message for f in run(burstable) if f.rule == "PAT-RES-QOS"]
    assert qos[0].startswith("QoS class: Burstable") and "setup" in qos[0]


def test_it_names_the_container_on_container_findings() -> None:
    document, roles = two(ctr("helper"), "sidecar")
    coupled = [f for f in run(document, roles=roles) if f.rule == "PAT-SIDECAR-COUPLED"]
    assert coupled[0].container == "helper"


def test_it_survives_malformed_containers() -> None:
    document = pod(
        [None, "x", {"name": 3, "ports": "no", "env": [None, {"value": 5}]}], init="bad", volumes={"a": 1}
    )
    assert all(f.rule.startswith("PAT-") for f in run(document))


def test_it_does_not_take_a_containers_own_listen_address_for_a_link() -> None:
    proxy = ctr(
        "proxy",
        env=[{"name": "OUTBOUND_LISTEN_ADDR", "value": "127.0.0.1:4140"}],
        args=["--listen", "127.0.0.1:9901"],
    )
    assert hits(pod([ctr("app"), proxy]), "PAT-LOCALHOST-TARGET") == []


def test_it_pairs_a_loopback_host_with_the_port_of_the_same_prefix_only() -> None:
    bouncer = ctr(
        "bouncer",
        env=[
            {"name": "PGBOUNCER_BIND_ADDRESS", "value": "127.0.0.1"},
            {"name": "DB_HOST", "value": "localhost"},
            {"name": "POSTGRESQL_PORT", "value": "5432"},
            {"name": "DB_PORT", "value": "6000"},
        ],
    )
    assert hits(pod([bouncer]), "PAT-LOCALHOST-TARGET") == [("warning", "spec.containers[0].env[3].value")]


def test_it_does_not_ask_the_main_to_reference_a_transparent_mesh_proxy() -> None:
    mesh_init = ctr("mesh-init", securityContext={"capabilities": {"add": ["NET_ADMIN"]}})
    document = pod([ctr("app", ports=[port(8080)]), ctr("proxy", ports=[port(15090)])], init=[mesh_init])
    roles = {"app": "main", "proxy": "ambassador", "mesh-init": "init"}
    assert hits(document, "PAT-AMBASSADOR-REFERENCED", roles=roles) == []
    document["spec"].pop("initContainers")
    assert hits(document, "PAT-AMBASSADOR-REFERENCED", roles={"app": "main", "proxy": "ambassador"}) != []


def test_it_does_not_expect_scratch_space_of_an_init_container_to_be_consumed() -> None:
    init = ctr("setup", volumeMounts=[{"name": "lock", "mountPath": "/run"}])
    document = pod([ctr("app")], init=[init], volumes=[{"name": "lock", "emptyDir": {}}])
    assert hits(document, "PAT-INIT-OUTPUT-CONSUMED") == []


def test_a_flag_listener_is_a_valid_link_target() -> None:
    main = ctr("app", env=[{"name": "DB", "value": "postgres://localhost:5432/x"}])
    proxy = ctr("proxy", args=["--port=5432"], ports=[port(9090)])
    assert [f for f in run(pod([main, proxy])) if f.rule == "PAT-LOCALHOST-TARGET"] == []
    lonely = ctr("proxy", args=["--port=6000"], ports=[port(9090)])
    found = [f for f in run(pod([main, lonely])) if f.rule == "PAT-LOCALHOST-TARGET"]
    assert len(found) == 1 and "no container listens there" in found[0].message


def test_it_computes_no_resources_for_a_pod_without_containers() -> None:
    document = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {}}
    rules = {f.rule for f in run(document)}
    assert not rules & {"PAT-RES-EFFECTIVE", "PAT-RES-QOS", "PAT-RES-INIT-DOMINATES"}


def test_a_native_sidecar_may_read_what_the_app_writes_later() -> None:
    # The log shipper pattern as a native sidecar: it starts first and keeps reading.
    document = pod(
        [ctr("app", volumeMounts=[mount("logs")])],
        init=[ctr("shipper", restartPolicy="Always", volumeMounts=[mount("logs", True)])],
        volumes=[{"name": "logs", "emptyDir": {}}],
    )
    assert hits(document, "PAT-INIT-READS-UNWRITTEN") == []
    document["spec"]["initContainers"][0].pop("restartPolicy")  # a classic init reads it empty
    assert hits(document, "PAT-INIT-READS-UNWRITTEN") == [
        ("warning", "spec.initContainers[0].volumeMounts[0]")
    ]
