"""The workloads layer: what kube-apiserver checks about a workload object beyond its pod.

pkg/apis/apps/validation (Deployment, StatefulSet, DaemonSet, ReplicaSet), pkg/apis/batch/validation
(Job, CronJob: designer/pod/rules/jobs.py) and the object's own metadata (ValidateObjectMeta with
each kind's name rule). The pod template's spec and metadata are the apiserver layer's; this layer
covers what surrounds them: selectors against template labels, replicas and history limits,
update strategies, and the controllers' limits on the template (no activeDeadlineSeconds).

Each kind is checked after its apps/v1 or batch/v1 defaulting (a Deployment's strategy becomes
RollingUpdate 25%/25%, its progressDeadlineSeconds 600; a DaemonSet's maxUnavailable 1 ...), as
the apiserver validates the defaulted object.

Rule IDs (errors unless said): K8S-META-NAME (name per kind, namespace), K8S-META-LABELS,
K8S-META-ANNOTATIONS, K8S-META-FINALIZERS, K8S-META-OWNERREFS; K8S-SELECTOR-SYNTAX,
K8S-SELECTOR-MATCH (selectors.py); K8S-WORKLOAD-RANGE (counts that must be >= 0);
K8S-TEMPLATE-CONTROLLER (activeDeadlineSeconds in a controller's template); K8S-DEPLOY-STRATEGY,
K8S-DEPLOY-PROGRESSDEADLINE, K8S-DS-STRATEGY, K8S-STS-UPDATESTRATEGY, K8S-STS-PODMANAGEMENT,
K8S-STS-SERVICENAME, K8S-STS-PVCRETENTION, K8S-STS-VCT; K8S-POD-ANNOTATIONS (pod_annotations.py,
the pod's or template's parsed annotations, every kind); warnings K8S-WARN-NAME-LABEL and
K8S-WARN-HISTORY-NEGATIVE. Job and CronJob ids: see jobs.py.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from designer.pod import quantity
from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates, jobs, names, selectors
from designer.pod.rules.context import LATEST_VERSION, LintContext
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child
from designer.pod.rules.jobs import nonnegative

NAME = "K8S-META-NAME"
LABELS = "K8S-META-LABELS"
ANNOTATIONS = "K8S-META-ANNOTATIONS"
FINALIZERS = "K8S-META-FINALIZERS"
OWNERS = "K8S-META-OWNERREFS"
TEMPLATE = "K8S-TEMPLATE-CONTROLLER"
DEPLOY_STRATEGY = "K8S-DEPLOY-STRATEGY"
DEPLOY_PROGRESS = "K8S-DEPLOY-PROGRESSDEADLINE"
DS_STRATEGY = "K8S-DS-STRATEGY"
STS_STRATEGY = "K8S-STS-UPDATESTRATEGY"
STS_POLICY = "K8S-STS-PODMANAGEMENT"
STS_SERVICE = "K8S-STS-SERVICENAME"
STS_RETENTION = "K8S-STS-PVCRETENTION"
STS_CLAIMS = "K8S-STS-VCT"
NAME_WARNING = "K8S-WARN-NAME-LABEL"
HISTORY_WARNING = "K8S-WARN-HISTORY-NEGATIVE"
# Kinds whose name becomes their pods' names and hostnames (the registry strategies' warning).
_POD_NAMING_KINDS = ("Deployment", "ReplicaSet", "Job", "CronJob")

_STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")
_PERCENT_MSG = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
)
# Before v1.36 a StatefulSet's pod template spec and its volumeClaimTemplates are not validated
# when the StatefulSet is created (upstream's ValidatePodTemplateSpecForStatefulSet left the pod
# spec unvalidated, its comment says so); its pods and claims are, when the controller creates them. v1.33.5 admits such a
# StatefulSet, v1.36.2 rejects it (the oracle's two verdict files).
STS_POD_SPEC_VALIDATED = (1, 36)
# kubernetes#114172 (v1.27): StatefulSet names are DNS labels, as their pods' hostnames are;
# kubernetes#114412 (v1.27): a warning for other pod-naming kinds with dotted names.
STS_NAME_IS_LABEL = (1, 27)
# kubernetes#130233 (v1.33): spec.serviceName, the pods' subdomain, is validated as a DNS label.
STS_SERVICE_NAME_VALIDATED = (1, 33)
_ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]


def check(ctx: LintContext) -> list[Finding]:
    document = ctx.document
    kind = ctx.kind
    if not isinstance(document, dict):
        return []  # type: ignore[unreachable]
    version = (int(ctx.version[0]), int(ctx.version[1]))
    if kind == "Pod":  # its name, labels, annotations and spec are the apiserver layer's
        return validate_meta_lifecycle(as_dict(document.get("metadata")))
    out = validate_object_meta(document, kind, version)
    if kind == "StatefulSet":
        out += validate_statefulset(document, version)
    elif kind == "Job":
        out += jobs.validate_job(document, version)
    elif kind in _KINDS:
        out += _KINDS[kind](document)
    if kind == "StatefulSet":
        claims = as_list(as_dict(document.get("spec")).get("volumeClaimTemplates"))
        for i, claim in enumerate(claims):
            claim_spec, claim_path = (
                as_dict(as_dict(claim).get("spec")),
                f"spec.volumeClaimTemplates[{i}].spec",
            )
            out += claim_quantities(claim_spec, claim_path)
            if version >= STS_POD_SPEC_VALIDATED:
                out += validate_claim_spec(claim_spec, claim_path)
                out += _claim_volume_name(as_dict(claim), i)
    return out


def _claim_volume_name(claim: dict[str, Any], position: int) -> list[Finding]:
    """From v1.36 the pod template is validated with each claim template as a volume, put before
    the template's own volumes: a claim name that is no volume name fails at volumes[position]."""
    name = as_str(as_dict(claim.get("metadata")).get("name"))
    path = f"spec.template.spec.volumes[{position}].name"
    return [fp.invalid(STS_CLAIMS, path, name, msg) for msg in names.is_dns1123_label(name)] if name else []


