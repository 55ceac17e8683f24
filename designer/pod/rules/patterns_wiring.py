"""Pattern rules about how containers are wired (PAT-*, issue 11): meshes, loopback, protocols.

Everything here reads the pod's wiring from the one link model (designer/pod/links.py, through
patterns.wiring) and the mesh from designer/pod/roles.Mesh, so the diagram and these rules see
the same links. Rule ids:

- PAT-MESH-INIT (info): a mesh's iptables or validation init container is expected; the CNI
  plugin removes the need for NET_ADMIN in the pod.
- PAT-MESH-LOOPBACK-BIND (warning): under Istio (which forwards inbound traffic to the pod IP
  since 1.10) an app serves a declared port on 127.0.0.1 only: the proxy cannot reach it.
- PAT-MESH-PROXY-UID (warning): an app container runs as the proxy's UID (Istio 1337, Linkerd
  2102): the iptables rules exempt that UID, so its traffic bypasses the proxy (no mTLS, no policy).
- PAT-PROBE-LOOPBACK-PORT (warning): an httpGet/tcpSocket/grpc probe targets a port that is
  served on 127.0.0.1 only; the kubelet connects to the pod IP, so the probe always fails.
- PAT-ADAPTER-LOOPBACK (warning): an adapter serves its normalized interface (metrics) on
  127.0.0.1 only; a scraper connects to the pod IP.
- PAT-LINK-PROTOCOL-MISMATCH (warning): a localhost link whose client speaks another protocol
  than the listener (UDP to a TCP-only listener, a gRPC client at an HTTP-only port).
- PAT-AMBASSADOR-LOOPBACK (warning for a database proxy whose data listener binds all interfaces
  explicitly, info otherwise): an outbound proxy need not be reachable on the pod IP.
- PAT-SIDECAR-BLOCKS-COMPLETION (warning): a mesh proxy as a regular container of a pod that
  should complete keeps it running (Istio's classic Job problem), when its command shows nothing.
- PAT-PORT-CONFLICT (warning when the evidence is a flag or a config file): two concurrent
  containers listen on the same port and protocol.
"""

from __future__ import annotations

from typing import Any

from designer.pod.evidence import lifecycle
from designer.pod.findings import Finding, Severity
from designer.pod.links import Listener, Wiring
from designer.pod.roles import Mesh, Role, image_basename, run_as_user
from designer.pod.rules.context import LintContext
from designer.pod.rules.patterns import Entry, port_numbers, wiring
from designer.pod.rules.patterns_lifecycle import stopped_by_peer

# Ports of the databases an ambassador typically fronts (Postgres, PgBouncer, MySQL, SQL Server,
# Redis, MongoDB, Cassandra, Memcached, AlloyDB/Spanner emulators share Postgres').
DB_PORTS = frozenset({5432, 5433, 6432, 3306, 3307, 1433, 6379, 27017, 9042, 11211, 26257})
_DB_PROXY_IMAGES = (
    "cloud-sql-proxy",
    "cloudsql-proxy",
    "cloud_sql_proxy",
    "alloydb-auth-proxy",
    "pgbouncer",
    "proxysql",
    "odyssey",
    "pgpool",
    "twemproxy",
    "mcrouter",
)
# Istio forwards inbound traffic to the pod IP (since 1.10); Linkerd still to localhost.
_POD_IP_MESHES = {"istio"}


class _Report(list[Finding]):
    def __call__(
        self,
        rule: str,
        severity: Severity,
        path: str,
        message: str,
        hint: str = "",
        container: str | None = None,
    ) -> None:
        self.append(Finding(rule, severity, path, message, hint=hint, container=container))


def check(ctx: LintContext, all_entries: list[Entry], roles: dict[str, Role | None]) -> list[Finding]:
    report = _Report()
    mesh = Mesh(ctx.document)
    wired = wiring(ctx)
    concurrent = [e for e in all_entries if e.concurrent]
    _mesh_inits(mesh, all_entries, report)
    _mesh_loopback_bind(ctx, mesh, wired, concurrent, report)
    _mesh_proxy_uid(ctx, mesh, concurrent, report)
    _mesh_blocks_completion(ctx, mesh, all_entries, report)
    _probe_loopback(wired, concurrent, report)
    _adapter_loopback(wired, concurrent, roles, report)
    _protocol_mismatch(wired, all_entries, report)
    _ambassador_loopback(wired, concurrent, roles, report)
    _flag_port_conflicts(wired, concurrent, mesh, report)
    return list(report)


def _listeners(wired: Wiring, entry: Entry) -> list[Listener]:
    return wired.listeners.get(entry.name, [])


