"""Annotations kube-apiserver validates as pod settings (ValidatePodSpecificAnnotations)."""

from __future__ import annotations

from typing import Any

from designer.pod.rules import apiserver
from designer.pod.rules.context import LintContext

AA = "container.apparmor.security.beta.kubernetes.io/"
RULES = ("K8S-POD-ANNOTATIONS", "K8S-SC-PROFILES", "K8S-POD-TOLERATIONS")


def doc(annotations: dict[str, str], spec: dict[str, Any] | None = None, kind: str = "Pod") -> dict[str, Any]:
    body = {"containers": [{"name": "app", "image": "a:1"}], **(spec or {})}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": annotations},
                "spec": body}  # fmt: skip
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}, "annotations": annotations}, "spec": body}}}  # fmt: skip


def findings(document: dict[str, Any], version: tuple[int, int] = (1, 33)) -> list[tuple[str, str, str]]:
    return [(f.rule, f.path, f.message) for f in apiserver.check(LintContext(document, version=version))
            if f.rule in RULES]  # fmt: skip


def test_apparmor_annotation_names_a_container_and_a_profile() -> None:
    assert findings(doc({AA + "sidecar": "runtime/default", AA + "app": "enforce"})) == [
        ("K8S-POD-ANNOTATIONS", f"metadata.annotations[{AA}sidecar]", 'Invalid value: "sidecar": container not found'),
        ("K8S-POD-ANNOTATIONS", f"metadata.annotations[{AA}app]",
         "Invalid value: \"enforce\": invalid AppArmor profile name: \"enforce\""),
    ]  # fmt: skip
    assert findings(doc({AA + "app": "localhost/k8s-nginx"})) == []
    # a template's annotations are checked too, at spec.template.annotations
    assert [p for _, p, _ in findings(doc({AA + "web": "unconfined"}, kind="Deployment"))] == [
        f"spec.template.annotations[{AA}web]"
    ]


def test_deletion_cost_mirror_and_seccomp_annotations() -> None:
    cost = "controller.kubernetes.io/pod-deletion-cost"
    assert findings(doc({cost: "+10"})) == [
        (
            "K8S-POD-ANNOTATIONS",
            f"metadata.annotations[{cost}]",
            'Invalid value: "+10": must be a 32bit integer',
        )
    ]
    assert [m for _, _, m in findings(doc({cost: "2147483648"}))] == [
        'Invalid value: "2147483648": must be a 32bit integer'
    ]
    assert findings(doc({cost: "-100"})) == findings(doc({cost: "0"})) == []
    mirror = "kubernetes.io/config.mirror"
    assert findings(doc({mirror: "abc"})) == [
        ("K8S-POD-ANNOTATIONS", f"metadata.annotations[{mirror}]",
         'Invalid value: "abc": must set spec.nodeName if mirror pod annotation is set'),
    ]  # fmt: skip
    assert findings(doc({mirror: "abc"}, {"nodeName": "node-1"})) == []
    seccomp = "seccomp.security.alpha.kubernetes.io/pod"
    assert findings(doc({seccomp: "default", "container.seccomp.security.alpha.kubernetes.io/app": "localhost/../x"})) == [
        ("K8S-POD-ANNOTATIONS", f"metadata.annotations.{seccomp}", 'Invalid value: "default": must be a valid seccomp profile'),
        ("K8S-POD-ANNOTATIONS", "metadata.annotations.container.seccomp.security.alpha.kubernetes.io/app",
         "Invalid value: \"../x\": must not contain '..'"),
    ]  # fmt: skip
    assert findings(doc({seccomp: "runtime/default"})) == []


def test_tolerations_annotation_is_a_list_of_valid_tolerations() -> None:
    key = "scheduler.alpha.kubernetes.io/tolerations"
    got = findings(doc({key: '[{"key": "gpu", "operator": "Present"}]'}))
    assert got == [
        ("K8S-POD-TOLERATIONS", f"metadata.annotations.{key}[0].operator",
         'Unsupported value: "Present": supported values: "Equal", "Exists"'),
    ]  # fmt: skip
    assert [p for _, p, _ in findings(doc({key: "not json"}))] == ["metadata.annotations"]
    assert findings(doc({key: '[{"key": "gpu", "operator": "Exists"}]'})) == []


def test_apparmor_annotation_must_agree_with_the_container_field() -> None:
    ctr = {"name": "app", "image": "a:1", "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}
    at = "spec.containers[0].securityContext.appArmorProfile"
    assert findings(doc({AA + "app": "unconfined"}, {"containers": [ctr]})) == [
        ("K8S-SC-PROFILES", f"{at}.type", "Forbidden: apparmor type in annotation and field must match")
    ]
    local = {**ctr, "securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "a"}}}
    assert findings(doc({AA + "app": "localhost/b"}, {"containers": [local]})) == [
        (
            "K8S-SC-PROFILES",
            f"{at}.localhostProfile",
            "Forbidden: apparmor profile in annotation and field must match",
        )
    ]
    assert findings(doc({AA + "app": "runtime/default"}, {"containers": [ctr]})) == []
    # before v1.30 (AppArmorFields off) the field is dropped: nothing to compare
    assert findings(doc({AA + "app": "unconfined"}, {"containers": [ctr]}), version=(1, 29)) == []


def test_a_pod_level_profile_is_overridden_by_the_annotation_on_a_pod_but_not_in_a_template() -> None:
    # A Pod's annotation is copied into the container's field before validation (version skew
    # handling); a Deployment's template is validated as written (kubernetes/kubernetes#128306).
    spec = {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}}
    annotations = {AA + "app": "runtime/default"}
    assert findings(doc(annotations, spec)) == []
    assert findings(doc(annotations, spec, kind="Deployment")) == [
        ("K8S-SC-PROFILES", "spec.template.spec.containers[0].securityContext.appArmorProfile.type",
         "Forbidden: apparmor type in annotation and field must match"),
    ]  # fmt: skip
    # Windows pods are not compared
    windows = {**spec, "os": {"name": "windows"}}
    assert findings(doc(annotations, windows, kind="Deployment")) == []
