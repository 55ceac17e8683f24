"""PodSecurity admission (the Pod Security Standards), as the namespace's enforce level judges a pod.

A port of kubernetes staging/src/k8s.io/pod-security-admission/policy: one function per upstream
check (check_<id>.go), with the upstream wording, evaluated with the policy of the target
version. `enforce-version: latest` on a cluster of version V is V's newest policy, so the target
version is the policy version. A Deployment's (or any workload's) pod template is judged as the
pods it creates: admission rejects those pods, not the workload.

Each violated check is one error `K8S-PSS-<CHECK>` per offender (the pod, a container or a
volume, so that a waiver can exempt one container and the diagram can mark it), all with the
admission's own text: `reason (detail)`. Rule ids are the upstream check ids, camelCase split and
upper-cased, `_` -> `-`: allowPrivilegeEscalation -> K8S-PSS-ALLOW-PRIVILEGE-ESCALATION.

Version differences implemented (policy version = target version, 1.25+):
- sysctls: net.ipv4.ip_local_reserved_ports safe from 1.27; tcp_keepalive_time, tcp_fin_timeout,
  tcp_keepalive_intvl, tcp_keepalive_probes from 1.29; tcp_rmem, tcp_wmem from 1.32;
  tcp_slow_start_after_idle, tcp_notsent_lowat from 1.37.
- seLinuxOptions: type container_engine_t allowed from 1.31.
- restrictedVolumes: `image` volumes allowed from 1.33 (before, an unknown volume type).
- appArmorProfile: the securityContext.appArmorProfile fields exist and are checked from 1.30;
  from then the apiserver also syncs the beta annotation and the field before admission
  (applyAppArmorVersionSkew), so an annotation shows up as a container field and a field as an
  annotation in the admission's text.
- hostProbesAndHostLifecycle: a `host` on an httpGet/tcpSocket probe or hook is forbidden from 1.34.
- runAsNonRoot, runAsUser (restricted) and procMount (baseline) are skipped for a pod with
  `hostUsers: false` from 1.35; restricted re-tightens /proc mounts there with procMount_restricted.
- Windows pods (spec.os.name: windows) are exempt from allowPrivilegeEscalation,
  capabilities_restricted and seccompProfile_restricted (all 1.25+, i.e. every supported version).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import ALL_GROUPS, PodView
from designer.pod.rules.context import LintContext
from designer.pod.rules.fieldpath import as_dict, as_list, child, index, key

LEVELS = ("privileged", "baseline", "restricted")
RULE_PREFIX = "K8S-PSS-"

_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def rule_id(check_id: str) -> str:
    """'allowPrivilegeEscalation' -> 'K8S-PSS-ALLOW-PRIVILEGE-ESCALATION' (one definition)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", check_id).replace("_", "-")
    return RULE_PREFIX + words.upper()


@dataclass(frozen=True)
class Offender:
    """What breaks a check: the field's path and the container it belongs to (None: the pod)."""

    path: str
    container: str | None = None


@dataclass(frozen=True)
class Violation:
    check: str
    reason: str
    detail: str
    offenders: tuple[Offender, ...]

    @property
    def message(self) -> str:
        """The admission's own text for this check, as in `violates PodSecurity ...: <message>`."""
        return f"{self.reason} ({self.detail})"


