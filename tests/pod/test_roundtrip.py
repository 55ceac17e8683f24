"""load -> dump -> load is the identity: no field dropped, added, retyped or reordered."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from designer.pod.manifest import dump_json, dump_yaml, load_stream

NOT_RAW_IN_YAML = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MANIFESTS = Path(__file__).parent.parent / "fixtures" / "manifests"
FIXTURE_FILES = sorted(p for p in MANIFESTS.glob("*") if p.suffix in (".yaml", ".yml", ".json"))

# Strings that go-yaml v2, YAML 1.1 or YAML 1.2 would read as something else when left plain.
TRICKY_STRINGS = [
    "8080",
    "on",
    "On",
    "y",
    "Y",
    "n",
    "N",
    "yes",
    "no",
    "off",
    "true",
    "False",
    "1.10",
    "1e3",
    "0o755",
    "0755",
    "0x1F",
    "0b11",
    "null",
    "Null",
    "~",
    "",
    ".inf",
    "-.Inf",
    ".nan",
    "2024-01-01",
    "2001-12-14 21:59:43.10 -5",
    "1_000",
    "1:20",
    "+1",
    "-0",
    "=",
    "<<",
    "08",
    ".5",
    "1.",
    "+.inf",
]
AWKWARD_STRINGS = [
    " leading",
    "trailing ",
    "a: b",
    "#comment",
    "- dash",
    "[x]",
    "{y}",
    "*alias",
    "&anchor",
    "!tag",
    "%x",
    "@x",
    "`x",
    "'single'",
    '"double"',
    "multi\nline\n",
    "no final newline\nx",
    "  indented\nblock",
    "tab\there",
    "trailing space \nline",
    "\n",
    "a\r\nb",
    "x" * 300,
    "ünïcødé ✓ 日本語",
    "emoji 🚀",
    "nul\x00byte",
    "bell\x07",
    "nel\x85",
    "bom\ufeff",
    "ls\u2028",
]


def ordered(value: Any) -> Any:
    """A comparable form that also sees key order (dict equality ignores it)."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [ordered(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return ("float", repr(value))
    return (type(value).__name__, value)


def assert_same(left: Any, right: Any) -> None:
    assert ordered(left) == ordered(right)


@pytest.mark.parametrize("text", TRICKY_STRINGS + AWKWARD_STRINGS)
def test_it_round_trips_strings_that_look_like_other_types(text: str) -> None:
    doc = {"kind": "Pod", "metadata": {"annotations": {"k": text}}, "spec": {"args": [text], text: text}}
    dumped = dump_yaml([doc])
    assert_same(load_stream(dumped).documents, [doc])


@pytest.mark.parametrize("text", TRICKY_STRINGS)
def test_it_quotes_strings_that_look_like_other_types(text: str) -> None:
    dumped = dump_yaml([{"v": text}])
    assert dumped == f'v: "{text}"\n'
    # PyYAML (YAML 1.1) reads the quoted text back as the same string too.
    assert yaml.safe_load(dumped) == {"v": text}


def test_it_leaves_ordinary_strings_plain() -> None:
    assert dump_yaml([{"image": "nginx:1.27", "name": "web-1", "path": "/var/log"}]) == (
        "image: nginx:1.27\nname: web-1\npath: /var/log\n"
    )


def test_it_dumps_in_kubectl_layout() -> None:
    doc = {
        "kind": "Pod",
        "spec": {"containers": [{"name": "a", "args": ["x", "b"], "env": []}], "z": {}},
        "data": {"script.sh": "#!/bin/sh\necho hi\n"},
        "note": "ünïcødé",
        "long": "word " * 100,
    }
    text = dump_yaml([doc, {"kind": "ConfigMap"}])
    expected = (
        "kind: Pod\nspec:\n  containers:\n  - name: a\n    args:\n    - x\n    - b\n    env: []\n  z: {}\n"
        "data:\n  script.sh: |\n    #!/bin/sh\n    echo hi\nnote: ünïcødé\nlong: '" + "word " * 100 + "'\n"
        "---\nkind: ConfigMap\n"
    )
    assert text == expected


