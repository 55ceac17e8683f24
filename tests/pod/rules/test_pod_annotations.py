"""ValidatePodSpecificAnnotations: the annotations kube-apiserver parses, on pods and templates."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules import apiserver_annotations as pod_annotations
from designer.pod.rules.lint import lint

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {
        "containers": [{"name": "app", "image": "nginx"}],
        "initContainers": [{"name": "init", "image": "busybox"}],
    },
}


def found(annotations: dict[str, str], spec: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    spec = POD["spec"] if spec is None else spec
    findings = pod_annotations.validate_pod_specific_annotations(
        annotations, spec, "metadata.annotations", (1, 33)
    )
    return [(f.rule, f.path) for f in findings]


@pytest.mark.parametrize("value", ["0", "-5", "2147483647", "-2147483648"])
def test_a_deletion_cost_is_a_32_bit_integer(value: str) -> None:
    assert found({pod_annotations.DELETION_COST: value}) == []


@pytest.mark.parametrize("value", ["", "abc", "007", "+5", "2147483648", "1.5", " 1"])
def test_a_deletion_cost_that_is_not_one_is_rejected(value: str) -> None:
    path = "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]"
    assert found({pod_annotations.DELETION_COST: value}) == [("K8S-POD-ANNOTATIONS", path)]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("runtime/default", True),
        ("docker/default", True),
        ("unconfined", True),
        ("localhost/profiles/audit.json", True),
        ("localhost//etc/profile.json", False),
        ("localhost/../escape.json", False),
        ("RuntimeDefault", False),
    ],
)
def test_seccomp_annotations_name_a_profile(value: str, valid: bool) -> None:
    pod_path = "metadata.annotations.seccomp.security.alpha.kubernetes.io/pod"
    assert found({pod_annotations.SECCOMP_POD: value}) == (
        [] if valid else [("K8S-POD-ANNOTATIONS", pod_path)]
    )
    key = pod_annotations.SECCOMP_CONTAINER_PREFIX + "app"
    assert found({key: value}) == ([] if valid else [("K8S-POD-ANNOTATIONS", f"metadata.annotations.{key}")])


def test_an_apparmor_annotation_names_an_existing_container_and_a_profile() -> None:
    prefix = pod_annotations.APPARMOR_PREFIX
    assert found({prefix + "app": "runtime/default", prefix + "init": "localhost/k8s-nginx"}) == []
    assert found({prefix + "ap": "runtime/default"}) == [
        ("K8S-POD-ANNOTATIONS", f"metadata.annotations[{prefix}ap]")
    ]
    assert found({prefix + "app": "RuntimeDefault"}) == [
        ("K8S-POD-ANNOTATIONS", f"metadata.annotations[{prefix}app]")
    ]


def test_a_mirror_pod_annotation_needs_a_node_name() -> None:
    spec = copy.deepcopy(POD["spec"])
    assert found({pod_annotations.MIRROR: "x"}, spec) == [
        ("K8S-POD-ANNOTATIONS", "metadata.annotations[kubernetes.io/config.mirror]")
    ]
    spec["nodeName"] = "node-1"
    assert found({pod_annotations.MIRROR: "x"}, spec) == []


def test_the_legacy_tolerations_annotation_is_parsed_and_validated() -> None:
    key = pod_annotations.TOLERATIONS
    assert found({key: '[{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]'}) == []
    assert found({key: "gpu=true:NoSchedule"}) == [("K8S-POD-ANNOTATIONS", "metadata.annotations")]
    assert found({key: '[{"operator": "Equal", "value": "x"}]'}) == [
        ("K8S-POD-TOLERATIONS", f"metadata.annotations.{key}[0].operator")
    ]


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("Pod", "metadata.annotations"),
        ("Deployment", "spec.template.annotations"),
        ("StatefulSet", "spec.template.annotations"),
        ("CronJob", "spec.jobTemplate.spec.template.annotations"),
    ],
)
def test_lint_checks_the_pod_or_template_annotations_of_every_kind(kind: str, path: str) -> None:
    annotations = {pod_annotations.DELETION_COST: "high"}
    template: dict[str, Any] = {
        "metadata": {"labels": {"app": "web"}, "annotations": annotations},
        "spec": {"containers": [{"name": "app", "image": "nginx"}], "restartPolicy": "Never"},
    }
    if kind == "Pod":
        document: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "annotations": annotations},
            "spec": template["spec"],
        }
    elif kind == "CronJob":
        document = {
            "apiVersion": "batch/v1",
            "kind": kind,
            "metadata": {"name": "web"},
            "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": template}}},
        }
    else:
        template["spec"]["restartPolicy"] = "Always"
        body = {"selector": {"matchLabels": {"app": "web"}}, "template": template, "serviceName": "web"}
        if kind == "Deployment":
            del body["serviceName"]
        document = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web"}, "spec": body}
    errors = [(f.rule, f.path) for f in lint(document, version="1.33") if f.severity == "error"]
    assert errors == [("K8S-POD-ANNOTATIONS", f"{path}[controller.kubernetes.io/pod-deletion-cost]")]
    annotations[pod_annotations.DELETION_COST] = "10"
    assert [f for f in lint(document, version="1.33") if f.severity == "error"] == []
