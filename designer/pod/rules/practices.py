"""Practice rules (RULES.md §2, LINT-*): hygiene checks in the spirit of kube-linter, Polaris, kube-score.

Applied to the main, classic helpers and native sidecars; run-to-completion init containers get
the resource checks only (they do not serve, so probes and most hardening advice do not fit).
Deviations from the linters, on purpose:
- LINT-PULL-POLICY fires only on an explicit imagePullPolicy other than Always on an image not
  pinned by digest (the defaulted IfNotPresent on a tagged image is fine for most teams).
- LINT-PROBE-READINESS / LINT-PROBE-LIVENESS skip pods that run to completion (Jobs).
- LINT-HARDENING is one finding per container listing the safe settings it lacks (runAsNonRoot,
  allowPrivilegeEscalation: false, readOnlyRootFilesystem, capabilities.drop ALL/NET_RAW, a
  seccomp profile) in place of five: LINT-RUN-AS-NONROOT, LINT-CAPABILITIES now only report what
  a container does (runs as UID 0, adds a dangerous capability), and LINT-PRIV-ESCALATION,
  LINT-RO-ROOTFS and LINT-SECCOMP are pieces of LINT-HARDENING (their waivers drop the piece).
  For a helper, what it does (privileged, dangerous capabilities, root) is said once by
  PAT-HELPER-HARDENING; lint() drops LINT-PRIVILEGED/CAPABILITIES/RUN-AS-NONROOT there.
- Windows pods (spec.os.name: windows) get no advice the API server forbids there; injected mesh
  proxies keep the capabilities and the root init their mesh needs.
"""

from __future__ import annotations

import re
from typing import Any

from designer.pod.findings import Finding
from designer.pod.resources import container_quantities
from designer.pod.roles import Role
from designer.pod.rules.context import LintContext
from designer.pod.rules.fieldpath import as_dict, as_list
from designer.pod.rules.patterns import (
    DANGEROUS_CAPABILITIES,
    Entry,
    entries,
    is_kubelet_plugin,
    items,
    wiring,
)
from designer.pod.rules.waivers import WAIVERS_ANNOTATION, Waiver, parse_waivers

_SECRET_NAME = re.compile(r"PASSW(OR)?D|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY", re.I)
_SECRET_VALUE = re.compile(
    r"^(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}|xox[bap]-)"
)
_NOT_SECRET_VALUE = re.compile(r"^(/|\$\(|\{\{|true$|false$|[0-9]+$)", re.I)
_SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
}
_SENSITIVE_HOST_PATHS = (
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/var/run",
    "/run",
    "/boot",
    "/dev",
    "/var/lib/kubelet",
)


def check(ctx: LintContext) -> list[Finding]:
    """All LINT-* findings for the pod of ctx.document."""
    findings: list[Finding] = []
    spec = ctx.spec
    pod_sc = as_dict(spec.get("securityContext"))
    restart = spec.get("restartPolicy")
    batch = restart in ("Never", "OnFailure") or (restart is None and ctx.kind in ("Job", "CronJob"))
    waivers = _waived(ctx)
    # An injector rewrites the app's probes to the proxy's status port (Istio: 15020, the
    # proxy's own readiness: 15021; Linkerd admin: 4191), which no container declares.
    mesh = ctx.mesh  # the one mesh detection, shared with roles and the PAT layer
    mesh_ports = _MESH_STATUS_PORTS if mesh else set()
    for entry in entries(ctx):
        findings.extend(_resources(entry))
        if entry.run_to_completion:
            continue
        findings.extend(_image(entry))
        if not batch:
            findings.extend(_probes_missing(ctx, entry))
        served = {
            lst.port
            for lst in wiring(ctx).listeners.get(entry.name, [])
            if lst.source in ("flag", "env", "config")
        }
        findings.extend(_probes(entry, mesh_ports | served))
        findings.extend(_security(ctx, entry, pod_sc, waivers, entry.name in mesh))
        findings.extend(_ports_and_env(entry))
    findings.extend(_pod(ctx, pod_sc))
    return findings