def claim_quantities(spec: dict[str, Any], path: str) -> list[Finding]:
    """A claim template's requests and limits must decode as quantities (at every version: a 400)."""
    out: list[Finding] = []
    resources = as_dict(spec.get("resources"))
    for group in ("requests", "limits"):
        for name, value in as_dict(resources.get(group)).items():
            if isinstance(value, str) and quantity.quantity_or_none(value) is None:
                where = fp.key(child(child(path, "resources"), group), str(name))
                out.append(fp.invalid("K8S-FIELD-QUANTITY", where, value, quantity.QUANTITY_REGEX_MSG))
    return out


# --- metadata ---------------------------------------------------------------------------------


def _name_errors(name: str, kind: str, version: tuple[int, int]) -> list[str]:
    """Each kind's name rule: a DNS label for a StatefulSet (its pods' hostnames), else a subdomain."""
    if kind == "StatefulSet" and version >= STS_NAME_IS_LABEL:
        return names.is_dns1123_label(name)
    return names.is_dns1123_subdomain(name)


# names.SimpleNameGenerator: the base is cut to 58 characters, then 5 random ones are appended
# (from "bcdfghjklmnpqrstvwxz2456789"; any five of them validate alike).
_GENERATED_BASE_MAX = 58
_GENERATED_SUFFIX = "bcdfg"