class Pod:
    """The pod as admission sees it: its spec and metadata, the policy version, field paths."""

    def __init__(self, spec: dict[str, Any], metadata: dict[str, Any], version: tuple[int, int], base: str):
        self.spec = spec
        self.version = version
        self.base = base
        self.annotations = {
            str(k): v if isinstance(v, str) else str(v)
            for k, v in as_dict(metadata.get("annotations")).items()
        }
        self.overrides: dict[int, dict[str, Any]] = {}  # container id -> fields the apiserver set
        self.pod_apparmor = as_dict(self.security.get("appArmorProfile")) or None
        if version >= (1, 30):
            self._sync_apparmor()

    @property
    def security(self) -> dict[str, Any]:
        return as_dict(self.spec.get("securityContext"))

    @property
    def windows(self) -> bool:
        return as_dict(self.spec.get("os")).get("name") == "windows"

    @property
    def user_namespaced(self) -> bool:
        return self.spec.get("hostUsers") is False

    def containers(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(path, name, container) of init, regular and ephemeral containers: upstream's visit order."""
        for slot in PodView(self.spec).slots(*ALL_GROUPS):
            yield slot.path(self.base), slot.name or "", slot.container

    def container_security(self, container: dict[str, Any]) -> dict[str, Any]:
        own = as_dict(container.get("securityContext"))
        extra = self.overrides.get(id(container))
        return {**own, **extra} if extra else own

    def _sync_apparmor(self) -> None:
        """applyAppArmorVersionSkew (pkg/registry/core/pod/strategy.go): done before admission."""
        if self.windows:
            return
        for _path, name, container in self.containers():
            annotation_key = _APPARMOR_ANNOTATION + name
            profile = as_dict(as_dict(container.get("securityContext")).get("appArmorProfile")) or None
            if annotation_key not in self.annotations:
                source = profile or self.pod_apparmor
                value = _apparmor_annotation(source) if source else ""
                if value:
                    self.annotations[annotation_key] = value
            elif profile is None:
                field = _apparmor_field(self.annotations[annotation_key])
                if field is not None and field != self.pod_apparmor:
                    self.overrides[id(container)] = {"appArmorProfile": field}


def _apparmor_annotation(profile: dict[str, Any]) -> str:
    kind = profile.get("type")
    if kind == "RuntimeDefault":
        return "runtime/default"
    if kind == "Unconfined":
        return "unconfined"
    name = profile.get("localhostProfile")
    if kind == "Localhost" and isinstance(name, str):
        return "localhost/" + name
    return ""


def _apparmor_field(annotation: str) -> dict[str, Any] | None:
    if annotation == "runtime/default":
        return {"type": "RuntimeDefault"}
    if annotation == "unconfined":
        return {"type": "Unconfined"}
    if annotation.startswith("localhost/") and annotation != "localhost/":
        return {"type": "Localhost", "localhostProfile": annotation.removeprefix("localhost/")}
    return None  # not a valid profile: the apiserver skips copying it


# --- upstream's helpers (policy/helpers.go) ------------------------------------------------------


def _join_quote(items: list[str]) -> str:
    return '"' + '", "'.join(items) + '"' if items else ""


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _go_quote(value: str) -> str:
    """Go's %q for the strings a pod can hold (JSON escaping is the same for printable text)."""
    return json.dumps(value, ensure_ascii=False)


def _containers_phrase(names: list[str]) -> str:
    return f"{_plural('container', 'containers', len(names))} {_join_quote(names)}"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


# --- baseline checks ----------------------------------------------------------------------------


def host_namespaces(pod: Pod) -> Violation | None:
    found = [
        (field, Offender(child(pod.base, field)))
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if pod.spec.get(field) is True
    ]
    if not found:
        return None
    detail = ", ".join(f"{field}=true" for field, _ in found)
    return Violation("hostNamespaces", "host namespaces", detail, tuple(o for _, o in found))


def privileged(pod: Pod) -> Violation | None:
    bad = [
        (name, Offender(f"{path}.securityContext.privileged", name))
        for path, name, c in pod.containers()
        if pod.container_security(c).get("privileged") is True
    ]
    if not bad:
        return None
    names = [n for n, _ in bad]
    detail = f"{_containers_phrase(names)} must not set securityContext.privileged=true"
    return Violation("privileged", "privileged", detail, tuple(o for _, o in bad))


_CAPABILITIES_BASELINE = frozenset(
    [
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    ]
)


def capabilities_baseline(pod: Pod) -> Violation | None:
    names: list[str] = []
    offenders: list[Offender] = []
    forbidden: set[str] = set()
    for path, name, c in pod.containers():
        added = [
            _str(cap) for cap in as_list(as_dict(pod.container_security(c).get("capabilities")).get("add"))
        ]
        extra = [cap for cap in added if cap not in _CAPABILITIES_BASELINE]
        if extra:
            names.append(name)
            offenders.append(Offender(f"{path}.securityContext.capabilities.add", name))
            forbidden.update(extra)
    if not names:
        return None
    detail = (
        f"{_containers_phrase(names)} must not include {_join_quote(sorted(forbidden))} "
        "in securityContext.capabilities.add"
    )
    return Violation("capabilities_baseline", "non-default capabilities", detail, tuple(offenders))


def _volumes(pod: Pod) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for i, volume in enumerate(as_list(pod.spec.get("volumes"))):
        if isinstance(volume, dict):
            yield index(child(pod.base, "volumes"), i), _str(volume.get("name")), volume


def host_path_volumes(pod: Pod) -> Violation | None:
    bad = [
        (name, Offender(f"{path}.hostPath"))
        for path, name, v in _volumes(pod)
        if v.get("hostPath") is not None
    ]
    if not bad:
        return None
    names = [n for n, _ in bad]
    detail = f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)}"
    return Violation("hostPathVolumes", "hostPath volumes", detail, tuple(o for _, o in bad))


