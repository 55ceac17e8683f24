"""The defaults kube-apiserver applies before validation (pkg/apis/core/v1/defaults.go).

Validation runs on the defaulted object, so the apiserver layer must see the same defaults or it
reports false "Required value" errors. Only missing (or null) keys are filled; a value of a wrong
type is left alone for the schema layer to report.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.pod.model import ALL_GROUPS, PodView
from designer.pod.workloads import pod_spec

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
    "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
    "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk",
    "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
    "image",
)  # fmt: skip


def _set(obj: dict[str, Any], key: str, value: Any) -> None:
    if obj.get(key) is None:
        obj[key] = value


def _set_nonzero(obj: dict[str, Any], key: str, value: Any) -> None:
    """Go defaults an int32 field that is 0 (missing and explicit 0 look the same)."""
    if obj.get(key) is None or (obj.get(key) == 0 and not isinstance(obj.get(key), bool)):
        obj[key] = value


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def default_pull_policy(image: Any) -> str:
    """Always for ':latest' or an untagged image without digest, otherwise IfNotPresent."""
    if not isinstance(image, str):
        return "IfNotPresent"
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def _default_http_get(handler: Any) -> None:
    if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
        _set(handler["httpGet"], "path", "/")
        _set(handler["httpGet"], "scheme", "HTTP")


def _default_container(ctr: dict[str, Any], host_network: bool) -> None:
    _set(ctr, "terminationMessagePath", "/dev/termination-log")
    _set(ctr, "terminationMessagePolicy", "File")
    _set(ctr, "imagePullPolicy", default_pull_policy(ctr.get("image")))
    for port in _dicts(ctr.get("ports")):
        _set(port, "protocol", "TCP")
        if host_network and not port.get("hostPort"):
            port["hostPort"] = port.get("containerPort")
    for name in _PROBES:
        probe = ctr.get(name)
        if isinstance(probe, dict):
            _set_nonzero(probe, "timeoutSeconds", 1)
            _set_nonzero(probe, "periodSeconds", 10)
            _set_nonzero(probe, "successThreshold", 1)
            _set_nonzero(probe, "failureThreshold", 3)
            _default_http_get(probe)
    lifecycle = ctr.get("lifecycle")
    if isinstance(lifecycle, dict):
        _default_http_get(lifecycle.get("postStart"))
        _default_http_get(lifecycle.get("preStop"))
    resources = ctr.get("resources")
    if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
        requests = resources.get("requests")
        if requests is None:
            requests = resources["requests"] = {}
        if isinstance(requests, dict):
            for name, quantity in resources["limits"].items():
                requests.setdefault(name, quantity)
    for env in _dicts(ctr.get("env")):
        value_from = env.get("valueFrom")
        if isinstance(value_from, dict) and isinstance(value_from.get("fieldRef"), dict):
            _set(value_from["fieldRef"], "apiVersion", "v1")


def _default_volume(volume: dict[str, Any]) -> None:
    if all(volume.get(source) is None for source in _VOLUME_SOURCES):
        # SetDefaults_Volume: a volume without a source becomes an emptyDir.
        volume["emptyDir"] = {}
    for source in ("configMap", "secret", "downwardAPI", "projected"):
        if isinstance(volume.get(source), dict):
            _set(volume[source], "defaultMode", 0o644)
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for item in _dicts(projected.get("sources")):
            if isinstance(item.get("serviceAccountToken"), dict):
                _set(item["serviceAccountToken"], "expirationSeconds", 3600)
    if isinstance(volume.get("hostPath"), dict):
        _set(volume["hostPath"], "type", "")


_ATOMS = (str, int, float, bool, type(None))


def _tree_copy(value: Any) -> Any:
    """copy.deepcopy for a JSON tree (dicts, lists, scalars), ~5x faster; other values deepcopied."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _ATOMS else _tree_copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMS else _tree_copy(v) for v in value]
    if kind in _ATOMS:
        return value
    return copy.deepcopy(value)


