"""Tolerations, affinity, topology spread, nodeSelector, readiness and scheduling gates (validation.go)."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.rules import apiserver
from designer.pod.rules.apiserver_scheduling import (
    validate_affinity,
    validate_label_selector,
    validate_tolerations,
    validate_topology_spread,
)
from designer.pod.rules.context import LintContext
from designer.pod.rules.names import LABEL_VALUE_MSG, QUALIFIED_NAME_MSG

V = (1, 33)
T0 = "spec.tolerations[0]"
NODE_TERM = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"


def found(findings: list[Any]) -> list[tuple[str, str, str]]:
    return [(f.rule, f.path, f.message) for f in findings]


@pytest.mark.parametrize(
    ("toleration", "expected"),
    [
        (
            {"operator": "Equal", "value": "x", "effect": "NoSchedule"},
            [(f"{T0}.operator", 'Invalid value: "Equal": operator must be Exists when `key` is empty, '
              'which means "match all values and all keys"')],
        ),
        (
            {"key": "gpu", "operator": "Exists", "value": "yes"},
            [(f"{T0}.operator", "Invalid value: \"yes\": value must be empty when `operator` is 'Exists'")],
        ),
        (
            {"key": "gpu", "value": "gpu nodes"},  # an empty operator means Equal; reported at .operator
            [(f"{T0}.operator", f'Invalid value: "gpu nodes": {LABEL_VALUE_MSG}')],
        ),
        (
            {"key": "gpu", "operator": "Equal", "value": "a", "effect": "NoSchedule", "tolerationSeconds": 30},
            [(f"{T0}.effect", "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set")],
        ),
        (
            {"key": "gpu", "operator": "Exists", "effect": "noSchedule"},
            [(f"{T0}.effect", 'Unsupported value: "noSchedule": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"')],
        ),
        (
            {"key": "gpu", "operator": "Lt", "value": "3"},
            [(f"{T0}.operator", 'Unsupported value: "Lt": supported values: "Equal", "Exists"')],
        ),
        (
            {"key": "-dedicated", "operator": "Exists"},
            [(f"{T0}.key", f'Invalid value: "-dedicated": name part {QUALIFIED_NAME_MSG}')],
        ),
    ],
)  # fmt: skip
def test_it_validates_tolerations_as_kube_apiserver(toleration: dict[str, Any], expected: Any) -> None:
    findings = validate_tolerations([toleration], "spec.tolerations", V)
    assert [(f.path, f.message) for f in findings] == expected
    assert {f.rule for f in findings} == {"K8S-POD-TOLERATIONS"}


@pytest.mark.parametrize(
    "toleration",
    [
        {"operator": "Exists"},  # tolerates everything
        {"key": "gpu", "operator": "Equal", "value": "a100", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {"key": "dedicated", "value": ""},  # Equal with an empty value
    ],
)  # fmt: skip
def test_it_accepts_valid_tolerations(toleration: dict[str, Any]) -> None:
    assert validate_tolerations([toleration], "spec.tolerations", V) == []


def test_node_affinity_needs_terms_and_operator_shaped_values() -> None:
    empty: dict[str, Any] = {
        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}
    }
    assert found(validate_affinity(empty, "spec.affinity")) == [
        ("K8S-POD-AFFINITY", NODE_TERM, "Required value: must have at least one node selector term")
    ]
    terms = [
        {
            "matchExpressions": [
                {"key": "zone", "operator": "In"},
                {"key": "zone", "operator": "Exists", "values": ["a"]},
                {"key": "cores", "operator": "Gt", "values": ["1", "2"]},
                {"key": "zone", "operator": "Near", "values": ["a"]},
            ],
            "matchFields": [{"key": "metadata.labels", "operator": "In", "values": ["n1"]}],
        }
    ]
    affinity = {
        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}
    }
    expressions = f"{NODE_TERM}[0].matchExpressions"
    assert [(p, m) for _, p, m in found(validate_affinity(affinity, "spec.affinity"))] == [
        (f"{expressions}[0].values", "Required value: must be specified when `operator` is 'In' or 'NotIn'"),
        (f"{expressions}[1].values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        (f"{expressions}[2].values", "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"),
        (f"{expressions}[3].operator", 'Invalid value: "Near": not a valid selector operator'),
        (f"{NODE_TERM}[0].matchFields[0].key", 'Invalid value: "metadata.labels": not a valid field selector key'),
    ]  # fmt: skip


def test_preferred_terms_have_weights_from_1_to_100() -> None:
    affinity = {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 0, "preference": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}},
                {"weight": 100, "preference": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}},
            ]
        },
        "podAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 101, "podAffinityTerm": {"topologyKey": "zone", "labelSelector": {}}}
            ]
        },
    }
    assert [(p, m) for _, p, m in found(validate_affinity(affinity, "spec.affinity"))] == [
        (
            "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
            "Invalid value: 0: must be in the range 1-100",
        ),
        (
            "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
            "Invalid value: 101: must be in the range 1-100",
        ),
    ]


def test_a_pod_affinity_term_needs_a_topology_key_and_a_valid_selector() -> None:
    term = {
        "labelSelector": {
            "matchExpressions": [{"key": "app", "operator": "In"}],
            "matchLabels": {"tier": "front end"},
        },
        "matchLabelKeys": ["app"],
        "mismatchLabelKeys": ["app"],
    }
    affinity = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    at = "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
    assert [(p, m) for _, p, m in found(validate_affinity(affinity, "spec.affinity"))] == [
        (f"{at}.labelSelector.matchLabels", f'Invalid value: "front end": {LABEL_VALUE_MSG}'),
        (f"{at}.labelSelector.matchExpressions[0].values", "Required value: must be specified when `operator` is 'In' or 'NotIn'"),
        (f"{at}.matchLabelKeys[0]", 'Invalid value: "app": exists in both matchLabelKeys and mismatchLabelKeys'),
        (f"{at}.topologyKey", "Required value: can not be empty"),
        (f"{at}.topologyKey", 'Invalid value: "": name part must be non-empty'),
        (f"{at}.topologyKey", f'Invalid value: "": name part {QUALIFIED_NAME_MSG}'),
    ]  # fmt: skip


def test_label_selector_values_are_label_values() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["ok", "-bad"]}]}
    assert [(p, m) for _, p, m in found(validate_label_selector("R", selector, "sel"))] == [
        ("sel.matchExpressions[0].values[1]", f'Invalid value: "-bad": {LABEL_VALUE_MSG}')
    ]


def test_topology_spread_constraints() -> None:
    tsc = "spec.topologySpreadConstraints"
    constraints = [
        {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "minDomains": 2},
        {"maxSkew": 1, "topologyKey": "", "whenUnsatisfiable": "Schedule", "nodeTaintsPolicy": "Obey"},
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway"},
        {
            "maxSkew": 1,
            "topologyKey": "host",
            "whenUnsatisfiable": "DoNotSchedule",
            "matchLabelKeys": ["app"],
        },
    ]
    assert [(p, m) for _, p, m in found(validate_topology_spread(constraints, tsc, V))] == [
        (f"{tsc}[0].maxSkew", "Invalid value: 0: must be greater than zero"),
        (f"{tsc}[0].{{topologyKey, whenUnsatisfiable}}", 'Duplicate value: "{zone, ScheduleAnyway}"'),
        (f"{tsc}[0].minDomains", "Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"),
        (f"{tsc}[1].topologyKey", "Required value: can not be empty"),
        (f"{tsc}[1].whenUnsatisfiable", 'Unsupported value: "Schedule": supported values: "DoNotSchedule", "ScheduleAnyway"'),
        (f"{tsc}[1].nodeTaintsPolicy", 'Unsupported value: "Obey": supported values: "Honor", "Ignore"'),
        (f"{tsc}[3].matchLabelKeys", "Forbidden: must not be specified when labelSelector is not set"),
    ]  # fmt: skip


def test_match_label_keys_named_by_the_selector_are_refused_only_before_the_selector_merge() -> None:
    constraint = {
        "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["app"],
    }  # fmt: skip
    assert [f.message for f in validate_topology_spread([constraint], "tsc", (1, 33))] == [
        'Invalid value: "app": exists in both matchLabelKeys and labelSelector'
    ]
    assert validate_topology_spread([constraint], "tsc", (1, 34)) == []


def pod(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a", "image": "a:1"}], **spec},
    }


def test_node_selector_readiness_and_scheduling_gates_in_a_pod() -> None:
    doc = pod(
        nodeSelector={"disk type": "ssd"},
        readinessGates=[{"conditionType": "ready now"}],
        schedulingGates=[{"name": "example.com/wait"}, {"name": "example.com/wait"}],
    )
    errors = [f for f in apiserver.check(LintContext(doc, version=V)) if f.severity == "error"]
    assert [(f.rule, f.path) for f in errors] == [
        ("K8S-POD-NODESELECTOR", "spec.nodeSelector"),
        ("K8S-POD-READINESSGATES", "spec.readinessGates[0].conditionType"),
        ("K8S-POD-SCHEDULINGGATES", "spec.schedulingGates[1]"),
    ]
    assert errors[2].message == 'Duplicate value: "example.com/wait"'


def test_a_template_reports_at_its_spec_path() -> None:
    doc = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {
            "schedule": "* * * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [{"name": "a", "image": "a:1"}],
                            "tolerations": [
                                {"key": "k", "value": "v", "effect": "NoSchedule", "tolerationSeconds": 1}
                            ],
                        }
                    }
                }
            },
        },
    }
    paths = [f.path for f in apiserver.check(LintContext(doc, version=V)) if f.rule == "K8S-POD-TOLERATIONS"]
    assert paths == ["spec.jobTemplate.spec.template.spec.tolerations[0].effect"]


def affinity_pod(term: dict[str, Any], labels: dict[str, str], kind: str = "Pod") -> dict[str, Any]:
    spec = {"containers": [{"name": "a", "image": "a:1"}],
            "affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}}  # fmt: skip
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": labels}, "spec": spec}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": spec}}}  # fmt: skip


def affinity_findings(doc: dict[str, Any], version: tuple[int, int] = V) -> list[tuple[str, str]]:
    return [(f.path, f.message) for f in apiserver.check(LintContext(doc, version=version))
            if f.rule == "K8S-POD-AFFINITY"]  # fmt: skip


def test_a_pod_match_label_key_its_selector_already_names_is_refused() -> None:
    # kube-apiserver merges `app In (web)` from the pod's label into the selector before
    # validation, so the selector then names `app` twice.
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["tier", "app"],
            "topologyKey": "kubernetes.io/hostname"}  # fmt: skip
    at = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
    assert affinity_findings(affinity_pod(term, {"app": "web", "tier": "db"})) == [
        (f"{at}[1]", 'Invalid value: "app": exists in both matchLabelKeys and labelSelector')
    ]
    expressions = {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]},
                   "matchLabelKeys": ["app"], "topologyKey": "zone"}  # fmt: skip
    assert affinity_findings(affinity_pod(expressions, {"app": "web"})) == [
        (f"{at}[0]", 'Invalid value: "app": exists in both matchLabelKeys and labelSelector')
    ]


def test_a_match_label_key_is_fine_when_the_pod_lacks_the_label_or_in_a_template() -> None:
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["app"],
            "topologyKey": "kubernetes.io/hostname"}  # fmt: skip
    assert affinity_findings(affinity_pod(term, {"tier": "db"})) == []
    assert affinity_findings(affinity_pod(term, {"app": "web"}, kind="Deployment")) == []
    # a mismatchLabelKeys key may also be in the selector (NotIn narrows it further)
    mismatch = {"labelSelector": {"matchLabels": {"app": "web"}}, "mismatchLabelKeys": ["app"],
                "topologyKey": "zone"}  # fmt: skip
    assert affinity_findings(affinity_pod(mismatch, {"app": "web"})) == []
    # before v1.31 the gate is off: the keys are dropped, nothing is merged
    assert affinity_findings(affinity_pod(term, {"app": "web"}), version=(1, 30)) == []


def test_a_key_in_both_match_and_mismatch_is_reported_at_its_match_index() -> None:
    term = {
        "labelSelector": {},
        "matchLabelKeys": ["a", "b"],
        "mismatchLabelKeys": ["b"],
        "topologyKey": "zone",
    }
    at = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
    assert affinity_findings(affinity_pod(term, {})) == [
        (f"{at}.matchLabelKeys[1]", 'Invalid value: "b": exists in both matchLabelKeys and mismatchLabelKeys')
    ]


def test_spread_match_label_keys_without_a_selector_are_still_label_names() -> None:
    constraint = {
        "maxSkew": 1,
        "topologyKey": "zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "matchLabelKeys": ["-bad"],
    }
    got = [(p, m) for _, p, m in found(validate_topology_spread([constraint], "spec.tsc", V))]
    assert got[0] == (
        "spec.tsc[0].matchLabelKeys",
        "Forbidden: must not be specified when labelSelector is not set",
    )
    assert [p for p, _ in got[1:]] == ["spec.tsc[0].matchLabelKeys[0]"]
    good = {
        **constraint,
        "matchLabelKeys": ["pod-template-hash"],
        "labelSelector": {"matchLabels": {"app": "a"}},
    }
    assert found(validate_topology_spread([good], "spec.tsc", V)) == []


def test_required_node_affinity_values_are_label_values_from_v1_33() -> None:
    requirement = {"key": "zone", "operator": "In", "values": ["eu-west-1a", "eu west"]}
    affinity = {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [requirement]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": {"matchExpressions": [requirement]}}],
    }}  # fmt: skip
    got = [(p, m) for _, p, m in found(validate_affinity(affinity, "spec.affinity", None, (1, 33)))]
    assert got == [
        (f"{NODE_TERM}[0].matchExpressions[0].values[1]", f'Invalid value: "eu west": {LABEL_VALUE_MSG}')
    ]
    assert found(validate_affinity(affinity, "spec.affinity", None, (1, 32))) == []