def _mask_trailing_dash(name: str) -> str:
    """maskTrailingDash, as upstream writes it: a trailing '-' and the character before become 'a'."""
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def validate_object_meta(
    document: dict[str, Any], kind: str, version: tuple[int, int] = LATEST_VERSION
) -> list[Finding]:
    """ValidateObjectMeta of the workload object itself (the template's is the apiserver layer's)."""
    meta = as_dict(document.get("metadata"))
    out: list[Finding] = []
    name = meta.get("name")
    generate = as_str(meta.get("generateName"))
    if generate:
        # validated as a prefix (a trailing dash is fine); the name the server then makes from it
        # (BeforeCreate: at most 58 characters of it and 5 random ones) is validated as a name
        out += [
            fp.invalid(NAME, "metadata.generateName", generate, msg)
            for msg in _name_errors(_mask_trailing_dash(generate), kind, version)
        ]
        if name in (None, ""):
            name = generate[:_GENERATED_BASE_MAX] + _GENERATED_SUFFIX
    if name in (None, ""):
        out.append(fp.required(NAME, "metadata.name", "name or generateName is required"))
    elif isinstance(name, str) and name:
        errors = _name_errors(name, kind, version)
        out += [fp.invalid(NAME, "metadata.name", name, msg) for msg in errors]
        label_errors = names.is_dns1123_label(name)
        if not errors and label_errors and kind in _POD_NAMING_KINDS and version >= STS_NAME_IS_LABEL:
            detail = "; a DNS label is recommended: [" + " ".join(label_errors) + "]"
            message = (
                "this is used in Pod names and hostnames, which can result in surprising behavior" + detail
            )
            out.append(fp.warning(NAME_WARNING, "metadata.name", message))
    out += names.validate_labels(LABELS, meta.get("labels"), "metadata.labels")
    out += names.validate_annotations(ANNOTATIONS, meta.get("annotations"), "metadata.annotations")
    return out + validate_meta_lifecycle(meta)


def validate_meta_lifecycle(meta: dict[str, Any]) -> list[Finding]:
    """The rest of ValidateObjectMeta, the same for every kind, Pods included: namespace,
    finalizers and owner references."""
    out: list[Finding] = []
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace:
        out += [
            fp.invalid(NAME, "metadata.namespace", namespace, m) for m in names.is_dns1123_label(namespace)
        ]
    finalizers = [f for f in as_list(meta.get("finalizers")) if isinstance(f, str)]
    for i, finalizer in enumerate(finalizers):
        out += [
            fp.invalid(FINALIZERS, "metadata.finalizers", finalizer, m)
            for m in names.is_qualified_name(finalizer)
        ]
        if "/" not in finalizer and finalizer not in _STANDARD_FINALIZERS:
            detail = "name is neither a standard finalizer name nor is it fully qualified"
            out.append(fp.invalid(FINALIZERS, fp.index("metadata.finalizers", i), finalizer, detail))
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        detail = "finalizer orphan and foregroundDeletion cannot be both set"
        out.append(fp.invalid(FINALIZERS, "metadata.finalizers", finalizers, detail))
    out += _owner_references(as_list(meta.get("ownerReferences")))
    return out


def _owner_references(references: list[Any]) -> list[Finding]:
    """validateOwnerReference (the apiserver prints these paths without the list index)."""
    out: list[Finding] = []
    path = "metadata.ownerReferences"
    controllers = 0
    for reference in references:
        reference = as_dict(reference)
        api_version = as_str(reference.get("apiVersion"))
        if not api_version.rpartition("/")[2]:
            out.append(
                fp.invalid(OWNERS, child(path, "apiVersion"), api_version, "version must not be empty")
            )
        for field in ("kind", "name", "uid"):
            if not as_str(reference.get(field)):
                out.append(fp.invalid(OWNERS, child(path, field), "", f"{field} must not be empty"))
        controllers += reference.get("controller") is True
    if controllers > 1:
        out.append(fp.invalid(OWNERS, path, references, "Only one reference can have Controller set to true"))
    return out


def _defaulted(obj: dict[str, Any], field: str, default: Any) -> Any:
    """The field after apps/v1 defaulting: absent and null alike (a Helm value left empty) get it."""
    value = obj.get(field)
    return default if value is None else value


# --- intOrString --------------------------------------------------------------------------------


def _go_int_or_string(value: Any) -> str:
    if isinstance(value, str):
        return f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:"{value}"}}'
    return f'intstr.IntOrString{{Type:0, IntVal:{fp.format_value(value)}, StrVal:""}}'


def _percent(value: Any) -> int | None:
    """getPercentValue: the number of a valid 'N%' string."""
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit() and value[:-1].isascii():
        return int(value[:-1])
    return None