def host_ports(pod: Pod) -> Violation | None:
    names: list[str] = []
    offenders: list[Offender] = []
    ports: set[str] = set()
    for path, name, c in pod.containers():
        bad = False
        # Defaulting runs before admission: with hostNetwork, a port's hostPort 0 becomes its
        # containerPort (defaultHostNetworkPorts, regular and init containers only).
        host_network = pod.spec.get("hostNetwork") is True and ".ephemeralContainers[" not in path
        for j, port in enumerate(as_list(c.get("ports"))):
            host_port = as_dict(port).get("hostPort")
            if host_network and host_port in (None, 0):
                host_port = as_dict(port).get("containerPort")
            if isinstance(host_port, int) and not isinstance(host_port, bool) and host_port != 0:
                ports.add(str(host_port))
                if not bad:
                    offenders.append(Offender(f"{path}.ports[{j}].hostPort", name))
                bad = True
        if bad:
            names.append(name)
    if not names:
        return None
    detail = (
        f"{_containers_phrase(names)} {_plural('uses', 'use', len(names))} "
        # upstream keeps the ports in a string set: sorted as text, "31443" before "8080"
        f"{_plural('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}"
    )
    return Violation("hostPorts", "hostPort", detail, tuple(offenders))


def app_armor_profile(pod: Pod) -> Violation | None:
    setters: list[str] = []
    offenders: list[Offender] = []
    values: set[str] = set()
    allowed = ("RuntimeDefault", "Localhost")
    if pod.version >= (1, 30):
        profile = pod.pod_apparmor
        if profile is not None and profile.get("type") not in allowed:
            setters.append("pod")
            values.add(_str(profile.get("type")))
            offenders.append(Offender(child(pod.base, "securityContext.appArmorProfile.type")))
        names = []
        for path, name, c in pod.containers():
            profile = as_dict(pod.container_security(c).get("appArmorProfile")) or None
            if profile is not None and profile.get("type") not in allowed:
                names.append(name)
                values.add(_str(profile.get("type")))
                offenders.append(Offender(f"{path}.securityContext.appArmorProfile.type", name))
        if names:
            setters.append(_containers_phrase(names))
    annotations = sorted(
        f"{k}={_go_quote(v)}"
        for k, v in pod.annotations.items()
        if k.startswith(_APPARMOR_ANNOTATION)
        and not (v in ("", "runtime/default") or v.startswith("localhost/"))
    )
    if annotations:
        setters.append(_plural("annotation", "annotations", len(annotations)))
        metadata = "spec.template.metadata" if pod.base.startswith("spec.template") else "metadata"
        offenders.extend(
            Offender(key(f"{metadata}.annotations", k), k.removeprefix(_APPARMOR_ANNOTATION) or None)
            for k, v in sorted(pod.annotations.items())
            if f"{k}={_go_quote(v)}" in annotations
        )
    if not setters:
        return None
    bad_values = [*sorted(values), *annotations]
    reason = _plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(bad_values))
    detail = f"{' and '.join(setters)} must not set AppArmor profile type to {_join_quote(bad_values)}"
    return Violation("appArmorProfile", reason, detail, tuple(offenders))


_SELINUX_TYPES = frozenset(("", "container_t", "container_init_t", "container_kvm_t"))


