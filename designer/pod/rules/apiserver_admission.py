"""What kube-apiserver's default admission plugins refuse in a Pod before validation runs.

Admission plugins act on Pods only (never on a workload's template: the controller's Pods are
admitted later, one by one), so these findings exist for `kind: Pod`. They are admission
decisions, not validation: the messages say which plugin refuses and why, as the server does
(`pods "x" is forbidden: ...`), and the hint says it is an admission decision.

- Priority (plugin/pkg/admission/priority): the pod's priority is computed from its
  priorityClassName (or the global default class, else 0); a spec.priority that differs is
  forbidden, and so is a preemptionPolicy that differs from the class's.
- RuntimeClass (plugin/pkg/admission/runtimeclass): spec.overhead is filled in from the
  RuntimeClass; an overhead set without a RuntimeClass that defines one is forbidden. Its
  scheduling.nodeSelector is merged into the pod's nodeSelector (a key the pod sets to another
  value is a conflict, forbidden) and its scheduling.tolerations are merged into the pod's (never
  an error). A runtimeClassName whose RuntimeClass the stream does not carry is the cluster's
  business (the plugin says "not found" only if the cluster lacks it too): not judged here.

A PriorityClass or RuntimeClass is looked up among the stream's companions (and the two built-in
system priority classes); one the stream does not carry is not judged (the cluster may have it).
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.quantity import quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.fieldpath import as_dict, as_int, as_str, child

# pkg/apis/scheduling: the classes every cluster has (SystemPriorityClasses), both defaulted to
# PreemptLowerPriority.
SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}
ADMISSION_HINT = "This is an admission decision (the {plugin} admission plugin), made before validation."


def _named(companions: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any] | None:
    for doc in companions:
        if doc.get("kind") == kind and as_str(as_dict(doc.get("metadata")).get("name")) == name:
            return doc
    return None


def _computed_priority(
    spec: dict[str, Any], companions: list[dict[str, Any]]
) -> tuple[int, str | None] | None:
    """(priority, preemptionPolicy) the Priority plugin computes, or None when it cannot be known."""
    class_name = as_str(spec.get("priorityClassName"))
    if not class_name:
        for doc in companions:
            if doc.get("kind") == "PriorityClass" and doc.get("globalDefault") is True:
                value = as_int(doc.get("value"))
                return (
                    (value, as_str(doc.get("preemptionPolicy")) or "PreemptLowerPriority")
                    if value is not None
                    else None
                )
        # getDefaultPriority without a global default class: 0 and PreemptLowerPriority, so a
        # pod that asks for `preemptionPolicy: Never` without a class is refused too.
        return 0, "PreemptLowerPriority"
    if class_name in SYSTEM_PRIORITY_CLASSES:
        return SYSTEM_PRIORITY_CLASSES[class_name], "PreemptLowerPriority"
    found = _named(companions, "PriorityClass", class_name)
    value = as_int(found.get("value")) if found is not None else None
    if found is None or value is None:
        return None
    return value, as_str(found.get("preemptionPolicy")) or "PreemptLowerPriority"


def validate_priority(spec: dict[str, Any], path: str, companions: list[dict[str, Any]]) -> list[Finding]:
    """The Priority admission plugin: spec.priority and preemptionPolicy must match the class."""
    computed = _computed_priority(spec, companions)
    if computed is None:
        return []
    priority, policy = computed
    hint = ADMISSION_HINT.format(plugin="Priority") + " Remove spec.priority; set priorityClassName instead."
    out: list[Finding] = []
    given = as_int(spec.get("priority"))
    if given is not None and given != priority:
        out.append(
            fp.forbidden(
                "K8S-POD-PRIORITY",
                child(path, "priority"),
                f"the integer value of priority ({given}) must not be provided in pod spec; priority "
                f"admission controller computed {priority} from the given PriorityClass name",
                hint=hint,
            )
        )
    given_policy = spec.get("preemptionPolicy")
    if policy is not None and isinstance(given_policy, str) and given_policy != policy:
        out.append(
            fp.forbidden(
                "K8S-POD-PRIORITY",
                child(path, "preemptionPolicy"),
                f"the string value of PreemptionPolicy ({given_policy}) must not be provided in pod spec; "
                f"priority admission controller computed {policy} from the given PriorityClass name",
                hint=ADMISSION_HINT.format(plugin="Priority"),
            )
        )
    return out


def validate_overhead_admission(
    spec: dict[str, Any], path: str, companions: list[dict[str, Any]]
) -> list[Finding]:
    """The RuntimeClass admission plugin: overhead only as the pod's RuntimeClass defines it."""
    if spec.get("overhead") is None:
        return []
    class_name = as_str(spec.get("runtimeClassName"))
    if class_name:
        runtime_class = _named(companions, "RuntimeClass", class_name)
        if runtime_class is None:
            return []  # the cluster may have it; it decides
        defined = as_dict(runtime_class.get("overhead")).get("podFixed")
        if isinstance(defined, dict):
            if _same_quantities(as_dict(spec.get("overhead")), defined):
                return []
            return [
                fp.forbidden(
                    "K8S-POD-OVERHEAD",
                    child(path, "overhead"),
                    "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead",
                    hint=ADMISSION_HINT.format(plugin="RuntimeClass")
                    + f" Remove spec.overhead; RuntimeClass {class_name!r} sets it.",
                )
            ]
    return [
        fp.forbidden(
            "K8S-POD-OVERHEAD",
            child(path, "overhead"),
            "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
            hint=ADMISSION_HINT.format(plugin="RuntimeClass")
            + " Remove spec.overhead; the RuntimeClass's overhead is copied into the pod.",
        )
    ]


