"""The schema layer: the official OpenAPI schemas of the target version (decode stage, §1a).

Uses the strict JSON schemas shipped by the kubernetes-validate package. Per (version, kind), built
lazily and cached for the process: a fast test (schema_engine, jsonschema-rs) that a valid document
passes, then for a document it rejects, python jsonschema listing every error, each turned into a
finding. So python jsonschema is not even imported while documents are valid.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import schema_engine
from designer.pod.rules.context import LintContext
from designer.pod.workloads import WORKLOAD_KINDS

if TYPE_CHECKING:
    import jsonschema


def _package_dir(name: str) -> Path:
    """A package's directory, found without importing it (kubernetes_validate imports jsonschema)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations)))


SCHEMA_ROOT = _package_dir("kubernetes_validate") / "kubernetes-json-schema"
_DEFS_PREFIX = "#/$defs/"

# Required fields the apiserver layer reports itself (with kube-apiserver's wording and rule ID);
# the schema layer leaves them to it so a missing container name is reported once.
COVERED_REQUIRED = {
    ("PodSpec", "containers"),
    ("Container", "name"),
    ("EphemeralContainer", "name"),
    ("ContainerPort", "containerPort"),
    ("Volume", "name"),
    ("VolumeMount", "name"),
    ("VolumeMount", "mountPath"),
    ("EnvVar", "name"),
    ("KeyToPath", "key"),
    ("KeyToPath", "path"),
    ("ConfigMapKeySelector", "key"),
    ("SecretKeySelector", "key"),
    ("PersistentVolumeClaimVolumeSource", "claimName"),
    ("HostPathVolumeSource", "path"),
    ("NFSVolumeSource", "server"),
    ("NFSVolumeSource", "path"),
    ("GitRepoVolumeSource", "repository"),
    ("CSIVolumeSource", "driver"),
    ("ObjectFieldSelector", "fieldPath"),
    ("ResourceFieldSelector", "resource"),
    ("HTTPGetAction", "port"),
    ("TCPSocketAction", "port"),
    ("GRPCAction", "port"),
    ("ContainerResizePolicy", "resourceName"),
    ("ContainerResizePolicy", "restartPolicy"),
    ("SeccompProfile", "type"),
    ("AppArmorProfile", "type"),
    ("PodOS", "name"),
    ("HostAlias", "ip"),
    ("DownwardAPIVolumeFile", "path"),
}
# Required fields a kind's defaulting fills in before validation: SetDefaults_Job sets a pod
# failure policy pattern's missing status to True (a CronJob's jobTemplate is not defaulted).
DEFAULTED_REQUIRED = {("Job", "PodFailurePolicyOnPodConditionsPattern", "status")}
_GO_JSON_TYPES = {str: "string", bool: "bool", int: "number", float: "number", list: "array", dict: "object"}
_INT_RANGES = schema_engine.INT_RANGES  # Go's int32/int64 ranges, asserted through the "format" keyword


