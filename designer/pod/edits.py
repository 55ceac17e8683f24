"""Pure structural edits of a workload document: containers, volumes and roles.

Every function takes the document (a Pod or any workload kind of workloads.WORKLOAD_KINDS) and
returns a NEW document (deep copy): inputs are never mutated, fields an edit does not touch keep
their value and key order, unknown fields pass through. Edits that also change roles take and
return the roles mapping (dict[str, Role]) beside the document. Impossible requests (duplicate
name, unknown container, removing the last app container...) raise EditError.

Annotations that name containers are kept in step with the containers themselves, but only
when the document already carries them (export adds them, see roles.apply_role_annotations):
  kubectl.kubernetes.io/default-container   the main
  pod-designer/roles                        "name=role,..." for the other containers
  pod-designer/waivers                      JSON list of {rule, container, reason}
                                            (rules/waivers.py); a removed container's go
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from designer.pod.model import ALL_GROUPS, APP, EPHEMERAL, INIT, PodView
from designer.pod.roles import (
    DEFAULT_CONTAINER_ANNOTATION,
    ROLES_ANNOTATION,
    Role,
    Roles,
    container_ports,
    is_native_sidecar,
    localhost_ports,
)
from designer.pod.rules.waivers import WAIVERS_ANNOTATION, Waiver, encode_waivers, parse_waivers
from designer.pod.workloads import WORKLOAD_KINDS, pod_metadata, pod_spec, template_keys, writable_annotations

# Annotations whose KEY ends with a container name (AppArmor before 1.30, kubectl's old default).
_PER_CONTAINER_ANNOTATION_PREFIXES = ("container.apparmor.security.beta.kubernetes.io/",)
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")


class EditError(ValueError):
    """The edit cannot be made (duplicate name, unknown container, last app container...)."""


# --- helpers -------------------------------------------------------------------------------


def _kind_keys(document: dict[str, Any]) -> tuple[str, ...]:
    kind = document.get("kind")
    return template_keys(kind) if isinstance(kind, str) and kind in WORKLOAD_KINDS else ()


def _template(document: dict[str, Any]) -> dict[str, Any]:
    """The pod template of a (copied) document, created along the way when missing."""
    node = document
    for key in _kind_keys(document):
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    return node


def _spec(document: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a (copied) document, created when missing."""
    template = _template(document)
    spec = template.get("spec")
    if not isinstance(spec, dict):
        spec = {}
        template["spec"] = spec
    return spec


def _annotations(document: dict[str, Any]) -> dict[str, Any] | None:
    """The pod's annotations of a (copied) document, or None when it has none."""
    annotations = pod_metadata(document).get("annotations")
    return annotations if isinstance(annotations, dict) else None


def _list(spec: dict[str, Any], key: str) -> list[Any]:
    items = spec.get(key)
    if not isinstance(items, list):
        items = []
        spec[key] = items
    return items


def _all_containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return PodView(spec).containers(*ALL_GROUPS)


def _names(spec: dict[str, Any]) -> set[str]:
    return set(PodView(spec).names(*ALL_GROUPS))


def _locate(spec: dict[str, Any], name: str) -> tuple[str, int]:
    """(list key, index) of the container called name; EditError when there is none."""
    slot = PodView(spec).find(name)
    if slot is None:
        raise EditError(f"no container named {name!r}")
    return slot.group, slot.index


def _check_new_name(name: Any, existing: set[str], what: str = "container") -> str:
    if not isinstance(name, str) or not name:
        raise EditError(f"a {what} needs a name")
    if len(name) > 63 or not _DNS_LABEL.match(name):
        raise EditError(
            f"{what} name {name!r} must be a lowercase RFC 1123 label: lower case letters, digits "
            "and '-', starting and ending with a letter or digit, at most 63 characters"
        )
    if name in existing:
        raise EditError(f"a {what} named {name!r} already exists")
    return name


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _main_of(roles: Roles) -> str | None:
    return next((n for n, r in roles.items() if r == Role.MAIN), None)


def _parse_roles_annotation(text: str) -> list[tuple[str, str]]:
    entries = []
    for item in text.split(","):
        name, _, value = item.strip().partition("=")
        entries.append((name.strip(), value.strip()))
    return [e for e in entries if e[0]]


