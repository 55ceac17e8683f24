"""Hostile input fails with a clear ManifestError: no crash, no hang, no runaway memory."""

from __future__ import annotations

import tracemalloc

import pytest

from designer.pod.manifest import Limits, ManifestError, load_manifest, load_stream

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_it_stops_an_alias_bomb_within_bounded_memory() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ManifestError, match="more than 200000 values") as info:
            load_stream(BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.line is not None
    assert peak < 100 * 1024 * 1024


def test_it_counts_expanded_aliases_against_the_node_limit() -> None:
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a]\n"
    assert len(load_stream(text).documents[0]["b"]) == 3
    with pytest.raises(ManifestError, match="more than 30 values"):
        load_stream(text, Limits(max_nodes=30))


def test_it_expands_aliases_into_independent_values() -> None:
    doc = load_stream("a: &x {k: [1]}\nb: *x\n").documents[0]
    doc["a"]["k"].append(2)
    assert doc["b"] == {"k": [1]}


def test_it_rejects_a_recursive_alias() -> None:
    with pytest.raises(ManifestError):
        load_stream("a: &a [*a]\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 101 + "]" * 101 + "\n",
        "a: " + "{b: " * 101 + "1" + "}" * 101 + "\n",
        "a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(101)) + " " * 102 + "v\n",
        "a:\n" + "- " * 101 + "x\n",
    ],
    ids=["flow-seq", "flow-map", "block-map", "compact-seq"],
)
def test_it_rejects_nesting_deeper_than_100(text: str) -> None:
    with pytest.raises(ManifestError, match="nesting|nesting depth"):
        load_stream(text)


def test_it_accepts_nesting_of_100() -> None:
    doc = load_stream("a: " + "[" * 99 + "]" * 99 + "\n").documents[0]
    depth, node = 0, doc
    while isinstance(node, (dict, list)) and node:
        node = node["a"] if isinstance(node, dict) else node[0]
        depth += 1
    assert depth >= 99


@pytest.mark.parametrize("count", [10_000, 500_000])
def test_it_survives_pathological_nesting(count: int) -> None:
    with pytest.raises(ManifestError):
        load_stream("[" * count)
    with pytest.raises(ManifestError):
        load_stream("- " * count + "x")


def test_it_rejects_more_than_1000_documents() -> None:
    text = "---\n".join(f"kind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(1001))
    with pytest.raises(ManifestError, match="too many documents"):
        load_stream(text)
    assert len(load_stream(text.rsplit("---\n", 1)[0]).documents) == 1000


def test_it_rejects_endless_empty_documents() -> None:
    with pytest.raises(ManifestError):
        load_stream("---\n" * 100_000)


def test_it_rejects_input_over_the_size_limit() -> None:
    big = "a: " + "x" * 1_048_576 + "\n"
    with pytest.raises(ManifestError, match="too large"):
        load_stream(big)
    with pytest.raises(ManifestError, match="too large"):
        load_stream(big.encode())
    with pytest.raises(ManifestError, match="too large"):
        load_stream("a: " + "é" * 600_000)  # fewer characters than bytes
    with pytest.raises(ManifestError, match="too large"):
        load_stream("a: b\n" * 100, Limits(max_bytes=100))


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"kind: Pod\nmetadata:\n  name: a\x00b\n", 3, 10),
        (b"\x7fELF\x02\x01\x01\x00\x00", 1, 1),
        ("kind: Pod\n\x1b[31m\n", 2, 1),
        (b"kind: Pod\nname: \xff\xfe\n", 2, 7),
        (b"\xff\xfek\x00i\x00n\x00d\x00", 1, 1),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, 1),
    ],
)
def test_it_rejects_binary_and_non_utf8_input(data: str | bytes, line: int, column: int) -> None:
    with pytest.raises(ManifestError, match="binary|non-UTF-8") as info:
        load_stream(data)
    assert (info.value.line, info.value.column) == (line, column)


def test_it_accepts_a_utf8_byte_order_mark() -> None:
    assert load_stream("\ufeffkind: Pod\n".encode()).documents == [{"kind": "Pod"}]


def test_limits_apply_to_load_manifest() -> None:
    with pytest.raises(ManifestError, match="nesting"):
        load_manifest("kind: Pod\nspec: {a: {b: {c: 1}}}\n", limits=Limits(max_depth=2))


def test_it_applies_limits_to_json_too() -> None:
    with pytest.raises(ManifestError, match="nesting deeper than 100"):
        load_stream('{"a": ' * 101 + "1" + "}" * 101)
    with pytest.raises(ManifestError, match="nesting"):
        load_stream('{"a": ' + "[" * 200_000 + "]" * 200_000 + "}")
    with pytest.raises(ManifestError, match="more than 10 values"):
        load_stream('{"a": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}', Limits(max_nodes=10))