def _in_int_range(value: Any, bounds: tuple[int, int]) -> bool:
    """False for a number the Go field cannot hold; other types are the type keyword's concern.

    An integral float is the integer kubectl sends (encoding/json writes 3e9 as 3000000000) up to
    1e21, where it gets an exponent that no Go integer decodes.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if isinstance(value, float):
        if not value.is_integer():
            return True  # not an integer at all: the type keyword reports it
        if abs(value) >= fp.GO_JSON_INT_FLOAT_LIMIT:
            return False
    number = int(value)
    return bounds[0] <= number <= bounds[1]


@functools.cache
def _format_checker() -> jsonschema.FormatChecker:
    import jsonschema  # only for a document with errors: a valid one never needs it (see check)

    checker = jsonschema.FormatChecker(formats=())
    for name, bounds in _INT_RANGES.items():
        checker.checks(name)(lambda value, bounds=bounds: _in_int_range(value, bounds))
    return checker


def schema_file(kind: str) -> str:
    """The schema file of a workload kind, e.g. 'deployment-apps-v1.json'."""
    api_version = WORKLOAD_KINDS[kind][0]
    suffix = api_version.replace("/", "-")
    return f"{kind.lower()}-{suffix}.json"


def _schema_dir(version: tuple[int, int]) -> Path:
    return SCHEMA_ROOT / f"v{version[0]}.{version[1]}.0-local-strict"


@functools.cache
def _definitions(version: tuple[int, int]) -> dict[str, Any]:
    path = _schema_dir(version) / "_definitions.json"
    definitions: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return definitions


def validator_for(version: tuple[int, int], kind: str) -> jsonschema.protocols.Validator:
    """The compiled python jsonschema validator of one workload kind at one Kubernetes version (cached).

    It lists every error of a document fast_check_for rejected; imported only then (it is slow to import).
    """
    validator = validator_for_file(version, schema_file(kind))
    assert validator is not None, f"no schema for {kind}"
    return validator


def fast_check_for(version: tuple[int, int], kind: str) -> Any:
    """A compiled test (schema_engine, jsonschema-rs): True means jsonschema would report nothing."""
    return fast_check_for_file(version, schema_file(kind))


@functools.cache
def validator_for_file(version: tuple[int, int], filename: str) -> jsonschema.protocols.Validator | None:
    """The python jsonschema validator of any schema file of the version (None if it has none)."""
    path = _schema_dir(version) / filename
    if not path.is_file():
        return None
    import jsonschema
    from referencing import Registry, Resource

    schema = json.loads(path.read_text(encoding="utf-8"))
    definitions = _definitions(version)
    registry: Registry = Registry().with_resources(
        [
            (definitions["$id"], Resource.from_contents(definitions)),
            (schema["$id"], Resource.from_contents(schema)),
        ]
    )
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=_format_checker())


@functools.cache
def fast_check_for_file(version: tuple[int, int], filename: str) -> Any:
    """The jsonschema-rs test of any schema file of the version (None if it has none)."""
    path = _schema_dir(version) / filename
    if not path.is_file():
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    return schema_engine.compile_check(schema, _definitions(version))


def _deref(node: Any, definitions: dict[str, Any]) -> tuple[Any, str | None]:
    """Follow a $ref into the definitions; returns the node and the definition's short name."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and _DEFS_PREFIX in ref:
        name = ref.split(_DEFS_PREFIX, 1)[1]
        return definitions["$defs"].get(name, {}), name.rsplit(".", 1)[-1]
    return node, None


# Go structs embedded (inlined) in core/v1 types, with the JSON fields they bring: from v1.36 the
# apiserver's JSON decoder (sigs.k8s.io/json, synced with Go 1.24's encoding/json, whose
# UnmarshalTypeError.Field names embedded structs) prints them in a type error's field path:
# `spec.containers.livenessProbe.ProbeHandler.grpc.port` (v1.33.5 prints `...livenessProbe.grpc.port`;
# both seen in tests/fixtures/oracle/pods). The first version with the longer path is the first
# we saw it in.
_EMBEDDED_SINCE = (1, 36)
_PROBE_HANDLER = frozenset({"exec", "httpGet", "tcpSocket", "grpc"})
_EMBEDDED: dict[str, tuple[str, frozenset[str] | None]] = {
    "Probe": ("ProbeHandler", _PROBE_HANDLER),
    "Volume": ("VolumeSource", None),  # every field but name
    "EphemeralContainer": ("EphemeralContainerCommon", None),  # every field but targetContainerName
}
_NOT_EMBEDDED = {"Volume": "name", "EphemeralContainer": "targetContainerName"}


def _embedded_in(struct: str | None, field: str) -> str | None:
    """The embedded struct a field of `struct` belongs to (Go's name for it), if any."""
    if struct not in _EMBEDDED:
        return None
    embedded, fields = _EMBEDDED[struct]
    if fields is None:
        return None if field == _NOT_EMBEDDED.get(struct) else embedded
    return embedded if field in fields else None


class _Located:
    """Where an error sits: the apiserver-style path, the Go-style path and the struct name.

    `embedded_path` and `embedded_go_path` also name the embedded Go structs on the way, as the
    decoder prints a type error from v1.36 (_EMBEDDED_SINCE).
    """

    def __init__(
        self,
        path: str,
        go_path: str,
        struct: str | None,
        schema: Any,
        own: str | None,
        embedded: tuple[str, str],
    ) -> None:
        self.own = own  # the definition the failing node itself is (for 'required')
        self.path = path
        self.go_path = go_path
        self.struct = struct
        self.schema = schema
        self.embedded_path, self.embedded_go_path = embedded

    def with_embedded_names(self) -> _Located:
        return _Located(
            self.embedded_path, self.embedded_go_path, self.struct, self.schema, self.own, ("", "")
        )