def _sync_role_annotations(document: dict[str, Any], roles: Roles) -> None:
    """Keep existing role annotations of a (copied) document in step with roles."""
    annotations = _annotations(document)
    if annotations is None:
        return
    main = _main_of(roles)
    if DEFAULT_CONTAINER_ANNOTATION in annotations and main:
        annotations[DEFAULT_CONTAINER_ANNOTATION] = main
    text = annotations.get(ROLES_ANNOTATION)
    if not isinstance(text, str):
        return
    entries: list[tuple[str, str]] = []
    seen = set()
    for name, _value in _parse_roles_annotation(text):
        if name in roles and roles[name] != Role.MAIN and name not in seen:
            entries.append((name, roles[name].value))
            seen.add(name)
    entries += [(n, r.value) for n, r in roles.items() if r != Role.MAIN and n not in seen]
    new_text = ",".join(f"{n}={v}" for n, v in entries)
    if _parse_roles_annotation(text) != entries:
        annotations[ROLES_ANNOTATION] = new_text


def _rename_in_waivers(value: str, old: str, new: str | None) -> str:
    """Rename (new) or drop (None) the waivers of one container in the annotation's JSON list."""
    try:
        data = json.loads(value)
    except ValueError:
        return value  # malformed: the linter reports it; never guess
    if not isinstance(data, list) or not any(isinstance(i, dict) and i.get("container") == old for i in data):
        return value
    items = []
    for item in data:
        if isinstance(item, dict) and item.get("container") == old:
            if new is None:
                continue
            item = {k: (new if k == "container" else v) for k, v in item.items()}
        items.append(item)
    return json.dumps(items, separators=(",", ":"))


def _rename_references(spec: dict[str, Any], old: str, new: str) -> None:
    """resourceFieldRef.containerName in env and downwardAPI/projected volumes."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("resourceFieldRef")
            if isinstance(ref, dict) and ref.get("containerName") == old:
                ref["containerName"] = new
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for c in _all_containers(spec):
        visit(c.get("env"))
    visit(spec.get("volumes"))


def unique_name(existing: set[str], base: str) -> str:
    """base, or base-2, base-3... : the first not in existing (kept within 63 characters)."""
    return _first_free(existing, base[:63].rstrip("-") or "container", 63)


def _first_free(existing: set[str], base: str, limit: int) -> str:
    """base, or base-2, base-3... shortened to stay within limit characters: the first unused."""
    if base not in existing:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: limit - len(suffix)].rstrip("-") + suffix
        if candidate not in existing:
            return candidate
        n += 1


def set_role(roles: Roles, name: str, role: Role) -> Roles:
    """A copy of roles where name has role; exactly one main: a new main demotes the old one."""
    role = Role(role)
    result: Roles = {}
    for key, value in roles.items():
        if role == Role.MAIN and value == Role.MAIN and key != name:
            value = Role.SIDECAR
        result[key] = value
    result[name] = role
    return result


# --- containers ----------------------------------------------------------------------------


def add_container(
    document: dict[str, Any],
    roles: Roles,
    container: dict[str, Any],
    role: Role,
    init: bool = False,
    index: int | None = None,
) -> tuple[dict[str, Any], Roles]:
    """Add a container (an init container when init) at index (default: the end) with role.

    A helper role placed among init containers becomes a native sidecar (restartPolicy Always).
    """
    role = Role(role)
    result = copy.deepcopy(document)
    spec = _spec(result)
    name = _check_new_name(container.get("name") if isinstance(container, dict) else None, _names(spec))
    if role == Role.MAIN and init:
        raise EditError("the main container must be in spec.containers, not an init container")
    if role == Role.INIT and not init:
        raise EditError("an init container belongs in spec.initContainers (init=True)")
    new = copy.deepcopy(container)
    if init and role != Role.INIT and not is_native_sidecar(new):
        new["restartPolicy"] = "Always"
    items = _list(spec, INIT if init else APP)
    position = len(items) if index is None else _clamp(index, 0, len(items))
    items.insert(position, new)
    new_roles = set_role(roles, name, role)
    _sync_role_annotations(result, new_roles)
    return result, new_roles


def remove_container(document: dict[str, Any], roles: Roles, name: str) -> tuple[dict[str, Any], Roles]:
    """Remove a container and its role; the first remaining app container succeeds a removed main."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    key, index = _locate(spec, name)
    items = spec[key]
    if key == APP and len(PodView(spec).containers(APP)) <= 1:
        raise EditError(f"{name!r} is the only app container; a pod needs at least one")
    del items[index]
    if not items and key != APP:
        del spec[key]
    new_roles = {n: r for n, r in roles.items() if n != name}
    if roles.get(name) == Role.MAIN:
        successor = next((c.get("name") for c in PodView(spec).containers(APP)), None)
        if isinstance(successor, str):
            new_roles = set_role(new_roles, successor, Role.MAIN)
    annotations = _annotations(result)
    if annotations is not None:
        if isinstance(annotations.get(WAIVERS_ANNOTATION), str):
            annotations[WAIVERS_ANNOTATION] = _rename_in_waivers(annotations[WAIVERS_ANNOTATION], name, None)
        for prefix in _PER_CONTAINER_ANNOTATION_PREFIXES:
            annotations.pop(prefix + name, None)
    _sync_role_annotations(result, new_roles)
    return result, new_roles


