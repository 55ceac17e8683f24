"""Pattern rules about how containers are wired (PAT-*, issue 11): meshes, loopback, protocols.

Everything here reads the pod's wiring from the one link model (designer/pod/links.py, through
patterns.wiring) and the mesh from designer/pod/roles.Mesh, so the diagram and these rules see
the same links. Rule ids:

- PAT-MESH-INIT (info): a mesh's iptables or validation init container is expected; the CNI
  plugin removes the need for NET_ADMIN in the pod.
- PAT-MESH-LOOPBACK-BIND (warning): under Istio (which forwards inbound traffic to the pod IP
  since 1.10) or Linkerd (to the original destination, the pod IP, since stable-2.11: linkerd2
  issue 6495, linkerd2-proxy PR 1161) an app serves a declared port on 127.0.0.1 only: the
  proxy cannot reach it.
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
- PAT-INBOUND-PROXY-BYPASS (warning): an auth proxy (oauth2-proxy, kube-rbac-proxy, an envoy or
  nginx with auth config) forwards to the main on localhost, but the main serves that port on
  the pod IP too (an explicit 0.0.0.0 bind, or a Service targets it): clients skip the proxy.
- PAT-PORT-CONFLICT (warning when the evidence is a flag or a config file): two concurrent
  containers listen on the same port and protocol.
"""

from __future__ import annotations

import re
from typing import Any

from designer.pod.evidence import lifecycle
from designer.pod.findings import Finding
from designer.pod.links import Link, Listener, Wiring
from designer.pod.roles import Mesh, Role, image_basename, inbound_forward, run_as_user
from designer.pod.rules.context import LintContext
from designer.pod.rules.patterns import Entry, _Report, port_numbers, wiring
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
# Meshes whose proxy forwards inbound traffic to the pod IP, with the release that changed it:
# Istio 1.10; Linkerd stable-2.11 (edge-21.9), before which its proxy forwarded to 127.0.0.1.
_POD_IP_MESHES = {"istio": "Istio proxy (since 1.10)", "linkerd": "Linkerd proxy (since stable-2.11)"}
_LINKERD_VERSION = re.compile(r"^(?:stable|enterprise)-2\.([0-9]+)|^edge-([0-9]+)\.([0-9]+)")


def _forwards_to_pod_ip(ctx: LintContext, mesh: Mesh) -> list[str]:
    """The meshes of the pod whose proxy forwards inbound traffic to the pod IP."""
    result = []
    for kind in sorted(mesh.meshes & set(_POD_IP_MESHES)):
        if kind == "linkerd":
            annotations = ctx.metadata.get("annotations")
            version = annotations.get("linkerd.io/proxy-version") if isinstance(annotations, dict) else None
            match = _LINKERD_VERSION.match(version) if isinstance(version, str) else None
            if match and (
                match[1] and int(match[1]) < 11 or match[2] and (int(match[2]), int(match[3])) < (21, 9)
            ):
                continue  # an older proxy still forwards to localhost
        result.append(_POD_IP_MESHES[kind])
    return result


def check(ctx: LintContext, all_entries: list[Entry], roles: dict[str, Role | None]) -> list[Finding]:
    report = _Report()
    mesh = ctx.mesh
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
    _inbound_proxy_bypass(ctx, wired, concurrent, roles, report)
    return report.findings


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
    meshes = _forwards_to_pod_ip(ctx, mesh)
    if not meshes:
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
                    f"{entry.name!r} serves port {listener.port} on {listener.host} only, but the "
                    f"{' and '.join(meshes)} forwards inbound traffic to the pod IP: requests to "
                    "this port fail",
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


# What says an inbound proxy authenticates (or authorizes) the requests it forwards: its flags,
# env and mounted config (oauth2-proxy's --client-id, kube-rbac-proxy's SubjectAccessReview,
# nginx auth_request / auth_basic, envoy's ext_authz / jwt_authn filters).
_AUTH_WORDS = re.compile(
    r"(?<![a-z])auth(?:[-_ ]|n\b|z\b|enticat|ori[sz]ation)|oauth|oidc|openid|client[-_.]?id|"
    r"cookie[-_.]?secret|jwt|htpasswd|ext_authz|rbac|tokenreview|subjectaccessreview",
    re.I,
)
_TOKEN = re.compile(r"[\w.-]+")
_AUTH_PROXY_IMAGES = frozenset({"oauth2-proxy", "kube-rbac-proxy", "oauth2_proxy", "pomerium"})


def _auth_evidence(ctx: LintContext, entry: Entry) -> str | None:
    """Why `entry` (a helper that forwards to the main) is an auth proxy, or None."""
    base = image_basename(entry.container.get("image"))
    if base in _AUTH_PROXY_IMAGES:
        return f"the {base} image"
    texts = [
        (key, value)
        for key in ("command", "args")
        for value in entry.container.get(key) or []
        if isinstance(value, str)
    ]
    texts += [
        ("env", f"{var.get('name')}={var.get('value') or ''}")
        for var in entry.container.get("env") or []
        if isinstance(var, dict)
    ]
    texts += [(f"config file {name}", content) for name, content, _ in _config_files(ctx, entry)]
    for where, text in texts:
        match = _AUTH_WORDS.search(text)
        if match:
            token = next(t[0] for t in _TOKEN.finditer(text) if t.start() <= match.start() < t.end())
            return f"{token.strip('-')!r} in its {where if where != 'args' else 'arguments'}"
    return None