def _locate(error: jsonschema.ValidationError, root: dict[str, Any], defs: dict[str, Any]) -> _Located:
    """Walk the schema path along the instance path to tell fields, indices and map keys apart."""
    instance_path = list(error.absolute_path)
    tokens = list(error.absolute_schema_path)
    node: Any = root
    struct: str | None = None
    path = ""
    go_path = ""
    embedded_path = ""
    embedded_go_path = ""
    # The last token is the failing keyword itself; the walk stops before it.
    i = 0
    while i < len(tokens) - 1:
        token = tokens[i]
        node, name = _deref(node, defs)
        if name:
            struct = name
        if token == "properties" and i + 1 < len(tokens) and instance_path:
            field = tokens[i + 1]
            instance_path.pop(0)
            embedded = _embedded_in(name or struct, str(field))
            if embedded:
                embedded_path = fp.child(embedded_path, embedded)
                embedded_go_path = fp.child(embedded_go_path, embedded)
            path = fp.child(path, str(field))
            go_path = fp.child(go_path, str(field))
            embedded_path = fp.child(embedded_path, str(field))
            embedded_go_path = fp.child(embedded_go_path, str(field))
            node = node.get("properties", {}).get(field, {}) if isinstance(node, dict) else {}
            i += 2
            continue
        if token in ("items", "additionalProperties") and instance_path:
            step = instance_path.pop(0)
            path = fp.index(path, step) if isinstance(step, int) else fp.key(path, str(step))
            embedded_path = (
                fp.index(embedded_path, step) if isinstance(step, int) else fp.key(embedded_path, str(step))
            )
            node = node.get(token, {}) if isinstance(node, dict) else {}
            i += 1
            continue
        if isinstance(node, list) and isinstance(token, int):
            node = node[token] if token < len(node) else node
        elif isinstance(node, dict) and token in node:
            node = node[token]
        i += 1
    node, own = _deref(node, defs)
    for step in instance_path:  # anything the walk could not align
        path = fp.index(path, step) if isinstance(step, int) else fp.child(path, str(step))
        embedded_path = (
            fp.index(embedded_path, step) if isinstance(step, int) else fp.child(embedded_path, str(step))
        )
    return _Located(path, go_path, struct, node, own, (embedded_path, embedded_go_path))


def _go_type(schema: Any, defs: dict[str, Any]) -> str:
    """A readable Go type for the expected schema (int32, string, []v1.Container, ...)."""
    if not isinstance(schema, dict):
        return "value"
    ref = schema.get("$ref")
    if isinstance(ref, str) and _DEFS_PREFIX in ref:
        full = ref.split(_DEFS_PREFIX, 1)[1]
        if full.endswith("IntOrString"):
            return "intstr.IntOrString"
        if full.endswith("Quantity"):
            return "resource.Quantity"
        return "v1." + full.rsplit(".", 1)[-1]
    if "oneOf" in schema:
        number = any(
            "number" in str(option.get("type")) for option in schema["oneOf"] if isinstance(option, dict)
        )
        return "resource.Quantity" if number else "intstr.IntOrString"
    types = schema.get("type")
    kinds = [t for t in (types if isinstance(types, list) else [types]) if t and t != "null"]
    kind = kinds[0] if kinds else "value"
    if kind == "integer":
        return str(schema.get("format", "int64"))
    if kind == "number":
        return "float64"
    if kind == "boolean":
        return "bool"
    if kind == "array":
        return "[]" + _go_type(schema.get("items"), defs)
    if kind == "object":
        if isinstance(schema.get("additionalProperties"), dict):
            return "map[string]" + _go_type(schema["additionalProperties"], defs)
        return "struct"
    return str(kind)


def _type_message(loc: _Located, instance: Any, expected: Any, defs: dict[str, Any], given: str = "") -> str:
    given = given or _GO_JSON_TYPES.get(type(instance), "value")
    where = f"{loc.struct}.{loc.go_path}" if loc.struct and loc.go_path else (loc.go_path or "document")
    return f"json: cannot unmarshal {given} into Go struct field {where} of type {_go_type(expected, defs)}"