def se_linux_options(pod: Pod) -> Violation | None:
    allowed_types = _SELINUX_TYPES | ({"container_engine_t"} if pod.version >= (1, 31) else set())
    bad_types: set[str] = set()
    set_user = set_role = False

    def valid(options: dict[str, Any]) -> bool:
        nonlocal set_user, set_role
        ok = True
        kind = _str(options.get("type"))
        if kind not in allowed_types:
            ok = False
            bad_types.add(kind)
        if _str(options.get("user")):
            set_user = True
            ok = False
        if _str(options.get("role")):
            set_role = True
            ok = False
        return ok

    setters: list[str] = []
    offenders: list[Offender] = []
    pod_options = pod.security.get("seLinuxOptions")
    if isinstance(pod_options, dict) and not valid(pod_options):
        setters.append("pod")
        offenders.append(Offender(child(pod.base, "securityContext.seLinuxOptions")))
    names = []
    for path, name, c in pod.containers():
        options = pod.container_security(c).get("seLinuxOptions")
        if isinstance(options, dict) and not valid(options):
            names.append(name)
            offenders.append(Offender(f"{path}.securityContext.seLinuxOptions", name))
    if names:
        setters.append(_containers_phrase(names))
    if not setters:
        return None
    data = []
    if bad_types:
        data.append(f"{_plural('type', 'types', len(bad_types))} {_join_quote(sorted(bad_types))}")
    if set_user:
        data.append("user may not be set")
    if set_role:
        data.append("role may not be set")
    detail = f"{' and '.join(setters)} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}"
    return Violation("seLinuxOptions", "seLinuxOptions", detail, tuple(offenders))


def proc_mount(pod: Pod) -> Violation | None:
    if pod.version >= (1, 35) and pod.user_namespaced:
        return None
    return _proc_mount(pod, "procMount")


def proc_mount_restricted(pod: Pod) -> Violation | None:
    return _proc_mount(pod, "procMount_restricted")


def _proc_mount(pod: Pod, check: str) -> Violation | None:
    names: list[str] = []
    offenders: list[Offender] = []
    kinds: set[str] = set()
    for path, name, c in pod.containers():
        value = pod.container_security(c).get("procMount")
        if value is not None and value != "Default":
            names.append(name)
            kinds.add(_str(value))
            offenders.append(Offender(f"{path}.securityContext.procMount", name))
    if not names:
        return None
    detail = (
        f"{_containers_phrase(names)} must not set securityContext.procMount to {_join_quote(sorted(kinds))}"
    )
    return Violation(check, "procMount", detail, tuple(offenders))


def _seccomp_ok(profile: dict[str, Any]) -> bool:
    return profile.get("type") in ("RuntimeDefault", "Localhost")


def _seccomp_setters(pod: Pod) -> tuple[list[str], set[str], list[Offender], bool, list[tuple[str, str]]]:
    """Pod and containers that set a bad type; whether the pod sets a good one; containers unset."""
    setters: list[str] = []
    values: set[str] = set()
    offenders: list[Offender] = []
    pod_profile = pod.security.get("seccompProfile")
    pod_ok = False
    if isinstance(pod_profile, dict):
        if _seccomp_ok(pod_profile):
            pod_ok = True
        else:
            setters.append("pod")
            values.add(_str(pod_profile.get("type")))
            offenders.append(Offender(child(pod.base, "securityContext.seccompProfile.type")))
    names = []
    unset: list[tuple[str, str]] = []
    for path, name, c in pod.containers():
        profile = pod.container_security(c).get("seccompProfile")
        if isinstance(profile, dict):
            if not _seccomp_ok(profile):
                names.append(name)
                values.add(_str(profile.get("type")))
                offenders.append(Offender(f"{path}.securityContext.seccompProfile.type", name))
        else:
            unset.append((path, name))
    if names:
        setters.append(_containers_phrase(names))
    return setters, values, offenders, pod_ok, unset


def _seccomp_forbidden(
    check: str, setters: list[str], values: set[str], offenders: list[Offender]
) -> Violation:
    detail = f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to {_join_quote(sorted(values))}"
    return Violation(check, "seccompProfile", detail, tuple(offenders))


def seccomp_profile_baseline(pod: Pod) -> Violation | None:
    setters, values, offenders, _pod_ok, _unset = _seccomp_setters(pod)
    return _seccomp_forbidden("seccompProfile_baseline", setters, values, offenders) if setters else None


_SYSCTLS = {
    (1, 0): (
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ),
    (1, 27): ("net.ipv4.ip_local_reserved_ports",),
    (1, 29): (
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ),
    (1, 32): ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"),
    (1, 37): ("net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"),
}


