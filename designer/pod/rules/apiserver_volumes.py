"""kube-apiserver's volume validation (validation.go: ValidateVolumes, validateVolumeSource)."""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.quantity import quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import names
from designer.pod.rules.apiserver_common import local_descending_path
from designer.pod.rules.apiserver_env import validate_object_field_selector, validate_resource_field_selector
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index

# The order validateVolumeSource checks them in: the second one set is the Forbidden one.
VOLUME_SOURCES = (
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "downwardAPI",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "configMap",
    "storageos",
    "projected",
    "csi",
    "ephemeral",
    "image",
)
FILE_MODE_MSG = "must be a number between 0 and 0777 (octal), both inclusive"
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
VOLUME_FIELD_PATHS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
DEPRECATED_VOLUMES = {
    "photonPersistentDisk": "deprecated in v1.11, non-functional in v1.16+",
    "gitRepo": "deprecated in v1.11",
    "scaleIO": "deprecated in v1.16, non-functional in v1.22+",
    "flocker": "deprecated in v1.22, support removal is planned in v1.26",
    "storageos": "deprecated in v1.22, support removal is planned in v1.26",
    "quobyte": "deprecated in v1.22, non-functional in v1.25+",
    "glusterfs": "deprecated in v1.25, non-functional in v1.26+",
    "cephfs": "deprecated in v1.28, non-functional in v1.31+",
    "rbd": "deprecated in v1.28, non-functional in v1.31+",
}


def validate_file_mode(value: Any, path: str) -> list[Finding]:
    """A file mode is between 0 and 0777 (octal)."""
    mode = as_int(value)
    if mode is not None and not 0 <= mode <= 0o777:
        return [
            fp.invalid(
                "K8S-VOL-FILE-MODE",
                path,
                mode,
                FILE_MODE_MSG,
                hint="Modes are octal: write 0644 (or 420 in decimal), not 644.",
            )
        ]
    return []


def validate_local_non_reserved_path(value: str, path: str, rule: str) -> list[Finding]:
    """validateLocalNonReservedPath: relative, no .. element, not starting with .."""
    out = local_descending_path(rule, value, path, None)
    if value.startswith(".."):
        out.append(fp.invalid(rule, path, value, "must not start with '..'"))
    return out


def validate_key_to_path(item: dict[str, Any], path: str) -> list[Finding]:
    """validateKeyToPath: key and a relative path are required; a valid mode."""
    out = []
    if item.get("key") in (None, ""):
        out.append(fp.required("K8S-VOL-KEY-PATH", child(path, "key")))
    item_path = item.get("path")
    if item_path in (None, ""):
        out.append(fp.required("K8S-VOL-KEY-PATH", child(path, "path")))
    elif isinstance(item_path, str):
        out += validate_local_non_reserved_path(item_path, child(path, "path"), "K8S-VOL-KEY-PATH")
    out += validate_file_mode(item.get("mode"), child(path, "mode"))
    return out


def validate_downward_api_file(item: dict[str, Any], path: str) -> list[Finding]:
    """validateDownwardAPIVolumeFile (reported at the source's path, with no items[j])."""
    rule = "K8S-VOL-DOWNWARD"
    out: list[Finding] = []
    item_path = item.get("path")
    if item_path in (None, ""):
        out.append(fp.required(rule, child(path, "path")))
    elif isinstance(item_path, str):
        out += validate_local_non_reserved_path(item_path, child(path, "path"), rule)
    field_ref, resource_ref = item.get("fieldRef"), item.get("resourceFieldRef")
    if isinstance(field_ref, dict):
        ref = dict(field_ref)
        ref.setdefault("apiVersion", "v1")
        out += validate_object_field_selector(ref, VOLUME_FIELD_PATHS, child(path, "fieldRef"), rule, None)
        if isinstance(resource_ref, dict):
            out.append(
                fp.invalid(
                    rule,
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                )
            )
    elif isinstance(resource_ref, dict):
        out += validate_resource_field_selector(
            resource_ref, child(path, "resourceFieldRef"), rule, None, volume=True
        )
    else:
        out.append(fp.required(rule, path, "one of fieldRef and resourceFieldRef is required"))
    out += validate_file_mode(item.get("mode"), child(path, "mode"))
    return out