def _config_files(ctx: LintContext, entry: Entry) -> list[tuple[str, str, str]]:
    from designer.pod.links import mounted_config_files

    return mounted_config_files(entry.container, ctx.spec, ctx.companions)


def _selects(service: dict[str, Any], labels: dict[str, Any]) -> bool:
    spec = service.get("spec")
    selector = spec.get("selector") if isinstance(spec, dict) else None
    return (
        isinstance(selector, dict) and bool(selector) and all(labels.get(k) == v for k, v in selector.items())
    )


def _service_to(ctx: LintContext, entry: Entry, port: int) -> str | None:
    """The name of a Service in the stream that selects the pod and sends traffic to `port`."""
    labels = ctx.metadata.get("labels")
    labels = labels if isinstance(labels, dict) else {}
    names = {
        p.get("name")
        for p in entry.container.get("ports") or []
        if isinstance(p, dict) and p.get("containerPort") == port and isinstance(p.get("name"), str)
    }
    for document in ctx.companions:
        if document.get("kind") != "Service" or not _selects(document, labels):
            continue
        spec = document.get("spec")
        for item in spec.get("ports") or [] if isinstance(spec, dict) else []:
            if not isinstance(item, dict):
                continue
            target = item.get("targetPort", item.get("port"))
            if target == port or target in names:
                metadata = document.get("metadata")
                name = metadata.get("name") if isinstance(metadata, dict) else None
                return str(name or "a Service")
    return None


def _inbound_proxy_bypass(
    ctx: LintContext, wired: Wiring, concurrent: list[Entry], roles: dict[str, Role | None], report: _Report
) -> None:
    """PAT-INBOUND-PROXY-BYPASS: an auth proxy forwards to the main on localhost, but the main
    serves that port on the pod IP too, so a client inside the cluster skips the proxy.

    Evidence needed on both ends: a forward link from a helper (its upstream flag or config) to
    the main, auth evidence on the helper (its image, flags, env or config), and on the main an
    explicit all-interfaces bind of that port, a Service of the stream that targets it, or a
    probe of it (the kubelet connects to the pod IP). A main bound to 127.0.0.1 passes; a
    declared port of unknown bind address says nothing by itself.
    """
    mains = [e for e in concurrent if roles.get(e.name) == Role.MAIN]
    reported: set[tuple[str, int]] = set()
    for proxy in concurrent:
        if roles.get(proxy.name) in (Role.MAIN, Role.MESH_PROXY):
            continue
        for main in mains:
            link = inbound_forward(wired, proxy.name, main.name)
            if link is not None and (main.name, link.port) not in reported:
                _report_bypass(ctx, wired, proxy, main, link, reported, report)


def _report_bypass(
    ctx: LintContext,
    wired: Wiring,
    proxy: Entry,
    main: Entry,
    link: Link,
    reported: set[tuple[str, int]],
    report: _Report,
) -> None:
    """One inbound proxy in front of one main: report when the main is reachable without it."""
    on_port = [lst for lst in _listeners(wired, main) if lst.port == link.port]
    at_port = [lst for lst in on_port if lst.source != "probe"]
    if not on_port or any(lst.loopback_only for lst in at_port):
        return
    auth = _auth_evidence(ctx, proxy)
    if auth is None:
        return
    explicit = next((lst for lst in at_port if lst.all_interfaces), None)
    service = _service_to(ctx, main, link.port)
    # The kubelet probes the pod IP: a probe of that port (with no loopback bind in sight)
    # says the main serves it there.
    probed = next((lst for lst in on_port if lst.source == "probe"), None)
    if explicit is None and service is None and probed is None:
        return
    reported.add((main.name, link.port))
    if explicit is not None:
        where = f"binds {explicit.host}:{link.port} (every interface)"
        if service:
            where += f" and Service {service!r} targets that port"
    elif service is not None:
        where = f"is reached on port {link.port} directly by Service {service!r}"
    else:
        probe = probed.path.split(".")[0] if probed is not None else "probe"
        where = f"serves port {link.port} on the pod IP (its {probe} checks it there)"
    listener = explicit or next((lst for lst in at_port if lst.source == "port"), (at_port or on_port)[0])
    report(
        "PAT-INBOUND-PROXY-BYPASS",
        "warning",
        f"{main.path}.{listener.path}",
        f"{proxy.name!r} guards {main.name!r} (auth: {auth}) and forwards to localhost:{link.port}, but "
        f"{main.name!r} {where}: a client inside the cluster reaches it on the "
        "pod IP and skips the proxy",
        f"bind {main.name!r} to 127.0.0.1:{link.port}, declare only the proxy's port and point the Service "
        "at the proxy (or admit only the proxy's port with a NetworkPolicy)",
        container=main.name,
    )
