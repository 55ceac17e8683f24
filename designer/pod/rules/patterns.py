"""Pattern rules (RULES.md §3, PAT-*): sidecar, adapter, ambassador and init container design.

Everything here is about how the containers of one pod work together: roles, the shared port
space, localhost links, shared volumes, init order and the order-sensitive resource footprint.
Native sidecars (init containers with restartPolicy Always) count as such from v1.29 (on by
default); for an older target they run as blocking init containers (PAT-NATIVE-SIDECAR-VERSION).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from designer.pod.findings import Finding, Severity
from designer.pod.links import Wiring, pod_wiring
from designer.pod.model import POD_GROUPS, PodView
from designer.pod.quantity import readable
from designer.pod.resources import container_quantities, effective_resources
from designer.pod.roles import DEFAULT_CONTAINER_ANNOTATION, Role, injected_ports
from designer.pod.rules.context import LintContext
from designer.pod.workloads import template_path

T = TypeVar("T")
NATIVE_SIDECARS_DEFAULT = (1, 29)
NATIVE_SIDECARS_GA = (1, 33)
NATIVE_SIDECARS_ALPHA = (1, 28)

_SCRATCH_PATH = re.compile(r"^/(?:tmp|run|var/run|var/tmp|home)(?:/|$)|lock|cache", re.I)
_NEVER_EXITS = re.compile(
    r"sleep\s+inf(inity)?\b|tail\s+-[a-zA-Z]*f|while\s+(true|:|\[\s*1\s*\])|\bsleep\s+[0-9]{6,}"
)
_SERVER_IMAGES = re.compile(
    r"^(nginx|nginx-unprivileged|httpd|apache2?|caddy|traefik|haproxy|envoy|redis|memcached|postgres|"
    r"mysql|mariadb|mongo|rabbitmq|elasticsearch|kafka|zookeeper|tomcat|jetty|consul|etcd|minio)$"
)
_LOG_SHIPPERS = re.compile(
    r"^(fluent-bit|fluentbit|fluentd.*|vector|promtail|filebeat|logstash|otel.*collector.*)$"
)
_SYNCERS = re.compile(r"^(git-sync|.*-sync|rclone|s3-sync)$")
_SIGNAL_INTENT = re.compile(r"\b(kill|pkill|killall)\b|SIGHUP|SIGUSR[12]|-HUP\b|--signal")
# Capabilities that give a container power over the node or the pod's network: the one list for
# LINT-CAPABILITIES (the main) and PAT-HELPER-HARDENING (helpers).
DANGEROUS_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF"}
)
# What a helper does that is unsafe is said once, by PAT-HELPER-HARDENING (with the helper's
# kind and a hint per item); these practice findings about the same container would repeat it.
# LINT-HARDENING (the safe settings a container lacks) is another concern and stays.
HELPER_HARDENING_REPLACES = ("LINT-PRIVILEGED", "LINT-CAPABILITIES", "LINT-RUN-AS-NONROOT")
# Sysctls the kernel namespaces per pod (kubelet's sysctl.NamespacedBy): settable through
# spec.securityContext.sysctls, so no privileged init is needed for them.
_NAMESPACED_SYSCTL = re.compile(r"^(net\.|kernel\.(shm|msg|sem)|fs\.mqueue\.)")
_SYSCTL_WRITE = re.compile(
    r"\bsysctl\s+(?:-[a-zA-Z]*w[a-zA-Z]*\s+)+([a-z0-9_./-]+)\s*=|/proc/sys/([a-z0-9_/]+)"
)
_HELPERS = {Role.SIDECAR, Role.ADAPTER, Role.AMBASSADOR}


@dataclass(frozen=True, eq=False)
class Entry:
    """One container with where it lives: group, index, field path, whether it is a native sidecar."""

    name: str
    container: dict[str, Any]
    group: str
    index: int
    path: str
    native: bool
    # Per-lint memo of derived facts (links, ports, mounts): each is read by several rules.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # The lint context the entry belongs to: its pod's wiring (links, listeners) is read there.
    context: LintContext | None = field(default=None, repr=False)

    @property
    def concurrent(self) -> bool:
        """Runs beside the app (regular container or native sidecar)."""
        return self.group == "containers" or self.native

    @property
    def run_to_completion(self) -> bool:
        return self.group == "initContainers" and not self.native


@dataclass(frozen=True)
class Link:
    """A localhost link: `source` points at `port` from the field at `path`."""

    source: str
    port: int
    path: str


def native_enabled(ctx: LintContext) -> bool:
    """Whether restartPolicy Always on an init container makes it a sidecar at the target version."""
    return ctx.version >= NATIVE_SIDECARS_DEFAULT


def entries(ctx: LintContext, groups: tuple[str, ...] = POD_GROUPS) -> list[Entry]:
    """Named containers of the pod, init containers first, in document order.

    Built once per LintContext and groups (patterns and practices share the entries and so their
    memoized links, ports and mounts); each call returns a new list.
    """
    cache = ctx.__dict__.setdefault("_entries", {})
    if groups not in cache:
        cache[groups] = _entries(ctx, groups)
    return list(cache[groups])


def _entries(ctx: LintContext, groups: tuple[str, ...]) -> list[Entry]:
    enabled = native_enabled(ctx)
    return [
        Entry(
            name=slot.name if slot.name is not None else f"#{slot.index}",
            container=slot.container,
            group=slot.group,
            index=slot.index,
            path=slot.path(ctx.spec_path),
            native=enabled and slot.native,
            context=ctx,
        )
        for slot in PodView(ctx.spec).slots(*groups)
    ]


def _memoized(function: Callable[[Entry], T]) -> Callable[[Entry], T]:
    name = function.__name__

    def wrapper(entry: Entry) -> T:
        if name not in entry.memo:
            entry.memo[name] = function(entry)
        return entry.memo[name]  # type: ignore[no-any-return]

    wrapper.__name__ = name
    wrapper.__doc__ = function.__doc__
    return wrapper


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def items(container: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, item) for the dict items of a container list field (ports, env, volumeMounts)."""
    value = container.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


