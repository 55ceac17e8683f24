"""kube-apiserver's container validation (validation.go: validateContainerCommon and friends).

Every function takes (value, path, ...) and returns findings; a value of the wrong type is
skipped (the schema layer reports it), nothing here raises on strange input.
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import PodView
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates, names
from designer.pod.rules.apiserver_common import (
    EPHEMERAL_FORBIDDEN,
    PORT_RANGE_MSG,
    PodInfo,
    local_descending_path,
    port_name_errors,
)
from designer.pod.rules.apiserver_env import validate_env, validate_env_from
from designer.pod.rules.apiserver_probes import validate_probes_and_lifecycle
from designer.pod.rules.apiserver_resources import (
    validate_resize_policy,
    validate_resource_claims,
    validate_resources,
    validate_security_context,
)
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index

# --- identity ---------------------------------------------------------------------------------


def validate_container_name(ctr: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """Container name is required and a DNS-1123 label."""
    value = as_str(ctr.get("name"))
    if not value:
        return [fp.required("K8S-CTR-NAME-REQUIRED", child(path, "name"), container=name)]
    return [
        fp.invalid(
            "K8S-CTR-NAME-DNS1123",
            child(path, "name"),
            value,
            msg,
            container=name,
            hint="Use lower-case letters, digits and '-', e.g. 'log-shipper'.",
        )
        for msg in names.is_dns1123_label(value)
    ]


def validate_image(ctr: dict[str, Any], path: str, name: str | None, info: PodInfo) -> list[Finding]:
    """image is required; on a Pod it must not have leading or trailing whitespace."""
    image = ctr.get("image")
    if not isinstance(image, str) or not image:
        if image is None or image == "":
            return [fp.required("K8S-CTR-IMAGE-REQUIRED", child(path, "image"), container=name)]
        return []
    if info.is_pod and image != image.strip():
        return [
            fp.invalid(
                "K8S-CTR-IMAGE-WHITESPACE",
                child(path, "image"),
                image,
                "must not have leading or trailing whitespace",
                container=name,
            )
        ]
    return []


def validate_pull_policy(ctr: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """imagePullPolicy is Always, IfNotPresent or Never (defaulted when unset)."""
    value = ctr.get("imagePullPolicy")
    if isinstance(value, str) and value not in ("Always", "IfNotPresent", "Never"):
        return [
            fp.not_supported(
                "K8S-CTR-PULL-POLICY",
                child(path, "imagePullPolicy"),
                value,
                ["Always", "IfNotPresent", "Never"],
                container=name,
            )
        ]
    return []


def validate_termination_message_policy(ctr: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """terminationMessagePolicy is File or FallbackToLogsOnError."""
    value = ctr.get("terminationMessagePolicy")
    if isinstance(value, str) and value not in ("File", "FallbackToLogsOnError"):
        return [
            fp.not_supported(
                "K8S-CTR-TERMMSG",
                child(path, "terminationMessagePolicy"),
                value,
                ["File", "FallbackToLogsOnError"],
                container=name,
            )
        ]
    return []


# --- ports ------------------------------------------------------------------------------------


def validate_ports(ports: Any, path: str, name: str | None) -> list[Finding]:
    """validateContainerPorts: names, numbers, protocol; names unique within the container."""
    out: list[Finding] = []
    names: set[str] = set()
    for i, port in enumerate(as_list(ports)):
        if not isinstance(port, dict):
            continue
        ip = index(path, i)
        port_name = port.get("name")
        if isinstance(port_name, str) and port_name:
            errs = port_name_errors(port_name)
            for msg in errs:
                out.append(
                    fp.invalid("K8S-PORT-NAME-FORMAT", child(ip, "name"), port_name, msg, container=name)
                )
            if not errs and port_name in names:
                out.append(fp.duplicate("K8S-PORT-NAME-UNIQUE", child(ip, "name"), port_name, container=name))
            names.add(port_name)
        number = port.get("containerPort")
        if number is None or number == 0:
            out.append(fp.required("K8S-PORT-NUMBER", child(ip, "containerPort"), container=name))
        elif as_int(number) is not None and not 1 <= number <= 65535:
            out.append(
                fp.invalid(
                    "K8S-PORT-NUMBER", child(ip, "containerPort"), number, PORT_RANGE_MSG, container=name
                )
            )
        host = as_int(port.get("hostPort"))
        if host and not 1 <= host <= 65535:
            out.append(
                fp.invalid(
                    "K8S-PORT-HOSTPORT-RANGE", child(ip, "hostPort"), host, PORT_RANGE_MSG, container=name
                )
            )
        protocol = port.get("protocol")
        if isinstance(protocol, str) and protocol not in ("TCP", "UDP", "SCTP"):
            out.append(
                fp.not_supported(
                    "K8S-PORT-PROTOCOL",
                    child(ip, "protocol"),
                    protocol,
                    ["SCTP", "TCP", "UDP"],
                    container=name,
                    hint="Protocols are case-sensitive: TCP, UDP or SCTP.",
                )
            )
    return out


def host_port_conflicts(
    containers: list[tuple[dict[str, Any], str]], group_path: str, seen: set[str], rule: str
) -> list[Finding]:
    """AccumulateUniqueHostPorts: protocol/hostIP/hostPort unique over the given containers."""
    out = []
    for ctr, ctr_path in containers:
        for j, port in enumerate(as_list(ctr.get("ports"))):
            if not isinstance(port, dict):
                continue
            host = as_int(port.get("hostPort"))
            if not host:
                continue
            key = f"{as_str(port.get('protocol'))}/{as_str(port.get('hostIP'))}/{host}"
            if key in seen:
                out.append(
                    fp.duplicate(
                        rule,
                        child(index(child(ctr_path, "ports"), j), "hostPort"),
                        key,
                        container=as_str(ctr.get("name")) or None,
                    )
                )
            seen.add(key)
    return out


# --- volume mounts and devices ----------------------------------------------------------------


def validate_volume_mounts(ctr: dict[str, Any], path: str, name: str | None, info: PodInfo) -> list[Finding]:
    """ValidateVolumeMounts; Not found for a broken volume goes to info.cascade, not the result."""
    out: list[Finding] = []
    mount_paths: set[str] = set()
    devices = [as_dict(d) for d in as_list(ctr.get("volumeDevices"))]
    device_names = {as_str(d.get("name")) for d in devices}
    device_paths = {as_str(d.get("devicePath")) for d in devices}
    privileged = as_dict(ctr.get("securityContext")).get("privileged") is True
    for i, mount in enumerate(as_list(ctr.get("volumeMounts"))):
        if not isinstance(mount, dict):
            continue
        ip = index(path, i)
        mount_name = mount.get("name")
        if mount_name in (None, ""):
            out.append(fp.required("K8S-MOUNT-NAME-REQUIRED", child(ip, "name"), container=name))
        if isinstance(mount_name, str) or mount_name is None:
            vol_name = as_str(mount_name)
            if vol_name not in info.volumes:
                finding = fp.not_found(
                    "K8S-MOUNT-VOLUME-EXISTS",
                    child(ip, "name"),
                    vol_name,
                    container=name,
                    hint="Declare the volume in spec.volumes or fix the mount's name.",
                )
                if vol_name in info.broken_volumes:
                    info.cascade.setdefault(vol_name, []).append(finding)
                else:
                    out.append(finding)
        mount_path = mount.get("mountPath")
        if mount_path in (None, ""):
            out.append(fp.required("K8S-MOUNT-PATH-REQUIRED", child(ip, "mountPath"), container=name))
        elif isinstance(mount_path, str):
            if mount_path in mount_paths:
                out.append(
                    fp.invalid(
                        "K8S-MOUNT-PATH-UNIQUE",
                        child(ip, "mountPath"),
                        mount_path,
                        "must be unique",
                        container=name,
                    )
                )
            mount_paths.add(mount_path)
            if mount_path in device_paths:
                out.append(
                    fp.invalid(
                        "K8S-MOUNT-DEVICE",
                        child(ip, "mountPath"),
                        mount_path,
                        "must not already exist as a path in volumeDevices",
                        container=name,
                    )
                )
        if isinstance(mount_name, str) and mount_name and mount_name in device_names:
            out.append(
                fp.invalid(
                    "K8S-MOUNT-DEVICE",
                    child(ip, "name"),
                    mount_name,
                    "must not already exist in volumeDevices",
                    container=name,
                )
            )
        sub_path = as_str(mount.get("subPath"))
        sub_expr = as_str(mount.get("subPathExpr"))
        volume = info.volumes.get(as_str(mount_name))
        if volume is not None and isinstance(volume.get("image"), dict):
            for key, value in (("subPath", sub_path), ("subPathExpr", sub_expr)):
                if value:
                    out.append(
                        fp.invalid(
                            "K8S-MOUNT-SUBPATH",
                            child(ip, key),
                            value,
                            "not allowed in image volume sources",
                            container=name,
                        )
                    )
        # validation.go reports the path checks at volumeMounts.<field>, with no index (but the
        # mutual exclusion at the indexed mount).
        if sub_path:
            out += local_descending_path("K8S-MOUNT-SUBPATH", sub_path, child(path, "subPath"), name)
        if sub_expr:
            if sub_path:
                out.append(
                    fp.invalid(
                        "K8S-MOUNT-SUBPATH",
                        child(ip, "subPathExpr"),
                        sub_expr,
                        "subPathExpr and subPath are mutually exclusive",
                        container=name,
                    )
                )
            out += local_descending_path("K8S-MOUNT-SUBPATH", sub_expr, child(path, "subPathExpr"), name)
        propagation = mount.get("mountPropagation")
        if isinstance(propagation, str):
            if propagation not in ("Bidirectional", "HostToContainer", "None"):
                out.append(
                    fp.not_supported(
                        "K8S-MOUNT-PROPAGATION",
                        child(path, "mountPropagation"),
                        propagation,
                        ["Bidirectional", "HostToContainer", "None"],
                        container=name,
                    )
                )
            elif propagation == "Bidirectional" and not privileged:
                out.append(
                    fp.forbidden(
                        "K8S-MOUNT-PROPAGATION",
                        child(path, "mountPropagation"),
                        "Bidirectional mount propagation is available only to privileged containers",
                        container=name,
                    )
                )
        rro = mount.get("recursiveReadOnly")
        if isinstance(rro, str) and rro != "Disabled":
            rro_path = child(path, "recursiveReadOnly")
            if rro not in ("Enabled", "IfPossible"):
                out.append(
                    fp.not_supported(
                        "K8S-MOUNT-RRO", rro_path, rro, ["Disabled", "IfPossible", "Enabled"], container=name
                    )
                )
            else:
                if mount.get("readOnly") is not True:
                    out.append(
                        fp.forbidden(
                            "K8S-MOUNT-RRO",
                            rro_path,
                            "may only be specified when readOnly is true",
                            container=name,
                        )
                    )
                if isinstance(propagation, str) and propagation != "None":
                    out.append(
                        fp.forbidden(
                            "K8S-MOUNT-RRO",
                            rro_path,
                            "may only be specified when mountPropagation is None or not specified",
                            container=name,
                        )
                    )
    return out


def validate_volume_devices(ctr: dict[str, Any], path: str, name: str | None, info: PodInfo) -> list[Finding]:
    """ValidateVolumeDevices: block devices come from PVC or ephemeral volumes."""
    out: list[Finding] = []
    rule = "K8S-MOUNT-DEVICE"
    mounts = [as_dict(m) for m in as_list(ctr.get("volumeMounts"))]
    mount_names = {as_str(m.get("name")) for m in mounts}
    mount_paths = {as_str(m.get("mountPath")) for m in mounts}
    names: set[str] = set()
    paths: set[str] = set()
    for i, device in enumerate(as_list(ctr.get("volumeDevices"))):
        if not isinstance(device, dict):
            continue
        ip = index(path, i)
        dev_name = as_str(device.get("name"))
        dev_path = as_str(device.get("devicePath"))
        volume = info.volumes.get(dev_name)
        if not dev_name:
            out.append(fp.required(rule, child(ip, "name"), container=name))
        if dev_name and dev_name in names:
            out.append(fp.invalid(rule, child(ip, "name"), dev_name, "must be unique", container=name))
        if volume is not None and not (
            isinstance(volume.get("persistentVolumeClaim"), dict) or isinstance(volume.get("ephemeral"), dict)
        ):
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "name"),
                    dev_name,
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
                    container=name,
                )
            )
        if volume is None:
            out.append(fp.not_found(rule, child(ip, "name"), dev_name, container=name))
        if not dev_path:
            out.append(fp.required(rule, child(ip, "devicePath"), container=name))
        if dev_path and dev_path in paths:
            out.append(fp.invalid(rule, child(ip, "devicePath"), dev_path, "must be unique", container=name))
        if dev_path and ".." in dev_path.split("/"):
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "devicePath"),
                    dev_path,
                    "can not contain backsteps ('..')",
                    container=name,
                )
            )
        else:
            paths.add(dev_path)
        if dev_name and dev_name in mount_names:
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "name"),
                    dev_name,
                    "must not already exist in volumeMounts",
                    container=name,
                )
            )
        if dev_path and dev_path in mount_paths:
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "devicePath"),
                    dev_path,
                    "must not already exist as a path in volumeMounts",
                    container=name,
                )
            )
        if dev_name:
            names.add(dev_name)
    return out


# --- the container as a whole -----------------------------------------------------------------


def validate_container_common(ctr: dict[str, Any], path: str, info: PodInfo) -> list[Finding]:
    """validateContainerCommon: what every kind of container must satisfy."""
    name = as_str(ctr.get("name")) or None
    out = validate_container_name(ctr, path, name)
    out += validate_image(ctr, path, name, info)
    out += validate_termination_message_policy(ctr, path, name)
    out += validate_ports(ctr.get("ports"), child(path, "ports"), name)
    out += validate_env(ctr.get("env"), child(path, "env"), name, info.version)
    out += validate_env_from(ctr.get("envFrom"), child(path, "envFrom"), name, info.version)
    out += validate_volume_mounts(ctr, child(path, "volumeMounts"), name, info)
    out += validate_volume_devices(ctr, child(path, "volumeDevices"), name, info)
    out += validate_pull_policy(ctr, path, name)
    out += validate_resources(ctr.get("resources"), child(path, "resources"), name)
    out += validate_resource_claims(ctr.get("resources"), child(path, "resources"), name, info.claim_names)
    out += validate_resize_policy(
        ctr.get("resizePolicy"), child(path, "resizePolicy"), name, info.restart_policy
    )
    out += validate_security_context(
        ctr.get("securityContext"), child(path, "securityContext"), name, info.host_users
    )
    return out


def _restart_rules_enabled(version: tuple[int, int]) -> bool:
    """ContainerRestartRules (KEP-5307): alpha v1.34 (off), beta v1.35 (on by default)."""
    return gates.enabled("ContainerRestartRules", version)


def _sidecars_enabled(version: tuple[int, int]) -> bool:
    """SidecarContainers: alpha v1.28 (off by default), beta v1.29 (on), GA v1.33."""
    return gates.enabled("SidecarContainers", version)


def validate_containers(containers: Any, path: str, info: PodInfo) -> list[Finding]:
    """validateContainers: at least one; names unique; probes; no restartPolicy (before v1.35)."""
    items = [(c, index(path, i)) for i, c in enumerate(as_list(containers)) if isinstance(c, dict)]
    if not as_list(containers):
        return [
            fp.required(
                "K8S-CTRS-REQUIRED",
                path,
                hint="Add a regular container: a pod of native sidecars alone is invalid.",
            )
        ]
    out: list[Finding] = []
    names: set[str] = set()
    for ctr, ctr_path in items:
        name = as_str(ctr.get("name")) or None
        out += validate_container_common(ctr, ctr_path, info)
        ctr_name = as_str(ctr.get("name"))
        if ctr_name in names:
            out.append(fp.duplicate("K8S-CTR-NAME-UNIQUE", child(ctr_path, "name"), ctr_name, container=name))
        names.add(ctr_name)
        out += validate_probes_and_lifecycle(ctr, ctr_path, name, info)
        restart = ctr.get("restartPolicy")
        if (
            restart is None
            and as_list(ctr.get("restartPolicyRules"))
            and _restart_rules_enabled(info.version)
        ):
            out.append(
                fp.required(
                    "K8S-CTR-RESTARTPOLICY-FORBIDDEN",
                    child(ctr_path, "restartPolicy"),
                    "must specify restartPolicy when restart rules are used",
                    container=name,
                )
            )
        if restart is not None:
            if not _restart_rules_enabled(info.version):
                out.append(
                    fp.forbidden(
                        "K8S-CTR-RESTARTPOLICY-FORBIDDEN",
                        child(ctr_path, "restartPolicy"),
                        "may not be set for non-init containers",
                        container=name,
                        hint="restartPolicy: Always belongs on an init container (a native sidecar).",
                    )
                )
            elif isinstance(restart, str) and restart not in ("Always", "OnFailure", "Never"):
                out.append(
                    fp.not_supported(
                        "K8S-CTR-RESTARTPOLICY-FORBIDDEN",
                        child(ctr_path, "restartPolicy"),
                        restart,
                        ["Always", "Never", "OnFailure"],
                        container=name,
                    )
                )
    out += host_port_conflicts(items, path, set(), "K8S-HOSTPORT-CONFLICT")
    return out


def validate_init_containers(init: Any, containers: Any, path: str, info: PodInfo) -> list[Finding]:
    """validateInitContainers: names unique with regular containers; sidecar-only fields."""
    names = {as_str(c.get("name")) for c in as_list(containers) if isinstance(c, dict)}
    out: list[Finding] = []
    for i, ctr in enumerate(as_list(init)):
        if not isinstance(ctr, dict):
            continue
        ctr_path = index(path, i)
        name = as_str(ctr.get("name")) or None
        out += validate_container_common(ctr, ctr_path, info)
        restart = ctr.get("restartPolicy")
        restart_always = False
        if restart is not None:
            rp = child(ctr_path, "restartPolicy")
            if not _sidecars_enabled(info.version):
                out.append(
                    fp.forbidden(
                        "K8S-INIT-RESTARTPOLICY-VALUE",
                        rp,
                        f"may not be set for init containers before v1.29 (target v{info.version[0]}.{info.version[1]}: "
                        "the SidecarContainers feature gate is off by default)",
                        container=name,
                    )
                )
            else:
                allowed = (
                    ["Always", "Never", "OnFailure"] if _restart_rules_enabled(info.version) else ["Always"]
                )
                if restart not in allowed:
                    out.append(
                        fp.not_supported(
                            "K8S-INIT-RESTARTPOLICY-VALUE",
                            rp,
                            restart,
                            allowed,
                            container=name,
                            hint="Only restartPolicy: Always is allowed: it makes a native sidecar.",
                        )
                    )
                restart_always = restart == "Always"
        ctr_name = as_str(ctr.get("name"))
        if ctr_name in names:
            out.append(fp.duplicate("K8S-CTR-NAME-UNIQUE", child(ctr_path, "name"), ctr_name, container=name))
        elif ctr_name:
            names.add(ctr_name)
        # Init containers run one after another: host ports are checked per container, at index 0.
        out += host_port_conflicts([(ctr, index(path, 0))], path, set(), "K8S-INIT-HOSTPORT")
        if restart_always:
            out += validate_probes_and_lifecycle(ctr, ctr_path, name, info)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if ctr.get(key) is not None:
                    out.append(
                        fp.forbidden(
                            "K8S-INIT-PROBES-FORBIDDEN",
                            child(ctr_path, key),
                            "may not be set for init containers without restartPolicy=Always",
                            container=name,
                            hint="Add restartPolicy: Always to make it a native sidecar, or remove it.",
                        )
                    )
        # No "resizePolicy must not be set for init containers" here: with default gates the field
        # is dropped before v1.33 (InPlacePodVerticalScaling off, gates.drop_disabled_fields) and
        # allowed on every init container from v1.33 (kube-apiserver v1.33.5 and v1.36.2 admit it).
    return out


def validate_ephemeral_containers(
    ephemeral: Any, spec: dict[str, Any], path: str, info: PodInfo
) -> list[Finding]:
    """validateEphemeralContainers: unique names, an existing target, a restricted field set."""
    others = {as_str(c.get("name")) for c in PodView(spec).containers()}
    seen: set[str] = set()
    out: list[Finding] = []
    for i, ctr in enumerate(as_list(ephemeral)):
        if not isinstance(ctr, dict):
            continue
        ctr_path = index(path, i)
        name = as_str(ctr.get("name")) or None
        out += validate_container_common(ctr, ctr_path, info)
        ctr_name = as_str(ctr.get("name"))
        if ctr_name in others or ctr_name in seen:
            out.append(fp.duplicate("K8S-CTR-NAME-UNIQUE", child(ctr_path, "name"), ctr_name, container=name))
        seen.add(ctr_name)
        target = ctr.get("targetContainerName")
        if isinstance(target, str) and target and target not in others:
            out.append(
                fp.not_found("K8S-EPH-FIELDS", child(ctr_path, "targetContainerName"), target, container=name)
            )
        for key in EPHEMERAL_FORBIDDEN:
            if ctr.get(key) is not None:
                out.append(
                    fp.forbidden(
                        "K8S-EPH-FIELDS",
                        child(ctr_path, key),
                        "cannot be set for an Ephemeral Container",
                        container=name,
                    )
                )
        for j, mount in enumerate(as_list(ctr.get("volumeMounts"))):
            for key in ("subPath", "subPathExpr"):
                if as_str(as_dict(mount).get(key)):
                    out.append(
                        fp.forbidden(
                            "K8S-EPH-FIELDS",
                            child(index(child(ctr_path, "volumeMounts"), j), key),
                            "cannot be set for an Ephemeral Container",
                            container=name,
                        )
                    )
    return out
