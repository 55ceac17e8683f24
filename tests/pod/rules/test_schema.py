"""The schema layer (strict official schemas per version) and robustness of both layers."""

from __future__ import annotations

import copy
import glob
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.pod.findings import Finding
from designer.pod.rules import apiserver, schema
from designer.pod.rules.context import LintContext
from designer.pod.workloads import WORKLOAD_KINDS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "manifests"
POD = yaml.safe_load(
    """
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}, annotations: {a: b}}
spec:
  volumes: [{name: shared, emptyDir: {sizeLimit: 1Gi}}]
  initContainers:
  - name: proxy
    image: envoyproxy/envoy:v1.30.1
    restartPolicy: Always
    lifecycle: {preStop: {sleep: {seconds: 5}}}
  containers:
  - name: app
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]
    resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 1, memory: 256Mi}}
    livenessProbe: {httpGet: {path: /healthz, port: http}}
    readinessProbe: {tcpSocket: {port: 80}}
    resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]
    volumeMounts: [{name: shared, mountPath: /data}]
"""
)


def check(doc: dict[str, Any], version: tuple[int, int] = (1, 33)) -> list[Finding]:
    return schema.check(LintContext(doc, version=version))


def with_app(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(POD)
    doc["spec"]["containers"][0].update(fields)
    return doc


def test_it_accepts_a_valid_pod() -> None:
    assert check(POD) == []


def test_it_reports_each_unknown_field_in_kubectl_wording() -> None:
    doc = copy.deepcopy(POD)
    doc["spec"]["containers"].append(
        {"name": "log", "image": "busybox", "volumeMount": [], "imagePullPolcy": "x"}
    )
    findings = check(doc)
    assert [(f.rule, f.severity, f.path, f.message) for f in findings] == [
        (
            "K8S-FIELD-UNKNOWN",
            "error",
            "spec.containers[1].imagePullPolcy",
            'unknown field "spec.containers[1].imagePullPolcy"',
        ),
        (
            "K8S-FIELD-UNKNOWN",
            "error",
            "spec.containers[1].volumeMount",
            'unknown field "spec.containers[1].volumeMount"',
        ),
    ]


def test_it_reports_a_quoted_number_like_the_decoder() -> None:
    doc = with_app(ports=[{"containerPort": "80"}])
    assert [(f.rule, f.path, f.message) for f in check(doc)] == [
        (
            "K8S-FIELD-TYPE",
            "spec.containers[0].ports[0].containerPort",
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort "
            "of type int32",
        )
    ]


@pytest.mark.parametrize(
    ("field", "value", "go_number", "go_type"),
    [
        ("initialDelaySeconds", 2**31, "2147483648", "int32"),
        ("initialDelaySeconds", 3e9, "3000000000", "int32"),
        ("initialDelaySeconds", -(2**31) - 1, "-2147483649", "int32"),
        ("terminationGracePeriodSeconds", 2**63, "9223372036854775808", "int64"),
    ],
)
def test_it_reports_an_integer_its_go_type_cannot_hold(
    field: str, value: Any, go_number: str, go_type: str
) -> None:
    # JSON Schema's "integer" is unbounded; encoding/json fails on an int32 field given 2147483648.
    doc = with_app(livenessProbe={"httpGet": {"path": "/", "port": 80}, field: value})
    assert [(f.rule, f.path, f.message) for f in check(doc)] == [
        (
            "K8S-FIELD-TYPE",
            f"spec.containers[0].livenessProbe.{field}",
            f"json: cannot unmarshal number {go_number} into Go struct field "
            f"Probe.spec.containers.livenessProbe.{field} of type {go_type}",
        )
    ]


@pytest.mark.parametrize("value", [2**31 - 1, -(2**31), 2147483647.0])
def test_it_accepts_an_integer_at_the_edge_of_its_go_type(value: Any) -> None:
    assert check(with_app(livenessProbe={"httpGet": {"path": "/", "port": 80}, "periodSeconds": value})) == []


def test_it_accepts_int_or_string_and_quantities_in_both_forms() -> None:
    doc = with_app(
        livenessProbe={"httpGet": {"path": "/", "port": 8080}},
        readinessProbe={"tcpSocket": {"port": "http"}},
        resources={"requests": {"cpu": 0.5, "memory": "1Gi"}, "limits": {"cpu": "2", "memory": 2147483648}},
    )
    assert check(doc) == []


def test_it_rejects_wrong_types_for_int_or_string_and_quantities() -> None:
    doc = with_app(readinessProbe={"tcpSocket": {"port": [80]}}, resources={"limits": {"cpu": True}})
    assert [(f.rule, f.path) for f in check(doc)] == [
        ("K8S-FIELD-TYPE", "spec.containers[0].readinessProbe.tcpSocket.port"),
        ("K8S-FIELD-TYPE", "spec.containers[0].resources.limits[cpu]"),
    ]
    assert "of type resource.Quantity" in check(doc)[1].message
    assert "of type intstr.IntOrString" in check(doc)[0].message


def test_it_accepts_null_values_as_the_decoder_does() -> None:
    doc = with_app(ports=None, env=None, resources={"limits": None}, livenessProbe=None, readinessProbe=None)
    doc["metadata"]["labels"] = None
    assert check(doc) == []


def test_it_leaves_required_fields_the_apiserver_layer_reports_to_it() -> None:
    doc = with_app(ports=[{"name": "http"}])
    del doc["spec"]["containers"][0]["name"]
    assert check(doc) == []
    doc = with_app(env=[{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}}])
    doc["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}}
    assert [(f.rule, f.path, f.message) for f in check(doc)] == [
        (
            "K8S-FIELD-TYPE",
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
            "Required value",
        )
    ]


def test_it_reports_wrong_api_version_for_the_kind() -> None:
    doc = copy.deepcopy(POD)
    doc["apiVersion"] = "v2"
    assert [(f.rule, f.path, f.message) for f in check(doc)] == [
        ("K8S-FIELD-TYPE", "apiVersion", 'Unsupported value: "v2": supported values: "v1"')
    ]


@pytest.mark.parametrize(
    ("version", "unknown"),
    [
        ((1, 26), ["spec.containers[0].resizePolicy", "spec.initContainers[0].lifecycle.preStop.sleep",
                   "spec.initContainers[0].restartPolicy"]),
        ((1, 27), ["spec.initContainers[0].lifecycle.preStop.sleep", "spec.initContainers[0].restartPolicy"]),
        ((1, 28), ["spec.initContainers[0].lifecycle.preStop.sleep"]),
        ((1, 29), []),
        ((1, 37), []),
    ],
)  # fmt: skip
def test_it_knows_which_fields_each_version_has(version: tuple[int, int], unknown: list[str]) -> None:
    findings = check(POD, version)
    assert [f.path for f in findings] == unknown
    assert {f.rule for f in findings} <= {"K8S-FIELD-UNKNOWN"}


def test_it_validates_workloads_against_their_own_schema() -> None:
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": "3",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": copy.deepcopy(POD["spec"])},
        },
    }
    deployment["spec"]["template"]["spec"]["containers"][0]["volumeMount"] = []
    assert [(f.rule, f.path) for f in check(deployment)] == [
        ("K8S-FIELD-TYPE", "spec.replicas"),
        ("K8S-FIELD-UNKNOWN", "spec.template.spec.containers[0].volumeMount"),
    ]