@_memoized
def declared_ports(entry: Entry) -> list[tuple[int, int, str]]:
    """(containerPort, port index, protocol) of the integer ports a container declares."""
    result = []
    for j, port in items(entry.container, "ports"):
        number = port.get("containerPort")
        if isinstance(number, int) and not isinstance(number, bool):
            protocol = port.get("protocol")
            result.append((number, j, protocol if isinstance(protocol, str) else "TCP"))
    return result


@_memoized
def port_numbers(entry: Entry) -> set[int]:
    return {number for number, _, _ in declared_ports(entry)}


def wiring(ctx: LintContext) -> Wiring:
    """The pod's wiring (designer/pod/links.py), built once per lint: the diagram reads the same."""
    cached = ctx.__dict__.get("_wiring")
    if cached is None:
        # The role inference built pod_wiring(spec, companions) with native sidecars on already.
        shared = ctx.__dict__.get("_roles_wiring") if native_enabled(ctx) else None
        cached = shared if shared is not None else pod_wiring(ctx.spec, ctx.companions, native_enabled(ctx))
        ctx.__dict__["_wiring"] = cached
    return cached


@_memoized
def links(entry: Entry) -> list[Link]:
    """Localhost links of a container (the shared link model), paths from the document root."""
    if entry.context is None:
        return []
    return [
        Link(entry.name, link.port, f"{entry.path}.{link.path}")
        for link in wiring(entry.context).links_from(entry.name)
        if link.port not in port_numbers(entry)
    ]


@_memoized
def argument_ports(entry: Entry) -> set[int]:
    """Ports a container listens on by what it says (flags, env, config files), declared or not."""
    if entry.context is None:
        return set()
    listeners = wiring(entry.context).listeners.get(entry.name, [])
    return {lst.port for lst in listeners if lst.source not in ("port", "probe")}


@_memoized
def mounts(entry: Entry) -> list[tuple[int, str, bool]]:
    """(mount index, volume name, readOnly) of a container's volumeMounts."""
    return [
        (j, mount["name"], mount.get("readOnly") is True)
        for j, mount in items(entry.container, "volumeMounts")
        if isinstance(mount.get("name"), str)
    ]


@_memoized
def mounted_names(entry: Entry) -> set[str]:
    names = {name for _, name, _ in mounts(entry)}
    for _, device in items(entry.container, "volumeDevices"):
        if isinstance(device.get("name"), str):
            names.add(device["name"])
    return names


