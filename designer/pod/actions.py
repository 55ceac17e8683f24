"""Pattern actions: one click adds a fully wired helper (sidecar, adapter, ambassador, init).

Each action takes the document and the roles and returns a new (document, roles) pair. The
helper gets a unique name, a pinned image, resources, a hardened securityContext, and the wiring
that makes the pattern a pattern (shared.RULES.md §3): a shared volume, a localhost port the main
points at through env, a port of its own. Ports never collide with ports already in the pod
(all containers share one network namespace). The result is meant to be edited afterwards.

Helpers go to spec.containers (classic), except in pods whose restartPolicy is Never or
OnFailure (Jobs), where a classic helper would keep the pod running after the main exits:
there they become native sidecars (initContainers with restartPolicy: Always). Pass
native=True/False to choose.
"""

from __future__ import annotations

import copy
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer.pod.edits import (
    EditError,
    add_container,
    free_port,
    unique_name,
    unique_port_name,
    used_ports,
)
from designer.pod.model import ALL_GROUPS, APP, INIT, PodView
from designer.pod.roles import Role, Roles, image_basename
from designer.pod.workloads import pod_spec

LOG_SHIPPER_IMAGE = "cr.fluentbit.io/fluent/fluent-bit:3.1.9"
NGINX_EXPORTER_IMAGE = "nginx/nginx-prometheus-exporter:1.3.0"
REDIS_EXPORTER_IMAGE = "oliver006/redis_exporter:v1.62.0"
POSTGRES_EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"
JSON_EXPORTER_IMAGE = "quay.io/prometheuscommunity/json-exporter:v0.6.0"
DB_PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.4"
HTTP_PROXY_IMAGE = "envoyproxy/envoy:v1.31.2"
WAIT_IMAGE = "busybox:1.36.1"
GIT_SYNC_IMAGE = "registry.k8s.io/git-sync/git-sync:v4.2.4"

_SERVICE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\Z")


@dataclass(frozen=True)
class Action:
    """A pattern action as the editor lists it."""

    id: str
    label: str
    description: str
    fn: Callable[..., tuple[dict[str, Any], Roles]]


# --- helpers -------------------------------------------------------------------------------


def _resources(cpu: str = "50m", memory: str = "64Mi", memory_limit: str = "128Mi") -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory_limit}}


def _security_context(uid: int = 65532) -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _container_names(document: dict[str, Any]) -> set[str]:
    return set(PodView.of(document).names(*ALL_GROUPS))


def _volume_names(document: dict[str, Any]) -> set[str]:
    return {v["name"] for v in PodView.of(document).volumes() if isinstance(v.get("name"), str)}


def _port_names(document: dict[str, Any]) -> set[str]:
    return {
        p["name"]
        for c in PodView.of(document).containers(*ALL_GROUPS)
        for p in c.get("ports") or []
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    }


def _main_name(document: dict[str, Any], roles: Roles, main: str | None) -> str:
    """The main to wire against: the one asked for, else the main role, else the first app container."""
    app = [c.get("name") for c in PodView.of(document).containers(APP)]
    if main is not None:
        if main not in app:
            raise EditError(f"no app container named {main!r} (the main must be in spec.containers)")
        return main
    for name, role in roles.items():
        if role == Role.MAIN and name in app:
            return name
    first = next((n for n in app if isinstance(n, str)), None)
    if first is None:
        raise EditError("the pod has no app container to wire the helper to")
    return first


def _main_container(document: dict[str, Any], name: str) -> dict[str, Any]:
    """The main container inside a document we own (already a copy)."""
    slot = PodView.of(document).find(name, APP)
    if slot is None:
        raise EditError(f"no app container named {name!r}")
    return slot.container


