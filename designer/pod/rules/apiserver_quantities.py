"""Every quantity field of a pod spec must decode: kube-apiserver refuses the whole object otherwise.

resource.Quantity's UnmarshalJSON fails on a text that is not a quantity, before any validation,
with `quantities must match the regular expression ...` (a 400, not a 422). Container resources
are checked by apiserver_resources (K8S-RES-QUANTITY), overhead by the same code (validateOverhead).
This module covers the other quantity fields of the pod spec: pod-level resources, emptyDir
sizeLimit, downward API divisors (env and volumes), generic ephemeral volume claim resources.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import ALL_GROUPS, PodView
from designer.pod.quantity import QUANTITY_REGEX_MSG, quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.fieldpath import as_dict, as_list, child, index

RULE = "K8S-FIELD-QUANTITY"


def _map(values: Any, path: str) -> Iterator[tuple[Any, str]]:
    for name, value in as_dict(values).items():
        yield value, fp.key(path, str(name))


def _divisors(items: Any, path: str) -> Iterator[tuple[Any, str]]:
    for i, item in enumerate(as_list(items)):
        ref = as_dict(item).get("resourceFieldRef")
        if isinstance(ref, dict) and "divisor" in ref:
            yield ref["divisor"], child(child(index(path, i), "resourceFieldRef"), "divisor")


def quantity_fields(spec: dict[str, Any], path: str) -> Iterator[tuple[Any, str]]:
    """(value, path) of each quantity in the spec outside container resources."""
    resources = as_dict(spec.get("resources"))
    for group in ("requests", "limits"):
        yield from _map(resources.get(group), child(child(path, "resources"), group))
    for i, volume in enumerate(as_list(spec.get("volumes"))):
        volume = as_dict(volume)
        at = index(child(path, "volumes"), i)
        empty_dir = as_dict(volume.get("emptyDir"))
        if "sizeLimit" in empty_dir:
            yield empty_dir["sizeLimit"], child(child(at, "emptyDir"), "sizeLimit")
        downward = as_dict(volume.get("downwardAPI"))
        yield from _divisors(downward.get("items"), child(child(at, "downwardAPI"), "items"))
        for j, source in enumerate(as_list(as_dict(volume.get("projected")).get("sources"))):
            items = as_dict(as_dict(source).get("downwardAPI")).get("items")
            where = child(child(index(child(child(at, "projected"), "sources"), j), "downwardAPI"), "items")
            yield from _divisors(items, where)
        claim = as_dict(as_dict(as_dict(volume.get("ephemeral")).get("volumeClaimTemplate")).get("spec"))
        claim_path = child(child(child(child(at, "ephemeral"), "volumeClaimTemplate"), "spec"), "resources")
        for group in ("requests", "limits"):
            yield from _map(as_dict(claim.get("resources")).get(group), child(claim_path, group))
    for slot in PodView(spec).slots(*ALL_GROUPS):
        for j, env in enumerate(as_list(slot.container.get("env"))):
            ref = as_dict(as_dict(as_dict(env).get("valueFrom")).get("resourceFieldRef"))
            if "divisor" in ref:
                where = child(index(child(slot.path(path), "env"), j), "valueFrom")
                yield ref["divisor"], child(child(where, "resourceFieldRef"), "divisor")


def validate_quantities(spec: dict[str, Any], path: str) -> list[Finding]:
    """A text that is not a quantity, in any quantity field but container resources."""
    out: list[Finding] = []
    for value, where in quantity_fields(spec, path):
        if isinstance(value, str) and quantity_or_none(value) is None:
            out.append(
                fp.invalid(
                    RULE,
                    where,
                    value,
                    QUANTITY_REGEX_MSG,
                    hint="kube-apiserver cannot decode the object: write e.g. 500m, 1Gi, 128M or 2.",
                )
            )
    return out
