"""The user's text kept through edits: byte-identical round trips, minimal patches, the invariant."""

from __future__ import annotations

import copy
import difflib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, SequenceNode

from designer.pod.actions import ACTIONS, add_log_shipper
from designer.pod.edits import remove_container, rename_volume
from designer.pod.manifest import ManifestError, compose_roots, dump_yaml, load_manifest, load_stream
from designer.pod.roles import roles_for
from designer.pod.source import (
    Patched,
    check,
    patch_text,
    refuse_oversized,
    same,
    stream_documents,
    text_for_import,
)
from designer.pod.workloads import pod_spec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFESTS = sorted((FIXTURES / "manifests").glob("*.*"))
PATTERNS = sorted((FIXTURES / "patterns").glob("*/*.yaml"))
BROKEN = sorted((FIXTURES / "broken").glob("*"))


def loads(path: Path) -> bool:
    try:
        load_manifest(path.read_bytes())
    except ManifestError:
        return False
    return True


LOADABLE = [p for p in [*MANIFESTS, *PATTERNS, *BROKEN] if loads(p)]


def documents_of(text: str) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    manifest = load_manifest(text)
    return manifest.document, manifest.companions, manifest.position


def edited(text: str, document: dict[str, Any]) -> Patched:
    old, companions, position = documents_of(text)
    return patch_text(
        text, stream_documents(old, companions, position), stream_documents(document, companions, position)
    )