def _f(rule: str, severity: Any, path: str, message: str, hint: str, entry: Entry | None) -> Finding:
    return Finding(rule, severity, path, message, hint=hint, container=entry.name if entry else None)


def _image(entry: Entry) -> list[Finding]:
    found: list[Finding] = []
    image = entry.container.get("image")
    if not isinstance(image, str) or not image.strip():
        return found
    image = image.strip()
    pinned = "@" in image
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    if not pinned and tag in ("", "latest"):
        found.append(
            _f(
                "LINT-IMAGE-TAG",
                "warning",
                f"{entry.path}.image",
                f"image {image!r} has {'the tag latest' if tag else 'no tag'}; what runs changes without notice",
                "pin a version tag or a digest",
                entry,
            )
        )
    policy = entry.container.get("imagePullPolicy")
    if isinstance(policy, str) and policy != "Always" and not pinned:
        found.append(
            _f(
                "LINT-PULL-POLICY",
                "info",
                f"{entry.path}.imagePullPolicy",
                f"imagePullPolicy {policy}: a node may run a stale copy of a re-pushed tag",
                "use Always, or pin the image by digest",
                entry,
            )
        )
    return found


def _resources(entry: Entry) -> list[Finding]:
    found = []
    requests, limits = container_quantities(entry.container)
    base = f"{entry.path}.resources"
    missing = [r for r in ("cpu", "memory") if r not in requests]
    if missing:
        found.append(
            _f(
                "LINT-RES-REQUESTS",
                "warning",
                f"{base}.requests",
                f"{entry.name!r} sets no {' or '.join(missing)} request; the scheduler cannot place it reliably",
                "set resources.requests.cpu and .memory",
                entry,
            )
        )
    if "memory" not in limits:
        found.append(
            _f(
                "LINT-RES-LIMITS",
                "warning",
                f"{base}.limits",
                f"{entry.name!r} sets no memory limit; one leak can starve the node",
                "set resources.limits.memory",
                entry,
            )
        )
    if "ephemeral-storage" not in requests or "ephemeral-storage" not in limits:
        found.append(
            _f(
                "LINT-RES-EPHEMERAL",
                "info",
                base,
                f"{entry.name!r} sets no ephemeral-storage request and limit",
                "set resources.requests/limits.ephemeral-storage",
                entry,
            )
        )
    unequal = [r for r in ("cpu", "memory") if r in limits and r in requests and limits[r] != requests[r]]
    if unequal:
        found.append(
            _f(
                "LINT-RES-EQUAL",
                "info",
                base,
                f"{entry.name!r}: {' and '.join(unequal)} requests differ from limits (not Guaranteed QoS)",
                "set requests equal to limits for Guaranteed QoS",
                entry,
            )
        )
    return found


def _serves(entry: Entry) -> bool:
    return bool(entry.container.get("ports"))


def _fronts_main(ctx: LintContext, entry: Entry) -> bool:
    """An inbound helper (oauth2-proxy, an Envoy in front): it forwards to the main's port."""
    main = next((name for name, role in ctx.roles.items() if role == Role.MAIN), None)
    return any(
        link.target == main and link.via.kind == "forward" for link in wiring(ctx).links_from(entry.name)
    )


