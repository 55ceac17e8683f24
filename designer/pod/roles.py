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

from designer.pod.model import APP, INIT, PodView
from designer.pod.model import is_native_sidecar as is_native_sidecar  # long imported from here
from designer.pod.workloads import pod_metadata, pod_spec, pod_template, writable_annotations

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
ROLES_ANNOTATION = "pod-designer/roles"


class Role(StrEnum):
    MAIN = "main"
    SIDECAR = "sidecar"
    ADAPTER = "adapter"
    AMBASSADOR = "ambassador"
    MESH_PROXY = "mesh-proxy"
    INIT = "init"

    @property
    def label(self) -> str:
        return self.value


Roles = dict[str, Role]
Reasons = dict[str, str]

# Well-known helper images, matched on the image's last path segment without tag/digest. Only a
# weak signal: the wiring (who points at whom) decides first; an image name alone never makes a
# container an ambassador and never picks the main.
_AMBASSADOR_IMAGES = re.compile(
    r"^(envoy|proxy|cloud-sql-proxy|cloudsql-proxy|cloud_sql_proxy|alloydb-auth-proxy|pgbouncer|"
    r"haproxy|twemproxy|nutcracker|mcrouter|ambassador|.*-proxy|proxysql|odyssey)$"
)
_SIDECAR_IMAGES = re.compile(
    r"^(fluent-bit|fluentbit|fluentd|fluentd-.*|vector|promtail|filebeat|logstash|"
    r"git-sync|vault|vault-agent|vault-k8s|configmap-reload|config-reloader|"
    r"prometheus-config-reloader|.*-reloader|.*-sync|.*-agent|logrotate|otel.*collector.*|"
    r"oauth2-proxy|kube-rbac-proxy)$"
)
_ADAPTER_IMAGES = re.compile(r"^(.*-exporter|.*_exporter|exporter|statsd-exporter|json-exporter)$")

# Service meshes: the injected proxy (its container name, the UID its iptables rules exempt) and
# the init containers that program the redirect (or, in CNI mode, only validate it).
# The ports a mesh's proxy serves inside the pod (admin, status, health, metrics, redirect
# listeners): a container pointing there talks to the injected proxy, declared or not yet injected.
MESH_PROXY_PORTS: dict[str, frozenset[int]] = {
    "istio": frozenset({15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090}),
    "linkerd": frozenset({4140, 4143, 4190, 4191}),
}
MESH_PROXY_UIDS = {"istio": 1337, "linkerd": 2102}
_MESH_PROXY_NAMES = {
    "istio-proxy": "istio",
    "linkerd-proxy": "linkerd",
    "kuma-sidecar": "kuma",
    "consul-dataplane": "consul",
    "envoy-sidecar": "consul",
}
_MESH_INIT_NAMES = {
    "istio-init": "istio",
    "istio-validation": "istio",
    "linkerd-init": "linkerd",
    "linkerd-network-validator": "linkerd",
    "kuma-init": "kuma",
    "consul-connect-inject-init": "consul",
}
_MESH_INIT_WORDS = re.compile(
    r"istio-iptables|istio-cni|--run-validation|linkerd2?-network-validator|proxy-init|"
    r"kumactl install transparent-proxy|consul connect redirect-traffic"
)


def image_basename(image: Any) -> str:
    """'ghcr.io/org/envoy:v1.30@sha256:..' -> 'envoy'."""
    if not isinstance(image, str):
        return ""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def container_names(document: dict[str, Any]) -> list[str]:
    """All container names, init containers first, in document order."""
    return PodView.of(document).names()


def _as_list(value: Any) -> list[Any]:
    """A list field of a user's document, or [] when it is absent or not a list."""
    return value if isinstance(value, list) else []


def localhost_ports(container: dict[str, Any]) -> list[int]:
    """Ports a container points at on localhost (the link model's definition, designer/pod/links.py)."""
    from designer.pod.links import localhost_ports as link_ports

    return link_ports(container)


def container_ports(container: dict[str, Any]) -> list[int]:
    """The containerPort numbers a container declares."""
    result = []
    for port in _as_list(container.get("ports")):
        if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
            result.append(port["containerPort"])
    return result