def _amount(value: Any) -> int:
    """getIntOrPercentValue: N for 'N%', the integer itself, 0 for anything else (IntValue of junk)."""
    percent = _percent(value)
    if percent is not None:
        return percent
    number = as_int(value)
    if number is not None:
        return number
    if isinstance(value, str) and value.lstrip("+-").isdigit():
        return int(value)
    return 0


def int_or_percent(rule: str, value: Any, path: str) -> list[Finding]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        if _percent(value) is None:
            return [selectors.invalid_go(rule, path, _go_int_or_string(value), _PERCENT_MSG)]
        return []
    return [dataclasses.replace(f, rule=rule) for f in nonnegative(value, path)]


def not_over_100(rule: str, value: Any, path: str) -> list[Finding]:
    percent = _percent(value)
    if percent is not None and percent > 100:
        return [selectors.invalid_go(rule, path, _go_int_or_string(value), "must not be greater than 100%")]
    return []


# --- selectors and template ---------------------------------------------------------------------


def _template_labels(spec: dict[str, Any]) -> Any:
    return as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")


def _selector_required(spec: dict[str, Any], kind_word: str, invalid_detail: str) -> list[Finding]:
    """The apps selector rules: required, valid, not empty, and matching the template labels."""
    out: list[Finding] = []
    selector = spec.get("selector")
    if selector is None:
        out.append(fp.required(selectors.SYNTAX, "spec.selector"))
    else:
        out += selectors.validate_label_selector(selector, "spec.selector")
        if selectors.is_empty(selector):
            detail = f"empty selector is invalid for {kind_word}"
            out.append(
                selectors.invalid_go(
                    selectors.SYNTAX, "spec.selector", selectors.go_selector(selector), detail
                )
            )
    if not selectors.convertible(selector):
        go = selectors.go_selector(selector)
        out.append(selectors.invalid_go(selectors.SYNTAX, "spec.selector", go, invalid_detail))
    elif selector is None or not selectors.is_empty(selector):
        out += selectors.template_mismatch(selector, _template_labels(spec), "spec.template.metadata.labels")
    return out


def _no_active_deadline(spec: dict[str, Any], controller: str) -> list[Finding]:
    pod_spec = as_dict(as_dict(spec.get("template")).get("spec"))
    if pod_spec.get("activeDeadlineSeconds") is None:
        return []
    path = "spec.template.spec.activeDeadlineSeconds"
    return [fp.forbidden(TEMPLATE, path, f"activeDeadlineSeconds in {controller} is not Supported")]


def _counts(spec: dict[str, Any], *fields: str) -> list[Finding]:
    out: list[Finding] = []
    for field in fields:
        out += nonnegative(spec.get(field), child("spec", field))
    return out


# --- kinds --------------------------------------------------------------------------------------


def validate_deployment(document: dict[str, Any]) -> list[Finding]:
    spec = as_dict(document.get("spec"))
    out = _counts(spec, "replicas")
    out += _selector_required(spec, "deployment", "invalid label selector")
    out += _no_active_deadline(spec, "ReplicaSet")
    out += _deployment_strategy(as_dict(spec.get("strategy")))
    out += _counts(spec, "minReadySeconds", "revisionHistoryLimit")
    progress = as_int(_defaulted(spec, "progressDeadlineSeconds", 600))
    if progress is not None:
        out += [
            dataclasses.replace(f, rule=DEPLOY_PROGRESS)
            for f in nonnegative(progress, "spec.progressDeadlineSeconds")
        ]
        if progress <= (as_int(spec.get("minReadySeconds")) or 0):
            detail = "must be greater than minReadySeconds"
            out.append(fp.invalid(DEPLOY_PROGRESS, "spec.progressDeadlineSeconds", progress, detail))
    return out