def test_it_writes_no_anchors_for_shared_objects() -> None:
    shared = {"name": "x", "value": "1"}
    text = dump_yaml([{"a": shared, "b": [shared, shared]}])
    assert "&" not in text
    assert "*" not in text
    assert load_stream(text).documents[0] == {"a": shared, "b": [shared, shared]}


def test_it_dumps_json_objects_and_lists() -> None:
    one = dump_json([{"kind": "Pod", "metadata": {"name": "ü"}}])
    assert one == '{\n  "kind": "Pod",\n  "metadata": {\n    "name": "ü"\n  }\n}\n'
    several = json.loads(dump_json([{"kind": "Pod"}, {"kind": "Service"}]))
    assert several == {"apiVersion": "v1", "kind": "List", "items": [{"kind": "Pod"}, {"kind": "Service"}]}
    assert load_stream(dump_json([{"kind": "Pod"}, {"kind": "Service"}])).documents == several["items"]


# Hypothesis: arbitrary nested content inside a Pod -------------------------------------------

scalars = st.one_of(
    st.sampled_from(TRICKY_STRINGS + AWKWARD_STRINGS),
    st.text(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
keys = st.one_of(st.sampled_from(TRICKY_STRINGS + AWKWARD_STRINGS), st.text(max_size=20))
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=25,
)
pods = st.fixed_dictionaries(
    {
        "apiVersion": st.just("v1"),
        "kind": st.just("Pod"),
        "metadata": st.fixed_dictionaries(
            {"name": st.text(min_size=1)}, optional={"labels": st.dictionaries(keys, st.text(), max_size=3)}
        ),
        "spec": st.fixed_dictionaries(
            {"containers": st.lists(st.dictionaries(keys, values, max_size=5), min_size=1, max_size=3)},
            optional={"x-extra": values},
        ),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pods, min_size=1, max_size=3))
def test_it_round_trips_generated_pods(documents: list[dict[str, Any]]) -> None:
    text = dump_yaml(documents)
    loaded = load_stream(text)
    assert_same(loaded.documents, documents)
    assert dump_yaml(loaded.documents) == text
    # A YAML 1.1 reader (PyYAML) sees the same values: every string that could be taken for
    # another type was quoted.
    assert_same(list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))), documents)
    if "inf" not in repr(ordered(documents)):  # JSON has no infinity
        assert_same(load_stream(dump_json(documents)).documents, documents)


# The fixture corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_it_round_trips_the_fixture_corpus(path: Path) -> None:
    loaded = load_stream(path.read_bytes())
    dumped = dump_yaml(loaded.documents)
    again = load_stream(dumped)
    assert_same(again.documents, loaded.documents)
    assert dump_yaml(again.documents) == dumped
    assert set(again.line_maps[0]) == set(loaded.line_maps[0])
    assert_same(load_stream(dump_json(loaded.documents)).documents, loaded.documents)


def test_the_fixture_corpus_is_there() -> None:
    assert FIXTURE_FILES, "tests/fixtures/manifests/ holds the realistic manifests"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pods, st.booleans())
def test_it_maps_json_lines_exactly_as_yaml_does(document: dict[str, Any], indented: bool) -> None:
    if "inf" in repr(ordered(document)):
        return  # JSON has no infinity
    text = (
        dump_json([document]) if indented else json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    )
    assume(indented or not NOT_RAW_IN_YAML.search(text))  # dump_json escapes those; YAML rejects them raw
    fast = load_stream(text)  # starts with '{': json.loads and the token scanner
    slow = load_stream("#\n" + text)  # a comment first: the YAML path
    assert_same(fast.documents, slow.documents)
    assert fast.line_maps[0] == {
        path: (line - 1, column) for path, (line, column) in slow.line_maps[0].items()
    }