def _probes_missing(ctx: LintContext, entry: Entry) -> list[Finding]:
    found: list[Finding] = []
    is_main = ctx.role(entry.name) == Role.MAIN
    if not (is_main or _serves(entry)):
        return found
    # The pod is ready only when every container is: a readinessProbe on a helper that serves
    # metrics or an in-pod service (an exporter, a reloader, a cache) takes the whole pod out of
    # its Services when that helper hiccups. Only helpers in front of the main need one.
    if not is_main and not _fronts_main(ctx, entry):
        return found
    purposes = {lst.purpose for lst in wiring(ctx).listeners.get(entry.name, []) if lst.source == "port"}
    if is_main and purposes and purposes <= {"health", "metrics"}:
        return found  # it serves only its health or metrics port (a CSI node plugin): no traffic to gate
    who = "the main container" if is_main else "a helper that serves ports"
    if not entry.container.get("readinessProbe"):
        found.append(
            _f(
                "LINT-PROBE-READINESS",
                "warning",
                f"{entry.path}.readinessProbe",
                f"{entry.name!r} ({who}) has no readinessProbe; traffic reaches it before it is ready",
                "add a readinessProbe",
                entry,
            )
        )
    if not entry.container.get("livenessProbe"):
        found.append(
            _f(
                "LINT-PROBE-LIVENESS",
                "info",
                f"{entry.path}.livenessProbe",
                f"{entry.name!r} ({who}) has no livenessProbe; a hung process is not restarted",
                "add a livenessProbe",
                entry,
            )
        )
    return found


def _probes(entry: Entry, mesh_ports: set[int]) -> list[Finding]:
    found = []
    container = entry.container
    liveness, readiness = container.get("livenessProbe"), container.get("readinessProbe")
    if isinstance(liveness, dict) and liveness and liveness == readiness:
        found.append(
            _f(
                "LINT-PROBE-IDENTICAL",
                "warning",
                f"{entry.path}.livenessProbe",
                f"{entry.name!r} has identical liveness and readiness probes; a slow moment restarts the container",
                "make the liveness probe more lenient (higher failureThreshold) or check something else",
                entry,
            )
        )
    names = {p.get("name") for _, p in items(container, "ports") if isinstance(p.get("name"), str)}
    numbers = {p.get("containerPort") for _, p in items(container, "ports")}
    for probe_key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_key)
        if not isinstance(probe, dict):
            continue
        for handler in ("httpGet", "tcpSocket", "grpc"):
            action = probe.get(handler)
            if not isinstance(action, dict) or "port" not in action:
                continue
            port = action["port"]
            path = f"{entry.path}.{probe_key}.{handler}.port"
            if isinstance(port, str) and not (port.isascii() and port.isdigit()):
                if port not in names:
                    found.append(
                        _f(
                            "LINT-PROBE-PORT",
                            "error",
                            path,
                            f"{probe_key} of {entry.name!r} uses port name {port!r}, which the container does "
                            "not declare; the kubelet cannot resolve it",
                            "declare a port with that name, or use the number",
                            entry,
                        )
                    )
            elif (
                isinstance(port, int | str)
                and not isinstance(port, bool)
                and int(port) not in numbers | mesh_ports
            ):
                found.append(
                    _f(
                        "LINT-PROBE-PORT",
                        "warning",
                        path,
                        f"{probe_key} of {entry.name!r} checks port {port}, which the container does not declare",
                        "declare the port, or probe the one it serves",
                        entry,
                    )
                )
    return found


# The pieces of LINT-HARDENING and the ids they had when each was a finding of its own: a waiver
# of an old id (for a container or the pod) still drops that piece.
HARDENING_PIECES: dict[str, str] = {
    "runAsNonRoot": "LINT-RUN-AS-NONROOT",
    "allowPrivilegeEscalation": "LINT-PRIV-ESCALATION",
    "readOnlyRootFilesystem": "LINT-RO-ROOTFS",
    "capabilities.drop": "LINT-CAPABILITIES",
    "seccompProfile": "LINT-SECCOMP",
}
# Fields the API server forbids in a Windows pod (validateWindows in pkg/apis/core/validation):
# advising them there turns a valid pod into a rejected one.
_LINUX_ONLY = {"allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities.drop", "seccompProfile"}
# What an injected mesh proxy needs to do its job: the iptables init adds these and runs as root.
_MESH_CAPABILITIES = {"NET_ADMIN", "NET_RAW"}
_MESH_STATUS_PORTS = {15020, 15021, 4191}


