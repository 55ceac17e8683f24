"""PAT-HELPER-HARDENING as one finding per helper, PAT-INBOUND-PROXY-BYPASS, and Linkerd in
PAT-MESH-LOOPBACK-BIND (designer/pod/rules/patterns.py, patterns_wiring.py)."""

from __future__ import annotations

import json
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules.lint import lint

APP = {"name": "app", "image": "nginx:1.27", "volumeMounts": [{"name": "d", "mountPath": "/d"}]}


def pod(
    containers: list[dict[str, Any]],
    init: list[dict[str, Any]] | None = None,
    annotations: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": "p",
        "annotations": {"kubectl.kubernetes.io/default-container": "app", **(annotations or {})},
        "labels": labels or {"app": "p"},
    }
    spec: dict[str, Any] = {"containers": containers, "volumes": [{"name": "d", "emptyDir": {}}]}
    if init:
        spec["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def found(document: dict[str, Any], *rules: str, **kwargs: Any) -> list[Finding]:
    return [f for f in lint(document, **kwargs) if f.rule in rules]


# --- PAT-HELPER-HARDENING ------------------------------------------------------------------


def helper(**security: Any) -> dict[str, Any]:
    return {
        "name": "dind",
        "image": "docker:27.3-dind",
        "securityContext": security,
        "volumeMounts": [{"name": "d", "mountPath": "/d"}],
    }


def test_one_finding_per_helper_lists_every_risky_setting_with_a_hint_each() -> None:
    document = pod(
        [APP, helper(privileged=True, runAsUser=0, capabilities={"add": ["SYS_ADMIN", "NET_RAW"]})]
    )
    [finding] = found(document, "PAT-HELPER-HARDENING")
    assert finding.path == "spec.containers[1].securityContext"
    assert finding.message.startswith("sidecar 'dind' is privileged, adds SYS_ADMIN and runs as root")
    assert "NET_RAW" not in finding.message  # not a dangerous capability
    assert "Docker-in-Docker needs privileged" in finding.hint
    assert "remove SYS_ADMIN" in finding.hint and "non-zero UID" in finding.hint


def test_the_practice_findings_about_the_same_helper_are_not_repeated() -> None:
    document = pod([APP, helper(privileged=True, runAsUser=0, capabilities={"add": ["SYS_ADMIN"]})])
    rules = {f.rule for f in lint(document) if f.container == "dind"}
    assert "PAT-HELPER-HARDENING" in rules
    assert not rules & {"LINT-PRIVILEGED", "LINT-CAPABILITIES", "LINT-RUN-AS-NONROOT"}
    assert "LINT-HARDENING" in rules  # what it lacks is another concern...
    [lacks] = [f for f in lint(document) if f.rule == "LINT-HARDENING" and f.container == "dind"]
    assert "runAsNonRoot" not in lacks.message  # ...but root is said once, by the helper finding
    # The main keeps its practice findings: PAT-HELPER-HARDENING is about helpers only.
    main = pod([{**APP, "securityContext": {"privileged": True}}])
    assert [f.rule for f in found(main, "LINT-PRIVILEGED", "PAT-HELPER-HARDENING")] == ["LINT-PRIVILEGED"]
    # Without the patterns layer the practices still speak.
    only = lint(document, layers=("practices",))
    assert {"LINT-PRIVILEGED", "LINT-CAPABILITIES", "LINT-RUN-AS-NONROOT"} <= {f.rule for f in only}


def test_an_init_container_is_named_as_such_and_a_namespaced_sysctl_gets_the_sysctls_hint() -> None:
    tune = {
        "name": "tune-sysctl",
        "image": "busybox:1.36",
        "command": ["sh", "-c", "sysctl -w net.ipv4.ip_forward=1; echo 262144 > /proc/sys/vm/max_map_count"],
        "securityContext": {"privileged": True},
    }
    [finding] = found(pod([APP], init=[tune]), "PAT-HELPER-HARDENING")
    assert finding.message.startswith("init container 'tune-sysctl' is privileged;")
    assert finding.path == "spec.initContainers[0].securityContext.privileged"
    assert "net.ipv4.ip_forward is namespaced: set it with spec.securityContext.sysctls" in finding.hint
    assert "vm.max_map_count is node-wide" in finding.hint


def test_root_from_the_pod_security_context_counts_for_helpers() -> None:
    document = pod([APP, helper()])
    document["spec"]["securityContext"] = {"runAsUser": 0}
    [finding] = found(document, "PAT-HELPER-HARDENING")
    assert "runs as root (from the pod's securityContext)" in finding.message
    assert finding.path == "spec.containers[1]"


def test_a_waiver_of_the_rule_covers_the_helper_and_an_old_practice_waiver_drops_its_item() -> None:
    waive_all = json.dumps([{"rule": "PAT-HELPER-HARDENING", "container": "dind", "reason": "dind"}])
    document = pod(
        [APP, helper(privileged=True, runAsUser=0)], annotations={"pod-designer/waivers": waive_all}
    )
    helpers = found(document, "PAT-HELPER-HARDENING", "LINT-PRIVILEGED", "LINT-RUN-AS-NONROOT")
    assert [(f.rule, f.waived) for f in helpers] == [("PAT-HELPER-HARDENING", "dind")]
    waive_one = json.dumps([{"rule": "LINT-PRIVILEGED", "container": "dind", "reason": "dind"}])
    document = pod(
        [APP, helper(privileged=True, runAsUser=0)], annotations={"pod-designer/waivers": waive_one}
    )
    by_rule = {f.rule: f for f in found(document, "PAT-HELPER-HARDENING", "LINT-PRIVILEGED")}
    assert "privileged" not in by_rule["PAT-HELPER-HARDENING"].message
    assert "runs as root" in by_rule["PAT-HELPER-HARDENING"].message
    assert by_rule["LINT-PRIVILEGED"].waived == "dind"  # waived findings stay listed


def test_a_harmless_helper_raises_nothing() -> None:
    assert found(pod([APP, helper(runAsNonRoot=True, runAsUser=1000)]), "PAT-HELPER-HARDENING") == []


# --- PAT-INBOUND-PROXY-BYPASS ----------------------------------------------------------------


def grafana(address: str, ports: bool = False) -> dict[str, Any]:
    return {
        "name": "app",
        "image": "grafana/grafana:11.2.0",
        "env": [
            {"name": "GF_SERVER_HTTP_ADDR", "value": address},
            {"name": "GF_SERVER_HTTP_PORT", "value": "3000"},
        ],
        **({"ports": [{"name": "http", "containerPort": 3000}]} if ports else {}),
    }


def proxy(image: str = "quay.io/oauth2-proxy/oauth2-proxy:v7.6.0", *extra: str) -> dict[str, Any]:
    return {
        "name": "proxy",
        "image": image,
        "args": ["--http-address=0.0.0.0:4180", "--upstream=http://127.0.0.1:3000", *extra],
        "ports": [{"name": "proxy", "containerPort": 4180}],
    }


def service(target: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "grafana"},
        "spec": {"selector": {"app": "p"}, "ports": [{"port": 80, "targetPort": target}]},
    }