def test_it_checks_an_unknown_kind_as_a_bare_pod() -> None:
    doc = copy.deepcopy(POD)
    doc["kind"] = "Widget"
    assert check(doc) == []


def test_it_agrees_with_jsonschema_in_its_fast_path_on_the_fixtures() -> None:
    for _, doc in _fixture_documents():
        for version in ((1, 25), (1, 28), (1, 33), (1, 37)):
            kind = doc["kind"]
            fast = schema.fast_check_for(version, kind)
            assert fast is not None
            assert fast(doc) == (list(schema.validator_for(version, kind).iter_errors(doc)) == [])


def test_it_builds_one_validator_per_version_and_kind() -> None:
    assert schema.validator_for((1, 33), "Pod") is schema.validator_for((1, 33), "Pod")
    assert schema.validator_for((1, 33), "Pod") is not schema.validator_for((1, 32), "Pod")
    for kind in WORKLOAD_KINDS:
        assert schema.validator_for((1, 25), kind) is not None


def _fixture_documents() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted(glob.glob(str(FIXTURES / "*.y*ml")) + glob.glob(str(FIXTURES / "*.json"))):
        for doc in yaml.safe_load_all(Path(path).read_text(encoding="utf-8")):
            items = doc.get("items", []) if isinstance(doc, dict) and doc.get("kind") == "List" else [doc]
            docs += [
                (Path(path).name, d) for d in items if isinstance(d, dict) and d.get("kind") in WORKLOAD_KINDS
            ]
    return docs


