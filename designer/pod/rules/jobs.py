"""Job and CronJob rules: pkg/apis/batch/validation as kube-apiserver runs it on create.

A Job is first defaulted (SetDefaults_Job: completions and parallelism 1 when neither is set,
completionMode NonIndexed, an onPodConditions pattern's status True) and given its generated
selector and labels (the job strategy's generateSelector), then validated. A CronJob's jobTemplate
gets neither: its Job spec is validated as written, and must not carry a selector.

Rule IDs (errors): K8S-JOB-INDEXED, K8S-JOB-PODFAILUREPOLICY, K8S-JOB-SUCCESSPOLICY,
K8S-JOB-PODREPLACEMENT, K8S-JOB-MANAGEDBY, K8S-JOB-SELECTOR, K8S-CRON-SCHEDULE, K8S-CRON-TIMEZONE,
K8S-CRON-CONCURRENCY; counts use K8S-WORKLOAD-RANGE, names K8S-META-NAME.
"""

from __future__ import annotations

import re
from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import PodView
from designer.pod.rules import cron, gates, names, selectors
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.context import LATEST_VERSION
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index

RANGE = "K8S-WORKLOAD-RANGE"
INDEXED = "K8S-JOB-INDEXED"
POD_FAILURE = "K8S-JOB-PODFAILUREPOLICY"
SUCCESS = "K8S-JOB-SUCCESSPOLICY"
REPLACEMENT = "K8S-JOB-PODREPLACEMENT"
MANAGED_BY = "K8S-JOB-MANAGEDBY"
JOB_SELECTOR = "K8S-JOB-SELECTOR"
SCHEDULE = "K8S-CRON-SCHEDULE"
TIME_ZONE = "K8S-CRON-TIMEZONE"
CONCURRENCY = "K8S-CRON-CONCURRENCY"

_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"]
_EXIT_OPERATORS = ["In", "NotIn"]
_CONDITION_STATUSES = ["False", "True", "Unknown"]
_MAX_PFP_RULES = 20
_MAX_EXIT_CODES = 255
_MAX_SUCCESS_RULES = 20
_MAX_INDEXED_PARALLELISM = 100_000
_MAX_FAILED_INDEXES = 100_000
_COMPLETIONS_SOFT_LIMIT = 100_000
_PARALLELISM_FOR_HIGH_COMPLETIONS = 10_000
_MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS = 10_000
_MAX_CONDITION_PATTERNS = 20
_MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024
_MANAGED_BY_MAX = 63
# IsDomainPrefixedPath: what follows the domain must be RFC 3986 path characters.
_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"
_HTTP_PATH = re.compile(_HTTP_PATH_FMT)
# CronJob names leave room for the 11-character "-<timestamp>" suffix of the Jobs they create.
CRONJOB_NAME_MAX = 52
# The labels generateSelector puts on a Job's pods: the uid ones carry a uid the server makes up.
_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")


def nonnegative(value: Any, path: str) -> list[Finding]:
    """ValidateNonnegativeField."""
    number = as_int(value)
    if number is not None and number < 0:
        return [fp.invalid(RANGE, path, number, "must be greater than or equal to 0")]
    return []


def _go_list(values: list[Any]) -> str:
    return "[]int32{" + ", ".join(fp.format_value(v) for v in values) + "}"


def _quoted_list(values: list[str]) -> str:
    """Go's %q of a []string: ["A" "B"]."""
    return "[" + " ".join(f'"{v}"' for v in values) + "]"