def is_windows(ctx: LintContext) -> bool:
    os_field = as_dict(ctx.spec.get("os"))
    return os_field.get("name") == "windows"


def _waived(ctx: LintContext) -> list[Waiver]:
    annotations = ctx.metadata.get("annotations")
    value = annotations.get(WAIVERS_ANNOTATION) if isinstance(annotations, dict) else None
    try:
        return parse_waivers(value) if isinstance(value, str) else []
    except ValueError:
        return []  # lint() reports the broken annotation (LINT-WAIVER-INVALID)


def _lacks(entry: Entry, pod_sc: dict[str, Any], windows: bool, mesh: bool) -> list[str]:
    """The hardening settings a container leaves at their unsafe default."""
    sc = as_dict(entry.container.get("securityContext"))

    def effective(key: str) -> Any:
        return sc[key] if key in sc else pod_sc.get(key)

    user = effective("runAsUser")
    lacking = []
    # An explicit UID 0 is reported as what the container does (LINT-RUN-AS-NONROOT, or
    # PAT-HELPER-HARDENING for a helper): listing runAsNonRoot as lacking too would say it twice.
    if effective("runAsNonRoot") is not True and not (
        isinstance(user, int) and not isinstance(user, bool) and user >= 0
    ):
        lacking.append("runAsNonRoot")
    if sc.get("allowPrivilegeEscalation") is not False and sc.get("privileged") is not True:
        lacking.append("allowPrivilegeEscalation")
    if sc.get("readOnlyRootFilesystem") is not True:
        lacking.append("readOnlyRootFilesystem")
    dropped = {
        c.upper().removeprefix("CAP_")
        for c in as_list(as_dict(sc.get("capabilities")).get("drop"))
        if isinstance(c, str)
    }
    if not dropped & {"ALL", "NET_RAW"}:
        lacking.append("capabilities.drop")
    seccomp = effective("seccompProfile")
    if (seccomp.get("type") if isinstance(seccomp, dict) else None) not in ("RuntimeDefault", "Localhost"):
        lacking.append("seccompProfile")
    if windows:
        lacking = [piece for piece in lacking if piece not in _LINUX_ONLY]
    if mesh:
        # The proxy's injector sets its own context; its capabilities are the mesh's to choose.
        lacking = [piece for piece in lacking if piece != "capabilities.drop"]
    return lacking


def _hardening(
    ctx: LintContext, entry: Entry, pod_sc: dict[str, Any], waivers: list[Waiver], mesh: bool
) -> list[Finding]:
    lacking = [
        piece
        for piece in _lacks(entry, pod_sc, is_windows(ctx), mesh)
        if not any(w.rule == HARDENING_PIECES[piece] and w.container in (None, entry.name) for w in waivers)
    ]
    if not lacking:
        return []
    only_seccomp = lacking == ["seccompProfile"]
    return [
        _f(
            "LINT-HARDENING",
            "info" if only_seccomp else "warning",
            f"{entry.path}.securityContext",
            f"{entry.name!r} lacks {', '.join(lacking)}",
            "set "
            + ", ".join(
                {
                    "runAsNonRoot": "runAsNonRoot: true",
                    "allowPrivilegeEscalation": "allowPrivilegeEscalation: false",
                    "readOnlyRootFilesystem": "readOnlyRootFilesystem: true (mount emptyDirs where it writes)",
                    "capabilities.drop": 'capabilities.drop: ["ALL"]',
                    "seccompProfile": "seccompProfile.type: RuntimeDefault",
                }[piece]
                for piece in lacking
            ),
            entry,
        )
    ]


