"""The apiserver layer: what kube-apiserver's pod validation rejects or warns about (RULES.md §1b–1l).

Runs on the defaulted document (defaults.apply_defaults), as kube-apiserver does. Structured like
validation.go: one function per concern taking (value, path) and returning findings.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import ALL_GROUPS, APP, PodView
from designer.pod.quantity import as_written, quantity_or_none, readable
from designer.pod.resources import effective_resources
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates, names
from designer.pod.rules.apiserver_admission import check_admission
from designer.pod.rules.apiserver_annotations import (
    validate_apparmor_annotations_match_fields,
    validate_pod_specific_annotations,
)
from designer.pod.rules.apiserver_common import ID_RANGE_MSG, PodInfo
from designer.pod.rules.apiserver_containers import (
    validate_containers,
    validate_ephemeral_containers,
    validate_init_containers,
)
from designer.pod.rules.apiserver_metadata import validate_pod_metadata
from designer.pod.rules.apiserver_quantities import validate_quantities
from designer.pod.rules.apiserver_resources import (
    validate_pod_resource_claims,
    validate_profile,
    validate_resources,
)
from designer.pod.rules.apiserver_scheduling import validate_scheduling
from designer.pod.rules.apiserver_volumes import validate_volumes, volume_warnings
from designer.pod.rules.apiserver_warnings import (
    annotation_warnings,
    container_warnings,
    overlapping_path_warnings,
    pod_warnings,
    port_warnings,
    scheduling_warnings,
)
from designer.pod.rules.context import LintContext
from designer.pod.rules.defaults import defaulted_spec
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index
from designer.pod.workloads import pod_metadata, pod_spec, pod_template, template_path

_SYSCTL_RE = re.compile(r"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?\Z")
_IPC_SYSCTLS = ("kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue.")
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
# Workload controllers restrict the template's restartPolicy (apps: Always; batch: OnFailure/Never).
_TEMPLATE_RESTART = {
    "Deployment": ["Always"], "StatefulSet": ["Always"], "DaemonSet": ["Always"], "ReplicaSet": ["Always"],
    "Job": ["OnFailure", "Never"], "CronJob": ["OnFailure", "Never"],
}  # fmt: skip


# k8s.io/utils/net ParseIPSloppy: net.ParseIP, retried with the leading zeros of an IPv4 address
# (or an IPv6 address's dotted tail) stripped. Go's `$` is the end of the text, hence \Z.
_IP_LEADING_ZEROS = re.compile(
    r"(^|:)0*(0|[1-9][0-9]*)\.0*(0|[1-9][0-9]*)\.0*(0|[1-9][0-9]*)\.0*(0|[1-9][0-9]*)((/)0*(0|[1-9][0-9]*))?\Z"
)


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """net.ParseIP: Python's ip_address, but an IPv6 zone ("fe80::1%eth0") is not an IP."""
    if "%" in text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def ip_errors(value: str, version: tuple[int, int]) -> list[str]:
    """IsValidIPForLegacyField (dnsConfig.nameservers, hostAliases[].ip) as apimachinery's parseIP.

    Before StrictIPCIDRValidation that is ParseIPSloppy, which accepts "010.0.0.1" that Python's
    ip_address rejects; Python's accepts a zone that net.ParseIP rejects. Strict validation then
    rejects the leading zeros and an IPv4-mapped IPv6 address with messages of their own.
    """
    address = _parse_ip(value)
    if address is None and _parse_ip(_IP_LEADING_ZEROS.sub(r"\1\2.\3.\4.\5\7\8", value)) is None:
        return [IP_MSG]
    if not gates.enabled("StrictIPCIDRValidation", version):
        return []
    if address is None:
        return ["must not have leading 0s"]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return ["must not be an IPv4-mapped IPv6 address"]
    return []