def validate_job_spec(spec: dict[str, Any], path: str, *, defaulted: bool) -> list[Finding]:
    """validateJobSpec: counts, indexed mode, failure and success policies, restart policy."""
    out: list[Finding] = []
    completions = as_int(spec.get("completions"))
    parallelism = as_int(spec.get("parallelism"))
    if defaulted and spec.get("completions") is None and spec.get("parallelism") is None:
        completions = parallelism = 1
    for name in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ):
        out += nonnegative(spec.get(name), child(path, name))
    mode = spec.get("completionMode")
    if mode is None and defaulted:
        mode = "NonIndexed"
    indexed = mode == "Indexed"
    per_index = as_int(spec.get("backoffLimitPerIndex"))
    max_failed = as_int(spec.get("maxFailedIndexes"))
    if per_index is not None:
        out += nonnegative(per_index, child(path, "backoffLimitPerIndex"))
        if not indexed:
            out.append(
                fp.invalid(
                    INDEXED,
                    child(path, "backoffLimitPerIndex"),
                    per_index,
                    "requires indexed completion mode",
                )
            )
    if max_failed is not None:
        out += nonnegative(max_failed, child(path, "maxFailedIndexes"))
        if per_index is None:
            out.append(
                fp.required(
                    INDEXED, child(path, "backoffLimitPerIndex"), "when maxFailedIndexes is specified"
                )
            )
        if not indexed:
            out.append(
                fp.invalid(
                    INDEXED, child(path, "maxFailedIndexes"), max_failed, "requires indexed completion mode"
                )
            )
    if isinstance(mode, str):
        if mode not in ("NonIndexed", "Indexed"):
            out.append(
                fp.not_supported(INDEXED, child(path, "completionMode"), mode, ["NonIndexed", "Indexed"])
            )
        if indexed:
            out += _validate_indexed(completions, parallelism, per_index, max_failed, path)
    template = as_dict(spec.get("template"))
    pod_spec = as_dict(template.get("spec"))
    policy = spec.get("podFailurePolicy")
    if isinstance(policy, dict):
        out += _validate_pod_failure_policy(policy, pod_spec, per_index, child(path, "podFailurePolicy"))
    out += _validate_success_policy(
        spec.get("successPolicy"), indexed, completions, child(path, "successPolicy")
    )
    out += _validate_replacement(
        spec.get("podReplacementPolicy"), policy is not None, child(path, "podReplacementPolicy")
    )
    restart = pod_spec.get("restartPolicy")
    if policy is not None and restart == "OnFailure":  # the other values are K8S-POD-RESTARTPOLICY's
        out.append(
            fp.invalid(
                POD_FAILURE,
                child(path, "template.spec.restartPolicy"),
                restart,
                'only "Never" is supported when podFailurePolicy is specified',
            )
        )
    managed_by = spec.get("managedBy")
    if isinstance(managed_by, str):
        out += _validate_managed_by(managed_by, child(path, "managedBy"))
    return out


def _validate_indexed(
    completions: int | None, parallelism: int | None, per_index: int | None, max_failed: int | None, path: str
) -> list[Finding]:
    out: list[Finding] = []
    if completions is None:
        out.append(fp.required(INDEXED, child(path, "completions"), "when completion mode is Indexed"))
    if parallelism is not None and parallelism > _MAX_INDEXED_PARALLELISM:
        detail = f"must be less than or equal to {_MAX_INDEXED_PARALLELISM} when completion mode is Indexed"
        out.append(fp.invalid(INDEXED, child(path, "parallelism"), parallelism, detail))
    if completions is not None and max_failed is not None and max_failed > completions:
        out.append(
            fp.invalid(
                INDEXED,
                child(path, "maxFailedIndexes"),
                max_failed,
                "must be less than or equal to completions",
            )
        )
    if max_failed is not None and max_failed > _MAX_FAILED_INDEXES:
        detail = f"must be less than or equal to {_MAX_FAILED_INDEXES}"
        out.append(fp.invalid(INDEXED, child(path, "maxFailedIndexes"), max_failed, detail))
    if completions is not None and completions > _COMPLETIONS_SOFT_LIMIT and per_index is not None:
        if max_failed is None:
            detail = f"must be specified when completions is above {_COMPLETIONS_SOFT_LIMIT}"
            out.append(fp.required(INDEXED, child(path, "maxFailedIndexes"), detail))
        if parallelism is not None and parallelism > _PARALLELISM_FOR_HIGH_COMPLETIONS:
            detail = (
                f"must be less than or equal to {_PARALLELISM_FOR_HIGH_COMPLETIONS} when completions are above "
                f"{_COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
            )
            out.append(fp.invalid(INDEXED, child(path, "parallelism"), parallelism, detail))
        if max_failed is not None and max_failed > _MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS:
            detail = (
                f"must be less than or equal to {_MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS} when completions are "
                f"above {_COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
            )
            out.append(fp.invalid(INDEXED, child(path, "maxFailedIndexes"), max_failed, detail))
    return out


def _container_names(pod_spec: dict[str, Any]) -> set[str]:
    return {as_str(c.get("name")) for c in PodView(pod_spec).containers()}