def run_as_user(container: dict[str, Any], spec: dict[str, Any] | None = None) -> int | None:
    """The UID a container runs as (its securityContext, else the pod's), when stated."""
    for context in (container.get("securityContext"), (spec or {}).get("securityContext")):
        if isinstance(context, dict):
            uid = context.get("runAsUser")
            if isinstance(uid, int) and not isinstance(uid, bool):
                return uid
    return None


def _words(container: dict[str, Any]) -> str:
    values = [v for key in ("command", "args") for v in _as_list(container.get(key)) if isinstance(v, str)]
    return " ".join(values)


class Mesh:
    """The service mesh injected into a pod, if any: its proxies and its init containers."""

    def __init__(self, document: dict[str, Any]) -> None:
        spec = pod_spec(document)
        annotations = pod_metadata(document).get("annotations")
        annotations = annotations if isinstance(annotations, dict) else {}
        self.proxies: Reasons = {}
        self.inits: Reasons = {}
        self.kinds: set[str] = set()
        injected: dict[str, set[str]] = {"containers": set(), "initContainers": set()}
        status = annotations.get("sidecar.istio.io/status")
        if isinstance(status, str):
            import json

            try:
                parsed = json.loads(status)
            except ValueError:
                parsed = {}
            if isinstance(parsed, dict):
                for key in injected:
                    injected[key] = {n for n in _as_list(parsed.get(key)) if isinstance(n, str)}
        linkerd = any(isinstance(k, str) and k.startswith("linkerd.io/proxy-version") for k in annotations)
        # Not injected yet, but the injector will: the pod asks for it (label or annotation).
        labels = pod_metadata(document).get("labels")
        marks = {**(labels if isinstance(labels, dict) else {}), **annotations}
        self.pending: set[str] = set()
        if str(marks.get("sidecar.istio.io/inject", "")).lower() == "true":
            self.pending.add("istio")
        if str(marks.get("linkerd.io/inject", "")).lower() == "enabled":
            self.pending.add("linkerd")
        for slot in PodView(spec).slots():
            c, name = slot.container, slot.name
            if name is None:
                continue
            mesh, reason = self._proxy_evidence(
                c, name, injected["containers"] | injected["initContainers"], linkerd
            )
            if slot.runs and mesh:
                self.proxies[name] = reason
                self.kinds.add(mesh)
                continue
            if not slot.runs:
                mesh, reason = self._init_evidence(c, name, injected["initContainers"])
                if mesh:
                    self.inits[name] = reason
                    self.kinds.add(mesh)

    @staticmethod
    def _proxy_evidence(
        c: dict[str, Any], name: str, injected: set[str], linkerd: bool
    ) -> tuple[str | None, str]:
        words = _words(c)
        base = image_basename(c.get("image"))
        uid = run_as_user(c)
        if re.search(r"\bproxy\s+router\b", words):
            return None, ""  # `pilot-agent proxy router`: a gateway, the workload itself, not a sidecar
        if name in injected and (name in _MESH_PROXY_NAMES or "proxy" in words or base == "proxyv2"):
            return "istio", "the Istio injector lists it in sidecar.istio.io/status"
        if name in _MESH_PROXY_NAMES:
            return _MESH_PROXY_NAMES[name], f"the {_MESH_PROXY_NAMES[name]} injector's proxy container name"
        if name == "linkerd-proxy" or (linkerd and base == "proxy" and uid == MESH_PROXY_UIDS["linkerd"]):
            return "linkerd", "the linkerd injector's proxy (linkerd.io/proxy-version, UID 2102)"
        if base == "proxyv2" and re.search(r"\bproxy\b.*\b(sidecar|router)\b", words):
            return "istio", "runs pilot-agent 'proxy sidecar' (Istio's injected proxy)"
        for mesh, proxy_uid in MESH_PROXY_UIDS.items():
            if uid == proxy_uid and base in ("proxyv2", "proxy", "envoy", "linkerd2-proxy"):
                return (
                    mesh,
                    f"a proxy image running as UID {proxy_uid}, the UID {mesh}'s iptables rules exempt",
                )
        return None, ""

    @staticmethod
    def _init_evidence(c: dict[str, Any], name: str, injected: set[str]) -> tuple[str | None, str]:
        words = _words(c)
        if name in injected:
            return "istio", "the Istio injector lists it in sidecar.istio.io/status"
        if name in _MESH_INIT_NAMES:
            return _MESH_INIT_NAMES[name], f"the {_MESH_INIT_NAMES[name]} injector's init container name"
        match = _MESH_INIT_WORDS.search(words) or _MESH_INIT_WORDS.search(image_basename(c.get("image")))
        if match:
            mesh = "linkerd" if "linkerd" in match.group(0) or "proxy-init" in match.group(0) else "istio"
            return mesh, f"it programs the mesh redirect ({match.group(0)})"
        return None, ""

    def __bool__(self) -> bool:
        return bool(self.proxies or self.inits or self.pending)

    def __contains__(self, name: object) -> bool:
        return name in self.proxies or name in self.inits

    @property
    def meshes(self) -> set[str]:
        """The meshes present or about to be injected."""
        return self.kinds | self.pending

    @property
    def proxy_uids(self) -> set[int]:
        return {MESH_PROXY_UIDS[k] for k in self.meshes if k in MESH_PROXY_UIDS}


