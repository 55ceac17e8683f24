"""Where the pod lives inside each workload kind, and conversion between kinds."""

from __future__ import annotations

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
    for key in template_keys(str(document.get("kind", "Pod"))) if document.get("kind") in WORKLOAD_KINDS else ():
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
