"""check_json_limits: JSON values that arrive decoded keep the same limits as loaded text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.pod.manifest import Limits, ManifestError, check_json_limits, load_stream


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("levels", [99, 100, 101, 400])
def test_it_agrees_with_the_loader_on_nesting(levels: int) -> None:
    document = nested(levels)
    try:
        load_stream(json.dumps(document))
        loaded = True
    except ManifestError:
        loaded = False
    try:
        check_json_limits(document)
        checked = True
    except ManifestError:
        checked = False
    assert loaded == checked == (levels <= 100)


def test_it_refuses_far_deeper_nesting_without_recursion() -> None:
    value: list[Any] = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(ManifestError, match="deeper than 100 levels"):
        check_json_limits(value, name="document")


@pytest.mark.parametrize(
    "value",
    [{"name": "\ud800"}, {"\udfff": 1}, ["ok", ["\udc00x"]]],
)
def test_it_refuses_a_lone_surrogate_in_keys_and_strings(value: Any) -> None:
    with pytest.raises(ManifestError, match="lone surrogate"):
        check_json_limits(value)


def test_it_accepts_characters_outside_the_basic_plane() -> None:
    check_json_limits({"emoji": "\U0001f600", "nul": "\x00"})


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_it_refuses_numbers_json_cannot_carry(number: float) -> None:
    with pytest.raises(ManifestError, match="JSON cannot carry"):
        check_json_limits({"x": [number]})


def test_it_counts_values_and_size() -> None:
    with pytest.raises(ManifestError, match=r"too many values \(more than 30\)"):
        check_json_limits(list(range(40)), Limits(max_nodes=30))
    with pytest.raises(ManifestError, match="too large"):
        check_json_limits({"x": "y" * 2000}, Limits(max_bytes=1000))
    check_json_limits({"x": "y" * 900}, Limits(max_bytes=1000))


def test_it_names_the_value_and_refuses_what_is_not_json() -> None:
    with pytest.raises(ManifestError, match="^roles holds a set"):
        check_json_limits({"a": {1, 2}}, name="roles")
    with pytest.raises(ManifestError, match="keys must be strings"):
        check_json_limits({1: "a"})
    check_json_limits({"big": 10**5000, "ok": [True, None, 1.5]})