def injected_ports(document: dict[str, Any], mesh: Mesh | None = None) -> set[int]:
    """Loopback ports that a sidecar injector adds to the pod, from its annotations: the mesh
    proxy's ports (Istio, Linkerd), the Dapr sidecar's API ports, Consul Connect's upstreams.
    A container pointing there talks to a container the manifest does not show (yet)."""
    mesh = mesh if mesh is not None else Mesh(document)  # a lint passes the one it detected
    ports = {p for kind in mesh.meshes for p in MESH_PROXY_PORTS.get(kind, ())}
    annotations = pod_metadata(document).get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}

    def number(key: str, default: int) -> int:
        value = str(annotations.get(key, default))
        return int(value) if value.isdigit() else default

    if str(annotations.get("dapr.io/enabled", "")).lower() == "true":
        ports |= {
            number("dapr.io/http-port", 3500),
            number("dapr.io/grpc-port", 50001),
            number("dapr.io/metrics-port", 9090),
            3501,  # the sidecar's health and outbound API
            50002,  # internal gRPC between sidecars
        }
    if str(annotations.get("consul.hashicorp.com/connect-inject", "")).lower() == "true":
        upstreams = str(annotations.get("consul.hashicorp.com/connect-service-upstreams", ""))
        for upstream in upstreams.split(","):
            # "service:port", "service:port:datacenter", "prepared_query:name:port"
            parts = upstream.strip().split(":")
            numeric = [p for p in parts[1:] if p.isdigit()]
            if numeric:
                ports.add(int(numeric[0]))
        ports |= {19000, 20000}  # Envoy's admin and public listener
    return ports


def infer_roles(document: dict[str, Any], companions: Any = ()) -> Roles:
    """Sensible roles for a pod without role annotations (DESIGN.md §1), from its wiring."""
    return {name: role for name, (role, _) in explain_roles(document, companions).items()}


def explain_roles(
    document: dict[str, Any],
    companions: Any = (),
    pinned: Roles | None = None,
    wiring: Any = None,
    mesh: Mesh | None = None,
) -> dict[str, tuple[Role, str]]:
    """Every container's role with the reason it was chosen.

    Roles in `pinned` (annotations, `lint --roles`) are kept; the rest are inferred from how the
    containers are wired (designer/pod/links.py): mesh proxies by the injector's marks; the main
    is the container the others serve or point at, then the default-container annotation; a
    helper's role follows from its links to the main.
    """
    from designer.pod.links import pod_wiring

    pinned = pinned or {}
    spec = pod_spec(document)
    result: dict[str, tuple[Role, str]] = {}
    mesh = mesh if mesh is not None else Mesh(document)  # a lint passes the one it detected
    view = PodView(spec)
    for c in view.named(INIT):
        name = c["name"]
        if name in mesh.proxies:
            result[name] = (Role.MESH_PROXY, mesh.proxies[name])
        elif is_native_sidecar(c):
            result[name] = (Role.SIDECAR, "native sidecar (restartPolicy: Always)")
        elif name in mesh.inits:
            result[name] = (Role.INIT, f"mesh init container: {mesh.inits[name]}")
        else:
            result[name] = (Role.INIT, "runs to completion before the app starts")
    app = view.named(APP)
    for c in app:
        if c["name"] in mesh.proxies:
            result[c["name"]] = (Role.MESH_PROXY, mesh.proxies[c["name"]])
    try:
        # `wiring`: pod_wiring(spec, companions) built by the caller (a lint shares it with the
        # pattern rules instead of building it twice).
        if wiring is None:
            wiring = pod_wiring(spec, companions if isinstance(companions, list | tuple) else ())
    except Exception:  # inference must never fail an import
        from designer.pod.links import Wiring

        wiring = Wiring()
    helpers_by_wiring = _observers(wiring, spec)
    candidates = [c["name"] for c in app if c["name"] not in mesh.proxies]
    main, why = _choose_main(document, spec, candidates, wiring, helpers_by_wiring, pinned)
    by_name = {c["name"]: c for c in view.named()}
    for c in app + [c for c in view.named(INIT) if is_native_sidecar(c)]:
        name = c["name"]
        if name in mesh.proxies:
            continue
        if name == main:
            result[name] = (Role.MAIN, why)
        else:
            result[name] = _helper_role(name, by_name[name], main, wiring, helpers_by_wiring)
    for name, role in pinned.items():
        if name in result:
            result[name] = (role, "set by the design (roles annotation or --roles)")
    return result