def _port_names(spec: dict[str, Any]) -> set[str]:
    return {
        p["name"]
        for c in _all_containers(spec)
        for p in c.get("ports") or []
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    }


def used_ports(document: dict[str, Any]) -> set[int]:
    """Every containerPort and hostPort declared in the pod, and every localhost port referenced."""
    spec = pod_spec(document)
    ports: set[int] = set()
    for c in _all_containers(spec):
        ports |= set(container_ports(c))
        ports |= set(localhost_ports(c))
        for p in c.get("ports") or []:
            if isinstance(p, dict) and isinstance(p.get("hostPort"), int):
                ports.add(p["hostPort"])
    return ports


def free_port(used: set[int], wanted: int) -> int:
    """wanted, or the next port up (wrapping to 1024) that is not in used."""
    port = wanted
    for _ in range(65535):
        if port not in used and 0 < port < 65536:
            return port
        port = port + 1 if port < 65535 else 1024
    raise EditError("no free port left in the pod")


def unique_port_name(existing: set[str], base: str) -> str:
    """An IANA service name (≤ 15 chars) not yet used in the pod: base, base-2, ..."""
    return _first_free(existing, base[:15].strip("-") or "port", 15)


def duplicate_container(
    document: dict[str, Any], roles: Roles, name: str, new_name: str | None = None
) -> tuple[dict[str, Any], Roles]:
    """Copy a container right after itself; the copy gets free ports and is never the main.

    In the shared network namespace the copy cannot listen where the original does, so its
    containerPorts move to the next free numbers, its port names get a suffix and hostPorts go.
    """
    result = copy.deepcopy(document)
    spec = _spec(result)
    key, index = _locate(spec, name)
    existing = _names(spec)
    target = _check_new_name(
        new_name if new_name is not None else unique_name(existing, f"{name}-copy"), existing
    )
    original = spec[key][index]
    clone = {k: (target if k == "name" else copy.deepcopy(v)) for k, v in original.items()}
    if isinstance(clone.get("ports"), list):
        used = used_ports(result)
        names = _port_names(spec)
        for port in clone["ports"]:
            if not isinstance(port, dict):
                continue
            if isinstance(port.get("containerPort"), int):
                number = free_port(used, port["containerPort"])
                used.add(number)
                port["containerPort"] = number
            port.pop("hostPort", None)
            if isinstance(port.get("name"), str):
                port["name"] = unique_port_name(names, port["name"])
                names.add(port["name"])
    spec[key].insert(index + 1, clone)
    role = roles.get(name, Role.SIDECAR)
    if role == Role.MAIN:
        role = Role.SIDECAR
    new_roles = dict(roles)
    new_roles[target] = role
    _sync_role_annotations(result, new_roles)
    return result, new_roles


