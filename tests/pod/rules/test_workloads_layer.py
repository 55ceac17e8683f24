"""The workloads layer: apps validation and the workload object's own metadata, through lint()."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules import gates
from designer.pod.rules.lint import lint

TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx"}]},
}


def workload(kind: str, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"selector": {"matchLabels": {"app": "web"}}, "template": copy.deepcopy(TEMPLATE)}
    if kind == "StatefulSet":
        body["serviceName"] = "web"
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web"}, "spec": body}


def errors(document: dict[str, Any], version: str = "1.33") -> list[tuple[str, str]]:
    return [
        (f.rule, f.path)
        for f in lint(document, version=version, layers=("workloads",))
        if f.severity == "error"
    ]


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"])
def test_valid_workloads_have_no_error(kind: str) -> None:
    assert errors(workload(kind)) == []


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"])
def test_the_selector_must_match_the_template(kind: str) -> None:
    document = workload(kind, selector={"matchLabels": {"app": "api"}})
    assert errors(document) == [("K8S-SELECTOR-MATCH", "spec.template.metadata.labels")]


def test_a_missing_or_empty_selector() -> None:
    missing = workload("Deployment")
    del missing["spec"]["selector"]
    assert errors(missing) == [
        ("K8S-SELECTOR-SYNTAX", "spec.selector"),
        ("K8S-SELECTOR-MATCH", "spec.template.metadata.labels"),
    ]
    assert errors(workload("StatefulSet", selector={})) == [("K8S-SELECTOR-SYNTAX", "spec.selector")]


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ({"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}, "spec.strategy.rollingUpdate"),
        (
            {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}},
            "spec.strategy.rollingUpdate.maxUnavailable",
        ),
        ({"rollingUpdate": {"maxUnavailable": "101%"}}, "spec.strategy.rollingUpdate.maxUnavailable"),
        ({"rollingUpdate": {"maxSurge": "25"}}, "spec.strategy.rollingUpdate.maxSurge"),
        ({"type": "BlueGreen"}, "spec.strategy"),
    ],
)
def test_deployment_strategy(strategy: dict[str, Any], expected: str) -> None:
    assert errors(workload("Deployment", strategy=strategy)) == [("K8S-DEPLOY-STRATEGY", expected)]


def test_progress_deadline_must_exceed_min_ready_even_when_defaulted() -> None:
    assert errors(workload("Deployment", minReadySeconds=600)) == [
        ("K8S-DEPLOY-PROGRESSDEADLINE", "spec.progressDeadlineSeconds")
    ]
    assert errors(workload("Deployment", minReadySeconds=600, progressDeadlineSeconds=601)) == []


@pytest.mark.parametrize(
    ("rolling", "expected"),
    [
        ({"maxSurge": 1, "maxUnavailable": 1}, "spec.updateStrategy.rollingUpdate.maxSurge"),
        ({"maxSurge": 0, "maxUnavailable": 0}, "spec.updateStrategy.rollingUpdate.maxUnavailable"),
        ({"maxUnavailable": "110%"}, "spec.updateStrategy.rollingUpdate.maxUnavailable"),
    ],
)
def test_daemonset_strategy(rolling: dict[str, Any], expected: str) -> None:
    document = workload("DaemonSet", updateStrategy={"type": "RollingUpdate", "rollingUpdate": rolling})
    assert errors(document) == [("K8S-DS-STRATEGY", expected)]
    assert (
        errors(
            workload(
                "DaemonSet",
                updateStrategy={
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
                },
            )
        )
        == []
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"podManagementPolicy": "OrderedReady "}, ("K8S-STS-PODMANAGEMENT", "spec.podManagementPolicy")),
        (
            {"updateStrategy": {"type": "OnDelete", "rollingUpdate": {"partition": 1}}},
            ("K8S-STS-UPDATESTRATEGY", "spec.updateStrategy.rollingUpdate"),
        ),
        ({"updateStrategy": {"type": "rollingUpdate"}}, ("K8S-STS-UPDATESTRATEGY", "spec.updateStrategy")),
        (
            {"updateStrategy": {"rollingUpdate": {"partition": -1}}},
            ("K8S-STS-UPDATESTRATEGY", "spec.updateStrategy.rollingUpdate.partition"),
        ),
        ({"serviceName": "Redis_Headless"}, ("K8S-STS-SERVICENAME", "spec.serviceName")),
        (
            {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Orphan"}},
            ("K8S-STS-PVCRETENTION", "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"),
        ),
        ({"ordinals": {"start": -1}}, ("K8S-WORKLOAD-RANGE", "spec.ordinals.start")),
        ({"replicas": -1}, ("K8S-WORKLOAD-RANGE", "spec.replicas")),
    ],
)
def test_statefulset_spec(spec: dict[str, Any], expected: tuple[str, str]) -> None:
    assert errors(workload("StatefulSet", **spec)) == [expected]


def test_controllers_forbid_active_deadline_in_the_template() -> None:
    document = workload("ReplicaSet")
    document["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 30
    assert errors(document) == [("K8S-TEMPLATE-CONTROLLER", "spec.template.spec.activeDeadlineSeconds")]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"name": "Web"}, ("K8S-META-NAME", "metadata.name")),
        ({"name": "web", "labels": {"a/b/c": "x"}}, ("K8S-META-LABELS", "metadata.labels")),
        (
            {"name": "web", "annotations": {"my annotation": "x"}},
            ("K8S-META-ANNOTATIONS", "metadata.annotations"),
        ),
        ({"name": "web", "finalizers": ["cleanup"]}, ("K8S-META-FINALIZERS", "metadata.finalizers[0]")),
        (
            {"name": "web", "ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "x", "uid": ""}]},
            ("K8S-META-OWNERREFS", "metadata.ownerReferences.uid"),
        ),
        ({}, ("K8S-META-NAME", "metadata.name")),
    ],
)
def test_object_metadata(meta: dict[str, Any], expected: tuple[str, str]) -> None:
    document = workload("Deployment")
    document["metadata"] = meta
    assert errors(document) == [expected]


def test_a_statefulset_name_is_a_dns_label_and_a_deployments_a_subdomain() -> None:
    for kind, expected in (("StatefulSet", [("K8S-META-NAME", "metadata.name")]), ("Deployment", [])):
        document = workload(kind)
        document["metadata"]["name"] = "web.example"
        assert errors(document) == expected


def test_a_statefulset_pod_spec_error_is_a_warning_before_v1_36() -> None:
    document = workload("StatefulSet")
    document["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 70000}]
    before = [
        f for f in lint(document, version="1.33", layers=("apiserver",)) if f.path.endswith("containerPort")
    ]
    after = [
        f for f in lint(document, version="1.36", layers=("apiserver",)) if f.path.endswith("containerPort")
    ]
    assert [f.severity for f in before] == ["warning"] and "its pods will be rejected" in before[0].message
    assert [f.severity for f in after] == ["error"]


def test_a_pod_is_left_to_the_apiserver_layer() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "Bad_Name"}, "spec": TEMPLATE["spec"]}
    assert lint(pod, layers=("workloads",)) == []


CLAIM: dict[str, Any] = {
    "metadata": {"name": "data"},
    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"accessModes": []}, "spec.volumeClaimTemplates[0].spec.accessModes"),
        ({"accessModes": ["RWO"]}, "spec.volumeClaimTemplates[0].spec.accessModes"),
        (
            {"accessModes": ["ReadWriteOncePod", "ReadOnlyMany"]},
            "spec.volumeClaimTemplates[0].spec.accessModes",
        ),
        (
            {"resources": {"requests": {"storage": "0"}}},
            "spec.volumeClaimTemplates[0].spec.resources[storage]",
        ),
        ({"resources": {}}, "spec.volumeClaimTemplates[0].spec.resources[storage]"),
        ({"storageClassName": "Fast_SSD"}, "spec.volumeClaimTemplates[0].spec.storageClassName"),
        ({"volumeMode": "FileSystem"}, "spec.volumeClaimTemplates[0].spec.volumeMode"),
        ({"dataSource": {"kind": "Snapshot", "name": "s"}}, "spec.volumeClaimTemplates[0].spec.dataSource"),
        (
            {"selector": {"matchExpressions": [{"key": "a", "operator": "Equals"}]}},
            "spec.volumeClaimTemplates[0].spec.selector.matchExpressions[0].operator",
        ),
    ],
)
def test_claim_templates_are_validated_from_v1_36(change: dict[str, Any], expected: str) -> None:
    claim = copy.deepcopy(CLAIM)
    claim["spec"].update(change)
    document = workload("StatefulSet", volumeClaimTemplates=[claim])
    assert errors(document, version="1.36") == [("K8S-STS-VCT", expected)]
    assert errors(document, version="1.33") == []
    assert errors(workload("StatefulSet", volumeClaimTemplates=[CLAIM]), version="1.36") == []


def warnings(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = lint(document, version="1.33", layers=("workloads",))
    return [(f.rule, f.path, f.message) for f in found if f.severity == "warning"]


def test_a_dotted_name_of_a_pod_naming_kind_is_a_warning() -> None:
    document = workload("Deployment")
    document["metadata"]["name"] = "web.v2"
    assert warnings(document) == [
        (
            "K8S-WARN-NAME-LABEL",
            "metadata.name",
            "this is used in Pod names and hostnames, which can result in surprising behavior; "
            "a DNS label is recommended: [must not contain dots]",
        )
    ]
    daemonset = workload("DaemonSet")
    daemonset["metadata"]["name"] = "web.v2"
    assert warnings(daemonset) == []


def test_a_negative_statefulset_history_limit_is_only_a_warning() -> None:
    document = workload("StatefulSet", revisionHistoryLimit=-1)
    assert errors(document) == []
    assert [w[0] for w in warnings(document)] == ["K8S-WARN-HISTORY-NEGATIVE"]
    assert errors(workload("Deployment", revisionHistoryLimit=-1)) == [
        ("K8S-WORKLOAD-RANGE", "spec.revisionHistoryLimit")
    ]


def test_statefulset_name_and_service_name_rules_follow_the_target_version() -> None:
    dotted = workload("StatefulSet")
    dotted["metadata"]["name"] = "web.v2"
    assert errors(dotted, version="1.27") == [("K8S-META-NAME", "metadata.name")]
    assert errors(dotted, version="1.26") == []
    service = workload("StatefulSet", serviceName="Redis_Headless")
    assert errors(service, version="1.33") == [("K8S-STS-SERVICENAME", "spec.serviceName")]
    assert errors(service, version="1.32") == []


def test_a_claim_template_quantity_that_does_not_decode_is_an_error_at_every_version() -> None:
    claim = copy.deepcopy(CLAIM)
    claim["spec"]["resources"]["requests"]["storage"] = "10 GB"
    document = workload("StatefulSet", volumeClaimTemplates=[claim])
    expected = [("K8S-FIELD-QUANTITY", "spec.volumeClaimTemplates[0].spec.resources.requests[storage]")]
    assert errors(document, version="1.33") == expected
    assert errors(document, version="1.36") == expected


def test_from_v1_36_a_claim_template_name_must_be_a_volume_name() -> None:
    claim = copy.deepcopy(CLAIM)
    claim["metadata"]["name"] = "data.vol"
    document = workload("StatefulSet", volumeClaimTemplates=[claim])
    (finding,) = [f for f in lint(document, version="1.36", layers=("workloads",)) if f.severity == "error"]
    assert (finding.path, finding.message) == (
        "spec.template.spec.volumes[0].name",
        'Invalid value: "data.vol": must not contain dots',
    )
    assert errors(document, version="1.33") == []


def test_a_pods_namespace_finalizers_and_owners_are_checked_once() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "Team_A", "finalizers": ["cleanup"], "labels": {"a/b/c": "x"}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
    }
    found = errors(pod)
    assert ("K8S-META-NAME", "metadata.namespace") in found
    assert ("K8S-META-FINALIZERS", "metadata.finalizers[0]") in found
    assert ("K8S-META-LABELS", "metadata.labels") not in found  # the apiserver layer's
    every_layer = [(f.rule, f.path) for f in lint(pod, version="1.33")]
    assert every_layer.count(("K8S-META-LABELS", "metadata.labels")) == 1


def test_an_empty_pod_management_policy_is_defaulted_not_required() -> None:
    # SetDefaults_StatefulSet fills "" as it fills an absent policy (a string, not a pointer).
    assert errors(workload("StatefulSet", podManagementPolicy="")) == []
    assert errors(workload("StatefulSet", podManagementPolicy="parallel")) == [
        ("K8S-STS-PODMANAGEMENT", "spec.podManagementPolicy")
    ]


def test_statefulset_max_unavailable_is_validated_only_where_its_gate_is_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zero = {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}}
    over = {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "120%"}}}
    # MaxUnavailableStatefulSet is off through v1.36 (v1.36.2 accepts both): the field is dropped.
    assert errors(workload("StatefulSet", **zero), "1.36") == []
    monkeypatch.setitem(gates.GATES, "MaxUnavailableStatefulSet", [((1, 24), False), ((1, 35), True)])
    path = "spec.updateStrategy.rollingUpdate.maxUnavailable"
    assert errors(workload("StatefulSet", **zero), "1.36") == [("K8S-STS-UPDATESTRATEGY", path)]
    assert errors(workload("StatefulSet", **over), "1.36") == [("K8S-STS-UPDATESTRATEGY", path)]
    assert errors(workload("StatefulSet", **over), "1.34") == []
    two = {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%"}}}
    assert errors(workload("StatefulSet", **two), "1.36") == []


def test_a_generate_name_is_validated_as_a_prefix_and_as_the_name_it_makes() -> None:
    document = workload("Deployment")
    del document["metadata"]["name"]
    document["metadata"]["generateName"] = "web-"
    assert errors(document) == []
    document["metadata"]["generateName"] = "Web-"
    assert errors(document) == [
        ("K8S-META-NAME", "metadata.generateName"),
        ("K8S-META-NAME", "metadata.name"),
    ]
    document["metadata"]["generateName"] = "w" * 70  # cut to 58 before the suffix: a valid name
    assert errors(document) == []
    statefulset = workload("StatefulSet")
    del statefulset["metadata"]["name"]
    statefulset["metadata"]["generateName"] = "db.primary-"  # a StatefulSet's name is a DNS label
    assert errors(statefulset) == [
        ("K8S-META-NAME", "metadata.generateName"),
        ("K8S-META-NAME", "metadata.name"),
    ]


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        (
            {"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Keep"}},
            "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
        ),
        ({"ordinals": {"start": -1}}, "spec.ordinals.start"),
    ],
)
def test_statefulset_fields_whose_gate_is_off_are_dropped(spec: dict[str, Any], path: str) -> None:
    # StatefulSetAutoDeletePVC and StatefulSetStartOrdinal turn on in v1.27 (beta): before, the
    # strategy clears the field on create.
    assert [p for _, p in errors(workload("StatefulSet", **spec), "1.27")] == [path]
    assert errors(workload("StatefulSet", **spec), "1.26") == []


def test_null_strategy_values_are_defaulted_like_absent_ones() -> None:
    # `maxUnavailable:` with an empty Helm value renders as null; defaulting fills it as if absent.
    rolling = {"maxUnavailable": None, "maxSurge": None}
    assert errors(workload("Deployment", strategy={"type": "RollingUpdate", "rollingUpdate": rolling})) == []
    assert (
        errors(workload("DaemonSet", updateStrategy={"type": "RollingUpdate", "rollingUpdate": rolling}))
        == []
    )
    late = workload("Deployment", minReadySeconds=900, progressDeadlineSeconds=None)
    assert errors(late) == [("K8S-DEPLOY-PROGRESSDEADLINE", "spec.progressDeadlineSeconds")]
