"""Where the pod lives inside each workload kind, and conversion between kinds."""

from __future__ import annotations

import copy
from typing import Any

# kind -> apiVersion, and the keys from the document root down to the pod template
# (the object holding `metadata` and `spec` of the pod). A Pod is its own template.
WORKLOAD_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Pod": ("v1", ()),
    "PodTemplate": ("v1", ("template",)),
    "Deployment": ("apps/v1", ("spec", "template")),
    "StatefulSet": ("apps/v1", ("spec", "template")),
    "DaemonSet": ("apps/v1", ("spec", "template")),
    "ReplicaSet": ("apps/v1", ("spec", "template")),
    "Job": ("batch/v1", ("spec", "template")),
    "CronJob": ("batch/v1", ("spec", "jobTemplate", "spec", "template")),
}


def template_keys(kind: str) -> tuple[str, ...]:
    """Keys leading from the document root to the pod template of a workload kind."""
    return WORKLOAD_KINDS[kind][1]


def template_path(kind: str) -> str:
    """The field path prefix of the pod template, e.g. 'spec.template' ('' for a Pod)."""
    return ".".join(template_keys(kind))


def spec_path(kind: str) -> str:
    """The field path of the pod spec, e.g. 'spec.template.spec' or 'spec' for a Pod."""
    prefix = template_path(kind)
    return f"{prefix}.spec" if prefix else "spec"