def safe_sysctls(version: tuple[int, int]) -> frozenset[str]:
    """The sysctls the baseline level allows at a policy version."""
    return frozenset(name for since, names in _SYSCTLS.items() if version >= since for name in names)


def sysctls(pod: Pod) -> Violation | None:
    allowed = safe_sysctls(pod.version)
    base = child(pod.base, "securityContext.sysctls")
    bad = [
        (_str(as_dict(s).get("name")), Offender(index(base, i)))
        for i, s in enumerate(as_list(pod.security.get("sysctls")))
        if _str(as_dict(s).get("name")) not in allowed
    ]
    if not bad:
        return None
    return Violation("sysctls", "forbidden sysctls", ", ".join(n for n, _ in bad), tuple(o for _, o in bad))


def windows_host_process(pod: Pod) -> Violation | None:
    setters: list[str] = []
    offenders: list[Offender] = []
    if as_dict(pod.security.get("windowsOptions")).get("hostProcess") is True:
        setters.append("pod")
        offenders.append(Offender(child(pod.base, "securityContext.windowsOptions.hostProcess")))
    names = []
    for path, name, c in pod.containers():
        if as_dict(pod.container_security(c).get("windowsOptions")).get("hostProcess") is True:
            names.append(name)
            offenders.append(Offender(f"{path}.securityContext.windowsOptions.hostProcess", name))
    if names:
        setters.append(_containers_phrase(names))
    if not setters:
        return None
    detail = f"{' and '.join(setters)} must not set securityContext.windowsOptions.hostProcess=true"
    return Violation("windowsHostProcess", "hostProcess", detail, tuple(offenders))


def host_probes_and_host_lifecycle(pod: Pod) -> Violation | None:
    names: list[str] = []
    hosts: set[str] = set()
    offenders: list[Offender] = []
    for path, name, c in pod.containers():
        handlers = [
            (probe, as_dict(c.get(probe))) for probe in ("livenessProbe", "readinessProbe", "startupProbe")
        ]
        lifecycle = as_dict(c.get("lifecycle"))
        handlers += [(f"lifecycle.{hook}", as_dict(lifecycle.get(hook))) for hook in ("postStart", "preStop")]
        bad = False
        for where, handler in handlers:
            for action in ("httpGet", "tcpSocket"):
                host = _str(as_dict(handler.get(action)).get("host"))
                if host:
                    hosts.add(host)
                    offenders.append(Offender(f"{path}.{where}.{action}.host", name))
                    bad = True
        if bad and name not in names:
            names.append(name)
    if not names:
        return None
    ordered = sorted(names)  # upstream keeps both in sets and lists them sorted
    detail = (
        f"{_containers_phrase(ordered)} {_plural('uses', 'use', len(ordered))} "
        f"{_plural('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))} {_join_quote(sorted(hosts))}"
    )
    return Violation("hostProbesAndHostLifecycle", "probe or lifecycle host", detail, tuple(offenders))


# --- restricted checks --------------------------------------------------------------------------

_ALLOWED_VOLUMES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
# In upstream's switch order: the first one a volume sets names its type.
_RESTRICTED_VOLUMES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)


def restricted_volumes(pod: Pod) -> Violation | None:
    allowed = _ALLOWED_VOLUMES + (("image",) if pod.version >= (1, 33) else ())
    names: list[str] = []
    kinds: set[str] = set()
    offenders: list[Offender] = []
    for path, name, volume in _volumes(pod):
        if any(volume.get(k) is not None for k in allowed):
            continue
        kind = next((k for k in _RESTRICTED_VOLUMES if volume.get(k) is not None), "unknown")
        names.append(name)
        kinds.add(kind)
        offenders.append(Offender(f"{path}.{kind}" if kind != "unknown" else path))
    if not names:
        return None
    detail = (
        f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)} {_plural('uses', 'use', len(names))} "
        f"{_plural('restricted volume type', 'restricted volume types', len(kinds))} {_join_quote(sorted(kinds))}"
    )
    return Violation("restrictedVolumes", "restricted volume types", detail, tuple(offenders))