def _mesh_inits(mesh: Mesh, all_entries: list[Entry], report: _Report) -> None:
    for entry in all_entries:
        if entry.name not in mesh.inits:
            continue
        words = " ".join(
            str(a) for k in ("command", "args") for a in entry.container.get(k) or [] if isinstance(a, str)
        )
        validation = "validation" in entry.name or "--run-validation" in words or "validator" in words
        if validation:
            message = (
                f"{entry.name!r} only validates the traffic redirect that the mesh's CNI plugin set up "
                "(CNI mode): expected"
            )
            hint = ""
        else:
            message = (
                f"{entry.name!r} programs the mesh's iptables redirect ({mesh.inits[entry.name]}); it needs "
                "NET_ADMIN/NET_RAW and often root: expected for an injected mesh"
            )
            hint = "install the mesh's CNI plugin (istio-cni, linkerd-cni) to take NET_ADMIN out of the pod"
        report("PAT-MESH-INIT", "info", entry.path, message, hint, container=entry.name)


def _declared_or_served(ctx: LintContext, entry: Entry) -> set[int]:
    """Ports other pods reach: declared containerPorts and Service targetPorts in the stream."""
    ports = set(port_numbers(entry))
    for document in ctx.companions:
        if document.get("kind") != "Service":
            continue
        spec = document.get("spec")
        for port in spec.get("ports") or [] if isinstance(spec, dict) else []:
            if isinstance(port, dict) and isinstance(port.get("targetPort"), int):
                ports.add(port["targetPort"])
    return ports


def _mesh_loopback_bind(
    ctx: LintContext, mesh: Mesh, wired: Wiring, concurrent: list[Entry], report: _Report
) -> None:
    if not (mesh.meshes & _POD_IP_MESHES):
        return
    fronted = {link.port for link in wired.links if link.via.kind == "forward" and link.target}
    for entry in concurrent:
        if entry.name in mesh:
            continue
        exposed = _declared_or_served(ctx, entry)
        for listener in _listeners(wired, entry):
            if listener.loopback_only and listener.port in exposed and listener.port not in fronted:
                report(
                    "PAT-MESH-LOOPBACK-BIND",
                    "warning",
                    f"{entry.path}.{listener.path}",
                    f"{entry.name!r} serves port {listener.port} on {listener.host} only, but the Istio proxy "
                    "forwards inbound traffic to the pod IP: requests to this port fail",
                    f"bind {entry.name!r} to 0.0.0.0 (or the pod IP); keep 127.0.0.1 only for ports nobody "
                    "outside the pod uses",
                    container=entry.name,
                )
                break


def _mesh_proxy_uid(ctx: LintContext, mesh: Mesh, concurrent: list[Entry], report: _Report) -> None:
    uids = mesh.proxy_uids
    if not uids:
        return
    for entry in concurrent:
        if entry.name in mesh:
            continue
        uid = run_as_user(entry.container, ctx.spec)
        if uid not in uids:
            continue
        own = entry.container.get("securityContext")
        here = isinstance(own, dict) and isinstance(own.get("runAsUser"), int)
        path = (
            f"{entry.path}.securityContext.runAsUser"
            if here
            else f"{ctx.spec_path}.securityContext.runAsUser"
        )
        report(
            "PAT-MESH-PROXY-UID",
            "warning",
            path,
            f"{entry.name!r} runs as UID {uid}, the mesh proxy's UID: the redirect rules exempt it, so its "
            "traffic bypasses the proxy (no mTLS, no policy, no telemetry)",
            "run the app as another UID",
            container=entry.name,
        )


def _mesh_blocks_completion(ctx: LintContext, mesh: Mesh, all_entries: list[Entry], report: _Report) -> None:
    """A mesh proxy is a daemon by definition, even where its command says nothing (the image's
    entrypoint); patterns_lifecycle reports the helpers whose command shows it."""
    restart = ctx.spec.get("restartPolicy")
    batch = restart in ("Never", "OnFailure") or (restart is None and ctx.kind in ("Job", "CronJob"))
    if not batch:
        return
    for entry in all_entries:
        if entry.group != "containers" or entry.name not in mesh.proxies or lifecycle(entry.container).daemon:
            continue
        if stopped_by_peer(entry, all_entries, any_port=True):
            continue  # the main calls the proxy's /quitquitquit (or linkerd-await --shutdown)
        report(
            "PAT-SIDECAR-BLOCKS-COMPLETION",
            "warning",
            entry.path,
            f"mesh proxy {entry.name!r} is a regular container in a pod that should complete; it keeps "
            "running after the main exits, so the pod never completes",
            "inject the proxy as a native sidecar (Istio: ENABLE_NATIVE_SIDECARS; Linkerd: "
            "config.alpha.linkerd.io/proxy-enable-native-sidecar), or have the main call the proxy's "
            "shutdown endpoint",
            container=entry.name,
        )