def changes(old: str, new: str) -> list[str]:
    """The changed lines, '-' removed and '+' added, as a diff shows them."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def fixture(name: str) -> str:
    return (FIXTURES / "manifests" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", LOADABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_keeps_every_loadable_fixture_byte_for_byte(path: Path) -> None:
    data = path.read_bytes()
    document, companions, position = documents_of(data.decode())
    documents = stream_documents(document, companions, position)
    text = text_for_import(data, documents)
    assert text.encode() == data.removeprefix(b"\xef\xbb\xbf")
    assert check(text, documents)
    assert patch_text(text, documents, copy.deepcopy(documents)) == Patched(text, False)


def test_it_refuses_a_text_that_does_not_load_to_the_documents() -> None:
    text = fixture("promtail-sidecar-pod.yaml")
    document, companions, position = documents_of(text)
    other = copy.deepcopy(document)
    other["metadata"]["name"] = "someone-else"
    with pytest.raises(ManifestError):
        text_for_import(text, stream_documents(other, companions, position))


def test_it_checks_types_and_key_order_not_only_equality() -> None:
    assert same({"a": 1, "b": 2}, {"a": 1, "b": 2})
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same({"a": True}, {"a": 1})
    assert not same({"a": 1.0}, {"a": 1})
    assert not check("a: yes\n", [{"a": "yes"}])
    assert check('a: "yes"\n', [{"a": "yes"}])


def test_it_changes_one_line_for_an_image() -> None:
    text = fixture("istio-injected-deployment.yaml")
    document, _, _ = documents_of(text)
    new = copy.deepcopy(document)
    pod_spec(new)["containers"][0]["image"] = "docker.io/istio/examples-bookinfo-reviews-v3:1.20.2"
    patched = edited(text, new)
    assert not patched.normalised
    assert changes(text, patched.text) == [
        "-          image: docker.io/istio/examples-bookinfo-reviews-v2:1.20.2",
        "+          image: docker.io/istio/examples-bookinfo-reviews-v3:1.20.2",
    ]


def test_it_inserts_one_line_for_an_env_var_and_quotes_what_go_yaml_would_retype() -> None:
    text = fixture("tricky-scalars-pod.yaml")
    document, _, _ = documents_of(text)
    new = copy.deepcopy(document)
    container = pod_spec(new)["containers"][0]
    assert container["env"]
    container["env"].append({"name": "FEATURE", "value": "off"})
    patched = edited(text, new)
    assert not patched.normalised
    assert [line[0] + line[1:].strip() for line in changes(text, patched.text)] == [
        "+- name: FEATURE",
        '+value: "off"',
    ]
    assert load_manifest(patched.text).document == new


@pytest.mark.parametrize(
    "value", ["y", "n", "yes", "off", "1e3", "0o755", "0755", "1.10", "null", "~", "", "0x1F"]
)
def test_it_quotes_every_string_go_yaml_v2_would_read_as_something_else(value: str) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p  # the name\nspec:\n  containers:\n  - name: a\n    image: x\n"
    document = load_manifest(text).document
    new = copy.deepcopy(document)
    new["metadata"]["labels"] = {"v": value}
    patched = edited(text, new)
    assert not patched.normalised
    assert load_manifest(patched.text).document["metadata"]["labels"] == {"v": value}
    assert "# the name" in patched.text


def test_it_renames_a_volume_and_its_mounts_and_nothing_else() -> None:
    text = fixture("fluent-bit-sidecar-deployment.yaml")
    document, _, _ = documents_of(text)
    name = pod_spec(document)["volumes"][0]["name"]
    new = rename_volume(document, name, "renamed-volume")
    patched = edited(text, new)
    assert not patched.normalised
    lines = changes(text, patched.text)
    removed = [line for line in lines if line.startswith("-")]
    added = [line for line in lines if line.startswith("+")]
    assert len(removed) == len(added) >= 2
    assert all(name in line for line in removed)
    assert [line.replace(name, "renamed-volume") for line in removed] == [
        line.replace("+", "-", 1) for line in added
    ]


def test_it_adds_only_new_lines_for_a_pattern_action() -> None:
    text = fixture("promtail-sidecar-pod.yaml")
    document, _, _ = documents_of(text)
    new, _ = add_log_shipper(document, roles_for(document))
    patched = edited(text, new)
    assert not patched.normalised
    lines = changes(text, patched.text)
    assert lines and all(line.startswith("+") for line in lines)
    assert load_manifest(patched.text).document == new


@pytest.mark.parametrize("action", sorted(ACTIONS), ids=str)
def test_it_keeps_every_old_line_for_every_action(action: str) -> None:
    text = fixture("vault-agent-injected-pod.yaml")
    document, _, _ = documents_of(text)
    new, _ = ACTIONS[action].fn(document, roles_for(document))
    patched = edited(text, new)
    assert not patched.normalised
    removed = [line for line in changes(text, patched.text) if line.startswith("-")]
    # A new key next to an existing `{}` or `[]` rewrites that one line at most.
    assert len(removed) <= 1, removed


def test_it_removes_a_container_with_its_lines_and_inner_comments() -> None:
    text = (
        "# The pod\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "    # the app\n    - name: app\n      image: nginx  # pinned\n"
        "    # the helper\n    - name: helper\n      # inside the helper\n      image: busybox\n"
        "      args: [sleep, infinity]\n    # the last one\n    - name: last\n      image: alpine\n"
    )
    document, _, _ = documents_of(text)
    new, _ = remove_container(document, roles_for(document), "helper")
    patched = edited(text, new)
    assert not patched.normalised
    assert changes(text, patched.text) == [
        "-    - name: helper",
        "-      # inside the helper",
        "-      image: busybox",
        "-      args: [sleep, infinity]",
    ]


def test_it_removes_a_container_of_a_corpus_file_and_keeps_the_other_comments() -> None:
    text = fixture("linkerd-native-sidecar-deployment.yaml")
    document, _, _ = documents_of(text)
    roles = roles_for(document)
    new, _ = remove_container(document, roles, "linkerd-proxy")
    patched = edited(text, new)
    assert not patched.normalised
    assert all(line.startswith("-") for line in changes(text, patched.text))


def test_it_keeps_the_style_of_block_scalars_single_quotes_and_flow_mappings() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 'web'\n  labels: {app: web, tier: front}\n"
        "spec:\n  containers:\n  - name: app\n    image: nginx\n    command:\n    - sh\n    - -c\n"
        "    - |\n      echo one\n      echo two\n"
    )
    document, _, _ = documents_of(text)
    new = copy.deepcopy(document)
    new["metadata"]["name"] = "site"
    new["metadata"]["labels"]["tier"] = "back"
    new["spec"]["containers"][0]["command"][2] = "echo one\necho three\n"
    patched = edited(text, new)
    assert not patched.normalised
    assert changes(text, patched.text) == [
        "-  name: 'web'",
        "-  labels: {app: web, tier: front}",
        "+  name: 'site'",
        "+  labels: {app: web, tier: back}",
        "-      echo two",
        "+      echo three",
    ]


def test_it_patches_crlf_texts_with_crlf() -> None:
    text = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: web\r\nspec:\r\n  containers:\r\n  - name: app\r\n    image: nginx\r\n"
    document, _, _ = documents_of(text)
    new = copy.deepcopy(document)
    new["spec"]["containers"][0]["env"] = [{"name": "A", "value": "1 2"}]
    patched = edited(text, new)
    assert not patched.normalised
    assert patched.text.count("\n") == patched.text.count("\r\n")
    assert patched.text.endswith("    image: nginx\r\n    env:\r\n    - name: A\r\n      value: 1 2\r\n")


def test_it_falls_back_to_the_canonical_dump_when_an_alias_is_edited() -> None:
    text = fixture("yaml-anchors-aliases-deployment.yaml")
    document, companions, position = documents_of(text)
    new = copy.deepcopy(document)
    pod_spec(new)["containers"][0]["env"].append({"name": "ONLY_HERE", "value": "1"})
    patched = edited(text, new)
    assert patched.normalised
    assert patched.text == dump_yaml(stream_documents(new, companions, position))


def test_it_does_not_call_the_canonical_dump_of_a_canonical_text_normalised() -> None:
    document = load_manifest(fixture("dpdk-hugepages-pod.yaml")).document
    text = dump_yaml([document])
    new = copy.deepcopy(document)
    new["metadata"]["labels"] = {"a": "b"}
    patched = patch_text(text, [document], [new])
    assert not patched.normalised
    assert check(patched.text, [new])
    assert patch_text(None, [document], [new]) == Patched(dump_yaml([new]), False)


def test_it_refuses_texts_far_larger_than_their_documents() -> None:
    document = load_manifest(fixture("dpdk-hugepages-pod.yaml")).document
    refuse_oversized(dump_yaml([document]) + "# a comment\n", [document])
    with pytest.raises(ManifestError, match="too large"):
        refuse_oversized(dump_yaml([document]) + "#" * 1_100_000 + "\n", [document])


# ---------------------------------------------------------------------------------------------
# Random edits: the invariant always holds, and comments outside the edited node stay.


def _children(node: Node) -> list[tuple[Any, Node, int]]:
    """(key or index, node, where its line starts) of a composed collection."""
    if isinstance(node, MappingNode):
        return [(key.value, value, key.start_mark.index) for key, value in node.value]
    if isinstance(node, SequenceNode):
        return [(index, item, item.start_mark.index) for index, item in enumerate(node.value)]
    return []


def _region(text: str, root: Node, path: list[Any]) -> tuple[int, int]:
    """The lines from the node at `path` up to its next sibling: what an edit of it may take."""
    start, end, node = 0, len(text), root
    for step in path:
        children = _children(node)
        for number, (key, child, at) in enumerate(children):
            if key == step:
                start = text.rfind("\n", 0, at) + 1
                if number + 1 < len(children):
                    end = text.rfind("\n", 0, children[number + 1][2]) + 1
                node = child
                break
    return start, end


def _comments(text: str) -> Counter[str]:
    return Counter(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


SCALARS = st.one_of(
    st.sampled_from(
        ["yes", "off", "0755", "1.10", "1e3", "", "a: b", "- x", "#x", "null", "héllo", "two\nlines\n"]
    ),
    st.text(max_size=12),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
)


def _mutate(data: st.DataObject, document: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """One random change somewhere in the document; the path of the node it edits."""
    new = copy.deepcopy(document)
    node: Any = new
    path: list[Any] = []
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, (dict, list)) and child and data.draw(st.booleans()):
            node, path = child, [*path, key]
            continue
        operation = data.draw(st.sampled_from(["set", "remove", "add"]))
        if operation == "set":
            node[key] = data.draw(SCALARS)
            return new, [*path, key]
        if operation == "remove" and len(node) > 1:
            del node[key]
            return new, [*path, key]
        value = data.draw(
            st.one_of(SCALARS, st.dictionaries(st.sampled_from(["a", "b", "on"]), SCALARS, max_size=2))
        )
        if isinstance(node, dict):
            name = data.draw(st.sampled_from(["added", "yes", "x.y/z", "0755"]))
            if name in node:
                node[name] = value
                return new, [*path, name]
            node[name] = value
        else:
            node.insert(data.draw(st.integers(0, len(node))), value)
        return new, path
    return new, path


def _assert_patch_keeps_comments(text: str, documents: list[dict[str, Any]], index: int, data: Any) -> None:
    new_document, path = _mutate(data, documents[index])
    assume(not same(new_document, documents[index]))
    new_documents = [*documents[:index], new_document, *documents[index + 1 :]]
    patched = patch_text(text, documents, new_documents)
    assert check(patched.text, new_documents)
    if patched.normalised:
        return
    start, end = _region(text, _document_node(text, index), path)
    outside = _comments(text[:start] + text[end:])
    kept = _comments(patched.text)
    assert not outside - kept, (outside - kept, path)


def _document_node(text: str, index: int) -> Node:
    from designer.pod.source import _document_nodes

    return _document_nodes(text)[index]


CORPUS = [p for p in MANIFESTS if "anchors" not in p.name]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.data())
def test_it_keeps_the_invariant_and_the_comments_through_random_edits_of_the_corpus(
    path: Path, data: st.DataObject
) -> None:
    text = path.read_text(encoding="utf-8")
    documents = load_stream(text).documents
    index = data.draw(st.integers(0, len(documents) - 1))
    _assert_patch_keeps_comments(text, documents, index, data)


DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(st.sampled_from(["name", "image", "on", "a b", "k"]), inner, min_size=1, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(["kind", "spec", "data", "x"]), DOCUMENTS, min_size=1, max_size=4),
    st.data(),
)
def test_it_keeps_the_invariant_and_the_comments_through_random_edits_of_random_documents(
    document: dict[str, Any], data: st.DataObject
) -> None:
    canonical = dump_yaml([document])
    lines = canonical.splitlines(keepends=True)
    # A comment line before random lines, at their indentation (never inside a block scalar).
    text = ""
    for number, line in enumerate(lines):
        if data.draw(st.booleans()):
            indent = len(line) - len(line.lstrip(" "))
            text += " " * indent + f"# note {number}\n"
        text += line
    assume(check(text, [document]))
    _assert_patch_keeps_comments(text, [document], 0, data)
    assert compose_roots(text)