def move_container(document: dict[str, Any], name: str, delta: int) -> dict[str, Any]:
    """Move a container delta places within its own list (init order is run order); clamps."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    key, index = _locate(spec, name)
    items = spec[key]
    target = _clamp(index + delta, 0, len(items) - 1)
    items.insert(target, items.pop(index))
    return result


def set_native_sidecar(
    document: dict[str, Any], roles: Roles, name: str, native: bool
) -> tuple[dict[str, Any], Roles]:
    """Move a helper between spec.containers (classic) and initContainers with restartPolicy Always.

    A run-to-completion init container made native stays in place and becomes a sidecar.
    A new native sidecar goes before the first init container that links to its ports.
    """
    if roles.get(name) == Role.MAIN:
        raise EditError(f"{name!r} is the main container; it must stay in spec.containers")
    result = copy.deepcopy(document)
    spec = _spec(result)
    key, index = _locate(spec, name)
    new_roles = dict(roles)
    if key == EPHEMERAL:
        raise EditError(f"{name!r} is an ephemeral container")
    container = spec[key][index]
    if native:
        if key == INIT:
            if not is_native_sidecar(container):
                container["restartPolicy"] = "Always"
                if new_roles.get(name, Role.INIT) == Role.INIT:
                    new_roles[name] = Role.SIDECAR
        else:
            if len(PodView(spec).containers(APP)) <= 1:
                raise EditError(f"{name!r} is the only app container; a pod needs at least one")
            del spec[key][index]
            container["restartPolicy"] = "Always"
            inits = _list(spec, INIT)
            ports = set(container_ports(container))
            position = next(
                (
                    i
                    for i, c in enumerate(inits)
                    if isinstance(c, dict) and not is_native_sidecar(c) and ports & set(localhost_ports(c))
                ),
                len(inits),
            )
            inits.insert(position, container)
            if new_roles.get(name) in (None, Role.INIT):
                new_roles[name] = Role.SIDECAR
    else:
        if key == APP:
            return result, new_roles
        if not is_native_sidecar(container):
            raise EditError(f"{name!r} is a run-to-completion init container, not a sidecar")
        del spec[key][index]
        if not spec[key]:
            del spec[key]
        container.pop("restartPolicy", None)
        _list(spec, APP).append(container)
        if new_roles.get(name) in (None, Role.INIT):
            new_roles[name] = Role.SIDECAR
    _sync_role_annotations(result, new_roles)
    return result, new_roles


def rename_container(
    document: dict[str, Any], roles: Roles, old: str, new: str
) -> tuple[dict[str, Any], Roles]:
    """Rename a container and every reference to it: roles, role/waiver/AppArmor annotations,
    resourceFieldRef.containerName."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    key, index = _locate(spec, old)
    if new == old:
        return result, dict(roles)
    _check_new_name(new, _names(spec))
    spec[key][index]["name"] = new
    _rename_references(spec, old, new)
    new_roles = {(new if n == old else n): r for n, r in roles.items()}
    annotations = _annotations(result)
    if annotations is not None:
        if annotations.get(DEFAULT_CONTAINER_ANNOTATION) == old:
            annotations[DEFAULT_CONTAINER_ANNOTATION] = new
        text = annotations.get(ROLES_ANNOTATION)
        if isinstance(text, str):
            parts = []
            for part in text.split(","):
                head, sep, tail = part.partition("=")
                if head.strip() == old:
                    part = head.replace(old, new) + sep + tail
                parts.append(part)
            annotations[ROLES_ANNOTATION] = ",".join(parts)
        if isinstance(annotations.get(WAIVERS_ANNOTATION), str):
            annotations[WAIVERS_ANNOTATION] = _rename_in_waivers(annotations[WAIVERS_ANNOTATION], old, new)
        for prefix in _PER_CONTAINER_ANNOTATION_PREFIXES:
            if prefix + old in annotations:
                renamed = {(prefix + new if k == prefix + old else k): v for k, v in annotations.items()}
                annotations.clear()
                annotations.update(renamed)
    return result, new_roles


# --- volumes -------------------------------------------------------------------------------


def _volume_names(spec: dict[str, Any]) -> set[str]:
    return {v["name"] for v in PodView(spec).volumes() if isinstance(v.get("name"), str)}


def _locate_volume(spec: dict[str, Any], name: str) -> int:
    for i, v in enumerate(spec.get("volumes") or []):
        if isinstance(v, dict) and v.get("name") == name:
            return i
    raise EditError(f"no volume named {name!r}")