def _validate_pod_failure_policy(
    policy: dict[str, Any], pod_spec: dict[str, Any], per_index: int | None, path: str
) -> list[Finding]:
    out: list[Finding] = []
    rules = as_list(policy.get("rules"))
    rules_path = child(path, "rules")
    if len(rules) > _MAX_PFP_RULES:
        out.append(
            Finding(
                POD_FAILURE,
                "error",
                rules_path,
                f"Too many: {len(rules)}: must have at most {_MAX_PFP_RULES} items",
            )
        )
    containers = _container_names(pod_spec)
    for i, rule in enumerate(rules):
        out += _validate_pfp_rule(as_dict(rule), per_index, index(rules_path, i), containers)
    return out


def _validate_pfp_rule(
    rule: dict[str, Any], per_index: int | None, path: str, containers: set[str]
) -> list[Finding]:
    out: list[Finding] = []
    action = rule.get("action")
    action_path = child(path, "action")
    if not action:
        out.append(fp.required(POD_FAILURE, action_path, f"valid values: {_quoted_list(_ACTIONS)}"))
    elif action == "FailIndex":
        if per_index is None:
            out.append(
                fp.invalid(POD_FAILURE, action_path, action, "requires the backoffLimitPerIndex to be set")
            )
    elif action not in _ACTIONS:
        out.append(fp.not_supported(POD_FAILURE, action_path, action, _ACTIONS))
    exit_codes = rule.get("onExitCodes")
    conditions = as_list(rule.get("onPodConditions"))
    if isinstance(exit_codes, dict):
        out += _validate_exit_codes(exit_codes, child(path, "onExitCodes"), containers)
    if len(conditions) > _MAX_CONDITION_PATTERNS:
        detail = f"Too many: {len(conditions)}: must have at most {_MAX_CONDITION_PATTERNS} items"
        out.append(Finding(POD_FAILURE, "error", child(path, "onPodConditions"), detail))
    for j, pattern in enumerate(conditions):
        pattern = as_dict(pattern)
        pattern_path = index(child(path, "onPodConditions"), j)
        kind = as_str(pattern.get("type"))
        out += [
            fp.invalid(POD_FAILURE, child(pattern_path, "type"), kind, m)
            for m in names.is_qualified_name(kind)
        ]
        status = pattern.get("status")
        if status is None or status == "":
            continue  # missing: the schema layer (CronJob) or the Job defaulting (True) has it
        if status not in _CONDITION_STATUSES:
            out.append(
                fp.not_supported(POD_FAILURE, child(pattern_path, "status"), status, _CONDITION_STATUSES)
            )
    if exit_codes is not None and conditions:
        out.append(
            Finding(
                POD_FAILURE,
                "error",
                path,
                "Invalid value: specifying both OnExitCodes and OnPodConditions is not supported",
            )
        )
    if exit_codes is None and not conditions:
        out.append(
            Finding(
                POD_FAILURE,
                "error",
                path,
                "Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
            )
        )
    return out


def _validate_exit_codes(requirement: dict[str, Any], path: str, containers: set[str]) -> list[Finding]:
    out: list[Finding] = []
    operator = requirement.get("operator")
    if not operator:
        out.append(
            fp.required(
                POD_FAILURE, child(path, "operator"), f"valid values: {_quoted_list(_EXIT_OPERATORS)}"
            )
        )
    elif operator not in _EXIT_OPERATORS:
        out.append(fp.not_supported(POD_FAILURE, child(path, "operator"), operator, _EXIT_OPERATORS))
    container = requirement.get("containerName")
    if isinstance(container, str) and container not in containers:
        detail = "must be one of the container or initContainer names in the pod template"
        out.append(fp.invalid(POD_FAILURE, child(path, "containerName"), container, detail))
    values = [v for v in (as_int(x) for x in as_list(requirement.get("values"))) if v is not None]
    values_path = child(path, "values")
    if not values:
        # a missing list decodes as a nil slice, an empty one as an empty slice
        shown = "[]int32(nil)" if requirement.get("values") is None else _go_list(values)
        out.append(
            Finding(
                POD_FAILURE, "error", values_path, f"Invalid value: {shown}: at least one value is required"
            )
        )
    elif len(values) > _MAX_EXIT_CODES:
        out.append(
            Finding(
                POD_FAILURE,
                "error",
                values_path,
                f"Too many: {len(values)}: must have at most {_MAX_EXIT_CODES} items",
            )
        )
    # each value is checked however many there are
    seen: set[int] = set()
    for j, value in enumerate(values):
        if operator == "In" and value == 0:
            out.append(
                fp.invalid(POD_FAILURE, index(values_path, j), value, "must not be 0 for the In operator")
            )
        if value in seen:
            out.append(fp.duplicate(POD_FAILURE, index(values_path, j), value))
        seen.add(value)
    if any(a > b for a, b in zip(values, values[1:], strict=False)):
        out.append(
            Finding(POD_FAILURE, "error", values_path, f"Invalid value: {_go_list(values)}: must be ordered")
        )
    return out


