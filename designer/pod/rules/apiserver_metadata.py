"""The pod's own metadata: labels and annotations (ValidateObjectMeta, ValidatePodTemplateSpec).

For a Pod that is `metadata.labels`/`metadata.annotations`. For a workload it is the pod template's
metadata, which kube-apiserver's ValidatePodTemplateSpec reports at `spec.template.labels` and
`spec.template.annotations` (no `.metadata`: the template's ObjectMeta is embedded). The workload
object's own metadata is the workloads module's concern (the same rule ids).
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import names
from designer.pod.rules.fieldpath import child
from designer.pod.workloads import template_path


def validate_pod_metadata(meta: dict[str, Any], kind: str) -> list[Finding]:
    """Labels and annotations of the pod (or pod template), at kube-apiserver's paths."""
    prefix = template_path(kind)
    base = prefix if prefix else "metadata"
    out = names.validate_labels("K8S-META-LABELS", meta.get("labels"), child(base, "labels"))
    out += names.validate_annotations(
        "K8S-META-ANNOTATIONS", meta.get("annotations"), child(base, "annotations")
    )
    return out