def volumes(ctx: LintContext) -> dict[str, tuple[int, dict[str, Any]]]:
    """Declared volumes by name: (index, volume)."""
    result: dict[str, tuple[int, dict[str, Any]]] = {}
    for k, volume in items(ctx.spec, "volumes"):
        name = volume.get("name")
        if isinstance(name, str) and name not in result:
            result[name] = (k, volume)
    return result


def _texts(container: dict[str, Any]) -> list[tuple[str, str]]:
    """(field suffix, text) of command, args and env values."""
    result: list[tuple[str, str]] = []
    for key in ("command", "args"):
        values = container.get(key)
        if isinstance(values, list):
            result.extend((f"{key}[{k}]", v) for k, v in enumerate(values) if isinstance(v, str))
    for j, var in items(container, "env"):
        if isinstance(var.get("value"), str):
            result.append((f"env[{j}].value", var["value"]))
    return result


class _Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def __call__(
        self,
        rule: str,
        severity: Severity,
        path: str,
        message: str,
        hint: str = "",
        container: str | None = None,
    ) -> None:
        self.findings.append(Finding(rule, severity, path, message, hint=hint, container=container))


def check(ctx: LintContext) -> list[Finding]:
    """All PAT-* findings for the pod of ctx.document."""
    report = _Report()
    all_entries = entries(ctx)
    roles = {e.name: ctx.role(e.name) for e in all_entries}
    mains = [e for e in all_entries if roles[e.name] == Role.MAIN]
    _check_main(ctx, all_entries, mains, report)
    _check_ports(all_entries, report)
    _check_links(ctx, all_entries, roles, mains, report)
    _check_helpers(ctx, all_entries, roles, mains, report)
    # Lifecycles and shared volumes live in their own modules (they import this one's model).
    from designer.pod.rules import patterns_lifecycle, patterns_volumes

    patterns_volumes.check(ctx, all_entries, report)
    patterns_lifecycle.check(ctx, all_entries, report)
    _check_resources(ctx, report)
    from designer.pod.rules import patterns_wiring

    report.findings.extend(patterns_wiring.check(ctx, all_entries, roles))
    return supersede(report.findings)


# A finding that names the cause (left) replaces the generic one (right) about the same container
# and field: one problem, one finding.
SUPERSEDES: dict[str, tuple[str, ...]] = {
    "PAT-INIT-WAITS-FOR-APP": ("PAT-LOCALHOST-TARGET",),
    "PAT-INIT-ORDER": ("PAT-INIT-READS-UNWRITTEN",),
    "PAT-NATIVE-SIDECAR-ORDER": ("PAT-INIT-READS-UNWRITTEN",),
    "PAT-SUBPATH-MISMATCH": ("PAT-CONSUMER-READONLY",),
    "PAT-PRODUCER-READONLY": ("PAT-CONSUMER-READONLY",),
}


def supersede(findings: list[Finding]) -> list[Finding]:
    """Drop findings replaced by a more specific one on the same container and field, and the
    milder of two findings of one rule on one field (PAT-DEFAULT-CONTAINER info vs warning)."""
    rank = {"error": 0, "warning": 1, "info": 2}
    best: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (f.rule, f.path)
        best[key] = min(best.get(key, 9), rank[f.severity])
    causes = [(f.rule, f.container, f.path) for f in findings if f.rule in SUPERSEDES]

    def replaced(f: Finding) -> bool:
        return any(
            f.rule in SUPERSEDES[rule]
            and f.container == container
            and (f.path == path or f.path.startswith(path + ".") or path.startswith(f.path + "."))
            for rule, container, path in causes
        )

    return [f for f in findings if rank[f.severity] == best[(f.rule, f.path)] and not replaced(f)]


