"""Warnings kube-apiserver admits a pod with (pkg/api/pod/warnings.go), RULES.md §1l."""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import ALL_GROUPS, PodView
from designer.pod.quantity import as_written, is_integer, quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates
from designer.pod.rules.apiserver_annotations import annotation_as_field
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index


def _containers_with_paths(spec: dict[str, Any], path: str) -> list[tuple[dict[str, Any], str]]:
    return [(slot.container, slot.path(path)) for slot in PodView(spec).slots(*ALL_GROUPS)]


def port_warnings(spec: dict[str, Any], path: str) -> list[Finding]:
    """Duplicate/overlapping containerPort definitions, hostIP without hostPort."""
    out: list[Finding] = []
    by_key: dict[tuple[Any, Any], list[tuple[str, dict[str, Any]]]] = {}
    for ctr, ctr_path in _containers_with_paths(spec, path):
        name = as_str(ctr.get("name")) or None
        for i, port in enumerate(as_list(ctr.get("ports"))):
            if not isinstance(port, dict):
                continue
            pp = index(child(ctr_path, "ports"), i)
            host_ip, host_port = as_str(port.get("hostIP")), as_int(port.get("hostPort")) or 0
            if host_ip and not host_port:
                out.append(
                    fp.warning(
                        "K8S-WARN-HOSTIP",
                        pp,
                        f"hostIP set without hostPort: {fp.format_value(port)}",
                        container=name,
                    )
                )
            number = port.get("containerPort")
            if isinstance(number, list | dict):
                continue
            key = (
                number if isinstance(number, int | str | None) else repr(number),
                as_str(port.get("protocol")),
            )
            for other_path, other in by_key.get(key, []):
                other_ip, other_port = as_str(other.get("hostIP")), as_int(other.get("hostPort")) or 0
                if host_ip == other_ip and host_port == other_port:
                    out.append(
                        fp.warning(
                            "K8S-WARN-PORT-DUP",
                            pp,
                            f"duplicate port definition with {other_path}",
                            container=name,
                        )
                    )
                elif host_port == 0 or other_port == 0:
                    out.append(
                        fp.warning(
                            "K8S-WARN-PORT-DUP",
                            pp,
                            f"overlapping port definition with {other_path}",
                            container=name,
                        )
                    )
                elif host_port == other_port and (host_ip == "") != (other_ip == ""):
                    out.append(
                        fp.warning(
                            "K8S-WARN-PORT-DUP",
                            pp,
                            f"dangerously ambiguous port definition with {other_path}",
                            container=name,
                        )
                    )
            by_key.setdefault(key, []).append((pp, port))
    return out


def container_warnings(spec: dict[str, Any], path: str) -> list[Finding]:
    """Env names that hide earlier ones; fractional byte quantities."""
    out: list[Finding] = []
    for ctr, ctr_path in _containers_with_paths(spec, path):
        name = as_str(ctr.get("name")) or None
        seen: set[str] = set()
        for i, env in enumerate(as_list(ctr.get("env"))):
            env = as_dict(env)
            env_name = env.get("name")
            if not isinstance(env_name, str):
                continue
            if env_name in seen:
                ref = f"$({env_name})"
                value = as_str(env.get("value"))
                if env.get("valueFrom") is not None or value == ref or ref not in value:
                    out.append(
                        fp.warning(
                            "K8S-WARN-ENV-DUP",
                            index(child(ctr_path, "env"), i),
                            f"hides previous definition of {fp.format_value(env_name)}, "
                            "which may be dropped when using apply",
                            container=name,
                        )
                    )
            seen.add(env_name)
        resources = as_dict(ctr.get("resources"))
        for group in ("limits", "requests"):
            for resource in ("memory", "ephemeral-storage"):
                raw = as_dict(resources.get(group)).get(resource)
                quantity = quantity_or_none(raw) if raw is not None else None
                if quantity is not None and not is_integer(quantity):
                    out.append(
                        fp.warning(
                            "K8S-WARN-FRACTIONAL-BYTES",
                            fp.key(child(child(ctr_path, "resources"), group), resource),
                            f"fractional byte value {fp.format_value(as_written(raw))} is invalid, must be an integer",
                            container=name,
                        )
                    )
    return out