def validate_runtime_class_scheduling(
    spec: dict[str, Any], path: str, companions: list[dict[str, Any]]
) -> list[Finding]:
    """The RuntimeClass plugin's setScheduling: the class's nodeSelector may not contradict the pod's.

    The plugin stops at the first conflicting key (its map order is Go's, random); the project
    reports every conflicting key, in the RuntimeClass's order, so the user fixes them at once.
    """
    class_name = as_str(spec.get("runtimeClassName"))
    if not class_name:
        return []
    runtime_class = _named(companions, "RuntimeClass", class_name)
    if runtime_class is None:
        return []  # the cluster may have it; it decides
    wanted = as_dict(as_dict(runtime_class.get("scheduling")).get("nodeSelector"))
    given = spec.get("nodeSelector")
    if not isinstance(given, dict):
        return []  # no nodeSelector: the plugin takes the class's as it is
    out: list[Finding] = []
    for key, runtime_value in wanted.items():
        if key in given and given[key] != runtime_value:
            out.append(
                fp.forbidden(
                    "K8S-POD-NODESELECTOR",
                    fp.key(child(path, "nodeSelector"), str(key)),
                    f"conflict: runtimeClass.scheduling.nodeSelector[{key}] = {runtime_value}; "
                    f"pod.spec.nodeSelector[{key}] = {given[key]}",
                    hint=ADMISSION_HINT.format(plugin="RuntimeClass")
                    + f" RuntimeClass {class_name!r} only runs on nodes labelled {key}={runtime_value}:"
                    f" drop the pod's {key} selector or choose another RuntimeClass.",
                )
            )
    return out


def _same_quantities(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """apiequality.Semantic.DeepEqual on two ResourceLists: same names, equal quantities."""
    if set(ours) != set(theirs):
        return False
    return all(
        quantity_or_none(ours[k]) is not None and quantity_or_none(ours[k]) == quantity_or_none(theirs[k])
        for k in ours
    )


def check_admission(spec: dict[str, Any], path: str, companions: list[dict[str, Any]]) -> list[Finding]:
    return (
        validate_priority(spec, path, companions)
        + validate_overhead_admission(spec, path, companions)
        + validate_runtime_class_scheduling(spec, path, companions)
    )