def _deployment_strategy(strategy: dict[str, Any]) -> list[Finding]:
    kind = strategy.get("type") or "RollingUpdate"
    path = "spec.strategy"
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            detail = "may not be specified when strategy `type` is 'Recreate'"
            return [fp.forbidden(DEPLOY_STRATEGY, child(path, "rollingUpdate"), detail)]
        return []
    if kind != "RollingUpdate":
        go = f'apps.DeploymentStrategy{{Type:"{kind}", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}}'
        detail = 'supported values: "Recreate", "RollingUpdate"'
        return [Finding(DEPLOY_STRATEGY, "error", path, f"Unsupported value: {go}: {detail}")]
    rolling = as_dict(strategy.get("rollingUpdate"))
    unavailable = _defaulted(rolling, "maxUnavailable", "25%")
    surge = _defaulted(rolling, "maxSurge", "25%")
    ru_path = child(path, "rollingUpdate")
    out = int_or_percent(DEPLOY_STRATEGY, unavailable, child(ru_path, "maxUnavailable"))
    out += int_or_percent(DEPLOY_STRATEGY, surge, child(ru_path, "maxSurge"))
    if _amount(unavailable) == 0 and _amount(surge) == 0:
        go = _go_int_or_string(unavailable) if isinstance(unavailable, str) else fp.format_value(unavailable)
        out.append(
            selectors.invalid_go(
                DEPLOY_STRATEGY, child(ru_path, "maxUnavailable"), go, "may not be 0 when `maxSurge` is 0"
            )
        )
    out += not_over_100(DEPLOY_STRATEGY, unavailable, child(ru_path, "maxUnavailable"))
    return out


def validate_replicaset(document: dict[str, Any]) -> list[Finding]:
    spec = as_dict(document.get("spec"))
    out = _counts(spec, "replicas", "minReadySeconds")
    # sic: ValidateReplicaSetSpec says "deployment" too
    out += _selector_required(spec, "deployment", "invalid label selector")
    out += _no_active_deadline(spec, "ReplicaSet")
    return out


def validate_daemonset(document: dict[str, Any]) -> list[Finding]:
    spec = as_dict(document.get("spec"))
    selector = spec.get("selector")
    out = selectors.validate_label_selector(selector, "spec.selector")
    if selectors.convertible(selector):
        out += selectors.template_mismatch(selector, _template_labels(spec), "spec.template.metadata.labels")
    if isinstance(selector, dict) and selectors.is_empty(selector):
        go = selectors.go_selector(selector)
        out.append(
            selectors.invalid_go(
                selectors.SYNTAX, "spec.selector", go, "empty selector is invalid for daemonset"
            )
        )
    out += _no_active_deadline(spec, "DaemonSet")
    out += _counts(spec, "minReadySeconds")
    out += _daemonset_strategy(as_dict(spec.get("updateStrategy")))
    out += _counts(spec, "revisionHistoryLimit")
    return out


def _daemonset_strategy(strategy: dict[str, Any]) -> list[Finding]:
    kind = strategy.get("type") or "RollingUpdate"
    path = "spec.updateStrategy"
    if kind == "OnDelete":
        return []
    if kind != "RollingUpdate":
        go = f'apps.DaemonSetUpdateStrategy{{Type:"{kind}", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}}'
        detail = 'supported values: "RollingUpdate", "OnDelete"'
        return [Finding(DS_STRATEGY, "error", path, f"Unsupported value: {go}: {detail}")]
    rolling = as_dict(strategy.get("rollingUpdate"))
    unavailable = _defaulted(rolling, "maxUnavailable", 1)
    surge = _defaulted(rolling, "maxSurge", 0)
    ru_path = child(path, "rollingUpdate")
    out = int_or_percent(DS_STRATEGY, unavailable, child(ru_path, "maxUnavailable"))
    out += int_or_percent(DS_STRATEGY, surge, child(ru_path, "maxSurge"))
    out += not_over_100(DS_STRATEGY, unavailable, child(ru_path, "maxUnavailable"))
    out += not_over_100(DS_STRATEGY, surge, child(ru_path, "maxSurge"))
    has_unavailable, has_surge = _amount(unavailable) != 0, _amount(surge) != 0
    if has_unavailable and has_surge:
        detail = "may not be set when maxUnavailable is non-zero"
        out.append(
            selectors.invalid_go(DS_STRATEGY, child(ru_path, "maxSurge"), _go_int_or_string(surge), detail)
        )
    elif not has_unavailable and not has_surge:
        out.append(
            fp.required(DS_STRATEGY, child(ru_path, "maxUnavailable"), "cannot be 0 when maxSurge is 0")
        )
    return out