def _with_main(
    document: dict[str, Any], roles: Roles, main: str | None
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A copy of the document with a main container, the main's name, and that container."""
    result = _ensure_main_exists(document)
    main_name = _main_name(result, roles, main)
    return result, main_name, _main_container(result, main_name)


def _ensure_main_exists(document: dict[str, Any]) -> dict[str, Any]:
    """A copy whose pod spec exists (so pod_spec returns the live dict)."""
    result = copy.deepcopy(document)
    if not pod_spec(result):
        raise EditError("the document has no pod spec")
    return result


def _wants_native(document: dict[str, Any], native: bool | None) -> bool:
    if native is not None:
        return native
    return pod_spec(document).get("restartPolicy") in ("Never", "OnFailure")


def _set_env(container: dict[str, Any], name: str, value: str) -> None:
    """Set an env var in place (an existing entry keeps its position and gets the new value)."""
    env = container.get("env")
    if not isinstance(env, list):
        env = []
        container["env"] = env
    for item in env:
        if isinstance(item, dict) and item.get("name") == name:
            item.pop("valueFrom", None)
            item["value"] = value
            return
    env.append({"name": name, "value": value})


def _mount_paths(container: dict[str, Any]) -> set[str]:
    return {
        m["mountPath"]
        for m in container.get("volumeMounts") or []
        if isinstance(m, dict) and "mountPath" in m
    }


def _free_path(container: dict[str, Any], wanted: str) -> str:
    paths = _mount_paths(container)
    if wanted not in paths:
        return wanted
    n = 2
    while f"{wanted}-{n}" in paths:
        n += 1
    return f"{wanted}-{n}"


def _add_mount(container: dict[str, Any], mount: dict[str, Any]) -> None:
    mounts = container.get("volumeMounts")
    if not isinstance(mounts, list):
        mounts = []
        container["volumeMounts"] = mounts
    mounts.append(mount)


def _add_volume(document: dict[str, Any], volume: dict[str, Any]) -> None:
    spec = pod_spec(document)
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        volumes = []
        spec["volumes"] = volumes
    volumes.append(volume)


def _place_helper(
    document: dict[str, Any], roles: Roles, helper: dict[str, Any], role: Role, native: bool
) -> tuple[dict[str, Any], Roles]:
    if native:
        helper["restartPolicy"] = "Always"
        # Before the run-to-completion inits, so they can already use it.
        index = next((s.index for s in PodView.of(document).slots(INIT) if not s.native), None)
        return add_container(document, roles, helper, role, init=True, index=index)
    return add_container(document, roles, helper, role)


# --- actions -------------------------------------------------------------------------------


def add_log_shipper(
    document: dict[str, Any], roles: Roles, main: str | None = None, native: bool | None = None
) -> tuple[dict[str, Any], Roles]:
    """A fluent-bit sidecar tailing the main's log directory through a shared emptyDir."""
    result, main_name, main_c = _with_main(document, roles, main)
    existing = next(
        (
            m
            for m in main_c.get("volumeMounts") or []
            if isinstance(m, dict)
            and isinstance(m.get("mountPath"), str)
            and "/log" in m["mountPath"]
            and isinstance(m.get("name"), str)
        ),
        None,
    )
    if existing is not None:
        volume, log_dir = existing["name"], existing["mountPath"]
    else:
        volume = unique_name(_volume_names(result), f"{main_name}-logs")
        log_dir = _free_path(main_c, f"/var/log/{main_name}")
        _add_volume(result, {"name": volume, "emptyDir": {"sizeLimit": "500Mi"}})
        _add_mount(main_c, {"name": volume, "mountPath": log_dir})
    name = unique_name(_container_names(result), "log-shipper")
    metrics_port = free_port(used_ports(result), 2020)
    port_name = unique_port_name(_port_names(result), "fb-http")
    helper = {
        "name": name,
        "image": LOG_SHIPPER_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "-i",
            "tail",
            "-p",
            f"path={log_dir.rstrip('/')}/*.log",
            "-p",
            "read_from_head=true",
            "-o",
            "stdout",
            "-H",
            "-P",
            str(metrics_port),
        ],
        "ports": [{"name": port_name, "containerPort": metrics_port, "protocol": "TCP"}],
        "resources": _resources(),
        "readinessProbe": {"httpGet": {"path": "/", "port": port_name}, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/api/v1/health", "port": port_name}, "periodSeconds": 30},
        "volumeMounts": [{"name": volume, "mountPath": log_dir, "readOnly": True}],
        "securityContext": _security_context(),
    }
    return _place_helper(result, roles, helper, Role.SIDECAR, _wants_native(result, native))


def _exporter_for(image: Any, target: int, listen: int) -> tuple[str, list[str], list[dict[str, str]]]:
    base = image_basename(image)
    address = f":{listen}"
    if base in ("nginx", "nginx-unprivileged", "openresty"):
        return (
            NGINX_EXPORTER_IMAGE,
            [f"--nginx.scrape-uri=http://localhost:{target}/stub_status", f"--web.listen-address={address}"],
            [],
        )
    if base.startswith(("redis", "valkey")):
        return (
            REDIS_EXPORTER_IMAGE,
            [],
            [
                {"name": "REDIS_ADDR", "value": f"redis://localhost:{target}"},
                {"name": "REDIS_EXPORTER_WEB_LISTEN_ADDRESS", "value": address},
            ],
        )
    if base.startswith("postgres"):
        return (
            POSTGRES_EXPORTER_IMAGE,
            [f"--web.listen-address={address}"],
            [{"name": "DATA_SOURCE_URI", "value": f"localhost:{target}/postgres?sslmode=disable"}],
        )
    return (
        JSON_EXPORTER_IMAGE,
        [f"--web.listen-address={address}"],
        [{"name": "TARGET_URL", "value": f"http://localhost:{target}/"}],
    )


def add_metrics_adapter(
    document: dict[str, Any], roles: Roles, main: str | None = None, native: bool | None = None
) -> tuple[dict[str, Any], Roles]:
    """An exporter that reads the main over localhost:<its first port> and serves /metrics."""
    result, main_name, main_c = _with_main(document, roles, main)
    target = next(
        (
            p["containerPort"]
            for p in main_c.get("ports") or []
            if isinstance(p, dict) and isinstance(p.get("containerPort"), int)
        ),
        None,
    )
    if target is None:
        raise EditError(f"the main container {main_name!r} declares no port for the adapter to read")
    listen = free_port(used_ports(result), 9113)
    image, args, env = _exporter_for(main_c.get("image"), target, listen)
    port_name = unique_port_name(_port_names(result), "metrics")
    helper: dict[str, Any] = {
        "name": unique_name(_container_names(result), f"{main_name}-exporter"),
        "image": image,
        "imagePullPolicy": "IfNotPresent",
    }
    if args:
        helper["args"] = args
    if env:
        helper["env"] = env
    helper.update(
        {
            "ports": [{"name": port_name, "containerPort": listen, "protocol": "TCP"}],
            "resources": _resources(),
            "readinessProbe": {"httpGet": {"path": "/metrics", "port": port_name}, "periodSeconds": 10},
            "livenessProbe": {"tcpSocket": {"port": port_name}, "periodSeconds": 30},
            "securityContext": _security_context(),
        }
    )
    return _place_helper(result, roles, helper, Role.ADAPTER, _wants_native(result, native))


def add_db_ambassador(
    document: dict[str, Any],
    roles: Roles,
    main: str | None = None,
    port: int = 6432,
    native: bool | None = None,
) -> tuple[dict[str, Any], Roles]:
    """A Cloud SQL proxy on 127.0.0.1:<port>; the main's DATABASE_* env points at it."""
    result, main_name, main_c = _with_main(document, roles, main)
    listen = free_port(used_ports(result), _valid_port(port))
    port_name = unique_port_name(_port_names(result), "db-proxy")
    helper = {
        "name": unique_name(_container_names(result), "db-proxy"),
        "image": DB_PROXY_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "--address=127.0.0.1",
            f"--port={listen}",
            "--structured-logs",
            "my-project:my-region:my-instance",
        ],
        "ports": [{"name": port_name, "containerPort": listen, "protocol": "TCP"}],
        "resources": _resources(cpu="100m", memory="64Mi", memory_limit="256Mi"),
        "securityContext": _security_context(),
    }
    _set_env(main_c, "DATABASE_HOST", "localhost")
    _set_env(main_c, "DATABASE_PORT", str(listen))
    _set_env(main_c, "DATABASE_URL", f"postgresql://localhost:{listen}/app")
    return _place_helper(result, roles, helper, Role.AMBASSADOR, _wants_native(result, native))


