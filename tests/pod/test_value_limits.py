"""check_json_limits / load_json_value: the loader's limits for JSON that did not come through the loader."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.manifest import DEFAULT_LIMITS, Limits, ManifestError, check_json_limits, load_json_value


def _nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def test_it_accepts_the_deepest_value_the_loader_accepts() -> None:
    check_json_limits(_nested(DEFAULT_LIMITS.max_depth))


def test_it_refuses_one_level_more_without_recursing() -> None:
    with pytest.raises(ManifestError, match="nesting deeper than 100 levels"):
        check_json_limits(_nested(DEFAULT_LIMITS.max_depth + 1))
    with pytest.raises(ManifestError, match="nesting deeper than 100 levels"):
        check_json_limits(_nested(50_000))


def test_it_counts_values() -> None:
    with pytest.raises(ManifestError, match="too many values"):
        check_json_limits({"a": list(range(20))}, Limits(max_nodes=10))


def test_it_reads_json_under_the_limits() -> None:
    assert load_json_value('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    with pytest.raises(ManifestError, match="nesting deeper"):
        load_json_value("[" * 100_000 + "]" * 100_000, Limits(max_bytes=10**6))
    with pytest.raises(ManifestError, match="too large"):
        load_json_value('"' + "x" * 100 + '"', Limits(max_bytes=50))
    with pytest.raises(ManifestError, match="not valid JSON"):
        load_json_value("{nope")
    with pytest.raises(ManifestError, match="not valid JSON"):
        load_json_value("[NaN]")