def _default_spec(spec: dict[str, Any]) -> None:
    _set(spec, "restartPolicy", "Always")
    _set(spec, "dnsPolicy", "ClusterFirst")
    _set(spec, "terminationGracePeriodSeconds", 30)
    _set(spec, "schedulerName", "default-scheduler")
    host_network = spec.get("hostNetwork") is True
    for ctr in PodView(spec).containers(*ALL_GROUPS):
        _default_container(ctr, host_network)
    for volume in _dicts(spec.get("volumes")):
        _default_volume(volume)


def apply_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the document with the pod spec defaulted as kube-apiserver does."""
    doc = _tree_copy(document)
    if not isinstance(doc, dict):  # junk in, junk out: the schema layer says what is wrong with it
        return doc  # type: ignore[no-any-return]
    spec = pod_spec(doc)
    if not spec:
        return doc
    _default_spec(spec)
    return doc


# Copy-on-write: the dicts (and the lists holding them) that the defaulting above may write to.
def _own(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def _own_items(value: Any, own_item: Any = _own) -> Any:
    return [own_item(v) if isinstance(v, dict) else v for v in value] if isinstance(value, list) else value


def _own_keys(obj: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if isinstance(obj.get(key), dict):
            obj[key] = dict(obj[key])


def _own_handler(handler: Any) -> Any:
    if isinstance(handler, dict):
        handler = dict(handler)
        _own_keys(handler, ("httpGet",))
    return handler


def _own_env(var: dict[str, Any]) -> dict[str, Any]:
    var = dict(var)
    if isinstance(var.get("valueFrom"), dict):
        var["valueFrom"] = value_from = dict(var["valueFrom"])
        _own_keys(value_from, ("fieldRef",))
    return var


def _own_container(ctr: dict[str, Any]) -> dict[str, Any]:
    ctr = dict(ctr)
    if isinstance(ctr.get("ports"), list):
        ctr["ports"] = _own_items(ctr["ports"])
    for name in _PROBES:
        if isinstance(ctr.get(name), dict):
            ctr[name] = _own_handler(ctr[name])
    if isinstance(ctr.get("lifecycle"), dict):
        ctr["lifecycle"] = lifecycle = dict(ctr["lifecycle"])
        for name in ("postStart", "preStop"):
            if isinstance(lifecycle.get(name), dict):
                lifecycle[name] = _own_handler(lifecycle[name])
    if isinstance(ctr.get("resources"), dict):
        ctr["resources"] = resources = dict(ctr["resources"])
        _own_keys(resources, ("requests",))
    if isinstance(ctr.get("env"), list):
        ctr["env"] = _own_items(ctr["env"], _own_env)
    return ctr


def _own_source(source: dict[str, Any]) -> dict[str, Any]:
    source = dict(source)
    _own_keys(source, ("serviceAccountToken",))
    return source


def _own_volume(volume: dict[str, Any]) -> dict[str, Any]:
    volume = dict(volume)
    _own_keys(volume, ("configMap", "secret", "downwardAPI", "projected", "hostPath"))
    projected = volume.get("projected")
    if isinstance(projected, dict) and isinstance(projected.get("sources"), list):
        projected["sources"] = _own_items(projected["sources"], _own_source)
    return volume


def defaulted_spec(document: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of apply_defaults(document), without copying the whole document.

    Only what the defaulting writes to is copied; the rest is shared with `document`, so the
    result is read-only for the caller (the apiserver layer only reads it).
    """
    spec = pod_spec(document)
    if not spec:
        return spec
    spec = dict(spec)
    for group in ALL_GROUPS:  # the lists themselves are copied, so the walk is over their keys
        if isinstance(spec.get(group), list):
            spec[group] = _own_items(spec[group], _own_container)
    if isinstance(spec.get("volumes"), list):
        spec["volumes"] = _own_items(spec["volumes"], _own_volume)
    _default_spec(spec)
    return spec