def _envoy_config(port: int) -> str:
    """A minimal dynamic forward proxy listening on 127.0.0.1:<port> (envoy --config-yaml)."""
    return (
        "static_resources:\n"
        "  listeners:\n"
        "  - name: egress\n"
        f"    address: {{socket_address: {{address: 127.0.0.1, port_value: {port}}}}}\n"
        "    filter_chains:\n"
        "    - filters:\n"
        "      - name: envoy.filters.network.http_connection_manager\n"
        "        typed_config:\n"
        '          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\n'
        "          stat_prefix: egress\n"
        "          route_config:\n"
        "            virtual_hosts:\n"
        "            - name: all\n"
        '              domains: ["*"]\n'
        "              routes:\n"
        "              - match: {prefix: /}\n"
        "                route: {cluster: dynamic_forward_proxy}\n"
        "          http_filters:\n"
        "          - name: envoy.filters.http.dynamic_forward_proxy\n"
        "            typed_config:\n"
        '              "@type": type.googleapis.com/envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig\n'
        "              dns_cache_config: {name: dns, dns_lookup_family: V4_ONLY}\n"
        "          - name: envoy.filters.http.router\n"
        "            typed_config:\n"
        '              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\n'
        "  clusters:\n"
        "  - name: dynamic_forward_proxy\n"
        "    lb_policy: CLUSTER_PROVIDED\n"
        "    cluster_type:\n"
        "      name: envoy.clusters.dynamic_forward_proxy\n"
        "      typed_config:\n"
        '        "@type": type.googleapis.com/envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig\n'
        "        dns_cache_config: {name: dns, dns_lookup_family: V4_ONLY}\n"
    )