def indexes_error(text: str, completions: int) -> tuple[int, str | None]:
    """validateIndexesFormat: '1,3-5' style intervals, increasing, below completions."""
    if not text:
        return 0, None
    last: int | None = None
    total = 0
    for interval in text.split(","):
        limits = interval.split("-")
        if len(limits) > 2:
            return (
                0,
                f"the fragment \"{interval}\" violates the requirement that an index interval can have at most two parts separated by '-'",
            )
        numbers = []
        for limit in limits:
            try:
                number = int(limit) if limit.lstrip("+-").isdigit() else None
            except ValueError:
                number = None
            if number is None or not -(2**31) <= number < 2**31:
                return 0, f'cannot convert string to integer for index: "{limit}"'
            if number >= completions:
                return 0, f'too large index: "{limit}"'
            if last is not None and last >= number:
                return 0, f"non-increasing order, previous: {last}, current: {number}"
            numbers.append(number)
            last = number
        total += 1 if len(numbers) == 1 else numbers[1] - numbers[0] + 1
    return total, None


def _validate_success_policy(policy: Any, indexed: bool, completions: int | None, path: str) -> list[Finding]:
    if not isinstance(policy, dict):
        return []
    out: list[Finding] = []
    rules = as_list(policy.get("rules"))
    rules_path = child(path, "rules")
    if not indexed:  # the rules are only looked at for an Indexed Job (they count its indexes)
        return [
            selectors.invalid_go(
                SUCCESS, path, "batch.SuccessPolicy{...}", "requires indexed completion mode"
            )
        ]
    if not rules:
        out.append(
            fp.required(
                SUCCESS,
                rules_path,
                "at least one rules must be specified when the successPolicy is specified",
            )
        )
    if len(rules) > _MAX_SUCCESS_RULES:
        out.append(
            Finding(
                SUCCESS,
                "error",
                rules_path,
                f"Too many: {len(rules)}: must have at most {_MAX_SUCCESS_RULES} items",
            )
        )
    for i, rule in enumerate(rules):
        rule = as_dict(rule)
        rule_path = index(rules_path, i)
        indexes = rule.get("succeededIndexes")
        count = as_int(rule.get("succeededCount"))
        if indexes is None and count is None:
            out.append(
                fp.required(
                    SUCCESS, rule_path, "at least one of succeededCount or succeededIndexes must be specified"
                )
            )
        total = 0
        if isinstance(indexes, str) and len(indexes) > _MAX_SUCCEEDED_INDEXES_LENGTH:
            out.append(
                fp.too_long(
                    SUCCESS,
                    child(rule_path, "succeededIndexes"),
                    f"may not be more than {_MAX_SUCCEEDED_INDEXES_LENGTH} bytes",
                )
            )
        if isinstance(indexes, str) and completions is not None:
            total, error = indexes_error(indexes, completions)
            if error:
                out.append(
                    fp.invalid(
                        SUCCESS,
                        child(rule_path, "succeededIndexes"),
                        indexes,
                        f"error parsing succeededIndexes: {error}",
                    )
                )
        if count is not None:
            count_path = child(rule_path, "succeededCount")
            out += nonnegative(count, count_path)
            if completions is not None and count > completions:
                detail = f"must be less than or equal to {completions} (the number of specified completions)"
                out.append(fp.invalid(SUCCESS, count_path, count, detail))
            if isinstance(indexes, str) and count > total:
                detail = f"must be less than or equal to {total} (the number of indexes in the specified succeededIndexes field)"
                out.append(fp.invalid(SUCCESS, count_path, count, detail))
    return out