def _security(
    ctx: LintContext, entry: Entry, pod_sc: dict[str, Any], waivers: list[Waiver], mesh: bool
) -> list[Finding]:
    """What a container does that is unsafe (root, privileged, risky capabilities, unmasked /proc),
    each a finding, plus one LINT-HARDENING finding listing the safe settings it lacks."""
    found = _hardening(ctx, entry, pod_sc, waivers, mesh)
    sc = as_dict(entry.container.get("securityContext"))
    base = f"{entry.path}.securityContext"
    user = sc["runAsUser"] if "runAsUser" in sc else pod_sc.get("runAsUser")
    if user == 0 and not isinstance(user, bool) and not (mesh and entry.run_to_completion):
        found.append(
            _f(
                "LINT-RUN-AS-NONROOT",
                # A kubelet plugin writes its sockets into root-owned host directories.
                "info" if is_kubelet_plugin(ctx.spec) else "warning",
                f"{base}.runAsUser",
                f"{entry.name!r} runs as root (UID 0)",
                "run as a non-zero UID",
                entry,
            )
        )
    bidirectional = any(
        m.get("mountPropagation") == "Bidirectional" for _, m in items(entry.container, "volumeMounts")
    )
    if sc.get("privileged") is True and bidirectional:
        found.append(
            _f(
                "LINT-PRIVILEGED",
                "info",
                f"{base}.privileged",
                f"{entry.name!r} is privileged, as its Bidirectional mount propagation requires (a CSI node "
                "plugin, a storage agent): expected",
                "",
                entry,
            )
        )
    elif sc.get("privileged") is True:
        found.append(
            _f(
                "LINT-PRIVILEGED",
                "warning",
                f"{base}.privileged",
                f"{entry.name!r} is privileged: full host access",
                "remove privileged: true",
                entry,
            )
        )
    add = as_list(as_dict(sc.get("capabilities")).get("add"))
    for k, cap in enumerate(add):
        name = cap.upper().removeprefix("CAP_") if isinstance(cap, str) else ""
        if name in DANGEROUS_CAPABILITIES and not (mesh and name in _MESH_CAPABILITIES):
            found.append(
                _f(
                    "LINT-CAPABILITIES",
                    "warning",
                    f"{base}.capabilities.add[{k}]",
                    f"{entry.name!r} adds the dangerous capability {cap}",
                    "remove it",
                    entry,
                )
            )
    if sc.get("procMount") == "Unmasked":
        found.append(
            _f(
                "LINT-PROCMOUNT-SYSCTLS",
                "warning",
                f"{base}.procMount",
                f"{entry.name!r} mounts /proc unmasked",
                "remove procMount: Unmasked",
                entry,
            )
        )
    return found


def _ports_and_env(entry: Entry) -> list[Finding]:
    found = []
    for j, port in items(entry.container, "ports"):
        number, host_port = port.get("containerPort"), port.get("hostPort")
        if isinstance(host_port, int) and not isinstance(host_port, bool) and host_port > 0:
            found.append(
                _f(
                    "LINT-HOSTPORT",
                    "warning",
                    f"{entry.path}.ports[{j}].hostPort",
                    f"{entry.name!r} binds host port {host_port}; it limits scheduling and exposes the node",
                    "use a Service instead",
                    entry,
                )
            )
        if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 1024:
            what = "the SSH port" if number == 22 else "a privileged port (< 1024)"
            found.append(
                _f(
                    "LINT-PORTS",
                    "info",
                    f"{entry.path}.ports[{j}].containerPort",
                    f"{entry.name!r} declares {what}: {number}",
                    "serve on a port >= 1024",
                    entry,
                )
            )
    seen: set[str] = set()
    for j, var in items(entry.container, "env"):
        name, value = var.get("name"), var.get("value")
        if not isinstance(name, str):
            continue
        if name in seen:
            found.append(
                _f(
                    "LINT-ENV-DUP",
                    "warning",
                    f"{entry.path}.env[{j}].name",
                    f"{entry.name!r} defines env {name!r} twice; the later one wins and apply may drop it",
                    "remove one of them",
                    entry,
                )
            )
        seen.add(name)
        if isinstance(value, str) and value.strip():
            named = _SECRET_NAME.search(name) and not _NOT_SECRET_VALUE.match(value.strip())
            if named or _SECRET_VALUE.match(value.strip()):
                found.append(
                    _f(
                        "LINT-ENV-SECRETS",
                        "warning",
                        f"{entry.path}.env[{j}].value",
                        f"{entry.name!r} has a secret-looking literal in env {name!r}",
                        "use valueFrom.secretKeyRef",
                        entry,
                    )
                )
    return found


