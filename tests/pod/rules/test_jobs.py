"""Job and CronJob rules (pkg/apis/batch/validation) on whole documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.rules import jobs

POD = {"containers": [{"name": "main", "image": "busybox"}], "restartPolicy": "Never"}
JOB: dict[str, Any] = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "migrate"},
    "spec": {"template": {"metadata": {"labels": {"app": "migrate"}}, "spec": POD}},
}
CRONJOB: dict[str, Any] = {
    "apiVersion": "batch/v1",
    "kind": "CronJob",
    "metadata": {"name": "nightly"},
    "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": copy.deepcopy(JOB["spec"])}},
}


def job(**spec: Any) -> dict[str, Any]:
    document = copy.deepcopy(JOB)
    document["spec"].update(spec)
    return document


def cronjob(**spec: Any) -> dict[str, Any]:
    document = copy.deepcopy(CRONJOB)
    document["spec"].update(spec)
    return document


def found(findings: list[Any]) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in findings]


def test_the_plain_documents_are_valid() -> None:
    assert jobs.validate_job(JOB) == []
    assert jobs.validate_cronjob(CRONJOB) == []


@pytest.mark.parametrize("field", ["completions", "parallelism", "backoffLimit", "ttlSecondsAfterFinished"])
def test_counts_are_nonnegative(field: str) -> None:
    assert found(jobs.validate_job(job(**{field: -1}))) == [("K8S-WORKLOAD-RANGE", f"spec.{field}")]


def test_per_index_limits_need_indexed_mode() -> None:
    assert found(jobs.validate_job(job(backoffLimitPerIndex=2))) == [
        ("K8S-JOB-INDEXED", "spec.backoffLimitPerIndex")
    ]
    indexed = job(completionMode="Indexed", completions=4, backoffLimitPerIndex=1, maxFailedIndexes=9)
    assert found(jobs.validate_job(indexed)) == [("K8S-JOB-INDEXED", "spec.maxFailedIndexes")]
    assert found(jobs.validate_job(job(completionMode="indexed"))) == [
        ("K8S-JOB-INDEXED", "spec.completionMode")
    ]


def test_an_indexed_job_name_leaves_room_for_the_index() -> None:
    document = job(completionMode="Indexed", completions=8)
    document["metadata"]["name"] = "x" * 62
    assert ("K8S-META-NAME", "metadata.name") in found(jobs.validate_job(document))
    document["metadata"]["name"] = "x" * 61
    assert jobs.validate_job(document) == []


def test_pod_failure_policy_rules() -> None:
    rule = {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [0, 3, 3]}}
    findings = jobs.validate_job(job(podFailurePolicy={"rules": [rule]}))
    assert found(findings) == [
        ("K8S-JOB-PODFAILUREPOLICY", "spec.podFailurePolicy.rules[0].onExitCodes.values[0]"),
        ("K8S-JOB-PODFAILUREPOLICY", "spec.podFailurePolicy.rules[0].onExitCodes.values[2]"),
    ]
    assert found(jobs.validate_job(job(podFailurePolicy={"rules": [{"action": "Ignore"}]}))) == [
        ("K8S-JOB-PODFAILUREPOLICY", "spec.podFailurePolicy.rules[0]")
    ]
    fail_index = {"action": "FailIndex", "onPodConditions": [{"type": "DisruptionTarget"}]}
    assert found(jobs.validate_job(job(podFailurePolicy={"rules": [fail_index]}))) == [
        ("K8S-JOB-PODFAILUREPOLICY", "spec.podFailurePolicy.rules[0].action")
    ]


def test_pod_failure_policy_needs_restart_policy_never() -> None:
    document = job(
        podFailurePolicy={"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}
    )
    document["spec"]["template"]["spec"] = {**POD, "restartPolicy": "OnFailure"}
    assert found(jobs.validate_job(document)) == [
        ("K8S-JOB-PODFAILUREPOLICY", "spec.template.spec.restartPolicy")
    ]


def test_success_policy() -> None:
    assert found(jobs.validate_job(job(successPolicy={"rules": [{"succeededCount": 1}]}))) == [
        ("K8S-JOB-SUCCESSPOLICY", "spec.successPolicy")
    ]
    indexed = job(
        completionMode="Indexed", completions=4, successPolicy={"rules": [{"succeededIndexes": "0-4"}]}
    )
    (finding,) = jobs.validate_job(indexed)
    assert finding.message == 'Invalid value: "0-4": error parsing succeededIndexes: too large index: "4"'
    assert jobs.indexes_error("1,3-5", 8) == (4, None)
    assert jobs.indexes_error("2-0", 8)[1] == "non-increasing order, previous: 2, current: 0"


def test_generated_selector_and_labels() -> None:
    assert found(jobs.validate_job(job(selector={"matchLabels": {"app": "migrate"}}))) == [
        ("K8S-JOB-SELECTOR", "spec.selector")
    ]
    manual = job(manualSelector=True)
    assert ("K8S-SELECTOR-SYNTAX", "spec.selector") in found(jobs.validate_job(manual))
    manual = job(manualSelector=True, selector={"matchLabels": {"app": "migrate"}})
    assert jobs.validate_job(manual) == []
    labelled = job()
    labelled["spec"]["template"]["metadata"]["labels"]["controller-uid"] = "1234"
    assert found(jobs.validate_job(labelled)) == [
        ("K8S-JOB-SELECTOR", "spec.template.metadata.labels[controller-uid]")
    ]


def test_a_long_job_name_makes_an_invalid_job_name_label() -> None:
    document = job()
    document["metadata"]["name"] = "x" * 64
    assert ("K8S-META-LABELS", "spec.template.labels") in found(jobs.validate_job(document))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"schedule": "0 2 * *"}, ("K8S-CRON-SCHEDULE", "spec.schedule")),
        ({"schedule": "TZ=UTC 0 2 * * *"}, ("K8S-CRON-SCHEDULE", "spec.schedule")),
        ({"schedule": ""}, ("K8S-CRON-SCHEDULE", "spec.schedule")),
        ({"timeZone": "Europe/Berlinn"}, ("K8S-CRON-TIMEZONE", "spec.timeZone")),
        ({"concurrencyPolicy": "forbid"}, ("K8S-CRON-CONCURRENCY", "spec.concurrencyPolicy")),
        ({"startingDeadlineSeconds": -1}, ("K8S-WORKLOAD-RANGE", "spec.startingDeadlineSeconds")),
        ({"failedJobsHistoryLimit": -1}, ("K8S-WORKLOAD-RANGE", "spec.failedJobsHistoryLimit")),
    ],
)
def test_cronjob_spec(spec: dict[str, Any], expected: tuple[str, str]) -> None:
    assert found(jobs.validate_cronjob(cronjob(**spec))) == [expected]


def test_cronjob_job_template_is_validated_without_defaults_and_without_selector() -> None:
    document = cronjob()
    document["spec"]["jobTemplate"]["spec"].update(
        backoffLimitPerIndex=1, selector={"matchLabels": {"a": "b"}}
    )
    assert found(jobs.validate_cronjob(document)) == [
        ("K8S-JOB-INDEXED", "spec.jobTemplate.spec.backoffLimitPerIndex"),
        ("K8S-JOB-SELECTOR", "spec.jobTemplate.spec.selector"),
    ]


def test_cronjob_names_leave_room_for_the_job_suffix() -> None:
    document = cronjob()
    document["metadata"]["name"] = "x" * 53
    assert found(jobs.validate_cronjob(document)) == [("K8S-META-NAME", "metadata.name")]


def test_an_empty_concurrency_policy_is_defaulted_not_required() -> None:
    # SetDefaults_CronJob fills "" as it fills an absent policy.
    assert found(jobs.validate_cronjob(cronjob(concurrencyPolicy=""))) == []


@pytest.mark.parametrize(
    ("spec", "off_at", "on_at", "path"),
    [
        ({"backoffLimitPerIndex": 1}, (1, 28), (1, 29), "spec.backoffLimitPerIndex"),
        ({"podReplacementPolicy": "Always"}, (1, 28), (1, 29), "spec.podReplacementPolicy"),
        ({"managedBy": "kueue"}, (1, 31), (1, 32), "spec.managedBy"),
        ({"successPolicy": {"rules": [{"succeededCount": 1}]}}, (1, 30), (1, 31), "spec.successPolicy"),
        (
            {
                "podFailurePolicy": {
                    "rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [0]}}]
                }
            },
            (1, 25),
            (1, 26),
            "spec.podFailurePolicy.rules[0].onExitCodes.values[0]",
        ),
    ],
)
def test_a_job_field_whose_gate_is_off_is_dropped_before_validation(
    spec: dict[str, Any], off_at: tuple[int, int], on_at: tuple[int, int], path: str
) -> None:
    assert jobs.validate_job(job(**spec), off_at) == []
    assert [p for _, p in found(jobs.validate_job(job(**spec), on_at))] == [path]


def test_fail_index_rules_go_with_backoff_limit_per_index() -> None:
    rule = {"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [0]}}
    document = job(podFailurePolicy={"rules": [rule]})
    assert jobs.validate_job(document, (1, 28)) == []
    assert ("K8S-JOB-PODFAILUREPOLICY", "spec.podFailurePolicy.rules[0].action") in found(
        jobs.validate_job(document, (1, 29))
    )


def test_a_cronjob_job_template_keeps_its_gated_fields() -> None:
    document = cronjob()
    document["spec"]["jobTemplate"]["spec"]["managedBy"] = "kueue"
    assert found(jobs.validate_cronjob(document)) == [
        ("K8S-JOB-MANAGEDBY", "spec.jobTemplate.spec.managedBy")
    ]


def test_high_completions_with_backoff_per_index_cap_max_failed_indexes() -> None:
    big = {"completionMode": "Indexed", "completions": 100_001, "backoffLimitPerIndex": 1, "parallelism": 10}
    assert found(jobs.validate_job(job(**big, maxFailedIndexes=10_001))) == [
        ("K8S-JOB-INDEXED", "spec.maxFailedIndexes")
    ]
    assert found(jobs.validate_job(job(**big, maxFailedIndexes=10_000))) == []


def test_a_rule_holds_at_most_twenty_condition_patterns() -> None:
    patterns = [{"type": f"Cond{i}", "status": "True"} for i in range(21)]
    rule = {"action": "Ignore", "onPodConditions": patterns}
    assert found(jobs.validate_job(job(podFailurePolicy={"rules": [rule]}))) == [
        ("K8S-JOB-PODFAILUREPOLICY", "spec.podFailurePolicy.rules[0].onPodConditions")
    ]
    rule["onPodConditions"] = patterns[:20]
    assert found(jobs.validate_job(job(podFailurePolicy={"rules": [rule]}))) == []


def test_a_non_indexed_success_policy_is_only_reported_as_such() -> None:
    # validateJobSpec looks at the rules only in Indexed mode: no second error for the empty rules.
    assert found(jobs.validate_job(job(successPolicy={"rules": []}))) == [
        ("K8S-JOB-SUCCESSPOLICY", "spec.successPolicy")
    ]


def test_succeeded_indexes_are_at_most_64_kib() -> None:
    indexes = ",".join(str(i) for i in range(0, 40_000, 2))
    assert len(indexes) > 64 * 1024
    rule = {"succeededIndexes": indexes}
    document = job(completionMode="Indexed", completions=40_000, successPolicy={"rules": [rule]})
    assert found(jobs.validate_job(document)) == [
        ("K8S-JOB-SUCCESSPOLICY", "spec.successPolicy.rules[0].succeededIndexes")
    ]
    rule["succeededIndexes"] = "0-39999"
    assert found(jobs.validate_job(document)) == []


@pytest.mark.parametrize(
    ("managed_by", "valid"),
    [
        ("kubernetes.io/job-controller", True),
        ("kueue.x-k8s.io/multikueue", True),
        ("example.com/a/b:c", True),
        ("example.com/foo bar", False),  # IsDomainPrefixedPath: the path part is RFC 3986 characters
        ("example.com/naïve", False),
        ("example.com", False),
    ],
)
def test_managed_by_is_a_domain_prefixed_path(managed_by: str, valid: bool) -> None:
    expected = [] if valid else [("K8S-JOB-MANAGEDBY", "spec.managedBy")]
    assert found(jobs.validate_job(job(managedBy=managed_by))) == expected


def test_exit_code_values_are_checked_even_when_too_many() -> None:
    values = [0, *range(1, 257)]  # 257 values, the first 0 for In
    rule: dict[str, Any] = {"action": "FailJob", "onExitCodes": {"operator": "In", "values": values}}
    paths = [p for _, p in found(jobs.validate_job(job(podFailurePolicy={"rules": [rule]})))]
    base = "spec.podFailurePolicy.rules[0].onExitCodes.values"
    assert paths == [base, f"{base}[0]"]
    del rule["onExitCodes"]["values"]
    (finding,) = jobs.validate_job(job(podFailurePolicy={"rules": [rule]}))
    assert finding.message == "Invalid value: []int32(nil): at least one value is required"