def validate_statefulset(
    document: dict[str, Any], version: tuple[int, int] = LATEST_VERSION
) -> list[Finding]:
    spec = as_dict(document.get("spec"))
    out: list[Finding] = []
    # SetDefaults_StatefulSet fills an empty policy ("" as well as absent): never "Required".
    policy = spec.get("podManagementPolicy") or "OrderedReady"
    if isinstance(policy, str) and policy not in ("OrderedReady", "Parallel"):
        out.append(
            fp.invalid(STS_POLICY, "spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")
        )
    out += _statefulset_strategy(as_dict(spec.get("updateStrategy")), version)
    # dropStatefulSetDisabledFields: the retention policy and the ordinals are cleared on create
    # while their gates are off (v1.25-v1.26), so they cannot make the StatefulSet invalid there.
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    for field in ("whenDeleted", "whenScaled") if gates.enabled("StatefulSetAutoDeletePVC", version) else ():
        value = as_dict(retention).get(field) or "Retain"  # defaulted
        if isinstance(value, str) and value not in ("Retain", "Delete"):
            path = f"spec.persistentVolumeClaimRetentionPolicy.{field}"
            out.append(fp.not_supported(STS_RETENTION, path, value, ["Retain", "Delete"]))
    out += _counts(spec, "replicas", "minReadySeconds")
    if gates.enabled("StatefulSetStartOrdinal", version):
        out += nonnegative(as_dict(spec.get("ordinals")).get("start"), "spec.ordinals.start")
    service = spec.get("serviceName")
    if isinstance(service, str) and service and version >= STS_SERVICE_NAME_VALIDATED:
        out += [
            fp.invalid(STS_SERVICE, "spec.serviceName", service, m) for m in names.is_dns1123_label(service)
        ]
    out += _selector_required(spec, "statefulset", "")
    out += _no_active_deadline(spec, "StatefulSet")
    history = as_int(spec.get("revisionHistoryLimit"))
    if history is not None and history < 0:  # not validated for a StatefulSet, only warned about
        message = "a negative value retains all historical revisions; a value >= 0 is recommended"
        out.append(fp.warning(HISTORY_WARNING, "spec.revisionHistoryLimit", message))
    return out