def _pod(ctx: LintContext, pod_sc: dict[str, Any]) -> list[Finding]:
    found = []
    spec, base = ctx.spec, ctx.spec_path
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            found.append(
                _f(
                    "LINT-HOST-NAMESPACES",
                    "warning",
                    f"{base}.{key}",
                    f"{key}: true shares the node's namespace with the pod",
                    f"remove {key}",
                    None,
                )
            )
    # A kubelet plugin (CSI node plugin, device plugin) registers through plugins_registry and
    # must reach the kubelet's directories and /dev: no emptyDir can stand in for them.
    kubelet_plugin = is_kubelet_plugin(spec)
    for k, volume in items(spec, "volumes"):
        host_path = volume.get("hostPath")
        if not isinstance(host_path, dict):
            continue
        if kubelet_plugin and str(host_path.get("path", "")).startswith(
            ("/var/lib/kubelet", "/dev", "/sys", "/run/udev")
        ):
            found.append(
                _f(
                    "LINT-HOSTPATH",
                    "info",
                    f"{base}.volumes[{k}].hostPath",
                    f"volume {volume.get('name')!r} mounts host path {host_path.get('path')!r}, which a kubelet "
                    "plugin needs: expected",
                    "",
                    None,
                )
            )
            continue
        path = host_path.get("path")
        where = path if isinstance(path, str) else ""
        flags = []
        if "docker.sock" in where or "containerd.sock" in where or "crio.sock" in where:
            flags.append("container runtime socket")
        elif where.rstrip("/") in {p.rstrip("/") for p in _SENSITIVE_HOST_PATHS} or where == "/":
            flags.append("sensitive host directory")
        detail = f" ({', '.join(flags)})" if flags else ""
        found.append(
            _f(
                "LINT-HOSTPATH",
                "warning",
                f"{base}.volumes[{k}].hostPath",
                f"volume {volume.get('name')!r} mounts host path {where!r}{detail}",
                "use emptyDir, configMap or a PVC",
                None,
            )
        )
    sysctls = pod_sc.get("sysctls")
    if isinstance(sysctls, list):
        for k, sysctl in enumerate(sysctls):
            name = sysctl.get("name") if isinstance(sysctl, dict) else None
            if isinstance(name, str) and name not in _SAFE_SYSCTLS:
                found.append(
                    _f(
                        "LINT-PROCMOUNT-SYSCTLS",
                        "warning",
                        f"{base}.securityContext.sysctls[{k}].name",
                        f"sysctl {name!r} is not in the safe set; the kubelet must allow it explicitly",
                        "use a safe sysctl or drop it",
                        None,
                    )
                )
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if account in (None, "", "default"):
        found.append(
            _f(
                "LINT-SERVICE-ACCOUNT",
                "info",
                f"{base}.serviceAccountName",
                "the pod runs as the namespace's default service account",
                "create a dedicated service account",
                None,
            )
        )
    if spec.get("automountServiceAccountToken") is not False:
        found.append(
            _f(
                "LINT-SERVICE-ACCOUNT",
                "info",
                f"{base}.automountServiceAccountToken",
                "the service account token is mounted into every container",
                "set automountServiceAccountToken: false unless the pod calls the API",
                None,
            )
        )
    return found