def pod_template(document: dict[str, Any]) -> dict[str, Any]:
    """The pod template (metadata + spec) of a workload; {} when absent or malformed."""
    node: Any = document
    kind = document.get("kind")
    # A kind that is not a string (a list, a mapping) is malformed, not a workload: no template.
    for key in template_keys(kind) if isinstance(kind, str) and kind in WORKLOAD_KINDS else ():
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def pod_spec(document: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a workload; {} when absent or malformed (validators report that)."""
    spec = pod_template(document).get("spec")
    return spec if isinstance(spec, dict) else {}


def pod_metadata(document: dict[str, Any]) -> dict[str, Any]:
    """The pod's metadata (the template's for a workload); {} when absent or malformed."""
    meta = pod_template(document).get("metadata")
    return meta if isinstance(meta, dict) else {}


_SELECTOR_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
# Fields of the workload spec that mean the same in several kinds, carried over between them
# (apps/v1: DaemonSetSpec has no replicas; Job and CronJob have neither).
_CARRIED_FIELDS = (
    ("replicas", ("Deployment", "StatefulSet", "ReplicaSet")),
    ("minReadySeconds", _SELECTOR_KINDS),
)
_POD_META_ON_WORKLOAD = ("name", "namespace", "labels")
# Metadata the API server (or a controller) sets on a live Pod, as `kubectl get pod -o yaml`
# shows it (and `creationTimestamp: null` in a fetched workload's template). Users never write
# these; in a pod template they are noise at best. With the controller labels below they are
# the only fields a conversion drops when a pod's metadata becomes a template's: the rule is
# that no field a user imported is ever dropped.
_SERVER_SET_METADATA = (
    "creationTimestamp",
    "generateName",
    "managedFields",
    "ownerReferences",
    "resourceVersion",
    "uid",
    "selfLink",
    "generation",
)
# Put on pods (and ReplicaSets' selectors) by their controllers: the Deployment's hash, the
# StatefulSet's and DaemonSet's revision and the pod's own name or index, the Job's uid. Left in a
# template or selector they tie the new workload to one old revision, one pod or one Job (the Job
# controller rejects a template whose controller-uid is not its own).
_CONTROLLER_LABELS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "pod-template-generation",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller-uid",
        "job-name",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-name",
        "batch.kubernetes.io/job-completion-index",
    }
)
# Kinds whose pods a controller creates, where a Pod's spec.nodeName (set by the scheduler)
# would pin every replica to one node.
_CONTROLLED_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


def convert_kind(document: dict[str, Any], to_kind: str, schedule: str | None = None) -> dict[str, Any]:
    """The same pod as another workload kind (Pod <-> any kind; workload -> workload via Pod).

    Pod -> workload: name, namespace and labels go on the workload; the template keeps the
    labels (`app: <name>` when there are none, as a selector needs some) and every other
    metadata field except the server-set ones (_SERVER_SET_METADATA, _CONTROLLER_LABELS);
    Job/CronJob pods get restartPolicy OnFailure unless it is Never; pods made by a controller
    lose the Pod's nodeName.
    Workload -> Pod: the template's metadata and spec, with the workload's name and namespace;
    a StatefulSet's volumeClaimTemplates become ephemeral volumes.
    Workload -> workload: replicas and minReadySeconds go along where both kinds have them, and
    the source's selector is kept when it still matches the template labels.
    """
    if to_kind not in WORKLOAD_KINDS:
        raise ValueError(f"unknown kind {to_kind!r}; supported kinds: {', '.join(WORKLOAD_KINDS)}")
    from_kind = document.get("kind") or "Pod"
    if from_kind == to_kind:
        result = copy.deepcopy(document)
        if to_kind == "CronJob" and schedule and isinstance(result.get("spec"), dict):
            result["spec"]["schedule"] = schedule
        return result
    pod = copy.deepcopy(document) if from_kind == "Pod" else _workload_to_pod(document)
    if to_kind == "Pod":
        return pod
    source_spec = (
        document.get("spec") if from_kind != "Pod" and isinstance(document.get("spec"), dict) else {}
    )
    return _pod_to_workload(pod, to_kind, schedule, source_spec, from_kind)


def _workload_to_pod(document: dict[str, Any]) -> dict[str, Any]:
    template = copy.deepcopy(pod_template(document))
    workload_meta = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    template_meta = template.get("metadata") if isinstance(template.get("metadata"), dict) else {}
    meta: dict[str, Any] = {}
    for key in ("name", "namespace"):
        if key in workload_meta:  # type: ignore[operator]
            meta[key] = copy.deepcopy(workload_meta[key])  # type: ignore[index]
    for key, value in template_meta.items():  # type: ignore[union-attr]
        if key not in meta:
            meta[key] = value
    pod: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": meta}
    for key, value in template.items():
        if key != "metadata":
            pod[key] = value
    pod.setdefault("spec", {})
    if document.get("kind") == "StatefulSet":
        _claim_templates_to_volumes(document, pod["spec"])
    return pod


def _claim_templates_to_volumes(statefulset: dict[str, Any], spec: Any) -> None:
    """A StatefulSet's volumeClaimTemplates as `ephemeral` volumes of the pod spec.

    No other kind has claim templates; without them the containers' mounts of those volumes
    point at nothing and kube-apiserver rejects the pod. An ephemeral volume is the nearest
    thing: a PVC from the same spec, per pod (but deleted with the pod). A pod volume of the
    same name is kept as it is. Only the template's labels and annotations go along: they are
    the only metadata an ephemeral volume's claim template allows.
    """
    sts_spec = statefulset.get("spec")
    templates = sts_spec.get("volumeClaimTemplates") if isinstance(sts_spec, dict) else None
    volumes = spec.get("volumes", []) if isinstance(spec, dict) else None
    if not isinstance(templates, list) or not isinstance(volumes, list):
        return  # nothing to turn, or malformed volumes (not retyped here: the validators report them)
    taken = {v.get("name") for v in volumes if isinstance(v, dict)}
    for claim in templates:
        claim_meta = claim.get("metadata") if isinstance(claim, dict) else None
        if not isinstance(claim, dict) or not isinstance(claim_meta, dict):
            continue
        name = claim_meta.get("name")
        if not isinstance(name, str) or not name or name in taken:
            continue
        taken.add(name)
        claim_template: dict[str, Any] = {}
        kept = {key: copy.deepcopy(claim_meta[key]) for key in ("labels", "annotations") if key in claim_meta}
        if kept:
            claim_template["metadata"] = kept
        claim_template["spec"] = copy.deepcopy(claim.get("spec", {}))
        volumes.append({"name": name, "ephemeral": {"volumeClaimTemplate": claim_template}})
        spec["volumes"] = volumes


def _pod_to_workload(
    pod: dict[str, Any], to_kind: str, schedule: str | None, source_spec: Any, from_kind: Any
) -> dict[str, Any]:
    """`source_spec` is the spec of the workload the pod came from ({} for a Pod)."""
    meta = pod.get("metadata") if isinstance(pod.get("metadata"), dict) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else ""  # type: ignore[union-attr]
    labels = meta.get("labels")  # type: ignore[union-attr]
    if isinstance(labels, dict) and not _CONTROLLER_LABELS.isdisjoint(labels):  # see above
        labels = {key: value for key, value in labels.items() if key not in _CONTROLLER_LABELS}
    if not isinstance(labels, dict) or not labels:
        labels = {"app": name or "app"}
    workload_meta: dict[str, Any] = {}
    template_meta: dict[str, Any] = {}
    for key, value in meta.items():  # type: ignore[union-attr]
        if key in _SERVER_SET_METADATA:
            continue  # set by the API server on a live Pod, see _SERVER_SET_METADATA
        if key in ("name", "namespace"):
            workload_meta[key] = value
        elif key == "labels":
            workload_meta[key] = copy.deepcopy(labels)
            template_meta[key] = labels
        else:
            template_meta[key] = value
    if "labels" not in template_meta:
        template_meta = {"labels": labels, **template_meta}
    spec: dict[str, Any] = pod["spec"] if isinstance(pod.get("spec"), dict) else {}
    if from_kind == "Pod" and to_kind in _CONTROLLED_KINDS:
        # The scheduler's choice for this one Pod; a workload template's nodeName (the user's) stays.
        spec.pop("nodeName", None)
    if to_kind in ("Job", "CronJob") and spec.get("restartPolicy") not in ("OnFailure", "Never"):
        spec["restartPolicy"] = "OnFailure"
    template: dict[str, Any] = {"metadata": template_meta, "spec": spec}
    result: dict[str, Any] = {
        "apiVersion": WORKLOAD_KINDS[to_kind][0],
        "kind": to_kind,
        "metadata": workload_meta,
    }
    if to_kind == "PodTemplate":
        result["template"] = template
    elif to_kind in _SELECTOR_KINDS:
        workload_spec: dict[str, Any] = {}
        if to_kind == "StatefulSet":
            workload_spec["serviceName"] = name
        for key, kinds in _CARRIED_FIELDS:
            if from_kind in kinds and to_kind in kinds and key in source_spec:
                workload_spec[key] = copy.deepcopy(source_spec[key])
        selector = copy.deepcopy(source_spec.get("selector")) if from_kind in _SELECTOR_KINDS else None
        match_labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        if isinstance(match_labels, dict):  # a ReplicaSet's selector: the hash goes, as from the labels
            for key in _CONTROLLER_LABELS:
                match_labels.pop(key, None)
        # The source's selector, not one from every label: selectors are immutable, and one
        # built from all labels (app.kubernetes.io/version...) would be wider than the user's.
        if not (isinstance(selector, dict) and _selects(selector, labels)):
            selector = {"matchLabels": copy.deepcopy(labels)}
        workload_spec["selector"] = selector
        workload_spec["template"] = template
        result["spec"] = workload_spec
    elif to_kind == "Job":
        result["spec"] = {"template": template}
    else:
        result["spec"] = {
            "schedule": schedule or "0 * * * *",
            "jobTemplate": {"spec": {"template": template}},
        }
    for key, value in pod.items():
        if key not in ("apiVersion", "kind", "metadata", "spec", "status"):
            result[key] = value
    return result


def _selects(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """Whether a LabelSelector matches these labels; False for anything it cannot read and for
    an empty selector (it matches everything, and kube-apiserver rejects it on workloads)."""
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not isinstance(match_labels, dict) or not isinstance(expressions, list):
        return False
    if not match_labels and not expressions:
        return False
    if any(key not in labels or labels[key] != value for key, value in match_labels.items()):
        return False
    for expression in expressions:
        if not isinstance(expression, dict):
            return False
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values")
        if not isinstance(key, str):
            return False
        present = key in labels
        if operator in ("In", "NotIn"):
            if not isinstance(values, list):
                return False
            if (present and labels[key] in values) != (operator == "In"):
                return False
        elif operator in ("Exists", "DoesNotExist"):
            if present != (operator == "Exists"):
                return False
        else:
            return False
    return True


def writable_annotations(template: dict[str, Any]) -> dict[str, Any]:
    """The annotations of a pod template (or Pod) being edited, created when missing."""
    meta = template.get("metadata")
    if not isinstance(meta, dict):
        meta = template["metadata"] = {}
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict):
        annotations = meta["annotations"] = {}
    return annotations