def validate_pod_name(meta: dict[str, Any], path: str) -> list[Finding]:
    """metadata.name (or generateName) is required and a DNS-1123 subdomain."""
    name = meta.get("name")
    if name in (None, ""):
        if as_str(meta.get("generateName")):
            return []
        return [fp.required("K8S-POD-NAME", child(path, "name"), "name or generateName is required")]
    if not isinstance(name, str):
        return []
    return [
        fp.invalid("K8S-POD-NAME", child(path, "name"), name, msg) for msg in names.is_dns1123_subdomain(name)
    ]


def validate_restart_policy(value: Any, path: str, kind: str) -> list[Finding]:
    """validateRestartPolicy, plus the workload controllers' own restriction of the template's."""
    if not isinstance(value, str):
        return []
    allowed = ["Always", "OnFailure", "Never"]
    if value not in allowed:
        return [fp.not_supported("K8S-POD-RESTARTPOLICY", path, value, allowed)]
    if kind in _TEMPLATE_RESTART and value not in _TEMPLATE_RESTART[kind]:
        return [fp.not_supported("K8S-POD-RESTARTPOLICY", path, value, _TEMPLATE_RESTART[kind])]
    return []


def validate_active_deadline(value: Any, path: str) -> list[Finding]:
    """activeDeadlineSeconds, when set, is between 1 and 2^31-1."""
    number = as_int(value)
    if number is not None and not 1 <= number <= fp.INT32_MAX:
        return [
            fp.invalid("K8S-POD-ACTIVEDEADLINE", path, number, "must be between 1 and 2147483647, inclusive")
        ]
    return []


# IsDNS1123SubdomainWithUnderscore (RelaxedDNSSearchValidation, on from v1.33): a label may start
# with "_" and hold "_" (SRV-style search domains); the message names '_' but, as upstream, shows
# the plain subdomain regex.
_DNS_LABEL_UNDERSCORE = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN_UNDERSCORE = re.compile(rf"^{_DNS_LABEL_UNDERSCORE}(\.{_DNS_LABEL_UNDERSCORE})*\Z")
DNS_SEARCH_RELAXED_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    f"validation is '{names.DNS1123_SUBDOMAIN_FMT}')"
)


def dns_search_errors(value: str) -> list[str]:
    """IsDNS1123SubdomainWithUnderscore."""
    errs = []
    if len(value) > 253:
        errs.append(names.max_len(253))
    if not _DNS_SUBDOMAIN_UNDERSCORE.match(value):
        errs.append(DNS_SEARCH_RELAXED_MSG)
    return errs


