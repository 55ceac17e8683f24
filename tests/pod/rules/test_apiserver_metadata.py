"""The pod's labels and annotations, at a Pod's and at a workload template's paths."""

from __future__ import annotations

from typing import Any

from designer.pod.rules import apiserver
from designer.pod.rules.context import LintContext
from designer.pod.rules.names import LABEL_VALUE_MSG, QUALIFIED_NAME_MSG


def errors(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (f.rule, f.path, f.message)
        for f in apiserver.check(LintContext(doc, version=(1, 33)))
        if f.rule.startswith("K8S-META")
    ]


def pod(meta: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", **meta},
            "spec": {"containers": [{"name": "a", "image": "a:1"}]}}  # fmt: skip


def test_pod_labels_are_qualified_names_with_label_values() -> None:
    assert errors(pod({"labels": {"my key": "ok", "tier": "front end", "v": "x" * 64}})) == [
        ("K8S-META-LABELS", "metadata.labels", f'Invalid value: "my key": name part {QUALIFIED_NAME_MSG}'),
        ("K8S-META-LABELS", "metadata.labels", f'Invalid value: "front end": {LABEL_VALUE_MSG}'),
        (
            "K8S-META-LABELS",
            "metadata.labels",
            f'Invalid value: "{"x" * 64}": must be no more than 63 characters',
        ),
    ]
    assert errors(pod({"labels": {"app.kubernetes.io/name": "web", "empty": ""}})) == []


def test_annotation_keys_are_qualified_names_compared_lower_cased() -> None:
    assert errors(pod({"annotations": {"a/b/c": "x", "Example.COM/Key": "fine"}})) == [
        (
            "K8S-META-ANNOTATIONS",
            "metadata.annotations",
            f'Invalid value: "a/b/c": a qualified name {QUALIFIED_NAME_MSG} with an optional DNS '
            "subdomain prefix and '/' (e.g. 'example.com/MyName')",
        )
    ]


def test_a_workload_template_is_reported_at_template_labels_without_metadata() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "labels": {"bad key": "x"}},  # the workloads module's concern
        "spec": {
            "selector": {"matchLabels": {"app": "d"}},
            "template": {
                "metadata": {"labels": {"app": "d", "v": "v1 beta"}, "annotations": {"bad key!": ""}},
                "spec": {"containers": [{"name": "a", "image": "a:1"}]},
            },
        },
    }
    assert [(rule, path) for rule, path, _ in errors(deployment)] == [
        ("K8S-META-LABELS", "spec.template.labels"),
        ("K8S-META-ANNOTATIONS", "spec.template.annotations"),
    ]


def test_a_fieldref_subscript_is_a_label_or_annotation_key() -> None:
    doc = pod({})
    doc["spec"]["containers"][0]["env"] = [
        {"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['bad key']"}}},
        {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['Example.com/Key']"}}},
    ]
    found = [
        (f.path, f.message)
        for f in apiserver.check(LintContext(doc, version=(1, 33)))
        if f.severity == "error"
    ]
    assert found == [
        (
            "spec.containers[0].env[0].valueFrom.fieldRef",
            f'Invalid value: "bad key": name part {QUALIFIED_NAME_MSG}',
        )
    ]