def bypass(document: dict[str, Any], companions: list[dict[str, Any]] | None = None) -> list[tuple[str, str]]:
    return [
        (f.severity, f.path)
        for f in lint(document, layers=("patterns",), companions=companions)
        if f.rule == "PAT-INBOUND-PROXY-BYPASS"
    ]


def test_a_main_bound_to_every_interface_behind_an_auth_proxy_is_a_bypass() -> None:
    assert bypass(pod([grafana("0.0.0.0"), proxy()])) == [("warning", "spec.containers[0].env[1].value")]


def test_a_main_bound_to_loopback_passes_even_with_a_service_to_the_proxy() -> None:
    assert bypass(pod([grafana("127.0.0.1"), proxy()]), [service("proxy")]) == []


def test_a_service_that_targets_the_main_port_is_a_bypass_by_number_or_name() -> None:
    document = pod([grafana("", ports=True), proxy()])
    document["spec"]["containers"][0]["env"] = []  # no bind evidence: only the Service says so
    assert bypass(document) == []  # a declared port alone is no evidence of the bind address
    assert bypass(document, [service(3000)]) == [("warning", "spec.containers[0].ports[0]")]
    assert bypass(document, [service("http")]) == [("warning", "spec.containers[0].ports[0]")]
    other = service(3000)
    other["spec"]["selector"] = {"app": "someone-else"}
    assert bypass(document, [other]) == []


def test_a_proxy_without_auth_evidence_is_not_a_bypass_and_flags_can_supply_it() -> None:
    plain = proxy("docker.io/library/nginx:1.27")
    assert bypass(pod([grafana("0.0.0.0"), plain])) == []
    envoy = proxy("envoyproxy/envoy:v1.31.0", "--jwt-issuer=https://sso.example.com")
    [finding] = found(pod([grafana("0.0.0.0"), envoy]), "PAT-INBOUND-PROXY-BYPASS", layers=("patterns",))
    assert "auth: 'jwt-issuer' in its arguments" in finding.message


# --- PAT-MESH-LOOPBACK-BIND under Linkerd ----------------------------------------------------


def linkerd(version: str | None) -> dict[str, Any]:
    app = {
        "name": "app",
        "image": "ghcr.io/acme/orders:1",
        "command": ["gunicorn", "--bind", "127.0.0.1:8000", "orders.wsgi"],
        "ports": [{"containerPort": 8000}],
    }
    annotations = {"linkerd.io/inject": "enabled"}
    if version:
        annotations["linkerd.io/proxy-version"] = version
    return pod([app], annotations=annotations)


def loopback(document: dict[str, Any]) -> list[str]:
    return [f.message for f in lint(document, layers=("patterns",)) if f.rule == "PAT-MESH-LOOPBACK-BIND"]


def test_linkerd_from_2_11_forwards_to_the_pod_ip() -> None:
    for version in (None, "stable-2.11.0", "stable-2.14.10", "edge-24.11.8", "enterprise-2.16.1"):
        [message] = loopback(linkerd(version))
        assert "Linkerd proxy (since stable-2.11)" in message


def test_an_older_linkerd_still_forwarded_to_localhost() -> None:
    for version in ("stable-2.10.2", "edge-21.7.1"):
        assert loopback(linkerd(version)) == []


def test_a_probe_of_the_forwarded_port_shows_the_main_serves_it_on_the_pod_ip() -> None:
    main = {
        "name": "app",
        "image": "ghcr.io/acme/app:1",
        "readinessProbe": {"httpGet": {"path": "/", "port": 3000}},
    }
    assert bypass(pod([main, proxy()])) == [("warning", "spec.containers[0].readinessProbe.httpGet.port")]
    bound = {**main, "args": ["--listen=127.0.0.1:3000"]}
    assert bypass(pod([bound, proxy()])) == []