def _statefulset_strategy(strategy: dict[str, Any], version: tuple[int, int]) -> list[Finding]:
    kind = strategy.get("type") or "RollingUpdate"
    path = "spec.updateStrategy"
    rolling = strategy.get("rollingUpdate")
    if kind == "OnDelete":
        if rolling is not None:
            partition = as_int(as_dict(rolling).get("partition")) or 0
            go = f"apps.RollingUpdateStatefulSetStrategy{{Partition:{partition}, MaxUnavailable:(*intstr.IntOrString)(nil)}}"
            return [
                selectors.invalid_go(
                    STS_STRATEGY,
                    child(path, "rollingUpdate"),
                    go,
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            ]
        return []
    if kind != "RollingUpdate":
        go = f'apps.StatefulSetUpdateStrategy{{Type:"{kind}", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}}'
        return [selectors.invalid_go(STS_STRATEGY, path, go, "must be 'RollingUpdate' or 'OnDelete'")]
    ru_path = child(path, "rollingUpdate")
    out = [
        dataclasses.replace(f, rule=STS_STRATEGY)
        for f in nonnegative(as_dict(rolling).get("partition"), child(ru_path, "partition"))
    ]
    # validateRollingUpdateStatefulSet: maxUnavailable is dropped while the MaxUnavailableStatefulSet
    # gate is off (alpha through v1.34), validated from v1.35 (beta, on).
    unavailable = as_dict(rolling).get("maxUnavailable")
    if unavailable is not None and gates.enabled("MaxUnavailableStatefulSet", version):
        unavailable_path = child(ru_path, "maxUnavailable")
        out += int_or_percent(STS_STRATEGY, unavailable, unavailable_path)
        if _amount(unavailable) == 0:
            go = _go_int_or_string(unavailable)
            out.append(selectors.invalid_go(STS_STRATEGY, unavailable_path, go, "cannot be 0"))
        out += not_over_100(STS_STRATEGY, unavailable, unavailable_path)
    return out


def validate_claim_spec(spec: dict[str, Any], path: str) -> list[Finding]:
    """ValidatePersistentVolumeClaimSpec: access modes, selector, storage request, class, mode, source."""
    out: list[Finding] = []
    modes = [m for m in as_list(spec.get("accessModes")) if isinstance(m, str)]
    modes_path = child(path, "accessModes")
    if not modes:
        out.append(fp.required(STS_CLAIMS, modes_path, "at least 1 access mode is required"))
    out += [
        fp.not_supported(STS_CLAIMS, modes_path, m, _ACCESS_MODES) for m in modes if m not in _ACCESS_MODES
    ]
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        out.append(
            fp.forbidden(STS_CLAIMS, modes_path, "may not use ReadWriteOncePod with other access modes")
        )
    out += [
        dataclasses.replace(f, rule=STS_CLAIMS)
        for f in selectors.validate_label_selector(spec.get("selector"), child(path, "selector"))
    ]
    requests = as_dict(as_dict(spec.get("resources")).get("requests"))
    storage_path = fp.key(child(path, "resources"), "storage")
    if "storage" not in requests:
        out.append(fp.required(STS_CLAIMS, storage_path))
    else:
        amount = quantity.quantity_or_none(requests["storage"])
        if amount is not None and amount <= 0:
            value = quantity.as_written(requests["storage"])
            out.append(fp.invalid(STS_CLAIMS, storage_path, value, "must be greater than zero"))
    storage_class = spec.get("storageClassName")
    if isinstance(storage_class, str) and storage_class:
        class_path = child(path, "storageClassName")
        out += [
            fp.invalid(STS_CLAIMS, class_path, storage_class, m)
            for m in names.is_dns1123_subdomain(storage_class)
        ]
    mode = spec.get("volumeMode")
    if isinstance(mode, str) and mode not in ("Block", "Filesystem"):
        out.append(fp.not_supported(STS_CLAIMS, child(path, "volumeMode"), mode, ["Block", "Filesystem"]))
    source = spec.get("dataSource")
    if isinstance(source, dict):
        source_path = child(path, "dataSource")
        kind = as_str(source.get("kind"))
        if not as_str(source.get("name")):
            out.append(fp.required(STS_CLAIMS, child(source_path, "name")))
        if not kind:
            out.append(fp.required(STS_CLAIMS, child(source_path, "kind")))
        elif not as_str(source.get("apiGroup")) and kind != "PersistentVolumeClaim":
            detail = "must be 'PersistentVolumeClaim' when referencing the default apiGroup"
            out.append(fp.invalid(STS_CLAIMS, source_path, kind, detail))
    return out


_KINDS = {
    "Deployment": validate_deployment,
    "ReplicaSet": validate_replicaset,
    "DaemonSet": validate_daemonset,
    "CronJob": jobs.validate_cronjob,
}


def defer_statefulset_pod_errors(findings: list[Finding], ctx: LintContext) -> list[Finding]:
    """A StatefulSet's pod spec errors, before v1.36, as warnings: the apiserver admits the object.

    The StatefulSet controller's pods are still validated, so each error stays in the list (its
    pods would be rejected), as a warning that says so.
    """
    if ctx.kind != "StatefulSet" or tuple(ctx.version) >= STS_POD_SPEC_VALIDATED:
        return findings
    return [_deferred(f) for f in findings]


def _deferred(finding: Finding) -> Finding:
    caused = tuple(_deferred(c) for c in finding.caused)
    deferred = (
        finding.severity == "error"
        and finding.path.startswith("spec.template.spec.")
        and finding.path != "spec.template.spec.restartPolicy"
    )
    if not deferred:
        return dataclasses.replace(finding, caused=caused) if caused != finding.caused else finding
    message = f"{finding.message} (the StatefulSet is accepted, but its pods will be rejected)"
    return dataclasses.replace(finding, severity="warning", message=message, caused=caused)