def test_it_finds_no_errors_in_the_realistic_fixture_manifests() -> None:
    docs = _fixture_documents()
    assert len(docs) >= 20
    for name, doc in docs:
        for version in ((1, 33), (1, 37)):
            ctx = LintContext(doc, version=version)
            errors = [f for f in schema.check(ctx) + apiserver.check(ctx) if f.severity == "error"]
            assert errors == [], name


# Anything JSON/YAML can hold, dropped into random places of a valid pod.
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) | st.integers() | st.none(), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["containers", "initContainers", "volumes", "ports", "env", "resources", "limits", "requests", "name", "image",
     "volumeMounts", "livenessProbe", "httpGet", "port", "securityContext", "restartPolicy", "projected", "sources",
     "spec", "metadata", "hostNetwork", "dnsConfig", "sysctls", "valueFrom", "fieldRef", "lifecycle", "items"]
)  # fmt: skip


def _places(node: Any) -> list[Any]:
    """Every dict and list inside node."""
    out = []
    if isinstance(node, dict | list):
        out.append(node)
        for value in node.values() if isinstance(node, dict) else node:
            out.extend(_places(value))
    return out


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), KEYS | st.text(max_size=5), JUNK), min_size=1, max_size=6),
       st.sampled_from([(1, 25), (1, 28), (1, 33), (1, 37)]))  # fmt: skip
def test_it_never_raises_on_strange_input(
    edits: list[tuple[int, str, Any]], version: tuple[int, int]
) -> None:
    doc = copy.deepcopy(POD)
    for where, key, value in edits:
        places = _places(doc)
        place = places[where % len(places)]
        if isinstance(place, dict):
            place[key] = value
        elif place:
            place[where % len(place)] = value
        else:
            place.append(value)
    ctx = LintContext(doc, version=version)
    # The compiled pre-check may only skip jsonschema where jsonschema finds nothing.
    if schema.fast_check_for(version, "Pod")(doc):
        assert list(schema.validator_for(version, "Pod").iter_errors(doc)) == []
    for finding in schema.check(ctx) + apiserver.check(ctx):
        assert isinstance(finding.path, str)
        assert isinstance(finding.message, str)


def _imported_after_lint(document: dict[str, Any]) -> list[str]:
    """Lint one document in a fresh interpreter; its K8S-* rules and the slow-to-import validators it pulled in."""
    probe = (
        "import json, sys\n"
        "from designer.pod.rules.lint import lint\n"
        "findings = lint(json.loads(sys.stdin.read()), version=(1, 33))\n"
        "print(json.dumps({'errors': [f.rule for f in findings if f.rule.startswith('K8S-')],\n"
        "    'loaded': sorted(m for m in ('jsonschema', 'kubernetes_validate') if m in sys.modules)}))"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=root,
    )
    report: dict[str, list[str]] = json.loads(result.stdout)
    return report["errors"] + ["loaded:" + name for name in report["loaded"]]


def test_a_valid_pod_is_linted_without_importing_python_jsonschema() -> None:
    assert _imported_after_lint(POD) == []
    broken = copy.deepcopy(POD)
    broken["spec"]["containers"][0]["volumeMount"] = []  # the slow path lists it with python jsonschema
    assert _imported_after_lint(broken) == ["K8S-FIELD-UNKNOWN", "loaded:jsonschema"]


def test_from_1_36_a_type_error_names_the_embedded_go_structs_on_its_path() -> None:
    """v1.36's decoder prints Go's field path through inlined structs (ProbeHandler, VolumeSource)."""
    doc = with_app(livenessProbe={"tcpSocket": {"port": [1]}})
    doc["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": 5}}]
    old = {f.path for f in check(doc, (1, 33))}
    new = {f.path: f.message for f in check(doc, (1, 36))}
    assert old == {"spec.containers[0].livenessProbe.tcpSocket.port", "spec.volumes[0].hostPath.path"}
    assert set(new) == {
        "spec.containers[0].livenessProbe.ProbeHandler.tcpSocket.port",
        "spec.volumes[0].VolumeSource.hostPath.path",
    }
    assert "Go struct field HostPathVolumeSource.spec.volumes.VolumeSource.hostPath.path" in str(new.values())
