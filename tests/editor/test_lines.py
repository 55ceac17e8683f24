"""The editor's list codecs: list fields as text, one item a line, and back without loss."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.editor.document_fields import apply_container_fields, apply_volume_fields
from designer.editor.lines import (
    DOWNWARD_ITEMS,
    ENV,
    ENV_FROM,
    MOUNTS,
    PROJECTED_SOURCES,
    format_env,
    format_mounts,
    parse_env,
    parse_mounts,
    parse_projected_sources,
)
from designer.pod.edits import EditError

CODECS = {
    "env": ENV,
    "envFrom": ENV_FROM,
    "volumeMounts": MOUNTS,
    "downwardAPI": DOWNWARD_ITEMS,
    "projected": PROJECTED_SOURCES,
}

# Words as users type them, and the ones a parser could mistake for syntax.
word = st.one_of(
    st.sampled_from(["ro", "rw", "<-", "=", "a=b", "true", "false", "subPath=x", "secret", "-", "0"]),
    st.text(min_size=1, max_size=12),
)
# Any text at all: line separators other than \n (\x85, \u2028, \x0b...) included.
value = st.text(max_size=12)
flag = st.booleans()


def optional(key: str, strategy: Any) -> Any:
    return st.one_of(st.just({}), strategy.map(lambda v: {key: v}))


mount = st.builds(
    lambda name, path, ro, sub: {"name": name, "mountPath": path, **ro, **sub},
    word,
    word,
    optional("readOnly", flag),
    optional("subPath", word),
)
env_var = st.one_of(
    st.builds(lambda n: {"name": n}, word),
    st.builds(lambda n, v: {"name": n, "value": v}, word, value),
    st.builds(
        lambda n, s, k, o: {"name": n, "valueFrom": {"secretKeyRef": {"name": s, "key": k, **o}}},
        word,
        word,
        word,
        optional("optional", flag),
    ),
    st.builds(
        lambda n, r, c: {"name": n, "valueFrom": {"resourceFieldRef": {"resource": r, **c}}},
        word,
        word,
        optional("containerName", word),
    ),
)
env_from = st.builds(
    lambda kind, name, prefix, o: {kind: {"name": name, **o}, **prefix},
    st.sampled_from(["configMapRef", "secretRef"]),
    word,
    optional("prefix", word),
    optional("optional", flag),
)
downward_item = st.builds(lambda path, field: {"path": path, "fieldRef": {"fieldPath": field}}, word, word)
projected_source = st.one_of(
    st.builds(lambda kind, name: {kind: {"name": name}}, st.sampled_from(["configMap", "secret"]), word),
    st.builds(
        lambda path, seconds: {"serviceAccountToken": {"path": path, **seconds}},
        word,
        optional("expirationSeconds", st.integers(min_value=0, max_value=10**9)),
    ),
)
LISTS = {
    "volumeMounts": mount,
    "env": env_var,
    "envFrom": env_from,
    "downwardAPI": downward_item,
    "projected": projected_source,
}


@pytest.mark.parametrize("field", sorted(LISTS))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_what_it_shows_it_reads_back_as_the_same_list(field: str, data: Any) -> None:
    # The promise behind every textarea: either the text says exactly what is there, or the field
    # is "edit in YAML" (None). A text that reads back as something else would rewrite a
    # design the moment the user touched another line.
    items = data.draw(st.lists(LISTS[field], max_size=4))
    codec = CODECS[field]
    text = codec.fmt(items)
    if text is not None:
        assert codec.parse(text, field) == items, text


def test_an_env_value_with_a_unicode_line_break_is_edited_in_yaml() -> None:
    # str.splitlines() breaks at \u2028, \x85, \x0b...: shown on one line, read back as two.
    for separator in ("\u2028", "\x85", "\x0b", "\x1c", "\r"):
        assert format_env([{"name": "A", "value": f"x{separator}B=1"}]) is None
    assert format_env([{"name": "A", "value": "x \t y"}]) == "A=x \t y"


def test_shapes_the_lines_cannot_say_are_left_to_yaml() -> None:
    assert format_mounts([{"name": "a", "mountPath": "/a", "mountPropagation": "None"}]) is None
    assert format_mounts([{"name": "a", "mountPath": "/a b"}]) is None
    assert format_env([{"name": "A", "valueFrom": {"secretKeyRef": {"key": "k", "name": "s"}}}]) is None


def test_a_bad_line_is_named() -> None:
    with pytest.raises(EditError, match="volumeMounts: 'logs': expected VOLUME /mount/path"):
        parse_mounts("data /data\nlogs\n")
    with pytest.raises(EditError, match="expected one of secret"):
        parse_env("X <- vault secret/x")
    with pytest.raises(EditError, match="expected expirationSeconds=N"):
        parse_projected_sources("serviceAccountToken token expirationSeconds=²")  # isdigit(), not int()


def test_unchanged_text_leaves_the_container_as_it_was() -> None:
    container = {"name": "app", "volumeMounts": [{"mountPath": "/a", "name": "a"}]}
    result = apply_container_fields(container, {"volumeMounts": "a /a\r\n"})
    assert result == container and [list(m) for m in result["volumeMounts"]] == [["mountPath", "name"]]


def test_an_edit_keeps_the_untouched_items_as_they_were() -> None:
    # Key order is part of what users imported; the untouched mount keeps its own.
    container = {"name": "app", "volumeMounts": [{"mountPath": "/a", "name": "a"}]}
    result = apply_container_fields(container, {"volumeMounts": "a /a\nb /b ro"})
    assert [list(m) for m in result["volumeMounts"]] == [
        ["mountPath", "name"],
        ["name", "mountPath", "readOnly"],
    ]
    assert container["volumeMounts"] == [{"mountPath": "/a", "name": "a"}]  # a copy was written
    assert "volumeMounts" not in apply_container_fields(result, {"volumeMounts": "  \n"})


def test_a_volume_list_is_written_into_its_source() -> None:
    volume = {
        "name": "info",
        "downwardAPI": {"items": [{"path": "l", "fieldRef": {"fieldPath": "metadata.labels"}}]},
    }
    result = apply_volume_fields(volume, {"downwardAPI.items": "n <- field metadata.name"})
    assert result["downwardAPI"]["items"] == [{"path": "n", "fieldRef": {"fieldPath": "metadata.name"}}]
    assert apply_volume_fields(volume, {"downwardAPI.items": ""}) == {"name": "info", "downwardAPI": {}}
    other = {"name": "info", "emptyDir": {}}  # a field of a source the volume does not have
    assert apply_volume_fields(other, {"downwardAPI.items": "n <- field metadata.name"}) == other