def _check_main(ctx: LintContext, all_entries: list[Entry], mains: list[Entry], report: _Report) -> None:
    if not all_entries:
        return
    spec = ctx.spec_path
    if not mains:
        report(
            "PAT-MAIN-REQUIRED",
            "error",
            f"{spec}.containers",
            "no container has the role main; every pattern is defined relative to a main container",
            "mark the application container as main",
        )
    for extra in mains[1:]:
        report(
            "PAT-MAIN-SINGLE",
            "warning",
            extra.path,
            f"{extra.name!r} is a second main container (first: {mains[0].name!r}); "
            "it is ambiguous which main each helper serves",
            "give the other containers a helper role",
            container=extra.name,
        )
    for main in mains:
        if main.group == "initContainers":
            report(
                "PAT-MAIN-IN-CONTAINERS",
                "error",
                main.path,
                f"main container {main.name!r} is an init container; init containers run to completion "
                "before the app starts",
                "move it to spec.containers",
                container=main.name,
            )
    annotations = ctx.metadata.get("annotations")
    default = annotations.get(DEFAULT_CONTAINER_ANNOTATION) if isinstance(annotations, dict) else None
    default = default if isinstance(default, str) else None  # a non-string is the schema layer's
    meta_path = ".".join(p for p in (template_path(ctx.kind), "metadata.annotations") if p)
    names = {e.name for e in all_entries}
    if default is not None and default not in names:
        report(
            "PAT-DEFAULT-CONTAINER-EXISTS",
            "error",
            f"{meta_path}[{DEFAULT_CONTAINER_ANNOTATION}]",
            f"{DEFAULT_CONTAINER_ANNOTATION} names {default!r}, which is not a container of this pod",
            "name the main container",
        )
    elif len(all_entries) > 1 and mains and default != mains[0].name:
        where = "is not set" if default is None else f"names {default!r}, not the main"
        report(
            "PAT-DEFAULT-CONTAINER",
            "info",
            f"{meta_path}[{DEFAULT_CONTAINER_ANNOTATION}]" if default is not None else meta_path,
            f"{DEFAULT_CONTAINER_ANNOTATION} {where}; kubectl logs/exec pick the first container otherwise",
            f"set {DEFAULT_CONTAINER_ANNOTATION}: {mains[0].name}",
        )


def _concurrent_in_port_order(all_entries: list[Entry]) -> list[Entry]:
    return [e for e in all_entries if e.native] + [e for e in all_entries if e.group == "containers"]


def _check_ports(all_entries: list[Entry], report: _Report) -> None:
    seen: dict[tuple[int, str], Entry] = {}
    host_seen: dict[tuple[str, str, int], Entry] = {}
    for entry in _concurrent_in_port_order(all_entries):
        for j, port in items(entry.container, "ports"):
            number = port.get("containerPort")
            declared = port.get("protocol")
            protocol = declared if isinstance(declared, str) else "TCP"
            if isinstance(number, int) and not isinstance(number, bool):
                first = seen.setdefault((number, protocol), entry)
                if first is not entry:
                    report(
                        "PAT-PORT-CONFLICT",
                        "error",
                        f"{entry.path}.ports[{j}].containerPort",
                        f"{entry.name!r} and {first.name!r} both declare {protocol} port {number}; "
                        "containers share one network namespace, so the second bind fails",
                        "give one of them another port",
                        container=entry.name,
                    )
            host_port = port.get("hostPort")
            if isinstance(host_port, int) and not isinstance(host_port, bool) and host_port > 0:
                ip = port.get("hostIP")
                host_ip = ip if isinstance(ip, str) else ""
                first = host_seen.setdefault((protocol, host_ip, host_port), entry)
                # Clashes among regular containers are the API server's (K8S-HOSTPORT-CONFLICT).
                if first is not entry and (first.native or entry.native):
                    report(
                        "PAT-HOSTPORT-CONFLICT",
                        "error",
                        f"{entry.path}.ports[{j}].hostPort",
                        f"{entry.name!r} and {first.name!r} both claim host port {protocol}/{host_ip}/{host_port}",
                        "use distinct host ports (or none)",
                        container=entry.name,
                    )
    names: dict[str, Entry] = {}
    for entry in all_entries:
        for j, port in items(entry.container, "ports"):
            name = port.get("name")
            if isinstance(name, str) and name:
                first = names.setdefault(name, entry)
                if first is not entry:
                    report(
                        "PAT-PORT-NAME-POD-UNIQUE",
                        "warning",
                        f"{entry.path}.ports[{j}].name",
                        f"port name {name!r} is also used by {first.name!r}; a Service targetPort by name "
                        "becomes ambiguous",
                        "rename one of the ports",
                        container=entry.name,
                    )