def _validate_replacement(value: Any, has_failure_policy: bool, path: str) -> list[Finding]:
    if not isinstance(value, str):
        return []
    allowed = ["Failed"] if has_failure_policy else ["Failed", "TerminatingOrFailed"]
    return [] if value in allowed else [fp.not_supported(REPLACEMENT, path, value, allowed)]


def _validate_managed_by(value: str, path: str) -> list[Finding]:
    """IsDomainPrefixedPath, at most 63 bytes."""
    out: list[Finding] = []
    host, slash, rest = value.partition("/")
    if not value:
        out.append(fp.required(MANAGED_BY, path))
    elif not slash or not host or not rest:
        out.append(
            fp.invalid(MANAGED_BY, path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')
        )
    else:
        out += [fp.invalid(MANAGED_BY, path, host, msg) for msg in names.is_dns1123_subdomain(host)]
        if not _HTTP_PATH.fullmatch(rest):
            detail = f"Invalid path (regex used for validation is '{_HTTP_PATH_FMT}')"
            out.append(fp.invalid(MANAGED_BY, path, rest, detail))
    if len(value.encode()) > _MANAGED_BY_MAX:
        out.append(fp.too_long(MANAGED_BY, path, f"may not be more than {_MANAGED_BY_MAX} bytes"))
    return out


# gate -> the Job spec fields the job strategy's PrepareForCreate clears while it is off.
_GATED_JOB_FIELDS = {
    "JobPodFailurePolicy": ("podFailurePolicy",),
    "JobManagedBy": ("managedBy",),
    "JobSuccessPolicy": ("successPolicy",),
    "JobBackoffLimitPerIndex": ("backoffLimitPerIndex", "maxFailedIndexes"),
    "JobPodReplacementPolicy": ("podReplacementPolicy",),
}


def drop_disabled_job_fields(spec: dict[str, Any], version: gates.Version) -> dict[str, Any]:
    """A copy of a Job's spec without the fields its version's default gates drop before validation.

    A field whose gate is off (an alpha field: backoffLimitPerIndex in v1.28, managedBy in v1.30
    and v1.31...) is silently cleared on create, so it cannot make the Job invalid. A CronJob's
    jobTemplate is not a Job: its strategy drops nothing there, so its fields stay validated.
    """
    off = [gate for gate in _GATED_JOB_FIELDS if not gates.enabled(gate, version)]
    if not off:
        return spec
    out = dict(spec)
    for gate in off:
        for field in _GATED_JOB_FIELDS[gate]:
            out.pop(field, None)
    policy = out.get("podFailurePolicy")
    if "JobBackoffLimitPerIndex" in off and isinstance(policy, dict):
        # FailIndex rules go with backoffLimitPerIndex
        rules = [r for r in as_list(policy.get("rules")) if as_dict(r).get("action") != "FailIndex"]
        out["podFailurePolicy"] = {**policy, "rules": rules}
    return out


def validate_job(document: dict[str, Any], version: gates.Version = LATEST_VERSION) -> list[Finding]:
    """ValidateJob on a Job as created: the generated selector and labels, then the spec."""
    spec = drop_disabled_job_fields(as_dict(document.get("spec")), version)
    name = as_str(as_dict(document.get("metadata")).get("name"))
    out: list[Finding] = []
    labels = dict(as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")))
    selector = spec.get("selector")
    if spec.get("manualSelector") is not True:
        out += _generated_selector(name, labels, selector)
        for key in (*_NAME_LABELS, *_UID_LABELS):
            labels.setdefault(key, name if key in _NAME_LABELS else "generated-uid")
        # the generated job-name labels are validated with the template's other labels
        out += [
            fp.invalid("K8S-META-LABELS", "spec.template.labels", name, msg)
            for key in _NAME_LABELS
            if as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")).get(key) is None
            for msg in names.is_label_value(name)
        ]
    elif selector is None:
        out.append(fp.required(selectors.SYNTAX, "spec.selector"))
    if spec.get("manualSelector") is True:
        out += selectors.validate_label_selector(selector, "spec.selector")
        if selectors.convertible(selector):
            out += selectors.template_mismatch(selector, labels, "spec.template.metadata.labels")
    out += validate_job_spec(spec, "spec", defaulted=True)
    completions = as_int(spec.get("completions"))
    if spec.get("completionMode") == "Indexed" and completions is not None and completions > 0:
        hostname = f"{name}-{completions - 1}"  # the pod hostname of the last index
        if names.is_dns1123_label(hostname):
            detail = f"will not able to create pod with invalid DNS label: {hostname}"
            out.append(fp.invalid("K8S-META-NAME", "metadata.name", name, detail))
    return out


def _generated_selector(name: str, labels: dict[str, Any], selector: Any) -> list[Finding]:
    """validateGeneratedSelector: the generated labels must be the server's, the selector its own."""
    out: list[Finding] = []
    path = "spec.template.metadata.labels"
    for key in _UID_LABELS:  # a uid written by hand is never the one the server generates
        if key in labels:
            out.append(
                selectors.invalid_go(
                    JOB_SELECTOR, fp.key(path, key), selectors.go_labels(labels), "must be '<the Job's uid>'"
                )
            )
    for key in _NAME_LABELS:
        if key in labels and str(labels[key]) != name:
            out.append(
                selectors.invalid_go(
                    JOB_SELECTOR, fp.key(path, key), selectors.go_labels(labels), f"must be '{name}'"
                )
            )
    if isinstance(selector, dict):
        expected = {"batch.kubernetes.io/controller-uid": "uid"}
        generated = dict(selector)
        generated["matchLabels"] = {**as_dict(selector.get("matchLabels"))}
        if "batch.kubernetes.io/controller-uid" in generated["matchLabels"]:
            generated["matchLabels"]["batch.kubernetes.io/controller-uid"] = "user-written"
        generated["matchLabels"].setdefault("batch.kubernetes.io/controller-uid", "uid")
        if selectors.convertible(generated) and not selectors.matches(generated, expected):
            out.append(
                selectors.invalid_go(
                    JOB_SELECTOR,
                    "spec.selector",
                    selectors.go_selector(selector),
                    "`selector` not auto-generated",
                )
            )
    return out


def validate_cronjob(document: dict[str, Any]) -> list[Finding]:
    """ValidateCronJobCreate: name length, schedule, time zone, policy, limits, the jobTemplate."""
    spec = as_dict(document.get("spec"))
    name = as_str(as_dict(document.get("metadata")).get("name"))
    out: list[Finding] = []
    schedule = spec.get("schedule")
    if not schedule:
        out.append(fp.required(SCHEDULE, "spec.schedule"))
    elif isinstance(schedule, str):
        error = cron.schedule_error(schedule)
        if error:
            out.append(fp.invalid(SCHEDULE, "spec.schedule", schedule, error))
        if "TZ" in schedule:
            detail = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            out.append(fp.invalid(SCHEDULE, "spec.schedule", schedule, detail))
    out += nonnegative(spec.get("startingDeadlineSeconds"), "spec.startingDeadlineSeconds")
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        out += [fp.invalid(TIME_ZONE, "spec.timeZone", zone, msg) for msg in cron.validate_time_zone(zone)]
    # SetDefaults_CronJob fills an empty policy ("" as well as absent): never "Required".
    policy = spec.get("concurrencyPolicy") or "Allow"
    allowed = ["Allow", "Forbid", "Replace"]
    if isinstance(policy, str) and policy not in allowed:
        out.append(fp.not_supported(CONCURRENCY, "spec.concurrencyPolicy", policy, allowed))
    job_spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
    out += validate_job_spec(job_spec, "spec.jobTemplate.spec", defaulted=False)
    if job_spec.get("selector") is not None:
        go = selectors.go_selector(job_spec.get("selector"))
        out.append(
            selectors.invalid_go(
                JOB_SELECTOR, "spec.jobTemplate.spec.selector", go, "`selector` will be auto-generated"
            )
        )
    if job_spec.get("manualSelector") is True:
        out.append(
            fp.not_supported(JOB_SELECTOR, "spec.jobTemplate.spec.manualSelector", True, ["nil", "false"])
        )
    for limit in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        out += nonnegative(spec.get(limit), child("spec", limit))
    if len(name) > CRONJOB_NAME_MAX:
        out.append(
            fp.invalid(
                "K8S-META-NAME", "metadata.name", name, f"must be no more than {CRONJOB_NAME_MAX} characters"
            )
        )
    return out
