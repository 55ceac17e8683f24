"""Container roles (a designer concept), their annotations, and inference on import.

Roles travel in manifests as annotations on the pod (the pod template's metadata for a
workload) so a round trip keeps them:
  kubectl.kubernetes.io/default-container: <main>       (a standard annotation kubectl honours)
  pod-designer/roles: "<name>=<role>,..."                 (every other container)
"""

from __future__ import annotations

import copy
import re
from enum import StrEnum
from typing import Any

from designer.pod.workloads import pod_metadata, pod_spec, pod_template, writable_annotations

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
ROLES_ANNOTATION = "pod-designer/roles"


class Role(StrEnum):
    MAIN = "main"
    SIDECAR = "sidecar"
    ADAPTER = "adapter"
    AMBASSADOR = "ambassador"
    INIT = "init"

    @property
    def label(self) -> str:
        return self.value


Roles = dict[str, Role]

# Well-known helper images, matched on the image's last path segment without tag/digest.
_AMBASSADOR_IMAGES = re.compile(
    r"^(envoy|istio-proxy|proxyv2|linkerd2?-proxy|proxy|cloud-sql-proxy|cloudsql-proxy|"
    r"cloud_sql_proxy|alloydb-auth-proxy|pgbouncer|haproxy|twemproxy|nutcracker|"
    r"oauth2-proxy|kube-rbac-proxy|mcrouter|redis-sentinel|ambassador|.*-proxy)$"
)
_SIDECAR_IMAGES = re.compile(
    r"^(fluent-bit|fluentbit|fluentd|fluentd-.*|vector|promtail|filebeat|logstash|"
    r"git-sync|vault|vault-agent|vault-k8s|configmap-reload|config-reloader|"
    r"prometheus-config-reloader|.*-reloader|.*-sync|.*-agent|logrotate|otel.*collector.*)$"
)
_ADAPTER_IMAGES = re.compile(r"^(.*-exporter|.*_exporter|exporter|statsd-exporter|json-exporter)$")
_LOCALHOST_PORT = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)?:([0-9]{1,5})\b")
_LOCALHOST_ONLY = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\]):([0-9]{1,5})\b")


def image_basename(image: Any) -> str:
    """'ghcr.io/org/envoy:v1.30@sha256:..' -> 'envoy'."""
    if not isinstance(image, str):
        return ""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def is_native_sidecar(container: Any) -> bool:
    """An init container with restartPolicy Always keeps running beside the app (KEP-753)."""
    return isinstance(container, dict) and container.get("restartPolicy") == "Always"