def _check_links(
    ctx: LintContext,
    all_entries: list[Entry],
    roles: dict[str, Role | None],
    mains: list[Entry],
    report: _Report,
) -> None:
    concurrent = [e for e in all_entries if e.concurrent]
    listening: dict[int, Entry] = {}
    for entry in concurrent:
        for number in sorted(port_numbers(entry) | argument_ports(entry)):
            listening.setdefault(number, entry)
    native_by_port = {n: e for e in all_entries if e.native for n in port_numbers(e) | argument_ports(e)}
    mesh_ports = injected_ports(ctx.document, ctx.mesh)
    for entry in all_entries:
        own = port_numbers(entry) | argument_ports(entry)
        for link in links(entry):
            if link.port in own:
                continue  # a container naming its own listen address is not a link
            if link.port not in listening and link.port in mesh_ports:
                continue  # an injected sidecar's port (Istio's 15020, Linkerd's 4191, Dapr's 3500, a Consul upstream)
            if link.port not in listening:
                # Nobody listens there by ports or by flags. (A 127.0.0.1-only listener revealed
                # by flags is a valid target: never ask to declare a containerPort for it.)
                report(
                    "PAT-LOCALHOST-TARGET",
                    "warning",
                    link.path,
                    f"{entry.name!r} points at localhost:{link.port}, but no container listens there "
                    "(no declared port, no listen flag)",
                    "declare the port on the container that listens there, or fix the address",
                    container=entry.name,
                )
            elif entry.run_to_completion and link.port in native_by_port:
                sidecar = native_by_port[link.port]
                if sidecar.index > entry.index:
                    report(
                        "PAT-NATIVE-SIDECAR-ORDER",
                        "warning",
                        link.path,
                        f"init container {entry.name!r} uses localhost:{link.port} of native sidecar "
                        f"{sidecar.name!r}, which starts only after it",
                        f"move {sidecar.name!r} before {entry.name!r} in initContainers",
                        container=entry.name,
                    )
            elif entry.run_to_completion and link.port not in native_by_port:
                report(
                    "PAT-LOCALHOST-TARGET",
                    "warning",
                    link.path,
                    f"init container {entry.name!r} points at localhost:{link.port}, which only an app "
                    "container serves; app containers start after every init container has finished",
                    "serve it from a native sidecar placed before this init container",
                    container=entry.name,
                )


def _main_links(ctx: LintContext, mains: list[Entry]) -> set[int]:
    return {link.port for main in mains for link in links(main)}