def pod_warnings(spec: dict[str, Any], path: str, raw_spec: dict[str, Any]) -> list[Finding]:
    """Negative grace period, duplicate or empty imagePullSecrets."""
    out: list[Finding] = []
    tgps = as_int(raw_spec.get("terminationGracePeriodSeconds"))
    if tgps is not None and tgps < 0:
        out.append(
            fp.warning(
                "K8S-WARN-TGPS-NEG",
                child(path, "terminationGracePeriodSeconds"),
                "must be >= 0; negative values are invalid and will be treated as 1",
            )
        )
    seen: set[str] = set()
    for i, secret in enumerate(as_list(spec.get("imagePullSecrets"))):
        if not isinstance(secret, dict):
            continue
        name = secret.get("name")
        if not isinstance(name, str) and name is not None:
            continue
        name = as_str(name)
        name_path = child(index(child(path, "imagePullSecrets"), i), "name")
        if not name:
            out.append(fp.warning("K8S-WARN-PULLSECRET", name_path, 'invalid empty name ""'))
        elif name in seen:
            out.append(
                fp.warning("K8S-WARN-PULLSECRET", name_path, f"duplicate name {fp.format_value(name)}")
            )
        seen.add(name)
    return out


# nodeapi.GetNodeLabelDeprecatedMessage: node labels replaced by GA ones.
DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
}
# warnings.go deprecatedAnnotations
DEPRECATED_ANNOTATIONS = {
    "scheduler.alpha.kubernetes.io/critical-pod": 'non-functional in v1.16+; use the "priorityClassName" field instead',
    "security.alpha.kubernetes.io/sysctls": 'non-functional in v1.11+; use the "sysctls" field instead',
    "security.alpha.kubernetes.io/unsafe-sysctls": 'non-functional in v1.11+; use the "sysctls" field instead',
}
NULL_SELECTOR_MSG = "a null labelSelector results in matching no pod"
SECCOMP_ANNOTATION_MSG = 'non-functional in v1.27+; use the "seccompProfile" field instead'
APPARMOR_ANNOTATION_MSG = 'deprecated since v1.30; use the "appArmorProfile" field instead'


