"""Where a pod may run: tolerations, affinity, topology spread, node selector, gates (validation.go).

kube-apiserver's ValidatePodSpec checks these fields with validateTolerations, validateAffinity
(ValidateNodeSelector, validatePodAffinityTerm, apimachinery's ValidateLabelSelector),
validateTopologySpreadConstraints, ValidateLabels on nodeSelector, validateReadinessGates and
validateSchedulingGates. Paths and texts are kube-apiserver's, including its quirks (a
toleration's bad value is reported at `.operator`, a repeated spread constraint at
`.{topologyKey, whenUnsatisfiable}`).
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates, names
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index

TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
NOT_POSITIVE_MSG = "must be greater than zero"
WEIGHT_MSG = "must be in the range 1-100"
IN_NOTIN_VALUES_MSG = "must be specified when `operator` is 'In' or 'NotIn'"
EXISTS_VALUES_MSG = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
# The node fields a nodeSelectorTerm's matchFields may name (nodeFieldSelectorValidators).
NODE_FIELD_KEYS = ("metadata.name",)


def label_name_errors(rule: str, value: str, path: str) -> list[Finding]:
    """ValidateLabelName / ValidateQualifiedName: one Invalid per IsQualifiedName message."""
    return [fp.invalid(rule, path, value, msg) for msg in names.is_qualified_name(value)]


# --- tolerations ----------------------------------------------------------------------------


def validate_tolerations(tolerations: Any, path: str, version: tuple[int, int]) -> list[Finding]:
    """ValidateTolerations: key, operator/key/value consistency, tolerationSeconds, effect."""
    rule = "K8S-POD-TOLERATIONS"
    out: list[Finding] = []
    for i, toleration in enumerate(as_list(tolerations)):
        if not isinstance(toleration, dict):
            continue
        at = index(path, i)
        key = as_str(toleration.get("key"))
        operator = as_str(toleration.get("operator"))
        value = as_str(toleration.get("value"))
        effect = as_str(toleration.get("effect"))
        if key:
            out += label_name_errors(rule, key, child(at, "key"))
        if not key and operator != "Exists":
            out.append(
                fp.invalid(
                    rule,
                    child(at, "operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values and all keys"',
                )
            )
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            out.append(
                fp.invalid(
                    rule,
                    child(at, "effect"),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):  # an empty operator means Equal
            errors = names.is_label_value(value)
            if errors:  # reported at .operator, the messages joined with ";"
                out.append(fp.invalid(rule, child(at, "operator"), value, ";".join(errors)))
        elif operator == "Exists":
            if value:
                out.append(
                    fp.invalid(
                        rule, child(at, "operator"), value, "value must be empty when `operator` is 'Exists'"
                    )
                )
        else:
            out.append(fp.not_supported(rule, child(at, "operator"), operator, ["Equal", "Exists"]))
        if effect and effect not in TAINT_EFFECTS:
            out.append(fp.not_supported(rule, child(at, "effect"), effect, TAINT_EFFECTS))
    return out


# --- label selectors (apimachinery metav1 validation) -------------------------------------


def validate_label_selector(rule: str, selector: Any, path: str) -> list[Finding]:
    """ValidateLabelSelector: matchLabels are labels; each matchExpression a valid requirement."""
    if not isinstance(selector, dict):
        return []
    out = names.validate_labels(rule, selector.get("matchLabels"), child(path, "matchLabels"))
    for i, expression in enumerate(as_list(selector.get("matchExpressions"))):
        if not isinstance(expression, dict):
            continue
        at = index(child(path, "matchExpressions"), i)
        operator = as_str(expression.get("operator"))
        values = as_list(expression.get("values"))
        if operator in ("In", "NotIn"):
            if not values:
                out.append(fp.required(rule, child(at, "values"), IN_NOTIN_VALUES_MSG))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                out.append(fp.forbidden(rule, child(at, "values"), EXISTS_VALUES_MSG))
        else:
            out.append(fp.invalid(rule, child(at, "operator"), operator, "not a valid selector operator"))
        out += label_name_errors(rule, as_str(expression.get("key")), child(at, "key"))
        for j, value in enumerate(values):
            if isinstance(value, str):
                out += [
                    fp.invalid(rule, index(child(at, "values"), j), value, msg)
                    for msg in names.is_label_value(value)
                ]
    return out


# --- node affinity --------------------------------------------------------------------------


def _node_selector_requirement(
    rule: str, requirement: dict[str, Any], path: str, check_values: bool = False
) -> list[Finding]:
    """ValidateNodeSelectorRequirement (In, NotIn, Exists, DoesNotExist, Gt, Lt).

    check_values: the values must be label values (a required term from v1.33, PR #128212;
    preferred terms and earlier versions accept any string).
    """
    out: list[Finding] = []
    operator = as_str(requirement.get("operator"))
    values = as_list(requirement.get("values"))
    if operator in ("In", "NotIn"):
        if not values:
            out.append(fp.required(rule, child(path, "values"), IN_NOTIN_VALUES_MSG))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            out.append(fp.forbidden(rule, child(path, "values"), EXISTS_VALUES_MSG))
    elif operator in ("Gt", "Lt"):
        if len(values) != 1:
            out.append(
                fp.required(
                    rule,
                    child(path, "values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                )
            )
    else:
        out.append(fp.invalid(rule, child(path, "operator"), operator, "not a valid selector operator"))
    out += label_name_errors(rule, as_str(requirement.get("key")), child(path, "key"))
    if check_values:
        for j, value in enumerate(values):
            if isinstance(value, str):
                out += [
                    fp.invalid(rule, index(child(path, "values"), j), value, msg)
                    for msg in names.is_label_value(value)
                ]
    return out


def _node_field_requirement(rule: str, requirement: dict[str, Any], path: str) -> list[Finding]:
    """ValidateNodeFieldSelectorRequirement: In/NotIn with one value, key metadata.name."""
    out: list[Finding] = []
    operator = as_str(requirement.get("operator"))
    values = as_list(requirement.get("values"))
    if operator in ("In", "NotIn"):
        if len(values) != 1:
            out.append(
                fp.required(
                    rule,
                    child(path, "values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                )
            )
    else:
        out.append(fp.invalid(rule, child(path, "operator"), operator, "not a valid selector operator"))
    key = as_str(requirement.get("key"))
    if key not in NODE_FIELD_KEYS:
        out.append(fp.invalid(rule, child(path, "key"), key, "not a valid field selector key"))
    else:  # ValidateNodeName: a DNS subdomain
        for j, value in enumerate(values):
            if isinstance(value, str):
                out += [
                    fp.invalid(rule, index(child(path, "values"), j), value, msg)
                    for msg in names.is_dns1123_subdomain(value)
                ]
    return out


def _node_selector_term(rule: str, term: Any, path: str, check_values: bool = False) -> list[Finding]:
    term = as_dict(term)
    out: list[Finding] = []
    for j, requirement in enumerate(as_list(term.get("matchExpressions"))):
        if isinstance(requirement, dict):
            out += _node_selector_requirement(
                rule, requirement, index(child(path, "matchExpressions"), j), check_values
            )
    for j, requirement in enumerate(as_list(term.get("matchFields"))):
        if isinstance(requirement, dict):
            out += _node_field_requirement(rule, requirement, index(child(path, "matchFields"), j))
    return out


def _weight(rule: str, term: dict[str, Any], path: str) -> list[Finding]:
    weight = as_int(term.get("weight"))
    if weight is None and term.get("weight") is None:
        weight = 0  # Go's zero value
    if weight is not None and not 1 <= weight <= 100:
        return [fp.invalid(rule, child(path, "weight"), weight, WEIGHT_MSG)]
    return []


def validate_node_affinity(
    affinity: dict[str, Any], path: str, version: tuple[int, int] = (1, 33)
) -> list[Finding]:
    """validateNodeAffinity: at least one required term; preferred weights 1-100."""
    rule = "K8S-POD-AFFINITY"
    out: list[Finding] = []
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        terms_path = child(child(path, "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms")
        terms = as_list(required.get("nodeSelectorTerms"))
        if not terms:
            out.append(fp.required(rule, terms_path, "must have at least one node selector term"))
        check_values = version >= (1, 33)  # AllowInvalidLabelValueInRequiredNodeAffinity false on create
        for i, term in enumerate(terms):
            out += _node_selector_term(rule, term, index(terms_path, i), check_values)
    preferred_path = child(path, "preferredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(as_list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        if isinstance(term, dict):
            out += _weight(rule, term, index(preferred_path, i))
            out += _node_selector_term(
                rule, term.get("preference"), child(index(preferred_path, i), "preference")
            )
    return out


# --- pod (anti-)affinity ------------------------------------------------------------------


def _label_keys(rule: str, keys: list[Any], selector: Any, path: str) -> list[Finding]:
    """validateLabelKeys: match/mismatchLabelKeys need a labelSelector and are label names."""
    if not keys:
        return []
    if selector is None:
        return [fp.forbidden(rule, path, "must not be specified when labelSelector is not set")]
    out: list[Finding] = []
    for i, key in enumerate(keys):
        if isinstance(key, str):
            out += label_name_errors(rule, key, index(path, i))
    return out


def merged_affinity_selector(term: dict[str, Any], pod_labels: dict[str, Any] | None) -> Any:
    """The term's labelSelector as a Pod's validation sees it (registry/core/pod mutatePodAffinity).

    On create, with MatchLabelKeysInPodAffinity on, kube-apiserver appends `key In (value)` for each
    matchLabelKeys key and `key NotIn (value)` for each mismatchLabelKeys key that the pod's own
    labels carry, before validation. Only Pods are mutated (pod_labels None: a workload's
    template, left as written); a missing selector stays missing (it matches nothing).
    """
    selector = term.get("labelSelector")
    if pod_labels is None or not isinstance(selector, dict):
        return selector
    added = [
        {"key": key, "operator": operator, "values": [pod_labels[key]]}
        for field_name, operator in (("matchLabelKeys", "In"), ("mismatchLabelKeys", "NotIn"))
        for key in as_list(term.get(field_name))
        if isinstance(key, str) and key in pod_labels
    ]
    if not added:
        return selector
    return {**selector, "matchExpressions": as_list(selector.get("matchExpressions")) + added}


def _match_label_keys_in_selector(
    rule: str, match_keys: list[Any], selector: Any, path: str
) -> list[Finding]:
    """validateMatchLabelKeysAndMismatchLabelKeys step 2: a matchLabelKeys key the selector names.

    Upstream walks the (merged) selector's matchExpressions and flags an expression whose key is
    in matchLabelKeys and already seen in matchLabels or an earlier expression; the error is at
    the term's path indexed by the key's position (`...[0][1]`, a quirk kept as printed).
    """
    if not isinstance(selector, dict):
        return []
    positions = {key: i for i, key in enumerate(match_keys) if isinstance(key, str)}
    seen = {str(k) for k in as_dict(selector.get("matchLabels"))}
    out: list[Finding] = []
    for expression in as_list(selector.get("matchExpressions")):
        key = as_str(as_dict(expression).get("key"))
        if key in positions and key in seen:
            out.append(
                fp.invalid(
                    rule, index(path, positions[key]), key, "exists in both matchLabelKeys and labelSelector"
                )
            )
        seen.add(key)
    return out


def validate_pod_affinity_term(
    rule: str, term: dict[str, Any], path: str, pod_labels: dict[str, Any] | None = None
) -> list[Finding]:
    """validatePodAffinityTerm: selectors, namespaces, match/mismatchLabelKeys, topologyKey.

    pod_labels: the Pod's labels when the term is a Pod's (its selector is then merged first, as
    kube-apiserver does on create); None for a workload's template.
    """
    selector = merged_affinity_selector(term, pod_labels)
    out = validate_label_selector(rule, selector, child(path, "labelSelector"))
    out += validate_label_selector(rule, term.get("namespaceSelector"), child(path, "namespaceSelector"))
    for namespace in as_list(term.get("namespaces")):
        if isinstance(namespace, str):  # ValidateNamespaceName, reported at .namespace (sic)
            out += [
                fp.invalid(rule, child(path, "namespace"), namespace, msg)
                for msg in names.is_dns1123_label(namespace)
            ]
    match_keys = as_list(term.get("matchLabelKeys"))
    mismatch_keys = as_list(term.get("mismatchLabelKeys"))
    out += _label_keys(rule, match_keys, selector, child(path, "matchLabelKeys"))
    out += _label_keys(rule, mismatch_keys, selector, child(path, "mismatchLabelKeys"))
    out += _match_label_keys_in_selector(rule, match_keys, selector, path)
    mismatched = {k for k in mismatch_keys if isinstance(k, str)}
    for i, key in enumerate(match_keys):  # reported at the matchLabelKeys index
        if isinstance(key, str) and key in mismatched:
            out.append(
                fp.invalid(
                    rule,
                    index(child(path, "matchLabelKeys"), i),
                    key,
                    "exists in both matchLabelKeys and mismatchLabelKeys",
                )
            )
    topology_key = as_str(term.get("topologyKey"))
    if not topology_key:
        out.append(fp.required(rule, child(path, "topologyKey"), "can not be empty"))
    out += label_name_errors(rule, topology_key, child(path, "topologyKey"))
    return out


def _pod_affinity(affinity: dict[str, Any], path: str, pod_labels: dict[str, Any] | None) -> list[Finding]:
    rule = "K8S-POD-AFFINITY"
    out: list[Finding] = []
    required_path = child(path, "requiredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(as_list(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))):
        if isinstance(term, dict):
            out += validate_pod_affinity_term(rule, term, index(required_path, i), pod_labels)
    preferred_path = child(path, "preferredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(as_list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        if isinstance(term, dict):
            out += _weight(rule, term, index(preferred_path, i))
            out += validate_pod_affinity_term(
                rule,
                as_dict(term.get("podAffinityTerm")),
                child(index(preferred_path, i), "podAffinityTerm"),
                pod_labels,
            )
    return out


def validate_affinity(
    affinity: Any, path: str, pod_labels: dict[str, Any] | None = None, version: tuple[int, int] = (1, 33)
) -> list[Finding]:
    """validateAffinity: nodeAffinity, podAffinity, podAntiAffinity (pod_labels: a Pod's labels)."""
    affinity = as_dict(affinity)
    out: list[Finding] = []
    if isinstance(affinity.get("nodeAffinity"), dict):
        out += validate_node_affinity(affinity["nodeAffinity"], child(path, "nodeAffinity"), version)
    for key in ("podAffinity", "podAntiAffinity"):
        if isinstance(affinity.get(key), dict):
            out += _pod_affinity(affinity[key], child(path, key), pod_labels)
    return out


# --- topology spread constraints ------------------------------------------------------------


def validate_topology_spread(constraints: Any, path: str, version: tuple[int, int]) -> list[Finding]:
    """validateTopologySpreadConstraints."""
    rule = "K8S-POD-TSC"
    out: list[Finding] = []
    items = as_list(constraints)
    for i, constraint in enumerate(items):
        if not isinstance(constraint, dict):
            continue
        at = index(path, i)
        max_skew = as_int(constraint.get("maxSkew"))
        if max_skew is None and constraint.get("maxSkew") is None:
            max_skew = 0
        if max_skew is not None and max_skew <= 0:
            out.append(fp.invalid(rule, child(at, "maxSkew"), max_skew, NOT_POSITIVE_MSG))
        topology_key = as_str(constraint.get("topologyKey"))
        if not topology_key:
            out.append(fp.required(rule, child(at, "topologyKey"), "can not be empty"))
        when = as_str(constraint.get("whenUnsatisfiable"))
        if when not in ("DoNotSchedule", "ScheduleAnyway"):
            out.append(
                fp.not_supported(
                    rule, child(at, "whenUnsatisfiable"), when, ["DoNotSchedule", "ScheduleAnyway"]
                )
            )
        # ValidateSpreadConstraintNotRepeat: a later constraint with the same pair repeats this one.
        for other in items[i + 1 :]:
            other = as_dict(other)
            if (
                as_str(other.get("topologyKey")) == topology_key
                and as_str(other.get("whenUnsatisfiable")) == when
            ):
                out.append(
                    fp.duplicate(
                        rule, child(at, "{topologyKey, whenUnsatisfiable}"), f"{{{topology_key}, {when}}}"
                    )
                )
                break
        min_domains = constraint.get("minDomains")
        if min_domains is not None:
            number = as_int(min_domains)
            if number is not None and number <= 0:
                out.append(fp.invalid(rule, child(at, "minDomains"), number, NOT_POSITIVE_MSG))
            if when != "DoNotSchedule":
                out.append(
                    fp.invalid(
                        rule,
                        child(at, "minDomains"),
                        min_domains,
                        f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {when}",
                    )
                )
        for key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            policy = constraint.get(key)
            if isinstance(policy, str) and policy not in ("Honor", "Ignore"):
                out.append(fp.not_supported(rule, child(at, key), policy, ["Honor", "Ignore"]))
        out += _tsc_match_label_keys(rule, constraint, child(at, "matchLabelKeys"), version)
        out += validate_label_selector(rule, constraint.get("labelSelector"), child(at, "labelSelector"))
    return out


def _tsc_match_label_keys(
    rule: str, constraint: dict[str, Any], path: str, version: tuple[int, int]
) -> list[Finding]:
    """validateMatchLabelKeysInTopologySpread."""
    keys = as_list(constraint.get("matchLabelKeys"))
    selector = constraint.get("labelSelector")
    if not keys:
        return []
    out: list[Finding] = []
    if selector is None:  # still each key is checked below (upstream does not stop here)
        out.append(fp.forbidden(rule, path, "must not be specified when labelSelector is not set"))
    selector = as_dict(selector)
    in_selector = {str(k) for k in as_dict(selector.get("matchLabels"))}
    in_selector |= {as_str(as_dict(e).get("key")) for e in as_list(selector.get("matchExpressions"))}
    for i, key in enumerate(keys):
        if not isinstance(key, str):
            continue
        out += label_name_errors(rule, key, index(path, i))
        # From v1.34 (MatchLabelKeysInPodTopologySpreadSelectorMerge) the apiserver merges the keys
        # into the selector itself, so only earlier versions refuse a key the selector names.
        if (
            not gates.enabled("MatchLabelKeysInPodTopologySpreadSelectorMerge", version)
            and key in in_selector
        ):
            out.append(
                fp.invalid(rule, index(path, i), key, "exists in both matchLabelKeys and labelSelector")
            )
    return out


# --- node selector, readiness and scheduling gates -----------------------------------------


def validate_node_selector(selector: Any, path: str) -> list[Finding]:
    """ValidateLabels on spec.nodeSelector."""
    return names.validate_labels("K8S-POD-NODESELECTOR", selector, path)


def validate_readiness_gates(items: Any, path: str) -> list[Finding]:
    """validateReadinessGates: each conditionType is a qualified name."""
    out: list[Finding] = []
    for i, gate in enumerate(as_list(items)):
        condition = as_dict(gate).get("conditionType")
        if isinstance(condition, str) or condition is None:
            out += label_name_errors(
                "K8S-POD-READINESSGATES", as_str(condition), child(index(path, i), "conditionType")
            )
    return out


def validate_scheduling_gates(items: Any, path: str) -> list[Finding]:
    """validateSchedulingGates: qualified names, no repeats; reported at the gate's index."""
    rule = "K8S-POD-SCHEDULINGGATES"
    out: list[Finding] = []
    seen: set[str] = set()
    for i, gate in enumerate(as_list(items)):
        name = as_dict(gate).get("name")
        if not (isinstance(name, str) or name is None):
            continue
        name = as_str(name)
        out += label_name_errors(rule, name, index(path, i))
        if name in seen:
            out.append(fp.duplicate(rule, index(path, i), name))
        seen.add(name)
    return out


def validate_scheduling(
    spec: dict[str, Any], path: str, version: tuple[int, int], pod_labels: dict[str, Any] | None = None
) -> list[Finding]:
    """Every scheduling field of a pod spec (pod_labels: a Pod's own labels; None for a template)."""
    if not gates.enabled("MatchLabelKeysInPodAffinity", version):
        pod_labels = None  # the gate off: no merge (and the keys were dropped)
    out = validate_node_selector(spec.get("nodeSelector"), child(path, "nodeSelector"))
    out += validate_affinity(spec.get("affinity"), child(path, "affinity"), pod_labels, version)
    out += validate_tolerations(spec.get("tolerations"), child(path, "tolerations"), version)
    out += validate_topology_spread(
        spec.get("topologySpreadConstraints"), child(path, "topologySpreadConstraints"), version
    )
    out += validate_readiness_gates(spec.get("readinessGates"), child(path, "readinessGates"))
    out += validate_scheduling_gates(spec.get("schedulingGates"), child(path, "schedulingGates"))
    return out