def _observers(wiring: Any, spec: dict[str, Any]) -> set[str]:
    """Containers whose wiring says 'helper': they forward or read metrics, or serve only metrics."""
    result = set()
    for name, targets in wiring.targets.items():
        if any(t.kind in ("forward", "observe", "control") for t in targets):
            result.add(name)
    for name, listeners in wiring.listeners.items():
        purposes = {lst.purpose for lst in listeners}
        if listeners and purposes <= {"metrics", "health"} and "metrics" in purposes:
            result.add(name)
    for c in PodView(spec).named(APP):
        if _ADAPTER_IMAGES.match(image_basename(c.get("image"))):
            result.add(c["name"])
    return result


def _choose_main(
    document: dict[str, Any],
    spec: dict[str, Any],
    candidates: list[str],
    wiring: Any,
    observers: set[str],
    pinned: Roles,
) -> tuple[str | None, str]:
    pinned_main = next((n for n, r in pinned.items() if r == Role.MAIN and n in candidates), None)
    if pinned_main:
        return pinned_main, "set by the design (roles annotation or --roles)"
    if len(candidates) == 1:
        return candidates[0], "the only application container" + (
            " besides the mesh proxy" if len(PodView(spec).named(APP)) > 1 else ""
        )
    score: dict[str, int] = dict.fromkeys(candidates, 0)
    why: dict[str, list[str]] = {n: [] for n in candidates}
    for link in wiring.links:
        if link.target is None or link.source == link.target:
            continue
        kind = "observe" if link.via.kind == "use" and link.source in observers else link.via.kind
        if kind == "forward" and link.target in score:
            score[link.target] += 2
            why[link.target].append(f"{link.source} forwards to its port {link.port}")
        elif kind == "control" and link.target in score:
            score[link.target] += 2
            why[link.target].append(f"{link.source} reloads it through localhost:{link.port}")
        elif kind == "observe" and link.target in score:
            score[link.target] += 2
            why[link.target].append(f"{link.source} reads it on localhost:{link.port}")
        elif kind == "use" and link.source in score:
            score[link.source] += 1
            why[link.source].append(f"it uses {link.target} on localhost:{link.port}")
    best = max(score.values(), default=0)
    leaders = [n for n in candidates if score[n] == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0], "; ".join(why[leaders[0]])
    annotations = pod_metadata(document).get("annotations")
    wanted = annotations.get(DEFAULT_CONTAINER_ANNOTATION) if isinstance(annotations, dict) else None
    if wanted in candidates:
        return wanted, f"{DEFAULT_CONTAINER_ANNOTATION} names it"
    pool = leaders if best > 0 else candidates
    plain = [n for n in pool if n not in observers and not _looks_like_helper(spec, n)]
    if plain:
        return plain[
            0
        ], "the first application container without helper evidence (no forwarding, no metrics-only port)"
    if pool:
        return pool[0], "the first application container"
    return None, ""


# A script that signals another process or watches files to do so is a reloader, a helper by
# what it does: `pkill -HUP nginx`, `kill -HUP 1`, `inotifywait ... && ...`.
_SIGNALS_OTHERS = re.compile(r"\b(?:pkill|killall)\b|\bkill\s+-[A-Z0-9]+\s+[0-9]|\binotify(?:wait|d)\b")