def _findings(
    error: jsonschema.ValidationError,
    root: dict[str, Any],
    defs: dict[str, Any],
    kind: str = "",
    version: tuple[int, int] = (0, 0),
) -> list[Finding]:
    validator = error.validator
    instance = error.instance
    if instance is None and validator in ("type", "oneOf"):
        return []  # Go decodes null into the zero value: the apiserver layer judges that
    loc = _locate(error, root, defs)
    if validator in ("type", "oneOf", "format") and version >= _EMBEDDED_SINCE:
        loc = loc.with_embedded_names()  # a decoder type error: Go's field path
    if validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = schema.get("properties", {})
        if not isinstance(instance, dict):
            return []
        return [
            Finding(
                rule="K8S-FIELD-UNKNOWN",
                severity="error",
                path=fp.child(loc.path, str(name)),
                message=f'unknown field "{fp.child(loc.path, str(name))}"',
                hint="Check the spelling and the target Kubernetes version: "
                "the API server rejects fields it does not know (strict field validation).",
            )
            for name in instance
            if name not in known
        ]
    if validator in ("type", "oneOf"):
        expected = error.schema
        path = loc.path
        tokens = list(error.absolute_schema_path)
        if (
            validator == "type"
            and len(tokens) >= 2
            and tokens[-2] == "additionalProperties"
            and path.endswith("]")
        ):
            # A map[string]string (labels, annotations, nodeSelector): encoding/json names the
            # map by its field, not the key (`ObjectMeta.metadata.labels`), and kubectl prints
            # just that, so a bad value is reported at the map.
            path = path[: path.rfind("[")]
        return [
            Finding(
                rule="K8S-FIELD-TYPE",
                severity="error",
                path=path,
                message=_type_message(loc, instance, expected, defs),
                hint="The value has the wrong JSON type (a quoted number, a list for a map, ...).",
            )
        ]
    if validator == "format":  # an integer out of its Go type's range (_INT_RANGES)
        number = fp.format_value(instance)
        return [
            Finding(
                rule="K8S-FIELD-TYPE",
                severity="error",
                path=loc.path,
                message=_type_message(loc, instance, error.schema, defs, given=f"number {number}"),
                hint=f"The value does not fit the field's Go type ({error.validator_value}).",
            )
        ]
    if validator == "required":
        required: Any = error.validator_value
        missing = [f for f in required if isinstance(instance, dict) and f not in instance]
        struct = loc.own or loc.struct or ""
        out = []
        for name in missing:
            if (struct, name) in COVERED_REQUIRED or (kind, struct, name) in DEFAULTED_REQUIRED:
                continue
            out.append(fp.required("K8S-FIELD-TYPE", fp.child(loc.path, name)))
        return out
    if validator == "enum":
        values: Any = error.validator_value
        allowed = [str(v) for v in values if v is not None]
        return [fp.not_supported("K8S-FIELD-TYPE", loc.path, instance, allowed)]
    return [fp.invalid("K8S-FIELD-TYPE", loc.path, instance, error.message)]


def _errors(ctx: LintContext) -> tuple[Iterable[jsonschema.ValidationError], Any, bool]:
    kind = ctx.document.get("kind")
    known = isinstance(kind, str) and kind in WORKLOAD_KINDS
    version: tuple[int, int] = (int(ctx.version[0]), int(ctx.version[1]))
    schema_kind = kind if known and isinstance(kind, str) else "Pod"
    if fast_check_for(version, schema_kind)(ctx.document):
        return (), None, known  # the common case: a valid document, no error to look for
    validator = validator_for(version, schema_kind)
    return validator.iter_errors(ctx.document), validator.schema, known


def check(ctx: LintContext) -> list[Finding]:
    """Unknown fields and wrong JSON types, as kube-apiserver's strict decoder rejects them."""
    if not isinstance(ctx.document, dict):  # a caller's junk, whatever the type says
        return []  # type: ignore[unreachable]
    errors, root, known = _errors(ctx)
    defs = _definitions(tuple(ctx.version))
    findings: list[Finding] = []
    for error in errors:
        if not known and list(error.absolute_path)[:1] in (["kind"], ["apiVersion"]):
            continue  # an unknown kind is checked as a bare pod template
        findings.extend(_findings(error, root, defs, ctx.kind, (int(ctx.version[0]), int(ctx.version[1]))))
    findings.sort(key=lambda f: f.path)
    return findings