def allow_privilege_escalation(pod: Pod) -> Violation | None:
    if pod.windows:
        return None
    bad = [
        (name, Offender(f"{path}.securityContext.allowPrivilegeEscalation", name))
        for path, name, c in pod.containers()
        if pod.container_security(c).get("allowPrivilegeEscalation") is not False
    ]
    if not bad:
        return None
    names = [n for n, _ in bad]
    detail = f"{_containers_phrase(names)} must set securityContext.allowPrivilegeEscalation=false"
    return Violation(
        "allowPrivilegeEscalation", "allowPrivilegeEscalation != false", detail, tuple(o for _, o in bad)
    )


def run_as_non_root(pod: Pod) -> Violation | None:
    if pod.version >= (1, 35) and pod.user_namespaced:
        return None
    setters: list[str] = []
    offenders: list[Offender] = []
    pod_value = pod.security.get("runAsNonRoot")
    if pod_value is not None and pod_value is not True:
        setters.append("pod")
        offenders.append(Offender(child(pod.base, "securityContext.runAsNonRoot")))
    explicit: list[str] = []
    implicit: list[tuple[str, str]] = []
    for path, name, c in pod.containers():
        value = pod.container_security(c).get("runAsNonRoot")
        if value is not None:
            if value is not True:
                explicit.append(name)
                offenders.append(Offender(f"{path}.securityContext.runAsNonRoot", name))
        elif pod_value is not True:
            implicit.append((path, name))
    if explicit:
        setters.append(_containers_phrase(explicit))
    if setters:
        detail = f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false"
        return Violation("runAsNonRoot", "runAsNonRoot != true", detail, tuple(offenders))
    if implicit:
        detail = f"pod or {_containers_phrase([n for _, n in implicit])} must set securityContext.runAsNonRoot=true"
        missing = tuple(Offender(f"{p}.securityContext.runAsNonRoot", n) for p, n in implicit)
        return Violation("runAsNonRoot", "runAsNonRoot != true", detail, missing)
    return None


def run_as_user(pod: Pod) -> Violation | None:
    if pod.version >= (1, 35) and pod.user_namespaced:
        return None
    setters: list[str] = []
    offenders: list[Offender] = []
    if _is_zero(pod.security.get("runAsUser")):
        setters.append("pod")
        offenders.append(Offender(child(pod.base, "securityContext.runAsUser")))
    names = []
    for path, name, c in pod.containers():
        if _is_zero(pod.container_security(c).get("runAsUser")):
            names.append(name)
            offenders.append(Offender(f"{path}.securityContext.runAsUser", name))
    if names:
        setters.append(_containers_phrase(names))
    if not setters:
        return None
    return Violation(
        "runAsUser", "runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0", tuple(offenders)
    )