def validate_projected(source: dict[str, Any], path: str) -> list[Finding]:
    """validateProjectionSources: one type per source, no duplicate paths, token expiry bounds."""
    rule = "K8S-VOL-PROJECTED"
    out = validate_file_mode(source.get("defaultMode"), child(path, "defaultMode"))
    paths: set[str] = set()
    for i, projection in enumerate(as_list(source.get("sources"))):
        if not isinstance(projection, dict):
            continue
        src_path = index(child(path, "sources"), i)
        count = 0
        for kind in ("secret", "configMap"):
            ref = projection.get(kind)
            if not isinstance(ref, dict):
                continue
            count += 1
            for j, item in enumerate(as_list(ref.get("items"))):
                if not isinstance(item, dict):
                    continue
                out += validate_key_to_path(item, index(child(child(src_path, kind), "items"), j))
                item_path = as_str(item.get("path"))
                if item_path and item_path in paths:
                    out.append(fp.invalid(rule, path, as_str(ref.get("name")), "conflicting duplicate paths"))
                paths.add(item_path)
        downward = projection.get("downwardAPI")
        if isinstance(downward, dict):
            count += 1
            for item in as_list(downward.get("items")):
                if not isinstance(item, dict):
                    continue
                out += validate_downward_api_file(item, child(src_path, "downwardAPI"))
                item_path = as_str(item.get("path"))
                if item_path and item_path in paths:
                    out.append(fp.invalid(rule, path, item_path, "conflicting duplicate paths"))
                paths.add(item_path)
        token = projection.get("serviceAccountToken")
        if isinstance(token, dict):
            count += 1
            token_path = child(src_path, "serviceAccountToken")
            expiration = as_int(token.get("expirationSeconds"))
            if expiration is not None and expiration < 600:
                out.append(
                    fp.invalid(
                        rule,
                        child(token_path, "expirationSeconds"),
                        expiration,
                        "may not specify a duration less than 10 minutes",
                    )
                )
            elif expiration is not None and expiration > 1 << 32:
                out.append(
                    fp.invalid(
                        rule,
                        child(token_path, "expirationSeconds"),
                        expiration,
                        "may not specify a duration larger than 2^32 seconds",
                    )
                )
            token_file = token.get("path")
            if token_file in (None, ""):
                out.append(fp.required(rule, child(path, "path")))
            elif isinstance(token_file, str):
                out += validate_local_non_reserved_path(token_file, child(path, "path"), rule)
        for kind in ("clusterTrustBundle", "podCertificate"):
            if isinstance(projection.get(kind), dict):
                count += 1
        if count > 1:
            out.append(fp.forbidden(rule, src_path, "may not specify more than 1 volume type per source"))
    return out