def _check_helpers(
    ctx: LintContext,
    all_entries: list[Entry],
    roles: dict[str, Role | None],
    mains: list[Entry],
    report: _Report,
) -> None:
    main_mounts = set().union(*(mounted_names(m) for m in mains)) if mains else set()
    main_ports = set().union(*(port_numbers(m) | argument_ports(m) for m in mains)) if mains else set()
    main_links = _main_links(ctx, mains)
    share_pid = ctx.spec.get("shareProcessNamespace") is True
    # A mesh redirects traffic with iptables (an init container with NET_ADMIN): the main reaches
    # its proxy transparently, without pointing at localhost.
    mesh = ctx.mesh
    transparent = bool(mesh) or any(_adds_net_admin(e) for e in all_entries if e.group == "initContainers")
    for entry in all_entries:
        role = roles[entry.name]
        if role not in _HELPERS or entry.run_to_completion:
            # Mesh proxies and their iptables init containers need what they ask for; the wiring
            # rules say so once, as info (patterns_wiring.py).
            if role is not None and role != Role.MAIN and entry.name not in mesh:
                _check_hardening(ctx, entry, role, report)
            continue
        ports = port_numbers(entry)
        own_links = {link.port for link in links(entry)}
        shares_volume = bool(mounted_names(entry) & main_mounts)
        linked = bool(own_links & main_ports) or bool(main_links & (ports | argument_ports(entry)))
        serves = bool(ports or argument_ports(entry))
        # A shared PID namespace couples too: the sidecar sees and signals the main's processes.
        if role == Role.SIDECAR and mains and not (shares_volume or serves or linked or share_pid):
            report(
                "PAT-SIDECAR-COUPLED",
                "warning",
                entry.path,
                f"sidecar {entry.name!r} shares no volume with the main and declares no port",
                "mount a volume the main uses, or declare the port it serves",
                container=entry.name,
            )
        if role == Role.ADAPTER:
            if not ports:
                report(
                    "PAT-ADAPTER-PORT",
                    "warning",
                    f"{entry.path}.ports",
                    f"adapter {entry.name!r} exposes no port for its normalized interface (e.g. /metrics)",
                    "declare the port it serves",
                    container=entry.name,
                )
            if mains and not (shares_volume or linked):
                report(
                    "PAT-ADAPTER-INPUT",
                    "warning",
                    entry.path,
                    f"adapter {entry.name!r} does not read from the main: no shared volume and no localhost link",
                    "point it at the main's port on localhost or mount the main's output volume",
                    container=entry.name,
                )
        if role == Role.AMBASSADOR:
            flagged = argument_ports(entry)
            if not ports and not flagged:
                # Nothing says where it listens: the main has no localhost port to connect to. With
                # evidence in its flags or config (--port=5432, listen_port = 6432) the link works
                # and the designer can draw it; a declaration would add nothing.
                report(
                    "PAT-AMBASSADOR-PORT",
                    "error",
                    f"{entry.path}.ports",
                    f"ambassador {entry.name!r} declares no port and its arguments name none; "
                    "the main needs a localhost port to connect to",
                    "declare the port it listens on",
                    container=entry.name,
                )
            elif mains and not transparent and not (main_links & (ports | flagged)):
                report(
                    "PAT-AMBASSADOR-REFERENCED",
                    "warning",
                    f"{entry.path}.ports" if ports else entry.path,
                    f"the main does not point at ambassador {entry.name!r} (ports "
                    f"{', '.join(map(str, sorted(ports | flagged)))}) via localhost",
                    f"set the main's address to localhost:{min(ports | flagged)}",
                    container=entry.name,
                )
        _check_hardening(ctx, entry, role, report)


def _adds_net_admin(entry: Entry) -> bool:
    context = entry.container.get("securityContext")
    capabilities = context.get("capabilities") if isinstance(context, dict) else None
    added = capabilities.get("add") if isinstance(capabilities, dict) else None
    return isinstance(added, list) and any(
        isinstance(cap, str) and cap.upper().removeprefix("CAP_") == "NET_ADMIN" for cap in added
    )


def _helper_kind(entry: Entry, role: Role | None) -> str:
    if entry.run_to_completion:
        return "init container"
    if entry.native:
        return "native sidecar"
    return role.label if role in _HELPERS else "helper"


def _waived_piece(ctx: LintContext, entry: Entry, rule: str) -> bool:
    """Whether the pod's waivers annotation waives the practice rule `rule` for this container (a
    waiver written before the helper's items moved here still drops its item)."""
    from designer.pod.rules.waivers import WAIVERS_ANNOTATION, parse_waivers

    annotations = ctx.metadata.get("annotations")
    value = annotations.get(WAIVERS_ANNOTATION) if isinstance(annotations, dict) else None
    try:
        waivers = parse_waivers(value) if isinstance(value, str) else []
    except ValueError:
        return False  # lint() reports the broken annotation
    probe = Finding(rule, "warning", entry.path, "", container=entry.name)
    return any(w.matches(probe) for w in waivers)


def _privileged_hint(entry: Entry) -> str:
    """Why a helper might be privileged, and what to do instead, from what it runs."""
    image = str(entry.container.get("image") or "")
    if re.search(r"(^|/)docker:[^/]*dind|(^|/)dind\b|docker-dind", image):
        return (
            "Docker-in-Docker needs privileged: waive PAT-HELPER-HARDENING for it with a reason, or build "
            "without a daemon (BuildKit rootless, kaniko)"
        )
    written = set()
    for _, text in _texts(entry.container):
        for match in _SYSCTL_WRITE.finditer(text):
            written.add(match[1] or match[2].replace("/", "."))
    if written:
        namespaced = sorted(s for s in written if _NAMESPACED_SYSCTL.match(s))
        node = sorted(written - set(namespaced))
        parts = []
        if namespaced:
            parts.append(
                f"{', '.join(namespaced)} is namespaced: set it with spec.securityContext.sysctls instead of "
                "a privileged init (a sysctl outside the safe set needs the kubelet's --allowed-unsafe-sysctls)"
            )
        if node:
            parts.append(
                f"{', '.join(node)} is node-wide: set it on the node (node config or a node-tuning DaemonSet), "
                "not from every pod"
            )
        return "; ".join(parts)
    return "drop privileged: true and add the one capability it needs, or waive this rule with a reason"