def _probe_loopback(wired: Wiring, concurrent: list[Entry], report: _Report) -> None:
    by_port: dict[int, list[Listener]] = {}
    for entry in concurrent:
        for listener in _listeners(wired, entry):
            if listener.source != "probe":
                by_port.setdefault(listener.port, []).append(listener)
    for entry in concurrent:
        for listener in _listeners(wired, entry):
            if listener.source != "probe":
                continue
            probe_key = listener.path.split(".", 1)[0]
            probe = entry.container.get(probe_key)
            handler = probe.get(listener.path.split(".")[1]) if isinstance(probe, dict) else None
            if isinstance(handler, dict) and handler.get("host"):
                continue  # an explicit host is another rule's business
            served = by_port.get(listener.port, [])
            if served and all(s.loopback_only for s in served):
                where = ", ".join(sorted({f"{s.container} ({s.host})" for s in served}))
                report(
                    "PAT-PROBE-LOOPBACK-PORT",
                    "warning",
                    f"{entry.path}.{listener.path}",
                    f"{probe_key} of {entry.name!r} checks port {listener.port}, which is served on loopback "
                    f"only ({where}); the kubelet connects to the pod IP, so the probe always fails",
                    "bind that port to 0.0.0.0, or probe a port that is served on the pod IP",
                    container=entry.name,
                )


def _adapter_loopback(
    wired: Wiring, concurrent: list[Entry], roles: dict[str, Role | None], report: _Report
) -> None:
    for entry in concurrent:
        if roles.get(entry.name) != Role.ADAPTER:
            continue
        declared = port_numbers(entry)
        used_inside = {link.port for link in wired.links_to(entry.name)}
        for listener in _listeners(wired, entry):
            # Its normalized interface: a declared or metrics port, or one no container of the pod
            # uses (so only outside consumers, which come through the pod IP, could).
            interface = (
                listener.port in declared or listener.purpose == "metrics" or listener.port not in used_inside
            )
            if listener.loopback_only and listener.source != "probe" and interface:
                report(
                    "PAT-ADAPTER-LOOPBACK",
                    "warning",
                    f"{entry.path}.{listener.path}",
                    f"adapter {entry.name!r} serves port {listener.port} on {listener.host} only; whoever "
                    "consumes its normalized interface (a Prometheus scrape) connects to the pod IP",
                    "bind it to 0.0.0.0 (e.g. --web.listen-address=:9100)",
                    container=entry.name,
                )
                break


def _otlp_protocol(container: dict[str, Any]) -> str | None:
    for var in container.get("env") or []:
        if isinstance(var, dict) and var.get("name") == "OTEL_EXPORTER_OTLP_PROTOCOL":
            value = var.get("value")
            return value.strip().lower() if isinstance(value, str) else None
    return None


def _protocol_mismatch(wired: Wiring, all_entries: list[Entry], report: _Report) -> None:
    entry_by_name = {e.name: e for e in all_entries}
    for link in wired.links:
        if link.target is None or link.source not in entry_by_name:
            continue
        at_port = [
            lst
            for lst in wired.listeners.get(link.target, [])
            if lst.port == link.port and lst.source != "probe"
        ]
        if not at_port:
            continue
        source = entry_by_name[link.source]
        path = f"{source.path}.{link.path}"
        transports = {lst.protocol for lst in at_port if lst.protocol_known}
        if link.via.protocol and transports and link.via.protocol not in transports:
            report(
                "PAT-LINK-PROTOCOL-MISMATCH",
                "warning",
                path,
                f"{link.source!r} sends {link.via.protocol} to localhost:{link.port}, but {link.target!r} "
                f"listens there on {'/'.join(sorted(transports))} only",
                f"make {link.target!r} listen on {link.via.protocol} there, or point the client at its "
                f"{link.via.protocol} port",
                container=link.source,
            )
            continue
        apps = {lst.app_protocol for lst in at_port if lst.app_protocol}
        wants = link.via.app_protocol
        explicit_http = wants == "http" and (_otlp_protocol(source.container) or "").startswith("http")
        if wants == "grpc" and apps == {"http"} or explicit_http and apps == {"grpc"}:
            report(
                "PAT-LINK-PROTOCOL-MISMATCH",
                "warning",
                path,
                f"{link.source!r} speaks {'gRPC' if wants == 'grpc' else 'HTTP'} to localhost:{link.port}, "
                f"but {link.target!r} serves {'HTTP' if wants == 'grpc' else 'gRPC'} there",
                "point the client at the listener of its protocol (e.g. OTLP gRPC 4317, OTLP HTTP 4318)",
                container=link.source,
            )


def _is_db_proxy(entry: Entry, wired: Wiring) -> bool:
    if image_basename(entry.container.get("image")) in _DB_PROXY_IMAGES:
        return True
    if any(t.port in DB_PORTS for t in wired.targets.get(entry.name, []) if t.external):
        return True
    return any(link.port in DB_PORTS for link in wired.links_to(entry.name))