def add_http_ambassador(
    document: dict[str, Any],
    roles: Roles,
    main: str | None = None,
    port: int = 15001,
    native: bool | None = None,
) -> tuple[dict[str, Any], Roles]:
    """An envoy egress proxy on 127.0.0.1:<port>; the main's HTTP(S)_PROXY points at it."""
    result, main_name, main_c = _with_main(document, roles, main)
    listen = free_port(used_ports(result), _valid_port(port))
    port_name = unique_port_name(_port_names(result), "egress")
    helper = {
        "name": unique_name(_container_names(result), "egress-proxy"),
        "image": HTTP_PROXY_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": ["--config-yaml", _envoy_config(listen), "--log-level", "warn"],
        "ports": [{"name": port_name, "containerPort": listen, "protocol": "TCP"}],
        "resources": _resources(cpu="100m", memory="64Mi", memory_limit="256Mi"),
        "securityContext": _security_context(101),
    }
    proxy = f"http://localhost:{listen}"
    _set_env(main_c, "HTTP_PROXY", proxy)
    _set_env(main_c, "HTTPS_PROXY", proxy)
    _set_env(main_c, "NO_PROXY", "localhost,127.0.0.1,.svc,.cluster.local")
    return _place_helper(result, roles, helper, Role.AMBASSADOR, _wants_native(result, native))


def _valid_port(port: Any) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise EditError(f"port {port!r} must be a number between 1 and 65535")
    return port


def add_init_wait_for_service(
    document: dict[str, Any], roles: Roles, service: str = "db", port: int = 5432
) -> tuple[dict[str, Any], Roles]:
    """A busybox init container that waits until <service>:<port> accepts connections."""
    if not isinstance(service, str) or len(service) > 253 or not _SERVICE_NAME.match(service):
        raise EditError(f"service {service!r} must be a DNS name such as db or db.prod.svc")
    _valid_port(port)
    result = _ensure_main_exists(document)
    short = re.sub(r"[^a-z0-9-]", "-", service.split(".")[0]).strip("-") or "service"
    target = f"{shlex.quote(service)} {port}"
    helper = {
        "name": unique_name(_container_names(result), f"wait-for-{short}"),
        "image": WAIT_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": [
            "sh",
            "-c",
            f"until nc -z -w 2 {target}; do echo waiting for {service}:{port}; sleep 2; done",
        ],
        "resources": _resources(cpu="10m", memory="16Mi", memory_limit="32Mi"),
        "securityContext": _security_context(65534),
    }
    return add_container(result, roles, helper, Role.INIT, init=True)


def add_init_fetch_content(
    document: dict[str, Any], roles: Roles, main: str | None = None
) -> tuple[dict[str, Any], Roles]:
    """A git-sync --one-time init container filling a shared emptyDir the main mounts read-only."""
    result, main_name, main_c = _with_main(document, roles, main)
    volume = unique_name(_volume_names(result), f"{main_name}-content")
    _add_volume(result, {"name": volume, "emptyDir": {"sizeLimit": "1Gi"}})
    _add_mount(main_c, {"name": volume, "mountPath": _free_path(main_c, "/srv/content"), "readOnly": True})
    helper = {
        "name": unique_name(_container_names(result), "fetch-content"),
        "image": GIT_SYNC_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "--repo=https://github.com/kubernetes/website",
            "--ref=main",
            "--root=/content",
            "--link=current",
            "--depth=1",
            "--one-time",
        ],
        "volumeMounts": [{"name": volume, "mountPath": "/content"}],
        "resources": _resources(cpu="100m", memory="64Mi", memory_limit="256Mi"),
        "securityContext": _security_context(65533),
    }
    return add_container(result, roles, helper, Role.INIT, init=True)


ACTIONS: dict[str, Action] = {
    action.id: action
    for action in (
        Action(
            "log-shipper",
            "Log shipper (sidecar)",
            "fluent-bit tails the main's log directory through a shared emptyDir mounted read-only.",
            add_log_shipper,
        ),
        Action(
            "metrics-adapter",
            "Metrics exporter (adapter)",
            "A Prometheus exporter reads the main over localhost and serves /metrics on its own port.",
            add_metrics_adapter,
        ),
        Action(
            "db-ambassador",
            "Database proxy (ambassador)",
            "cloud-sql-proxy listens on localhost; the main's DATABASE_HOST/PORT/URL point at it.",
            add_db_ambassador,
        ),
        Action(
            "http-ambassador",
            "Egress HTTP proxy (ambassador)",
            "envoy forwards the main's outbound HTTP; the main's HTTP_PROXY points at localhost.",
            add_http_ambassador,
        ),
        Action(
            "init-wait-for-service",
            "Wait for a service (init)",
            "busybox waits until a service accepts connections before the app starts.",
            add_init_wait_for_service,
        ),
        Action(
            "init-fetch-content",
            "Fetch content (init)",
            "git-sync clones content once into an emptyDir that the main mounts read-only.",
            add_init_fetch_content,
        ),
    )
}
