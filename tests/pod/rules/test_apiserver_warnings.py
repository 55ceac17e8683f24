"""Warnings kube-apiserver admits a pod with: node labels, null selectors, host aliases, annotations."""

from __future__ import annotations

from typing import Any

from designer.pod.rules import apiserver
from designer.pod.rules.context import LintContext

RULES = (
    "K8S-WARN-DEPRECATED-NODE-LABEL",
    "K8S-WARN-NULL-SELECTOR",
    "K8S-WARN-HOSTALIAS-DUP",
    "K8S-WARN-DEPRECATED-ANNOTATION",
)


def warnings(spec: dict[str, Any], annotations: dict[str, str] | None = None, kind: str = "Pod",
             version: tuple[int, int] = (1, 33)) -> list[tuple[str, str, str]]:  # fmt: skip
    body = {"containers": [{"name": "app", "image": "a:1"}], **spec}
    meta = {"name": "p", "labels": {"app": "p"}, "annotations": annotations or {}}
    if kind == "Pod":
        doc = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": body}
    else:
        doc = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "d"},
               "spec": {"selector": {"matchLabels": {"app": "p"}}, "template": {"metadata": meta, "spec": body}}}  # fmt: skip
    return [(f.rule, f.path, f.message) for f in apiserver.check(LintContext(doc, version=version))
            if f.rule in RULES]  # fmt: skip


def test_deprecated_node_labels_in_selectors_affinity_and_spread() -> None:
    spec = {
        "nodeSelector": {"beta.kubernetes.io/os": "linux"},
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "failure-domain.beta.kubernetes.io/zone", "operator": "Exists"}]}]}}},
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "failure-domain.beta.kubernetes.io/zone",
                                       "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {}}],
    }  # fmt: skip
    zone = 'failure-domain.beta.kubernetes.io/zone is deprecated since v1.17; use "topology.kubernetes.io/zone" instead'
    assert warnings(spec) == [
        ("K8S-WARN-DEPRECATED-NODE-LABEL", "spec.nodeSelector[beta.kubernetes.io/os]",
         'deprecated since v1.14; use "kubernetes.io/os" instead'),
        ("K8S-WARN-DEPRECATED-NODE-LABEL", "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
         ".nodeSelectorTerms[0].matchExpressions[0].key", zone),
        ("K8S-WARN-DEPRECATED-NODE-LABEL", "spec.topologySpreadConstraints[0].topologyKey", zone),
    ]  # fmt: skip
    assert warnings({"nodeSelector": {"kubernetes.io/os": "linux"}}) == []


def test_null_label_selectors_match_no_pod() -> None:
    spec: dict[str, Any] = {
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway"}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname"}}]}},
    }  # fmt: skip
    assert [(p, m) for _, p, m in warnings(spec, kind="Deployment")] == [
        ("spec.template.spec.topologySpreadConstraints[0].labelSelector", "a null labelSelector results in matching no pod"),
        ("spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
         ".podAffinityTerm.labelSelector", "a null labelSelector results in matching no pod"),
    ]  # fmt: skip
    spec["topologySpreadConstraints"][0]["labelSelector"] = {"matchLabels": {"app": "p"}}
    assert len(warnings(spec)) == 1


def test_a_repeated_host_alias_ip() -> None:
    aliases = [{"ip": "10.0.0.1", "hostnames": ["a"]}, {"ip": "10.0.0.2", "hostnames": ["b"]},
               {"ip": "10.0.0.1", "hostnames": ["c"]}]  # fmt: skip
    assert warnings({"hostAliases": aliases}) == [
        ("K8S-WARN-HOSTALIAS-DUP", "spec.hostAliases[2].ip", 'duplicate ip "10.0.0.1"')
    ]


def test_deprecated_annotations_without_the_field_that_replaces_them() -> None:
    annotations = {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
                   "scheduler.alpha.kubernetes.io/critical-pod": "",
                   "container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}  # fmt: skip
    got = warnings({}, annotations, kind="Deployment")
    assert [(p, m) for _, p, m in got] == [
        ("spec.template.metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]",
         'non-functional in v1.16+; use the "priorityClassName" field instead'),
        ("spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]",
         'non-functional in v1.27+; use the "seccompProfile" field instead'),
        ("spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]",
         'deprecated since v1.30; use the "appArmorProfile" field instead'),
    ]  # fmt: skip
    with_fields = {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"},
                                       "appArmorProfile": {"type": "RuntimeDefault"}}}  # fmt: skip
    assert [p for _, p, _ in warnings(with_fields, annotations, kind="Deployment")] == [
        "spec.template.metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]"
    ]
    # on a Pod the AppArmor annotation is copied into the container (and warned about) unless it
    # repeats the pod-level profile
    apparmor = {"container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}
    assert [p for _, p, _ in warnings({}, apparmor)] == [
        "metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]"
    ]
    assert warnings({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}, apparmor) == []
    assert warnings({}, apparmor, version=(1, 29)) == []


def overlaps(volumes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "app", "image": "a:1"}], "volumes": volumes}}  # fmt: skip
    return [(f.path, f.message) for f in apiserver.check(LintContext(doc, version=(1, 33)))
            if f.rule == "K8S-WARN-OVERLAPPING-PATHS"]  # fmt: skip


def test_items_of_one_volume_that_overlap() -> None:
    cm = {"name": "cfg", "configMap": {"name": "app", "items": [
        {"key": "a", "path": "conf"}, {"key": "b", "path": "conf/extra.yaml"}, {"key": "c", "path": "other"}]}}  # fmt: skip
    assert overlaps([cm]) == [
        (
            "spec.volumes[0]",
            'volume "cfg" (ConfigMap "app"): overlapping paths: "conf/extra.yaml" with "conf"',
        )
    ]
    fine = {
        "name": "cfg",
        "configMap": {
            "name": "app",
            "items": [{"key": "a", "path": "a.yaml"}, {"key": "b", "path": "b.yaml"}],
        },
    }
    assert overlaps([fine]) == []


def test_projected_sources_that_write_the_same_file() -> None:
    projected = {"name": "all", "projected": {"sources": [
        {"configMap": {"name": "one", "items": [{"key": "k", "path": "config"}]}},
        {"secret": {"name": "two", "items": [{"key": "k", "path": "config"}]}},
        {},
    ]}}  # fmt: skip
    assert [m for _, m in overlaps([projected])] == [
        'volume "all" (Projected Secret "two"): overlapping paths: "config" with "config"',
        'volume "all" (Projected) has no sources provided',
    ]