def _is_zero(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def seccomp_profile_restricted(pod: Pod) -> Violation | None:
    if pod.windows:
        return None
    setters, values, offenders, pod_ok, unset = _seccomp_setters(pod)
    if setters:
        return _seccomp_forbidden("seccompProfile_restricted", setters, values, offenders)
    if unset and not pod_ok:
        detail = (
            f"pod or {_containers_phrase([n for _, n in unset])} must set securityContext.seccompProfile.type "
            'to "RuntimeDefault" or "Localhost"'
        )
        missing = tuple(Offender(f"{p}.securityContext.seccompProfile", n) for p, n in unset)
        return Violation("seccompProfile_restricted", "seccompProfile", detail, missing)
    return None


def capabilities_restricted(pod: Pod) -> Violation | None:
    if pod.windows:
        return None
    missing_drop: list[str] = []
    adding: list[str] = []
    forbidden: set[str] = set()
    offenders: list[Offender] = []
    for path, name, c in pod.containers():
        capabilities = pod.container_security(c).get("capabilities")
        if not isinstance(capabilities, dict):
            missing_drop.append(name)
            offenders.append(Offender(f"{path}.securityContext.capabilities", name))
            continue
        if "ALL" not in [_str(cap) for cap in as_list(capabilities.get("drop"))]:
            missing_drop.append(name)
            offenders.append(Offender(f"{path}.securityContext.capabilities.drop", name))
        extra = [_str(cap) for cap in as_list(capabilities.get("add")) if cap != "NET_BIND_SERVICE"]
        if extra:
            adding.append(name)
            forbidden.update(extra)
            offenders.append(Offender(f"{path}.securityContext.capabilities.add", name))
    details = []
    if missing_drop:
        details.append(
            f'{_containers_phrase(missing_drop)} must set securityContext.capabilities.drop=["ALL"]'
        )
    if adding:
        details.append(
            f"{_containers_phrase(adding)} must not include {_join_quote(sorted(forbidden))} "
            "in securityContext.capabilities.add"
        )
    if not details:
        return None
    return Violation(
        "capabilities_restricted", "unrestricted capabilities", "; ".join(details), tuple(offenders)
    )


# --- the registry (policy/registry.go) ----------------------------------------------------------


@dataclass(frozen=True)
class Check:
    id: str
    level: str
    since: tuple[int, int]
    run: Callable[[Pod], Violation | None]
    overrides: tuple[str, ...] = ()


# In upstream's evaluation order: baseline checks, then restricted, each by check id.
CHECKS = (
    Check("appArmorProfile", "baseline", (1, 0), app_armor_profile),
    Check("capabilities_baseline", "baseline", (1, 0), capabilities_baseline),
    Check("hostNamespaces", "baseline", (1, 0), host_namespaces),
    Check("hostPathVolumes", "baseline", (1, 0), host_path_volumes),
    Check("hostPorts", "baseline", (1, 0), host_ports),
    Check("hostProbesAndHostLifecycle", "baseline", (1, 34), host_probes_and_host_lifecycle),
    Check("privileged", "baseline", (1, 0), privileged),
    Check("procMount", "baseline", (1, 0), proc_mount),
    Check("seLinuxOptions", "baseline", (1, 0), se_linux_options),
    Check("seccompProfile_baseline", "baseline", (1, 19), seccomp_profile_baseline),
    Check("sysctls", "baseline", (1, 0), sysctls),
    Check("windowsHostProcess", "baseline", (1, 0), windows_host_process),
    Check("allowPrivilegeEscalation", "restricted", (1, 8), allow_privilege_escalation),
    Check(
        "capabilities_restricted", "restricted", (1, 22), capabilities_restricted, ("capabilities_baseline",)
    ),
    Check("procMount_restricted", "restricted", (1, 35), proc_mount_restricted, ("procMount",)),
    Check("restrictedVolumes", "restricted", (1, 0), restricted_volumes, ("hostPathVolumes",)),
    Check("runAsNonRoot", "restricted", (1, 0), run_as_non_root),
    Check("runAsUser", "restricted", (1, 23), run_as_user),
    Check(
        "seccompProfile_restricted",
        "restricted",
        (1, 19),
        seccomp_profile_restricted,
        ("seccompProfile_baseline",),
    ),
)


def checks_for(level: str, version: tuple[int, int]) -> list[Check]:
    """The checks a level enforces at a policy version (restricted = baseline minus overridden + its own)."""
    if level not in LEVELS:
        raise ValueError(f"not a PodSecurity level: {level!r} (expected one of {', '.join(LEVELS)})")
    wanted = {"privileged": (), "baseline": ("baseline",), "restricted": ("baseline", "restricted")}[level]
    active = [c for c in CHECKS if c.level in wanted and version >= c.since]
    overridden = {o for c in active for o in c.overrides}
    return [c for c in active if c.id not in overridden]


def evaluate(ctx: LintContext, level: str) -> list[Violation]:
    """Every check of the level the pod (or the workload's pod template) violates."""
    pod = Pod(ctx.spec, ctx.metadata, ctx.version, ctx.spec_path)
    return [v for c in checks_for(level, ctx.version) if (v := c.run(pod)) is not None]


def check(ctx: LintContext) -> list[Finding]:
    """The pss layer: nothing unless the namespace's enforced level is known."""
    if ctx.pss is None:
        return []
    level = str(ctx.pss).strip().lower()
    if level not in LEVELS:
        return [
            Finding(
                "LINT-PSS-LEVEL-INVALID",
                "warning",
                "",
                f"not a PodSecurity level: {ctx.pss!r}; PodSecurity admission was not checked",
                hint="privileged, baseline or restricted",
            )
        ]
    policy = f"{level}:v{ctx.version[0]}.{ctx.version[1]}"
    hint = f'the namespace enforces PodSecurity "{policy}"; admission rejects the pod'
    return [
        Finding(rule_id(v.check), "error", o.path, v.message, hint=hint, container=o.container)
        for v in evaluate(ctx, level)
        for o in v.offenders
    ]