def validate_source_fields(kind: str, source: dict[str, Any], path: str) -> list[Finding]:
    """The required fields and checks of one volume source type (validate*VolumeSource)."""
    rule = "K8S-VOL-SOURCE-REQUIRED"
    out: list[Finding] = []

    def need(key: str) -> None:
        if source.get(key) in (None, ""):
            out.append(fp.required(rule, child(path, key)))

    if kind == "emptyDir":
        size = quantity_or_none(source.get("sizeLimit")) if source.get("sizeLimit") is not None else None
        if size is not None and size < 0:
            out.append(
                fp.forbidden(
                    "K8S-VOL-EMPTYDIR-SIZE",
                    child(path, "sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                )
            )
    elif kind == "hostPath":
        need("path")
        host_path = source.get("path")
        if isinstance(host_path, str) and ".." in host_path.split("/"):
            out.append(fp.invalid(rule, child(path, "path"), host_path, "must not contain '..'"))
        host_type = source.get("type")
        if isinstance(host_type, str) and host_type not in HOST_PATH_TYPES:
            out.append(fp.not_supported(rule, child(path, "type"), host_type, list(HOST_PATH_TYPES)))
    elif kind == "gitRepo":
        need("repository")
        directory = source.get("directory")
        if isinstance(directory, str) and directory:
            out += local_descending_path(rule, directory, child(path, "directory"), None)
    elif kind in ("secret", "configMap"):
        need("secretName" if kind == "secret" else "name")
        out += validate_file_mode(source.get("defaultMode"), child(path, "defaultMode"))
        for i, item in enumerate(as_list(source.get("items"))):
            if isinstance(item, dict):
                out += validate_key_to_path(item, index(child(path, "items"), i))
    elif kind == "nfs":
        need("server")
        need("path")
        nfs_path = source.get("path")
        if isinstance(nfs_path, str) and nfs_path and not nfs_path.startswith("/"):
            out.append(fp.invalid(rule, child(path, "path"), nfs_path, "must be an absolute path"))
    elif kind == "persistentVolumeClaim":
        need("claimName")
    elif kind == "csi":
        need("driver")
    elif kind == "ephemeral":
        need("volumeClaimTemplate")
    elif kind == "downwardAPI":
        out += validate_file_mode(source.get("defaultMode"), child(path, "defaultMode"))
        for item in as_list(source.get("items")):
            if isinstance(item, dict):
                out += validate_downward_api_file(item, path)
    elif kind == "projected":
        out += validate_projected(source, path)
    elif kind == "image":
        need("reference")
    return out


def validate_volume_source(volume: dict[str, Any], path: str) -> list[Finding]:
    """validateVolumeSource: exactly one source type, then that type's own checks."""
    out: list[Finding] = []
    count = 0
    for kind in VOLUME_SOURCES:
        source = volume.get(kind)
        if source is None:
            continue
        if count > 0:
            out.append(
                fp.forbidden(
                    "K8S-VOL-ONE-SOURCE",
                    child(path, kind),
                    "may not specify more than 1 volume type",
                    hint="A volume has exactly one source: split it into two volumes.",
                )
            )
            continue
        count += 1
        if isinstance(source, dict):
            out += validate_source_fields(kind, source, child(path, kind))
    if count == 0:
        out.append(fp.required("K8S-VOL-ONE-SOURCE", path, "must specify a volume type"))
    return out


def validate_volumes(
    volumes: Any, path: str, pod_name: str, claim_names: set[str]
) -> tuple[list[Finding], dict[str, dict[str, Any]], set[str]]:
    """ValidateVolumes: returns (findings, registered volumes by name, names of broken volumes).

    A volume with any error is not registered, so mounts of it fail with Not found (the cascade).
    """
    out: list[Finding] = []
    registered: dict[str, dict[str, Any]] = {}
    broken: set[str] = set()
    seen: set[str] = set()
    for i, volume in enumerate(as_list(volumes)):
        if not isinstance(volume, dict):
            continue
        vp = index(path, i)
        errors = validate_volume_source(volume, vp)
        name = volume.get("name")
        if name in (None, ""):
            errors.append(fp.required("K8S-VOL-NAME", child(vp, "name")))
        elif isinstance(name, str):
            errors += [
                fp.invalid("K8S-VOL-NAME", child(vp, "name"), name, msg)
                for msg in names.is_dns1123_label(name)
            ]
            if name in seen:
                errors.append(fp.duplicate("K8S-VOL-NAME-UNIQUE", child(vp, "name"), name))
            claim = as_dict(volume.get("persistentVolumeClaim")).get("claimName")
            if (
                pod_name
                and isinstance(claim, str)
                and any(
                    claim == f"{pod_name}-{as_str(as_dict(other).get('name'))}"
                    and isinstance(as_dict(other).get("ephemeral"), dict)
                    for other in as_list(volumes)
                )
            ):
                errors.append(
                    fp.invalid(
                        "K8S-VOL-EPHEMERAL",
                        child(child(vp, "persistentVolumeClaim"), "claimName"),
                        claim,
                        "must not reference a PVC that gets created for an ephemeral volume",
                    )
                )
            if pod_name and isinstance(volume.get("ephemeral"), dict):
                for msg in names.is_dns1123_subdomain(f"{pod_name}-{name}"):
                    errors.append(
                        fp.invalid(
                            "K8S-VOL-EPHEMERAL",
                            child(vp, "name"),
                            name,
                            f'PVC name "{pod_name}-{name}" is invalid: {msg}',
                        )
                    )
        key = as_str(name)
        if errors:
            out += errors
            if key not in registered:
                broken.add(key)
        else:
            registered[key] = volume
            broken.discard(key)
        seen.add(key)
    return out, registered, broken


def volume_warnings(volumes: Any, path: str) -> list[Finding]:
    """Deprecated volume plugins and projected paths that clash with the token (warnings.go)."""
    out: list[Finding] = []
    for i, volume in enumerate(as_list(volumes)):
        if not isinstance(volume, dict):
            continue
        vp = index(path, i)
        for kind, text in DEPRECATED_VOLUMES.items():
            if volume.get(kind) is not None:
                out.append(fp.warning("K8S-WARN-DEPRECATED-VOLUME", child(vp, kind), text))
        sources = as_list(as_dict(volume.get("projected")).get("sources"))
        token_paths = [
            as_str(as_dict(s.get("serviceAccountToken")).get("path"))
            for s in sources
            if isinstance(s, dict) and isinstance(s.get("serviceAccountToken"), dict)
        ]
        if not token_paths:
            continue
        for j, source in enumerate(sources):
            if not isinstance(source, dict):
                continue
            for kind in ("configMap", "secret", "downwardAPI"):
                for k, item in enumerate(as_list(as_dict(source.get(kind)).get("items"))):
                    item_path = as_str(as_dict(item).get("path"))
                    if item_path and item_path in token_paths:
                        where = index(
                            child(index(child(child(vp, "projected"), "sources"), j), kind) + ".items", k
                        )
                        out.append(
                            fp.warning(
                                "K8S-WARN-PROJECTED-PATH",
                                child(where, "path"),
                                f"has duplicated path with ServiceAccountToken {item_path!r}".replace(
                                    "'", '"'
                                ),
                            )
                        )
    return out