def _ambassador_loopback(
    wired: Wiring, concurrent: list[Entry], roles: dict[str, Role | None], report: _Report
) -> None:
    for entry in concurrent:
        if roles.get(entry.name) != Role.AMBASSADOR:
            continue
        probed = {lst.port for lst in _listeners(wired, entry) if lst.source == "probe"}
        db_proxy = _is_db_proxy(entry, wired)
        data = [
            lst
            for lst in _listeners(wired, entry)
            if lst.purpose == "data"
            and lst.source != "probe"
            # The port its own probes hit, and (for a database proxy) an HTTP or gRPC listener,
            # is its health or metrics endpoint (cloud-sql-proxy --http-address), not its data path.
            and lst.port not in probed
            and not (db_proxy and lst.app_protocol in ("http", "grpc"))
        ]
        if (
            not data
            or all(lst.loopback_only for lst in data if lst.host is not None)
            and any(lst.loopback_only for lst in data)
        ):
            continue
        exposed = next((lst for lst in data if lst.all_interfaces), None)
        if exposed and db_proxy:
            report(
                "PAT-AMBASSADOR-LOOPBACK",
                "warning",
                f"{entry.path}.{exposed.path}",
                f"database proxy {entry.name!r} accepts connections on all interfaces (port {exposed.port}): "
                "anyone who reaches the pod IP uses its database credentials",
                "bind its data listener to 127.0.0.1 (its health endpoint may stay on 0.0.0.0)",
                container=entry.name,
            )
        else:
            report(
                "PAT-AMBASSADOR-LOOPBACK",
                "info",
                entry.path,
                f"ambassador {entry.name!r} does not bind only to 127.0.0.1; an outbound proxy need not be "
                "reachable on the pod IP",
                "bind it to 127.0.0.1 (e.g. --address=127.0.0.1) and keep it out of Services",
                container=entry.name,
            )


def _clash(a: Listener, b: Listener) -> bool:
    """Whether two binds of one port collide: unless both name different specific addresses."""
    specific = {h for h in (a.host, b.host) if h is not None and h not in ("", "0.0.0.0", "*", "::", "[::]")}
    return not (len(specific) == 2 and a.host != b.host)


def _flag_port_conflicts(wired: Wiring, concurrent: list[Entry], mesh: Mesh, report: _Report) -> None:
    seen: dict[tuple[int, str], Listener] = {}
    order = [e for e in concurrent if e.native] + [e for e in concurrent if not e.native]
    by_name = {e.name: e for e in order}
    for entry in order:
        own: set[tuple[int, str]] = set()
        # A declared port says nothing about the address; a flag that binds the same port to a
        # named address (`--secure-listen-address=[$(IP)]:9100`) does, so it speaks for the port.
        for listener in sorted(_listeners(wired, entry), key=lambda lst: lst.host is None):
            if listener.source == "probe":
                continue
            key = (listener.port, listener.protocol)
            if key in own:
                continue
            own.add(key)
            first = seen.get(key)
            if first is None:
                seen[key] = listener
                continue
            if first.container == entry.name or not _clash(first, listener):
                continue
            if first.source == "port" and listener.source == "port":
                continue  # declared against declared: patterns.py reports it as an error
            if _health_port_served_by_helper(wired, first, listener):
                continue
            report(
                "PAT-PORT-CONFLICT",
                "warning",
                f"{entry.path}.{listener.path}",
                f"{entry.name!r} listens on {listener.protocol} port {listener.port} ({_evidence(listener)}), "
                f"as {first.container!r} does ({_evidence(first)}); containers share one network namespace, "
                "so the second bind fails",
                "give one of them another port",
                container=by_name[entry.name].name,
            )


def _health_port_served_by_helper(wired: Wiring, a: Listener, b: Listener) -> bool:
    """The CSI pattern: the plugin declares (and probes) its `healthz` port, which the
    livenessprobe helper serves (`--health-port=9808`); ports are pod-wide, so one bind, no clash."""
    for declared, served in ((a, b), (b, a)):
        if declared.source != "port" or served.source not in ("flag", "env") or served.purpose != "health":
            continue
        probed = any(
            lst.source == "probe" and lst.port == declared.port
            for lst in wired.listeners.get(declared.container, [])
        )
        own_bind = any(
            lst.source in ("flag", "env", "config") and lst.port == declared.port
            for lst in wired.listeners.get(declared.container, [])
        )
        if (declared.purpose == "health" or probed) and not own_bind:
            return True
    return False


def _evidence(listener: Listener) -> str:
    return {
        "port": "declared",
        "flag": "by its flags",
        "env": "by its env",
        "config": "by its config file",
    }.get(listener.source, listener.source)