def _looks_like_helper(spec: dict[str, Any], name: str) -> bool:
    container = next((c for c in PodView(spec).named(APP) if c["name"] == name), {})
    base = image_basename(container.get("image"))
    if _SIGNALS_OTHERS.search(_words(container)):
        return True
    return bool(_ADAPTER_IMAGES.match(base) or _SIDECAR_IMAGES.match(base) or _AMBASSADOR_IMAGES.match(base))


def inbound_forward(wiring: Any, helper: str, main: str | None) -> Any:
    """The localhost link by which `helper` forwards the traffic it receives to `main` (its
    upstream flag or config names the main's port): the mark of an inbound proxy. None if not."""
    if main is None:
        return None
    return next(
        (link for link in wiring.links_from(helper) if link.target == main and link.via.kind == "forward"),
        None,
    )


def _helper_role(
    name: str, container: dict[str, Any], main: str | None, wiring: Any, observers: set[str]
) -> tuple[Role, str]:
    to_main = [link for link in wiring.links_from(name) if link.target == main] if main else []
    from_main = [link for link in wiring.links_from(main) if link.target == name] if main else []
    forward = inbound_forward(wiring, name, main)
    if forward:
        return Role.SIDECAR, f"inbound proxy: forwards to {main}'s port {forward.port}"
    control = next((link for link in to_main if link.via.kind == "control"), None)
    if control:
        return Role.SIDECAR, f"reloads {main} through localhost:{control.port}"
    if to_main and (name in observers or any(link.via.kind == "observe" for link in to_main)):
        return Role.ADAPTER, f"reads {main} on localhost:{to_main[0].port} and serves what it reads"
    if from_main:
        outside = [t for t in wiring.targets.get(name, []) if t.external]
        base = image_basename(container.get("image"))
        if outside:
            return Role.AMBASSADOR, (
                f"{main} uses it on localhost:{from_main[0].port} and it forwards outside the pod "
                f"(to {outside[0].host}:{outside[0].port})"
            )
        if any(lst.purpose == "metrics" for lst in wiring.listeners.get(name, [])):
            return Role.ADAPTER, (
                f"{main} sends to it on localhost:{from_main[0].port} and it serves metrics: it translates"
            )
        if _AMBASSADOR_IMAGES.match(base):
            return Role.AMBASSADOR, f"{main} uses it on localhost:{from_main[0].port}; a proxy image ({base})"
        return Role.SIDECAR, f"a local service {main} uses on localhost:{from_main[0].port}"
    base = image_basename(container.get("image"))
    if name in observers and _ADAPTER_IMAGES.match(base):
        return Role.ADAPTER, f"an exporter image ({base}); no link to the main is visible"
    if to_main:
        return Role.SIDECAR, f"points at {main} on localhost:{to_main[0].port}"
    return Role.SIDECAR, "a helper beside the main" + (f" (image {base})" if base else "")


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


def roles_for(
    document: dict[str, Any],
    companions: Any = (),
    pinned: Roles | None = None,
    wiring: Any = None,
    mesh: Mesh | None = None,
) -> Roles:
    """The roles of every container: `pinned` (e.g. `lint --roles`), annotations, inference."""
    explained = explain_roles_for(document, companions, pinned, wiring, mesh)
    return {name: role for name, (role, _) in explained.items()}


def explain_roles_for(
    document: dict[str, Any],
    companions: Any = (),
    pinned: Roles | None = None,
    wiring: Any = None,
    mesh: Mesh | None = None,
) -> dict[str, tuple[Role, str]]:
    """roles_for() with the reason of each role ("Why main: ...")."""
    annotated = decode_roles(document) or {}
    if any(r == Role.MAIN for r in (pinned or {}).values()):
        # a main given on the command line replaces the annotated one (which becomes inferred)
        annotated = {n: r for n, r in annotated.items() if r != Role.MAIN}
    declared = {**annotated, **(pinned or {})}
    explained = explain_roles(document, companions, declared, wiring, mesh)
    names = container_names(document)
    return {name: explained.get(name, (Role.SIDECAR, "no evidence")) for name in names}


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