def _containers(spec: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = spec.get(key)
    if not isinstance(items, list):
        return []
    return [c for c in items if isinstance(c, dict) and isinstance(c.get("name"), str)]


def container_names(document: dict[str, Any]) -> list[str]:
    """All container names, init containers first, in document order."""
    spec = pod_spec(document)
    return [c["name"] for key in ("initContainers", "containers") for c in _containers(spec, key)]


def _as_list(value: Any) -> list[Any]:
    """A list field of a user's document, or [] when it is absent or not a list."""
    return value if isinstance(value, list) else []


def localhost_ports(container: dict[str, Any]) -> list[int]:
    """Ports a container points at on localhost through its env values, command or args."""
    texts: list[str] = []
    for env in _as_list(container.get("env")):
        if isinstance(env, dict) and isinstance(env.get("value"), str):
            texts.append(env["value"])
    for key in ("command", "args"):
        for arg in _as_list(container.get(key)):
            if isinstance(arg, str):
                texts.append(arg)
    ports: list[int] = []
    for text in texts:
        for match in _LOCALHOST_ONLY.finditer(text):
            port = int(match.group(1))
            if 0 < port < 65536 and port not in ports:
                ports.append(port)
    return ports


def container_ports(container: dict[str, Any]) -> list[int]:
    """The containerPort numbers a container declares."""
    result = []
    for port in _as_list(container.get("ports")):
        if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
            result.append(port["containerPort"])
    return result


def infer_roles(document: dict[str, Any]) -> Roles:
    """Sensible roles for a pod without role annotations (DESIGN.md §1)."""
    spec = pod_spec(document)
    roles: Roles = {}
    for c in _containers(spec, "initContainers"):
        if is_native_sidecar(c):
            roles[c["name"]] = _role_by_image(c) or Role.SIDECAR
            if roles[c["name"]] == Role.MAIN:
                roles[c["name"]] = Role.SIDECAR
        else:
            roles[c["name"]] = Role.INIT
    app = _containers(spec, "containers")
    by_image = {c["name"]: _role_by_image(c) for c in app}
    default = pod_metadata(document).get("annotations") or {}
    wanted_main = default.get(DEFAULT_CONTAINER_ANNOTATION) if isinstance(default, dict) else None
    main = next((c["name"] for c in app if c["name"] == wanted_main), None)
    if main is None:
        main = next((c["name"] for c in app if by_image[c["name"]] is None), None)
    if main is None and app:
        main = app[0]["name"]
    main_container = next((c for c in app if c["name"] == main), None)
    pointed = set(localhost_ports(main_container)) if main_container else set()
    for c in app:
        name = c["name"]
        if name == main:
            roles[name] = Role.MAIN
        elif by_image[name] is not None:
            roles[name] = by_image[name]  # type: ignore[assignment]
        elif pointed & set(container_ports(c)):
            roles[name] = Role.AMBASSADOR
        else:
            roles[name] = Role.SIDECAR
    return roles


def _role_by_image(container: dict[str, Any]) -> Role | None:
    base = image_basename(container.get("image"))
    if not base:
        return None
    if _ADAPTER_IMAGES.match(base):
        return Role.ADAPTER
    if _AMBASSADOR_IMAGES.match(base):
        return Role.AMBASSADOR
    if _SIDECAR_IMAGES.match(base):
        return Role.SIDECAR
    return None


def decode_roles(document: dict[str, Any]) -> Roles | None:
    """Roles from the document's annotations, or None when it carries none."""
    annotations = pod_metadata(document).get("annotations")
    if not isinstance(annotations, dict):
        return None
    main = annotations.get(DEFAULT_CONTAINER_ANNOTATION)
    encoded = annotations.get(ROLES_ANNOTATION)
    if not isinstance(encoded, str):
        return None
    roles: Roles = {}
    for item in encoded.split(","):
        name, sep, value = item.strip().partition("=")
        if sep and name:
            try:
                roles[name] = Role(value.strip())
            except ValueError:
                continue
    if isinstance(main, str) and main:
        roles[main] = Role.MAIN
    return roles


def roles_for(document: dict[str, Any]) -> Roles:
    """The roles of every container: annotations first, inference for the rest."""
    inferred = infer_roles(document)
    declared = decode_roles(document) or {}
    names = container_names(document)
    return {name: declared.get(name, inferred.get(name, Role.SIDECAR)) for name in names}


def encode_roles(roles: Roles) -> str:
    """'name=role,...' for every container except the main (which has its own annotation)."""
    return ",".join(f"{name}={role.value}" for name, role in roles.items() if role != Role.MAIN)


def apply_role_annotations(document: dict[str, Any], roles: Roles) -> dict[str, Any]:
    """A copy of the document whose pod annotations carry the roles (existing key order kept)."""
    result = copy.deepcopy(document)
    template = pod_template(result)
    if not template and result.get("kind") != "Pod":
        return result
    if result.get("kind") == "Pod" or not template:
        template = result
    annotations = writable_annotations(template)
    main = next((name for name, role in roles.items() if role == Role.MAIN), None)
    if main:
        annotations[DEFAULT_CONTAINER_ANNOTATION] = main
    encoded = encode_roles(roles)
    if encoded:
        annotations[ROLES_ANNOTATION] = encoded
    else:
        annotations.pop(ROLES_ANNOTATION, None)
    return result


def strip_role_annotations(document: dict[str, Any]) -> dict[str, Any]:
    """A copy without the pod-designer/roles annotation (export 'without designer annotations')."""
    result = copy.deepcopy(document)
    template = result if result.get("kind") == "Pod" else pod_template(result)
    meta = template.get("metadata") if isinstance(template, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(annotations, dict):
        annotations.pop(ROLES_ANNOTATION, None)
        if not annotations:
            meta.pop("annotations")  # type: ignore[union-attr]
    return result
