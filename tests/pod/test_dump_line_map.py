"""dump_yaml_mapped: the YAML tab's text and its line map in one go, equal to parsing the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.pod.manifest import ManifestError, dump_yaml, dump_yaml_mapped, load_manifest

ROOT = Path(__file__).resolve().parents[2]


def _parsed(documents: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    return load_manifest(dump_yaml(documents)).line_map


def _corpus() -> list[Path]:
    return sorted(
        [
            *(ROOT / "tests" / "fixtures" / "manifests").glob("*.yaml"),
            *(ROOT / "designer" / "starters").glob("*.yaml"),
        ]
    )


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_it_gives_the_line_map_a_parse_of_the_text_gives(path: Path) -> None:
    try:
        manifest = load_manifest(path.read_text(encoding="utf-8"))
    except ManifestError:
        pytest.skip("a deliberately broken fixture")
    documents = [manifest.document, *manifest.companions]
    text, line_map = dump_yaml_mapped(documents)
    assert text == dump_yaml(documents)
    assert line_map == _parsed(documents)


def test_shapes_it_does_not_model_are_parsed() -> None:
    document = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "annotations": {"on": "yes", "a: b": "c", "x" * 200: "long"}},
        "spec": {"containers": [{"name": "a", "args": ["sh", "-c", "echo 1\necho 2\n"], "env": []}]},
    }
    assert dump_yaml_mapped([document])[1] == _parsed([document])


keys = st.text(alphabet="abcxyz-_./", min_size=1, max_size=6)
scalars = st.one_of(st.integers(), st.booleans(), st.none(), st.text(max_size=8), st.floats(allow_nan=False))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(keys, values, min_size=1, max_size=4))
def test_any_document_maps_as_parsing_would(body: dict[str, Any]) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    document = {**pod, "spec": {"containers": [{"name": "a", "image": "b", **body}]}, **body}
    assert dump_yaml_mapped([document])[1] == _parsed([document])