def add_volume(document: dict[str, Any], volume: dict[str, Any]) -> dict[str, Any]:
    """Append a volume to spec.volumes (its name must be new)."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    _check_new_name(volume.get("name") if isinstance(volume, dict) else None, _volume_names(spec), "volume")
    _list(spec, "volumes").append(copy.deepcopy(volume))
    return result


def remove_volume(document: dict[str, Any], name: str) -> dict[str, Any]:
    """Remove a volume and every volumeMount/volumeDevice that uses it."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    index = _locate_volume(spec, name)
    del spec["volumes"][index]
    if not spec["volumes"]:
        del spec["volumes"]
    for c in _all_containers(spec):
        for key in ("volumeMounts", "volumeDevices"):
            mounts = c.get(key)
            if isinstance(mounts, list):
                kept = [m for m in mounts if not (isinstance(m, dict) and m.get("name") == name)]
                if len(kept) != len(mounts):
                    if kept:
                        c[key] = kept
                    else:
                        del c[key]
    return result


def duplicate_volume(document: dict[str, Any], name: str, new_name: str | None = None) -> dict[str, Any]:
    """Copy a volume right after itself (no container mounts the copy yet)."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    index = _locate_volume(spec, name)
    existing = _volume_names(spec)
    target = _check_new_name(
        new_name if new_name is not None else unique_name(existing, f"{name}-copy"), existing, "volume"
    )
    original = spec["volumes"][index]
    clone = {k: (target if k == "name" else copy.deepcopy(v)) for k, v in original.items()}
    spec["volumes"].insert(index + 1, clone)
    return result


def move_volume(document: dict[str, Any], name: str, delta: int) -> dict[str, Any]:
    """Move a volume delta places in spec.volumes; clamps."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    index = _locate_volume(spec, name)
    items = spec["volumes"]
    items.insert(_clamp(index + delta, 0, len(items) - 1), items.pop(index))
    return result


def rename_volume(document: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """Rename a volume and every volumeMount/volumeDevice of every container that uses it."""
    result = copy.deepcopy(document)
    spec = _spec(result)
    index = _locate_volume(spec, old)
    if new == old:
        return result
    _check_new_name(new, _volume_names(spec), "volume")
    spec["volumes"][index]["name"] = new
    for c in _all_containers(spec):
        for key in ("volumeMounts", "volumeDevices"):
            for m in c.get(key) or []:
                if isinstance(m, dict) and m.get("name") == old:
                    m["name"] = new
    return result


# --- waivers ---------------------------------------------------------------------------------


def _waiver_list(document: dict[str, Any]) -> list[Waiver]:
    annotations = _annotations(document) or {}
    value = annotations.get(WAIVERS_ANNOTATION)
    if not isinstance(value, str):
        return []
    try:
        return parse_waivers(value)
    except ValueError as error:
        # Never overwrite what we cannot read: the linter reports it, the user fixes it in YAML.
        raise EditError(
            f"the {WAIVERS_ANNOTATION} annotation cannot be read ({error}); fix it in YAML"
        ) from None


def _write_waivers(document: dict[str, Any], waivers: list[Waiver]) -> dict[str, Any]:
    template = _template(document)
    annotations = writable_annotations(template)
    if waivers:
        annotations[WAIVERS_ANNOTATION] = encode_waivers(waivers)
    else:
        annotations.pop(WAIVERS_ANNOTATION, None)
        if not annotations:
            template["metadata"].pop("annotations")
    return document


def set_waiver(document: dict[str, Any], rule: str, container: str | None, reason: str) -> dict[str, Any]:
    """Waive `rule` for one container (None: the pod) with a reason, stored in the waivers annotation."""
    rule, reason = rule.strip(), " ".join(reason.split())
    if not rule:
        raise EditError("say which rule to waive")
    if not reason:
        raise EditError(f"a waiver needs a reason: say why {rule} does not apply")
    result = copy.deepcopy(document)
    if container and container not in _names(_spec(result)):
        raise EditError(f"no container named {container!r}")
    kept = [w for w in _waiver_list(result) if (w.rule, w.container) != (rule, container or None)]
    return _write_waivers(result, [*kept, Waiver(rule, container or None, reason)])


def remove_waiver(document: dict[str, Any], rule: str, container: str | None) -> dict[str, Any]:
    """Take back the waiver of `rule` for one container (None: the pod); the rule reports again."""
    result = copy.deepcopy(document)
    waivers = _waiver_list(result)
    kept = [w for w in waivers if (w.rule, w.container) != (rule, container or None)]
    if len(kept) == len(waivers):
        raise EditError(f"{rule} is not waived for {container or 'the pod'}")
    return _write_waivers(result, kept)
