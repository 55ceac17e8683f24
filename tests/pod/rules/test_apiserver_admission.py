"""What the Priority and RuntimeClass admission plugins refuse in a Pod."""

from __future__ import annotations

from typing import Any

from designer.pod.rules import apiserver
from designer.pod.rules.context import LintContext


def admission(spec: dict[str, Any], kind: str = "Pod", companions: Any = ()) -> list[tuple[str, str, str]]:
    base = {"containers": [{"name": "a", "image": "a:1"}], **spec}
    if kind == "Pod":
        doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": base}
    else:
        doc = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "d"},
               "spec": {"selector": {"matchLabels": {"a": "b"}},
                        "template": {"metadata": {"labels": {"a": "b"}}, "spec": base}}}  # fmt: skip
    ctx = LintContext(doc, version=(1, 33), companions=list(companions))
    return [
        (f.rule, f.path, f.message)
        for f in apiserver.check(ctx)
        if f.rule in ("K8S-POD-PRIORITY", "K8S-POD-OVERHEAD")
    ]


def test_a_priority_without_a_class_is_refused_by_the_priority_plugin() -> None:
    assert admission({"priority": 1000}) == [
        (
            "K8S-POD-PRIORITY",
            "spec.priority",
            "Forbidden: the integer value of priority (1000) must not be provided in pod spec; priority "
            "admission controller computed 0 from the given PriorityClass name",
        )
    ]
    assert admission({"priority": 0}) == []


def test_a_priority_that_matches_the_class_is_accepted() -> None:
    assert admission({"priorityClassName": "system-node-critical", "priority": 2000001000}) == []
    high = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
            "value": 100, "preemptionPolicy": "Never"}  # fmt: skip
    assert admission({"priorityClassName": "high", "priority": 100}, companions=[high]) == []
    assert [m for _, _, m in admission({"priorityClassName": "high", "preemptionPolicy": "PreemptLowerPriority"},
                                      companions=[high])] == [
        "Forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod "
        "spec; priority admission controller computed Never from the given PriorityClass name"
    ]  # fmt: skip


def test_a_class_the_stream_does_not_carry_is_not_judged() -> None:
    assert admission({"priorityClassName": "tenant-high", "priority": 5}) == []


def test_admission_is_for_pods_not_templates() -> None:
    assert admission({"priority": 1000}, kind="Deployment") == []


def test_overhead_needs_a_runtime_class_that_defines_it() -> None:
    message = "Forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"
    assert admission({"overhead": {"cpu": "250m"}}) == [("K8S-POD-OVERHEAD", "spec.overhead", message)]
    kata = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "kata"},
            "handler": "kata", "overhead": {"podFixed": {"cpu": "0.25"}}}  # fmt: skip
    assert admission({"runtimeClassName": "kata", "overhead": {"cpu": "250m"}}, companions=[kata]) == []
    assert [
        m for _, _, m in admission({"runtimeClassName": "kata", "overhead": {"cpu": "1"}}, companions=[kata])
    ] == ["Forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"]
    assert admission({"runtimeClassName": "unknown", "overhead": {"cpu": "1"}}) == []


def test_overhead_is_validated_like_container_limits() -> None:
    assert admission({"overhead": {"gpu": "1"}}, kind="Deployment") == [
        (
            "K8S-POD-OVERHEAD",
            "spec.template.spec.overhead.limits[gpu]",
            'Invalid value: "gpu": must be a standard resource for containers',
        )
    ]


def runtime_class(name: str, node_selector: dict[str, str], tolerations: Any = None) -> dict[str, Any]:
    scheduling: dict[str, Any] = {"nodeSelector": node_selector}
    if tolerations is not None:
        scheduling["tolerations"] = tolerations
    return {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": name},
            "handler": "runsc", "scheduling": scheduling}  # fmt: skip