def validate_dns(spec: dict[str, Any], path: str, version: tuple[int, int]) -> list[Finding]:
    """validateDNSPolicy and validatePodDNSConfig."""
    rule = "K8S-POD-DNS"
    out: list[Finding] = []
    policy = spec.get("dnsPolicy")
    if isinstance(policy, str) and policy not in DNS_POLICIES:
        out.append(fp.not_supported(rule, child(path, "dnsPolicy"), policy, DNS_POLICIES))
    config = spec.get("dnsConfig")
    config_path = child(path, "dnsConfig")
    nameservers = as_list(as_dict(config).get("nameservers"))
    if policy == "None":
        if not isinstance(config, dict):
            out.append(fp.required(rule, config_path, "must provide `dnsConfig` when `dnsPolicy` is None"))
        elif not nameservers:
            out.append(
                fp.required(
                    rule,
                    child(config_path, "nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            )
    if not isinstance(config, dict):
        return out
    if len(nameservers) > 3:
        out.append(
            fp.invalid(
                rule, child(config_path, "nameservers"), nameservers, "must not have more than 3 nameservers"
            )
        )
    for i, server in enumerate(nameservers):
        if isinstance(server, str):
            for msg in ip_errors(server, version):
                out.append(fp.invalid(rule, index(child(config_path, "nameservers"), i), server, msg))
    searches = [s for s in as_list(config.get("searches")) if isinstance(s, str)]
    search_path = child(config_path, "searches")
    if len(searches) > 32:
        out.append(fp.invalid(rule, search_path, searches, "must not have more than 32 search paths"))
    if len(" ".join(searches)) > 2048:
        out.append(
            fp.invalid(
                rule,
                search_path,
                searches,
                "must not have more than 2048 characters (including spaces) in the search list",
            )
        )
    relaxed = gates.enabled("RelaxedDNSSearchValidation", version)
    for i, search in enumerate(as_list(config.get("searches"))):
        if not isinstance(search, str) or (relaxed and search == "."):
            continue
        search = search.removesuffix(".")
        check = dns_search_errors if relaxed else names.is_dns1123_subdomain
        for msg in check(search):
            out.append(fp.invalid(rule, index(search_path, i), search, msg))
    for i, option in enumerate(as_list(config.get("options"))):
        if isinstance(option, dict) and as_str(option.get("name")) == "":
            out.append(
                fp.required(rule, index(child(config_path, "options"), i), "Option.Name must not be empty")
            )
    return out


def validate_names(spec: dict[str, Any], path: str) -> list[Finding]:
    """hostname/subdomain are DNS labels; serviceAccountName, nodeName, ... DNS subdomains."""
    out: list[Finding] = []
    for key, check in (
        ("hostname", names.is_dns1123_label),
        ("subdomain", names.is_dns1123_label),
        ("serviceAccountName", names.is_dns1123_subdomain),
        ("nodeName", names.is_dns1123_subdomain),
        ("priorityClassName", names.is_dns1123_subdomain),
        ("runtimeClassName", names.is_dns1123_subdomain),
    ):
        value = spec.get(key)
        if isinstance(value, str) and value:
            out += [fp.invalid("K8S-POD-NAMES", child(path, key), value, msg) for msg in check(value)]
    return out


PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"]  # validatePreemptionPolicy's order


def validate_preemption_policy(value: Any, path: str) -> list[Finding]:
    """validatePreemptionPolicy (a Pod meets the Priority admission plugin first)."""
    if isinstance(value, str) and value not in PREEMPTION_POLICIES:
        return [fp.not_supported("K8S-POD-PRIORITY", path, value, PREEMPTION_POLICIES)]
    return []


def validate_host_aliases(aliases: Any, path: str, version: tuple[int, int]) -> list[Finding]:
    """ValidateHostAliases: a valid IP and DNS-subdomain hostnames per entry."""
    out: list[Finding] = []
    for i, alias in enumerate(as_list(aliases)):
        if not isinstance(alias, dict):
            continue
        ip = alias.get("ip")
        if isinstance(ip, str) or ip is None:
            for msg in ip_errors(as_str(ip), version):
                out.append(fp.invalid("K8S-POD-HOSTALIASES", child(index(path, i), "ip"), as_str(ip), msg))
        for j, host in enumerate(as_list(alias.get("hostnames"))):
            if isinstance(host, str):
                out += [
                    fp.invalid("K8S-POD-HOSTALIASES", index(child(index(path, i), "hostnames"), j), host, msg)
                    for msg in names.is_dns1123_subdomain(host)
                ]
    return out


def validate_pod_security_context(spec: dict[str, Any], path: str) -> list[Finding]:
    """validatePodSpecSecurityContext: ids, policies, sysctls, shareProcessNamespace with hostPID."""
    sc = as_dict(spec.get("securityContext"))
    sc_path = child(path, "securityContext")
    rule = "K8S-POD-SECCTX"
    out: list[Finding] = []
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        value = as_int(sc.get(key))
        if value is not None and not 0 <= value <= fp.INT32_MAX:
            out.append(fp.invalid(rule, child(sc_path, key), value, ID_RANGE_MSG))
    for i, gid in enumerate(as_list(sc.get("supplementalGroups"))):
        if as_int(gid) is not None and not 0 <= gid <= fp.INT32_MAX:
            out.append(fp.invalid(rule, index(child(sc_path, "supplementalGroups"), i), gid, ID_RANGE_MSG))
    for key, allowed in (
        ("fsGroupChangePolicy", ["OnRootMismatch", "Always"]),
        ("supplementalGroupsPolicy", ["Merge", "Strict"]),
        ("seLinuxChangePolicy", ["MountOption", "Recursive"]),
    ):
        value = sc.get(key)
        if isinstance(value, str) and value not in allowed:
            out.append(fp.not_supported(rule, child(sc_path, key), value, allowed))
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        out.append(
            fp.invalid(
                "K8S-POD-SHAREPID-HOSTPID",
                child(sc_path, "shareProcessNamespace"),
                True,
                "ShareProcessNamespace and HostPID cannot both be enabled",
            )
        )
    out += validate_sysctls(sc.get("sysctls"), child(sc_path, "sysctls"), spec)
    out += validate_profile(sc.get("seccompProfile"), child(sc_path, "seccompProfile"), "seccomp", None)
    out += validate_profile(sc.get("appArmorProfile"), child(sc_path, "appArmorProfile"), "AppArmor", None)
    return out


def validate_sysctls(sysctls: Any, path: str, spec: dict[str, Any]) -> list[Finding]:
    """validateSysctls: valid unique names; no net.* with hostNetwork, no IPC sysctls with hostIPC."""
    rule = "K8S-POD-SECCTX"
    out: list[Finding] = []
    names: set[str] = set()
    for i, sysctl in enumerate(as_list(sysctls)):
        name = as_dict(sysctl).get("name")
        name_path = child(index(path, i), "name")
        if name in (None, ""):
            out.append(fp.required(rule, name_path))
            continue
        if not isinstance(name, str):
            continue
        if len(name) > 253 or not _SYSCTL_RE.match(name):
            out.append(
                fp.invalid(
                    rule,
                    name_path,
                    name,
                    f"must have at most 253 characters and match regex {_SYSCTL_RE.pattern}",
                )
            )
        elif name in names:
            out.append(fp.duplicate(rule, name_path, name))
        if spec.get("hostNetwork") is True and name.startswith("net."):
            out.append(fp.invalid(rule, name_path, name, "may not be specified when 'hostNetwork' is true"))
        if spec.get("hostIPC") is True and name.startswith(_IPC_SYSCTLS):
            out.append(fp.invalid(rule, name_path, name, "may not be specified when 'hostIPC' is true"))
        names.add(name)
    return out


def validate_host_users(spec: dict[str, Any], path: str) -> list[Finding]:
    """hostUsers: false (user namespaces) cannot be combined with host namespaces."""
    if spec.get("hostUsers") is not False:
        return []
    # validateHostUsers names the last two by their Go field names: spec.HostPID, spec.HostIPC.
    return [
        fp.forbidden("K8S-POD-HOSTUSERS", child(path, shown), "when `pod.Spec.HostUsers` is false")
        for key, shown in (("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"), ("hostIPC", "HostIPC"))
        if spec.get(key) is True
    ]


_WINDOWS_POD_SC = (
    "seLinuxOptions",
    "seccompProfile",
    "appArmorProfile",
    "fsGroup",
    "fsGroupChangePolicy",
    "sysctls",
    "runAsUser",
    "runAsGroup",
    "supplementalGroups",
    "supplementalGroupsPolicy",
)
_WINDOWS_CTR_SC = (
    "seLinuxOptions",
    "seccompProfile",
    "appArmorProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
)


def validate_os(spec: dict[str, Any], path: str) -> list[Finding]:
    """validateOS, validateWindows, validateLinux: fields that the pod's OS cannot use."""
    os_spec = spec.get("os")
    if not isinstance(os_spec, dict):
        return []
    rule = "K8S-POD-OS"
    name = os_spec.get("name")
    if name in (None, ""):
        return [fp.required(rule, child(child(path, "os"), "name"), "cannot be empty")]
    if not isinstance(name, str):
        return []
    if name not in ("linux", "windows"):  # validateOS reports an unknown name at spec.os
        return [fp.not_supported(rule, child(path, "os"), name, ["linux", "windows"])]
    out: list[Finding] = []
    pod_sc = as_dict(spec.get("securityContext"))
    containers = [(slot.container, slot.path(path)) for slot in PodView(spec).slots(*ALL_GROUPS)]
    if name == "windows":
        msg = "cannot be set for a windows pod"
        out += [
            fp.forbidden(rule, child(child(path, "securityContext"), k), msg)
            for k in _WINDOWS_POD_SC
            if pod_sc.get(k) is not None
        ]
        out += [
            fp.forbidden(rule, child(path, k), msg)
            for k in ("shareProcessNamespace", "hostPID", "hostIPC")
            if spec.get(k) is True
        ]
        for ctr, ctr_path in containers:
            sc = as_dict(ctr.get("securityContext"))
            out += [
                fp.forbidden(
                    rule,
                    child(child(ctr_path, "securityContext"), k),
                    msg,
                    container=as_str(ctr.get("name")) or None,
                )
                for k in _WINDOWS_CTR_SC
                if sc.get(k) is not None
            ]
    else:
        msg = "windows options cannot be set for a linux pod"
        if pod_sc.get("windowsOptions") is not None:
            out.append(fp.forbidden(rule, child(child(path, "securityContext"), "windowsOptions"), msg))
        for ctr, ctr_path in containers:
            if as_dict(ctr.get("securityContext")).get("windowsOptions") is not None:
                out.append(
                    fp.forbidden(
                        rule,
                        child(child(ctr_path, "securityContext"), "windowsOptions"),
                        msg,
                        container=as_str(ctr.get("name")) or None,
                    )
                )
    return out


def validate_host_network_ports(spec: dict[str, Any], path: str) -> list[Finding]:
    """validatePodHostNetworkDeps: under hostNetwork each hostPort equals its containerPort."""
    if spec.get("hostNetwork") is not True:
        return []
    out = []
    for slot in PodView(spec).slots(APP):
        ctr = slot.container
        for j, port in enumerate(as_list(ctr.get("ports"))):
            port = as_dict(port)
            host, number = as_int(port.get("hostPort")), as_int(port.get("containerPort"))
            if host is not None and number is not None and host != number:
                out.append(
                    fp.invalid(
                        "K8S-HOSTNET-PORTS",
                        child(index(child(slot.path(path), "ports"), j), "hostPort"),
                        host,
                        "must match `containerPort` when `hostNetwork` is true",
                        container=as_str(ctr.get("name")) or None,
                    )
                )
    return out


def validate_sa_token_needs_sa(spec: dict[str, Any], path: str) -> list[Finding]:
    """A projected serviceAccountToken needs spec.serviceAccountName."""
    if as_str(spec.get("serviceAccountName")):
        return []
    out = []
    for i, volume in enumerate(as_list(spec.get("volumes"))):
        for j, source in enumerate(as_list(as_dict(as_dict(volume).get("projected")).get("sources"))):
            if isinstance(as_dict(source).get("serviceAccountToken"), dict):
                where = child(
                    index(child(child(index(child(path, "volumes"), i), "projected"), "sources"), j),
                    "serviceAccountToken",
                )
                # A warning, not an error: the ServiceAccount admission plugin (on by default) sets
                # serviceAccountName to "default" before validation runs, so clusters admit this.
                finding = fp.forbidden(
                    "K8S-POD-SATOKEN-NEEDS-SA",
                    where,
                    "must not be specified when serviceAccountName is not set",
                    hint="Set spec.serviceAccountName; without the ServiceAccount admission plugin "
                    "(which sets 'default') the API server rejects this.",
                )
                out.append(dataclasses.replace(finding, severity="warning"))
    return out


# --- the pod spec as a whole ------------------------------------------------------------------


def validate_windows_host_process(spec: dict[str, Any], path: str) -> list[Finding]:
    """validateWindowsHostProcessPod: all containers or none are hostProcess; then hostNetwork."""
    rule = "K8S-POD-HOSTPROCESS"
    pod_value = as_dict(as_dict(spec.get("securityContext")).get("windowsOptions")).get("hostProcess")
    pod_value = pod_value if isinstance(pod_value, bool) else None
    out: list[Finding] = []
    count = host_process = 0
    for slot in PodView(spec).slots(*ALL_GROUPS):
        ctr = slot.container
        count += 1
        value = as_dict(as_dict(ctr.get("securityContext")).get("windowsOptions")).get("hostProcess")
        value = value if isinstance(value, bool) else None
        if pod_value is not None and value is not None and value != pod_value:
            where = child(child(child(slot.path(path), "securityContext"), "windowsOptions"), "hostProcess")
            detail = f"pod hostProcess value must be identical if both are specified, was {fp.format_value(pod_value)}"
            out.append(fp.invalid(rule, where, value, detail, container=as_str(ctr.get("name")) or None))
        if value is True or (value is None and pod_value is True):
            host_process += 1
    if host_process:
        if host_process != count:
            out.append(
                fp.invalid(
                    rule,
                    path,
                    "",
                    "If pod contains any hostProcess containers then all containers must be HostProcess containers",
                )
            )
        if spec.get("hostNetwork") is not True:
            out.append(
                fp.invalid(
                    rule,
                    child(path, "hostNetwork"),
                    False,
                    "hostNetwork must be true if pod contains any hostProcess containers",
                )
            )
    return out


def validate_pod_resources(spec: dict[str, Any], path: str, version: tuple[int, int]) -> list[Finding]:
    """Pod-level resources (beta, on by default from v1.34): names, claims, consistency with containers."""
    resources = spec.get("resources")
    if not isinstance(resources, dict) or not gates.enabled("PodLevelResources", version):
        return []
    rule = "K8S-POD-RESOURCES"
    res_path = child(path, "resources")
    out: list[Finding] = []
    if resources.get("claims") is not None:
        out.append(
            fp.forbidden(rule, child(res_path, "claims"), "claims may not be set for Resources at pod-level")
        )
    requests, limits = as_dict(resources.get("requests")), as_dict(resources.get("limits"))
    for group, values in (("requests", requests), ("limits", limits)):
        for name in values:
            if name not in ("cpu", "memory") and not str(name).startswith("hugepages-"):
                out.append(
                    fp.not_supported(rule, fp.key(child(res_path, group), str(name)), name, ["cpu", "memory"])
                )
    for name, raw in requests.items():
        limit = quantity_or_none(limits.get(name)) if name in limits else None
        value = quantity_or_none(raw)
        if value is not None and limit is not None and value > limit:
            out.append(
                fp.invalid(
                    rule,
                    child(res_path, "requests"),
                    as_written(raw),
                    f"must be less than or equal to {name} limit of {as_written(limits[name])}",
                )
            )
    aggregate = effective_resources({k: v for k, v in spec.items() if k != "resources"})["requests"]
    for name, raw in requests.items():
        value = quantity_or_none(raw)
        total = aggregate.get(name)
        if value is not None and total is not None and total > value:
            out.append(
                fp.invalid(
                    rule,
                    fp.key(child(res_path, "requests"), str(name)),
                    as_written(raw),
                    f"must be greater than or equal to aggregate container requests of "
                    f"{readable(str(name), total)}",
                )
            )
    for slot in PodView(spec).slots(APP):
        ctr = slot.container
        for name, raw in as_dict(as_dict(ctr.get("resources")).get("limits")).items():
            pod_limit = quantity_or_none(limits.get(name)) if name in limits else None
            value = quantity_or_none(raw)
            if value is not None and pod_limit is not None and value > pod_limit:
                where = fp.key(child(child(slot.path(path), "resources"), "limits"), str(name))
                out.append(
                    fp.invalid(
                        rule,
                        where,
                        as_written(raw),
                        f"must be less than or equal to pod limits of {as_written(limits[name])}",
                        container=as_str(ctr.get("name")) or None,
                    )
                )
    return out


def validate_overhead(overhead: Any, path: str) -> list[Finding]:
    """validateOverhead: the container resource rules on Limits=overhead (hence `overhead.limits[x]`)."""
    if not isinstance(overhead, dict):
        return []
    findings = validate_resources({"limits": overhead}, path, None)
    return [dataclasses.replace(f, rule="K8S-POD-OVERHEAD") for f in findings]


def _attach_cascade(
    findings: list[Finding], cascade: dict[str, list[Finding]], volumes: list[Any], volumes_path: str
) -> list[Finding]:
    """Group each broken volume's mount 'Not found' findings under that volume's first finding."""
    if not cascade:
        return findings
    at_volume = re.compile(re.escape(volumes_path) + r"\[(\d+)\]")
    roots: dict[str, int] = {}
    for n, finding in enumerate(findings):
        match = at_volume.match(finding.path)
        if not match:
            continue
        i = int(match.group(1))
        name = as_str(as_dict(volumes[i]).get("name")) if i < len(volumes) else None
        if name is not None and name in cascade and name not in roots:
            roots[name] = n
    out = list(findings)
    for name, caused in cascade.items():
        if name in roots:
            root = out[roots[name]]
            out[roots[name]] = dataclasses.replace(root, caused=root.caused + tuple(caused))
        else:  # no root found: keep them visible rather than lose them
            out.extend(caused)
    return out


def validate_pod_spec(
    spec: dict[str, Any],
    path: str,
    version: tuple[int, int],
    kind: str,
    pod_name: str,
    raw_spec: dict[str, Any],
    claim_templates: tuple[str, ...] = (),
    pod_labels: dict[str, Any] | None = None,
) -> list[Finding]:
    """ValidatePodSpec (on the defaulted spec) plus pod-level warnings (pod_labels: a Pod's labels)."""
    claim_names = {as_str(as_dict(c).get("name")) for c in as_list(spec.get("resourceClaims"))}
    vol_findings, registered, broken = validate_volumes(
        spec.get("volumes"), child(path, "volumes"), pod_name if kind == "Pod" else "", claim_names
    )
    for name in claim_templates:  # a StatefulSet's volumeClaimTemplates are volumes of its pods
        registered.setdefault(name, {"name": name, "persistentVolumeClaim": {"claimName": name}})
    grace = as_int(spec.get("terminationGracePeriodSeconds"))
    info = PodInfo(
        version=version,
        volumes=registered,
        broken_volumes=broken,
        restart_policy=as_str(spec.get("restartPolicy")),
        grace_period=grace,
        host_users=spec.get("hostUsers") is not False,
        claim_names=claim_names,
        is_pod=kind == "Pod",
    )
    out = list(vol_findings)
    # present only where DynamicResourceAllocation is on (drop_disabled_fields clears it otherwise)
    out += validate_pod_resource_claims(spec.get("resourceClaims"), child(path, "resourceClaims"))
    out += validate_containers(spec.get("containers"), child(path, "containers"), info)
    out += validate_init_containers(
        spec.get("initContainers"), spec.get("containers"), child(path, "initContainers"), info
    )
    ephemeral = spec.get("ephemeralContainers")
    if as_list(ephemeral):
        detail = (
            "cannot be set on create" if kind == "Pod" else "ephemeral containers not allowed in pod template"
        )
        out.append(fp.forbidden("K8S-EPH-ON-CREATE", child(path, "ephemeralContainers"), detail))
        out += validate_ephemeral_containers(ephemeral, spec, child(path, "ephemeralContainers"), info)
    out += validate_restart_policy(spec.get("restartPolicy"), child(path, "restartPolicy"), kind)
    out += validate_dns(spec, path, version)
    out += validate_names(spec, path)
    out += validate_active_deadline(spec.get("activeDeadlineSeconds"), child(path, "activeDeadlineSeconds"))
    out += validate_host_aliases(spec.get("hostAliases"), child(path, "hostAliases"), version)
    out += validate_preemption_policy(spec.get("preemptionPolicy"), child(path, "preemptionPolicy"))
    out += validate_pod_security_context(spec, path)
    out += validate_host_users(spec, path)
    out += validate_os(spec, path)
    out += validate_host_network_ports(spec, path)
    out += validate_windows_host_process(spec, path)
    out += validate_pod_resources(spec, path, version)
    out += validate_scheduling(spec, path, version, pod_labels if kind == "Pod" else None)
    out += validate_overhead(spec.get("overhead"), child(path, "overhead"))
    out += validate_quantities(spec, path)
    if kind == "Pod":
        out += validate_sa_token_needs_sa(spec, path)
    out = _attach_cascade(out, info.cascade, as_list(spec.get("volumes")), child(path, "volumes"))
    out += port_warnings(spec, path)
    out += container_warnings(spec, path)
    out += pod_warnings(spec, path, raw_spec)
    out += volume_warnings(spec.get("volumes"), child(path, "volumes"))
    out += scheduling_warnings(spec, path)
    out += overlapping_path_warnings(spec.get("volumes"), child(path, "volumes"))
    return out


def check(ctx: LintContext) -> list[Finding]:
    """What kube-apiserver would reject (errors) or admit with a warning, on the defaulted document."""
    document = ctx.document
    if not isinstance(document, dict):  # a caller's junk, whatever the type says
        return []  # type: ignore[unreachable]
    kind = ctx.kind
    spec_path = ctx.spec_path
    out: list[Finding] = []
    meta = pod_metadata(document)  # the defaulting leaves metadata alone
    if kind == "Pod":
        out += validate_pod_name(meta, "metadata")
    out += validate_pod_metadata(meta, kind)
    template = pod_template(document)
    if template.get("spec") is not None and not isinstance(template.get("spec"), dict):
        return out  # a spec of the wrong type: the schema layer reports it
    version: tuple[int, int] = (int(ctx.version[0]), int(ctx.version[1]))
    # = pod_spec(apply_defaults(document)), shares untouched fields; then, as kube-apiserver does
    # before validating, the fields of the version's disabled feature gates are cleared.
    spec = gates.drop_disabled_fields(defaulted_spec(document), version)
    claim_templates: tuple[str, ...] = ()
    if kind == "StatefulSet":
        templates = as_list(as_dict(document.get("spec")).get("volumeClaimTemplates"))
        claim_templates = tuple(as_str(as_dict(as_dict(t).get("metadata")).get("name")) for t in templates)
    out += validate_pod_spec(
        spec,
        spec_path,
        version,
        kind,
        as_str(meta.get("name")),
        pod_spec(document),
        claim_templates,
        {str(k): v for k, v in as_dict(meta.get("labels")).items() if isinstance(v, str)},
    )
    prefix = template_path(kind)
    annotations_path = child(prefix if prefix else "metadata", "annotations")
    out += validate_pod_specific_annotations(meta.get("annotations"), spec, annotations_path, version)
    out += validate_apparmor_annotations_match_fields(
        meta.get("annotations"), spec, spec_path, version, is_pod=kind == "Pod"
    )
    # warnings.go names a template's annotations at spec.template.metadata.annotations
    warned_at = child(child(prefix, "metadata") if prefix else "metadata", "annotations")
    out += annotation_warnings(meta.get("annotations"), spec, warned_at, kind == "Pod", version)
    if kind == "Pod":  # admission plugins see Pods, not a workload's template
        out += check_admission(spec, spec_path, ctx.companions)
    return out