def is_kubelet_plugin(spec: dict[str, Any]) -> bool:
    """A kubelet plugin (CSI node plugin, device plugin): it registers through the kubelet's
    plugins_registry or device-plugins directory, so it must reach them, /dev, and run as root."""
    for _, volume in items(spec, "volumes"):
        host_path = volume.get("hostPath")
        path = host_path.get("path") if isinstance(host_path, dict) else None
        if isinstance(path, str) and path.rstrip("/").startswith(
            ("/var/lib/kubelet/plugins_registry", "/var/lib/kubelet/device-plugins")
        ):
            return True
    return False


def _check_hardening(ctx: LintContext, entry: Entry, role: Role | None, report: _Report) -> None:
    """One finding per helper listing everything unsafe it does (privileged, dangerous capabilities,
    root), each with its hint. Helpers share the pod's security boundary (a KEP-753 non-goal): a
    privileged helper is a privileged pod."""
    context = entry.container.get("securityContext")
    sc = context if isinstance(context, dict) else {}
    pod_sc = ctx.spec.get("securityContext")
    pod_sc = pod_sc if isinstance(pod_sc, dict) else {}
    items: list[tuple[str, str, str]] = []  # (what it does, what to do, its field)
    kubelet_plugin = is_kubelet_plugin(ctx.spec)
    mounts_ = entry.container.get("volumeMounts")
    bidirectional = any(
        isinstance(m, dict) and m.get("mountPropagation") == "Bidirectional"
        for m in (mounts_ if isinstance(mounts_, list) else [])
    )
    # A kubelet plugin's helpers (node-driver-registrar, livenessprobe) run as root to write their
    # sockets into root-owned host directories; Bidirectional propagation requires privileged.
    if (
        sc.get("privileged") is True
        and not bidirectional
        and not _waived_piece(ctx, entry, "LINT-PRIVILEGED")
    ):
        items.append(("is privileged", _privileged_hint(entry), "securityContext.privileged"))
    capabilities = sc.get("capabilities")
    added = capabilities.get("add") if isinstance(capabilities, dict) else None
    risky = [
        cap
        for cap in (added if isinstance(added, list) else [])
        if isinstance(cap, str) and cap.upper().removeprefix("CAP_") in DANGEROUS_CAPABILITIES
    ]
    if risky and not _waived_piece(ctx, entry, "LINT-CAPABILITIES"):
        names = {cap.upper().removeprefix("CAP_") for cap in risky}
        hint = "remove " + ", ".join(risky)
        if names & {"NET_ADMIN"}:
            hint += (
                " (NET_ADMIN programs the pod's network for every container: a mesh CNI plugin needs none)"
            )
        items.append((f"adds {', '.join(risky)}", hint, "securityContext.capabilities.add"))
    user = sc["runAsUser"] if "runAsUser" in sc else pod_sc.get("runAsUser")
    if (
        user == 0
        and not isinstance(user, bool)
        and not kubelet_plugin
        and not _waived_piece(ctx, entry, "LINT-RUN-AS-NONROOT")
    ):
        where = "" if "runAsUser" in sc else " (from the pod's securityContext)"
        field_path = "securityContext.runAsUser" if "runAsUser" in sc else ""
        items.append((f"runs as root{where}", "run it as a non-zero UID with runAsNonRoot: true", field_path))
    if not items:
        return
    kind = _helper_kind(entry, ctx.role(entry.name) if role is None else role)
    things = [what for what, _, _ in items]
    listed = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
    report(
        "PAT-HELPER-HARDENING",
        "warning",
        # One item: its own field; several: the securityContext that holds them.
        ".".join(
            p for p in (entry.path, items[0][2] if len(items) == 1 else "securityContext" if sc else "") if p
        ),
        f"{kind} {entry.name!r} {listed}; the pod's containers share one security boundary, so "
        "the whole pod holds these privileges",
        "; ".join(f"{what.removeprefix('is ').removeprefix('adds ')}: {hint}" for what, hint, _ in items),
        container=entry.name,
    )


