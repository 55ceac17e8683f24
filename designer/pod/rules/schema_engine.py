"""The fast schema test: is a document free of schema errors? (jsonschema-rs, compiled once per schema)

The schema layer (schema.py) asks this first. A valid document, nearly every lint, ends here and
python jsonschema is never imported; only a document this test rejects goes to python jsonschema,
which lists every error with the paths and keywords the findings are built from. So the test may
be stricter than jsonschema (a needless slow path) but never laxer (a lost finding).

Works for any schema of the kubernetes-json-schema set (any kind): the schema and its shared
`_definitions.json` are registered under their `$id`s so relative `$ref`s resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs

# JSON Schema's "integer" has no bounds, Go's int32/int64 do: the decoder rejects 3000000000 for an
# int32 field (encoding/json literalStore: ParseInt fails or v.OverflowInt, UnmarshalTypeError).
INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

Check = Callable[[Any], bool]


def with_int_bounds(node: Any) -> Any:
    """A copy of a schema where each int32/int64 integer also carries its Go range as min/max.

    jsonschema-rs checks formats on strings only, so the range that schema.py asserts through a
    format checker becomes minimum/maximum here. Both ignore non-numbers; for a non-integral float
    the bounds may be stricter than the format check (harmless, see the module docstring).
    """
    if isinstance(node, list):
        return [with_int_bounds(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: with_int_bounds(value) for key, value in node.items()}
    types = node.get("type")
    fmt = node.get("format")
    if (
        isinstance(fmt, str)
        and fmt in INT_RANGES
        and "integer" in (types if isinstance(types, list) else [types])
    ):
        copy["minimum"], copy["maximum"] = INT_RANGES[fmt]
    return copy


def compile_check(schema: dict[str, Any], definitions: dict[str, Any]) -> Check:
    """A test that is True only for a document the schema accepts (False also for non-JSON values)."""
    registry = jsonschema_rs.Registry(
        [
            (definitions["$id"], with_int_bounds(definitions)),
            (schema["$id"], with_int_bounds(schema)),
        ]
    )
    validator = jsonschema_rs.validator_for(
        with_int_bounds(schema), registry=registry, validate_formats=False
    )
    is_valid = validator.is_valid

    def check(document: Any) -> bool:
        try:
            return bool(is_valid(document))
        except (ValueError, TypeError, OverflowError):
            # A value JSON cannot hold (a YAML date, NaN, a huge integer, a non-string key): let
            # python jsonschema judge it.
            return False

    return check