def scheduling_warnings(spec: dict[str, Any], path: str) -> list[Finding]:
    """Deprecated node labels in selectors, affinity and spread keys; null label selectors; repeated host alias IPs."""
    out: list[Finding] = []
    rule = "K8S-WARN-DEPRECATED-NODE-LABEL"
    for key in as_dict(spec.get("nodeSelector")):
        if key in DEPRECATED_NODE_LABELS:
            out.append(
                fp.warning(rule, fp.key(child(path, "nodeSelector"), key), DEPRECATED_NODE_LABELS[key])
            )
    affinity = as_dict(spec.get("affinity"))
    node = as_dict(affinity.get("nodeAffinity"))
    node_path = child(child(path, "affinity"), "nodeAffinity")
    terms_path = child(
        child(node_path, "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms"
    )
    terms = [
        (term, index(terms_path, i))
        for i, term in enumerate(
            as_list(
                as_dict(node.get("requiredDuringSchedulingIgnoredDuringExecution")).get("nodeSelectorTerms")
            )
        )
    ]
    preferred_path = child(node_path, "preferredDuringSchedulingIgnoredDuringExecution")
    terms += [
        (as_dict(weighted).get("preference"), child(index(preferred_path, i), "preference"))
        for i, weighted in enumerate(as_list(node.get("preferredDuringSchedulingIgnoredDuringExecution")))
    ]
    for term, term_path in terms:  # GetWarningsForNodeSelectorTerm
        for j, expression in enumerate(as_list(as_dict(term).get("matchExpressions"))):
            key = as_str(as_dict(expression).get("key"))
            if key in DEPRECATED_NODE_LABELS:
                where = child(index(child(term_path, "matchExpressions"), j), "key")
                out.append(fp.warning(rule, where, f"{key} is {DEPRECATED_NODE_LABELS[key]}"))
    for i, constraint in enumerate(as_list(spec.get("topologySpreadConstraints"))):
        constraint = as_dict(constraint)
        at = index(child(path, "topologySpreadConstraints"), i)
        key = as_str(constraint.get("topologyKey"))
        if key in DEPRECATED_NODE_LABELS:
            out.append(fp.warning(rule, child(at, "topologyKey"), f"{key} is {DEPRECATED_NODE_LABELS[key]}"))
        if constraint.get("labelSelector") is None:
            out.append(fp.warning("K8S-WARN-NULL-SELECTOR", child(at, "labelSelector"), NULL_SELECTOR_MSG))
    for kind in ("podAffinity", "podAntiAffinity"):
        terms_of = as_dict(affinity.get(kind))
        kind_path = child(child(path, "affinity"), kind)
        required_path = child(kind_path, "requiredDuringSchedulingIgnoredDuringExecution")
        for i, term in enumerate(as_list(terms_of.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            if as_dict(term).get("labelSelector") is None:
                where = child(index(required_path, i), "labelSelector")
                out.append(fp.warning("K8S-WARN-NULL-SELECTOR", where, NULL_SELECTOR_MSG))
        weighted_path = child(kind_path, "preferredDuringSchedulingIgnoredDuringExecution")
        for i, weighted in enumerate(
            as_list(terms_of.get("preferredDuringSchedulingIgnoredDuringExecution"))
        ):
            if as_dict(as_dict(weighted).get("podAffinityTerm")).get("labelSelector") is None:
                where = child(child(index(weighted_path, i), "podAffinityTerm"), "labelSelector")
                out.append(fp.warning("K8S-WARN-NULL-SELECTOR", where, NULL_SELECTOR_MSG))
    aliases = as_list(spec.get("hostAliases"))
    seen: set[str] = set()
    for i, alias in enumerate(aliases if len(aliases) > 1 else []):
        ip = as_str(as_dict(alias).get("ip"))
        if ip in seen:
            where = child(index(child(path, "hostAliases"), i), "ip")
            out.append(fp.warning("K8S-WARN-HOSTALIAS-DUP", where, f"duplicate ip {fp.format_value(ip)}"))
        seen.add(ip)
    return out


def annotation_warnings(
    annotations: Any, spec: dict[str, Any], path: str, is_pod: bool, version: tuple[int, int]
) -> list[Finding]:
    """Deprecated and non-functional annotations (path: the metadata.annotations of the pod or template).

    The AppArmor annotation of a Pod is warned about when kube-apiserver copies it into a
    container without a field (applyAppArmorVersionSkew: unless it equals the pod-level
    profile); in a template whenever neither the pod nor the container sets the field.
    """
    annotations = as_dict(annotations)
    rule = "K8S-WARN-DEPRECATED-ANNOTATION"
    out = [
        fp.warning(rule, fp.key(path, key), msg)
        for key, msg in DEPRECATED_ANNOTATIONS.items()
        if key in annotations
    ]
    pod_sc = as_dict(spec.get("securityContext"))
    if pod_sc.get("seccompProfile") is None and "seccomp.security.alpha.kubernetes.io/pod" in annotations:
        out.append(
            fp.warning(rule, fp.key(path, "seccomp.security.alpha.kubernetes.io/pod"), SECCOMP_ANNOTATION_MSG)
        )
    pod_profile = pod_sc.get("appArmorProfile")
    for ctr, _ in _containers_with_paths(spec, "spec"):
        name = as_str(ctr.get("name"))
        sc = as_dict(ctr.get("securityContext"))
        seccomp_key = "container.seccomp.security.alpha.kubernetes.io/" + name
        if sc.get("seccompProfile") is None and seccomp_key in annotations:
            out.append(
                fp.warning(rule, fp.key(path, seccomp_key), SECCOMP_ANNOTATION_MSG, container=name or None)
            )
        apparmor_key = "container.apparmor.security.beta.kubernetes.io/" + name
        value = annotations.get(apparmor_key)
        if not isinstance(value, str) or sc.get("appArmorProfile") is not None:
            continue
        if not gates.enabled("AppArmorFields", version):
            continue
        if is_pod:
            field = annotation_as_field(value)
            warn = field is None or field != pod_profile
        else:
            warn = pod_profile is None
        if warn:
            out.append(
                fp.warning(rule, fp.key(path, apparmor_key), APPARMOR_ANNOTATION_MSG, container=name or None)
            )
    return out


def _overlap(seen: list[str], path: str) -> str:
    """checkForOverlap, with its quirks: a prefix test without the separator on the shorter side
    ("a" overlaps "ab"), and an empty path overlapping nothing."""
    for item in seen:
        if item == "" or path == "":
            return ""
        if item == path or (item + "/").startswith(path) or (path + "/").startswith(item):
            return item
    return ""


def _mapping_overlaps(paths: list[str], message: str) -> list[str]:
    """checkVolumeMappingForOverlap: each path (trailing slashes trimmed) against the earlier ones."""
    out: list[str] = []
    seen: list[str] = []
    for raw in paths:
        normalized = raw.rstrip("/")
        collision = _overlap(seen, normalized)
        if collision:
            out.append(f"{message}: {fp.format_value(normalized)} with {fp.format_value(collision)}")
        if normalized not in seen:
            seen.append(normalized)
    return out


def _item_paths(items: Any) -> list[str]:
    return [as_str(as_dict(item).get("path")) for item in as_list(items)]


def overlapping_path_warnings(volumes: Any, path: str) -> list[Finding]:
    """warningsForOverlappingVirtualPaths: items of one configMap/secret/downwardAPI/projected volume
    that write the same file or a file inside another's directory.

    The server's warning names the volume, not a field path; the finding sits at the volume.
    """
    rule = "K8S-WARN-OVERLAPPING-PATHS"
    out: list[Finding] = []
    for i, volume in enumerate(as_list(volumes)):
        volume = as_dict(volume)
        name = fp.format_value(as_str(volume.get("name")))
        at = index(path, i)
        messages: list[str] = []
        config_map, secret, downward = (
            as_dict(volume.get(k)) for k in ("configMap", "secret", "downwardAPI")
        )
        if config_map.get("items") is not None:
            label = f"volume {name} (ConfigMap {fp.format_value(as_str(config_map.get('name')))}): overlapping paths"
            messages += _mapping_overlaps(_item_paths(config_map["items"]), label)
        if secret.get("items") is not None:
            label = f"volume {name} (Secret {fp.format_value(as_str(secret.get('secretName')))}): overlapping paths"
            messages += _mapping_overlaps(_item_paths(secret["items"]), label)
        if downward.get("items") is not None:
            messages += _mapping_overlaps(
                _item_paths(downward["items"]), f"volume {name} (DownwardAPI): overlapping paths"
            )
        if isinstance(volume.get("projected"), dict):
            messages += _projected_overlaps(name, as_list(volume["projected"].get("sources")))
        out += [fp.warning(rule, at, message) for message in messages]
    return out


def _projected_overlaps(name: str, sources: list[Any]) -> list[str]:
    """The projected branch, including upstream's carry-over: a source that matches no case (a
    configMap without items, say) re-checks the previous source's paths."""
    out: list[str] = []
    all_paths: list[str] = []
    source_paths: list[str] = []
    message = ""
    for source in sources:
        source = as_dict(source)
        if not any(v is not None for v in source.values()):
            out.append(f"volume {name} (Projected) has no sources provided")
            continue
        config_map, secret, downward = (
            as_dict(source.get(k)) for k in ("configMap", "secret", "downwardAPI")
        )
        if config_map.get("items") is not None:
            source_paths = _item_paths(config_map["items"])
            message = f"volume {name} (Projected ConfigMap {fp.format_value(as_str(config_map.get('name')))}): overlapping paths"
        elif secret.get("items") is not None:
            source_paths = _item_paths(secret["items"])
            message = f"volume {name} (Projected Secret {fp.format_value(as_str(secret.get('name')))}): overlapping paths"
        elif downward.get("items") is not None:
            source_paths = _item_paths(downward["items"])
            message = f"volume {name} (Projected DownwardAPI): overlapping paths"
        elif isinstance(source.get("serviceAccountToken"), dict):
            source_paths = [as_str(source["serviceAccountToken"].get("path"))]
            message = f"volume {name} (Projected ServiceAccountToken): overlapping paths"
        elif isinstance(source.get("clusterTrustBundle"), dict):
            bundle = source["clusterTrustBundle"]
            source_paths = [as_str(bundle.get("path"))]
            shown = bundle.get("name") if bundle.get("name") is not None else bundle.get("signerName")
            message = f"volume {name} (Projected ClusterTrustBundle {fp.format_value(as_str(shown))}): overlapping paths"
        if not source_paths:
            continue
        out += _mapping_overlaps(source_paths, message)
        unique = list(dict.fromkeys(source_paths))
        out += _mapping_overlaps(sorted(unique + all_paths), message)
        all_paths += [p for p in unique if p not in all_paths]
    return out
