"""Warnings kube-apiserver admits a pod with (pkg/api/pod/warnings.go), RULES.md §1l."""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.quantity import as_written, is_integer, quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index


def _containers_with_paths(spec: dict[str, Any], path: str) -> list[tuple[dict[str, Any], str]]:
    return [
        (ctr, index(child(path, group), i))
        for group in ("initContainers", "containers", "ephemeralContainers")
        for i, ctr in enumerate(as_list(spec.get(group)))
        if isinstance(ctr, dict)
    ]


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