def node_selector_findings(
    spec: dict[str, Any], kind: str = "Pod", companions: Any = ()
) -> list[tuple[str, str]]:
    base = {"containers": [{"name": "a", "image": "a:1"}], **spec}
    if kind == "Pod":
        doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": base}
    else:
        doc = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "d"},
               "spec": {"selector": {"matchLabels": {"a": "b"}},
                        "template": {"metadata": {"labels": {"a": "b"}}, "spec": base}}}  # fmt: skip
    ctx = LintContext(doc, version=(1, 33), companions=list(companions))
    return [(f.path, f.message) for f in apiserver.check(ctx) if f.rule == "K8S-POD-NODESELECTOR"]


def test_a_runtime_class_node_selector_that_contradicts_the_pod_is_refused() -> None:
    gvisor = runtime_class("gvisor", {"sandbox": "gvisor", "zone": "a"})
    spec = {"runtimeClassName": "gvisor", "nodeSelector": {"sandbox": "runc", "zone": "a"}}
    findings = node_selector_findings(spec, companions=[gvisor])
    assert findings == [
        (
            "spec.nodeSelector[sandbox]",
            "Forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox] = gvisor; "
            "pod.spec.nodeSelector[sandbox] = runc",
        )
    ]
    ctx = LintContext({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                       "spec": {"containers": [{"name": "a", "image": "a:1"}], **spec}},
                      version=(1, 33), companions=[gvisor])  # fmt: skip
    hint = next(f.hint for f in apiserver.check(ctx) if f.rule == "K8S-POD-NODESELECTOR")
    assert "admission decision (the RuntimeClass admission plugin)" in hint


def test_a_runtime_class_node_selector_that_agrees_or_adds_keys_is_merged() -> None:
    gvisor = runtime_class("gvisor", {"sandbox": "gvisor"}, [{"key": "sandbox", "operator": "Exists"}])
    assert node_selector_findings({"runtimeClassName": "gvisor", "nodeSelector": {"sandbox": "gvisor"}},
                                  companions=[gvisor]) == []  # fmt: skip
    assert node_selector_findings({"runtimeClassName": "gvisor", "nodeSelector": {"disk": "ssd"}},
                                  companions=[gvisor]) == []  # fmt: skip
    assert node_selector_findings({"runtimeClassName": "gvisor"}, companions=[gvisor]) == []


def test_a_runtime_class_the_stream_does_not_carry_or_a_template_is_not_judged() -> None:
    spec = {"runtimeClassName": "gvisor", "nodeSelector": {"sandbox": "runc"}}
    assert node_selector_findings(spec) == []
    other = runtime_class("kata", {"sandbox": "kata"})
    assert node_selector_findings(spec, companions=[other]) == []
    gvisor = runtime_class("gvisor", {"sandbox": "gvisor"})
    assert node_selector_findings(spec, kind="Deployment", companions=[gvisor]) == []


def test_preemption_never_without_a_class_is_refused_by_the_priority_plugin() -> None:
    # getDefaultPriority: no class and no global default -> 0 and PreemptLowerPriority
    assert admission({"preemptionPolicy": "Never"}) == [
        (
            "K8S-POD-PRIORITY",
            "spec.preemptionPolicy",
            "Forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; "
            "priority admission controller computed PreemptLowerPriority from the given PriorityClass name",
        )
    ]
    assert admission({"preemptionPolicy": "PreemptLowerPriority"}) == []
    default = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "low"},
               "value": 10, "globalDefault": True, "preemptionPolicy": "Never"}  # fmt: skip
    assert admission({"preemptionPolicy": "Never"}, companions=[default]) == []


def test_an_unknown_preemption_policy_is_not_supported_in_a_template() -> None:
    assert admission({"preemptionPolicy": "Sometimes"}, kind="Deployment") == [
        (
            "K8S-POD-PRIORITY",
            "spec.template.spec.preemptionPolicy",
            'Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
        )
    ]
    assert admission({"preemptionPolicy": "Never"}, kind="Deployment") == []