def supersede_practices(findings: list[Finding]) -> list[Finding]:
    """Drop the unwaived LINT findings about what a helper does when PAT-HELPER-HARDENING already
    lists it for that container (run after waivers: a waived practice finding stays listed, and
    its item is left out of the helper finding)."""
    helpers = {f.container for f in findings if f.rule == "PAT-HELPER-HARDENING"}
    return [
        f
        for f in findings
        if not (f.rule in HELPER_HARDENING_REPLACES and f.container in helpers and f.waived is None)
    ]


def _format(resource_values: dict[str, Any]) -> str:
    if not resource_values:
        return "none"
    return ", ".join(f"{name}={readable(name, value)}" for name, value in sorted(resource_values.items()))


def _check_resources(ctx: LintContext, report: _Report) -> None:
    spec = ctx.spec
    if not isinstance(spec.get("containers"), list) and not isinstance(spec.get("initContainers"), list):
        return
    if not native_enabled(ctx):
        # Before native sidecars, restartPolicy on an init container is not honoured.
        spec = _without_native(spec)
    result = effective_resources(spec)
    source = "pod-level spec.resources" if result["pod_level"] else "init peak vs. app + native sidecars"
    report(
        "PAT-RES-EFFECTIVE",
        "info",
        ctx.spec_path,
        f"effective pod requests: {_format(result['requests'])}; limits: {_format(result['limits'])} ({source})",
    )
    peak, steady = result["init_peak"], result["steady"]
    dominated = [name for name in sorted(peak) if peak[name] > steady.get(name, 0)]
    if dominated and not result["pod_level"]:
        details = ", ".join(f"{n} {readable(n, peak[n])} > {readable(n, steady.get(n))}" for n in dominated)
        report(
            "PAT-RES-INIT-DOMINATES",
            "info",
            f"{ctx.spec_path}.initContainers",
            f"the init phase reserves more than the running pod needs ({details}); the scheduler "
            "reserves the init peak",
            "lower the init containers' requests if they do not need them",
        )
    qos = result["qos"]
    blockers = []
    if qos != "Guaranteed":
        for entry in entries(ctx):
            resources = entry.container.get("resources")
            requests = resources.get("requests") if isinstance(resources, dict) else None
            limits = resources.get("limits") if isinstance(resources, dict) else None
            limits = limits if isinstance(limits, dict) else {}
            requests = {**limits, **(requests if isinstance(requests, dict) else {})}
            if any(r not in limits or str(requests.get(r)) != str(limits.get(r)) for r in ("cpu", "memory")):
                blockers.append(entry.name)
    why = f"; not Guaranteed because of {', '.join(blockers)}" if blockers and qos != "BestEffort" else ""
    pinned = _whole_cpu_mains(ctx)
    harm = [b for b in blockers if b not in pinned]
    if pinned and harm:
        why += (
            f"; {', '.join(pinned)} asks for whole CPUs, which the static CPU manager pins to exclusive "
            "cores only in a Guaranteed pod, so the helpers cost it its pinning"
        )
    report(
        "PAT-RES-QOS",
        "warning" if pinned and harm else "info",
        ctx.spec_path,
        f"QoS class: {qos} (computed over init, sidecar and app containers alike){why}",
        "Guaranteed needs cpu and memory requests equal to limits in every container" if why else "",
    )


def _whole_cpu_mains(ctx: LintContext) -> list[str]:
    """Mains whose cpu and memory requests equal their limits with an integer cpu count."""
    result = []
    for entry in entries(ctx, ("containers",)):
        if ctx.role(entry.name) != Role.MAIN:
            continue
        requests, limits = container_quantities(entry.container)
        cpu = limits.get("cpu")
        equal = all(r in limits and requests.get(r) == limits[r] for r in ("cpu", "memory"))
        if equal and cpu is not None and cpu >= 1 and cpu == cpu.to_integral_value():
            result.append(entry.name)
    return result


def _without_native(spec: dict[str, Any]) -> dict[str, Any]:
    init = spec.get("initContainers")
    if not isinstance(init, list):
        return spec
    plain = [{k: v for k, v in c.items() if k != "restartPolicy"} if isinstance(c, dict) else c for c in init]
    return {**spec, "initContainers": plain}
