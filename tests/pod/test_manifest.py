"""Reading manifests with kubectl semantics, line maps, workload selection, kind conversion."""

from __future__ import annotations

import math
from typing import Any

import pytest

from designer.pod.manifest import (
    Limits,
    ManifestError,
    MultipleWorkloads,
    export_text,
    load_manifest,
    load_stream,
    workload_candidates,
)
from designer.pod.workloads import convert_kind

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    kubectl.kubernetes.io/default-container: app
spec:
  containers:
  - name: app
    image: nginx
    ports:
    - containerPort: 80
    - containerPort: 8080
"""


def value_of(text: str) -> object:
    return load_stream(f"v: {text}\n").documents[0]["v"]


@pytest.mark.parametrize("text", ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"])
def test_it_reads_go_yaml_true_values(text: str) -> None:
    assert value_of(text) is True


@pytest.mark.parametrize("text", ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"])
def test_it_reads_go_yaml_false_values(text: str) -> None:
    assert value_of(text) is False


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_it_reads_null_values(text: str) -> None:
    assert value_of(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8080", 8080),
        ("-12", -12),
        ("+7", 7),
        ("0x1F", 31),
        ("0o755", 493),
        ("0755", 493),
        ("0b101", 5),
        ("1_000", 1000),
        ("0", 0),
        ("9223372036854775807", 2**63 - 1),
    ],
)
def test_it_reads_go_yaml_integers(text: str, expected: int) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e3", 1000.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("-2.5e-3", -0.0025),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
    ],
)
def test_it_reads_go_yaml_floats(text: str, expected: float) -> None:
    value = value_of(text)
    assert type(value) is float
    assert value == expected


def test_it_reads_numbers_beyond_64_bits_like_go_yaml() -> None:
    assert value_of("18446744073709551615") == 2**64 - 1
    assert value_of("18446744073709551616") == 1.8446744073709552e19
    assert value_of("-9223372036854775809") == -9.223372036854776e18
    huge = "9" * 5000  # past Python's int-from-str limit and past float range: Go keeps a string
    assert value_of(huge) == huge
    assert value_of("0x" + "F" * 40) == "0x" + "F" * 40


def test_it_reads_nan() -> None:
    value = value_of(".nan")
    assert isinstance(value, float)
    assert math.isnan(value)


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01",
        "2001-12-14t21:59:43.10-05:00",
        "1:20",
        "190:20:30",
        "abc",
        "1.2.3",
        "0x",
        "--1",
        "1e",
        "=",
        "_1",
    ],
)
def test_it_keeps_other_plain_scalars_as_strings(text: str) -> None:
    assert value_of(text) == text


def test_it_keeps_quoted_scalars_as_strings() -> None:
    doc = load_stream("a: 'yes'\nb: \"8080\"\nc: !!str 12\nd: |\n  on\n").documents[0]
    assert doc == {"a": "yes", "b": "8080", "c": "12", "d": "on\n"}


def test_it_honours_standard_explicit_tags() -> None:
    doc = load_stream(
        'a: !!int "12"\nb: !!float 3\nc: !!bool "yes"\nd: !!null ""\ne: !!timestamp 2024-01-01\n'
    )
    assert doc.documents[0] == {"a": 12, "b": 3.0, "c": True, "d": None, "e": "2024-01-01"}
    assert type(doc.documents[0]["b"]) is float


def test_it_turns_non_string_keys_into_strings_like_kubectl() -> None:
    assert load_stream("1: a\ny: b\n0x10: c\n").documents[0] == {"1": "a", "true": "b", "16": "c"}
    with pytest.raises(ManifestError, match="duplicate key 'true'"):
        load_stream("true: b\non: c\n")


def test_it_resolves_anchors_aliases_and_merge_keys() -> None:
    text = "base: &b {a: 1, b: 2}\nuse: *b\nmerged:\n  <<: *b\n  b: 3\n"
    doc = load_stream(text).documents[0]
    assert doc == {"base": {"a": 1, "b": 2}, "use": {"a": 1, "b": 2}, "merged": {"b": 3, "a": 1}}
    assert doc["base"] is not doc["use"]


def test_it_maps_every_field_path_to_its_line_and_column() -> None:
    loaded = load_stream(POD)
    line_map = loaded.line_maps[0]
    assert line_map[""] == (1, 1)
    assert line_map["kind"] == (2, 1)
    assert line_map["metadata.name"] == (4, 3)
    assert line_map["metadata.annotations[kubectl.kubernetes.io/default-container]"] == (6, 5)
    assert line_map["spec.containers[0]"] == (9, 5)
    assert line_map["spec.containers[0].ports[1].containerPort"] == (13, 7)
    assert len(line_map) == 17


def test_it_reads_json_with_a_line_map() -> None:
    loaded = load_stream(
        '{\n  "kind": "Pod",\n  "metadata": {"name": "a"},\n  "spec": {"containers": []}\n}\n'
    )
    assert loaded.documents == [{"kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": []}}]
    assert loaded.line_maps[0]["metadata.name"] == (3, 16)


def test_it_flattens_a_v1_list_and_skips_empty_documents() -> None:
    text = "---\n---\napiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: c}\n- kind: Service\n---\nkind: Pod\n"
    loaded = load_stream(text)
    assert [d["kind"] for d in loaded.documents] == ["ConfigMap", "Service", "Pod"]
    assert loaded.line_maps[0]["metadata.name"] == (7, 14)
    assert loaded.line_maps[1][""] == (8, 3)
    assert loaded.line_maps[2]["kind"] == (10, 1)


def test_it_keeps_companions_verbatim_in_stream_order() -> None:
    text = (
        "kind: ConfigMap\ndata: {a: '1'}\n---\n" + POD + "---\nkind: Service\nspec: {ports: [{port: 80}]}\n"
    )
    manifest = load_manifest(text)
    assert manifest.kind == "Pod"
    assert manifest.companions == [
        {"kind": "ConfigMap", "data": {"a": "1"}},
        {"kind": "Service", "spec": {"ports": [{"port": 80}]}},
    ]
    assert manifest.line_map["metadata.name"] == (7, 3)


def test_it_asks_which_workload_when_there_are_several() -> None:
    deployment = "kind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n"
    text = POD + "---\nkind: ConfigMap\n---\n" + deployment
    with pytest.raises(MultipleWorkloads) as info:
        load_manifest(text)
    assert info.value.candidates == [(0, "Pod", "web"), (2, "Deployment", "d")]
    assert workload_candidates(load_stream(text)) == info.value.candidates
    chosen = load_manifest(text, choose=2)
    assert chosen.kind == "Deployment"
    assert [c["kind"] for c in chosen.companions] == ["Pod", "ConfigMap"]


def test_it_rejects_a_choice_that_is_not_a_workload() -> None:
    with pytest.raises(ManifestError, match="not a workload"):
        load_manifest(POD + "---\nkind: ConfigMap\n", choose=1)


def test_it_lists_supported_kinds_for_an_unknown_kind() -> None:
    with pytest.raises(ManifestError) as info:
        load_manifest("apiVersion: v1\nkind: Gadget\nmetadata: {name: x}\n")
    message = str(info.value)
    assert message.startswith("line 2, column 1: ")
    for kind in [
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "PodTemplate",
    ]:
        assert kind in message
    assert "Gadget" in message


def test_it_rejects_a_workload_without_a_pod_template() -> None:
    with pytest.raises(ManifestError, match="no pod template: spec.template.spec") as info:
        load_manifest("kind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: 2\n")
    assert info.value.line == 3


def test_it_rejects_a_pod_without_spec() -> None:
    with pytest.raises(ManifestError, match="Pod has no pod spec"):
        load_manifest("kind: Pod\nmetadata: {name: x}\n")


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        ("", "empty input", None),
        ("  \n# only a comment\n", "empty input", None),
        ("---\n---\n", "empty input", None),
        ("a: [1, 2\n", "invalid YAML", 2),
        ("a: b\n c: d: e\n", "invalid YAML", 2),
        ("- a\n- b\n", "root must be a mapping", 1),
        ("just text\n", "root must be a mapping", 1),
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3),
        ("spec:\n  containers:\n  - name: a\n    name: b\n", "duplicate key 'name'", 4),
        ("a: !!python/object/apply:os.system ['true']\n", "Python-specific tag", 1),
        ("a: !!python/name:os.system\n", "Python-specific tag", 1),
        ("a: !custom 1\n", "unsupported tag", 1),
        ("a: !!binary aGVsbG8=\n", "unsupported tag", 1),
        ("a: !!set {x: null}\n", "unsupported tag", 1),
        ("a: !!int abc\n", "cannot read 'abc' as !!int", 1),
        ("? [a, b]\n: c\n", "mapping keys must be strings", 1),
    ],
)
def test_it_reports_unreadable_input(text: str, fragment: str, line: int | None) -> None:
    with pytest.raises(ManifestError) as info:
        load_stream(text)
    assert fragment in info.value.message
    assert info.value.line == line
    if line is not None:
        assert str(info.value).startswith(f"line {line}, column ")


def test_it_reports_position_in_the_message() -> None:
    with pytest.raises(ManifestError) as info:
        load_stream("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert (info.value.line, info.value.column) == (4, 3)
    assert str(info.value) == "line 4, column 3: duplicate key 'c' in mapping"


def test_it_takes_limits_from_the_caller() -> None:
    with pytest.raises(ManifestError, match="too many documents"):
        load_stream("a: 1\n---\nb: 2\n---\nc: 3\n", Limits(max_documents=2))


# convert_kind ---------------------------------------------------------------------------------

BARE_POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "shop", "annotations": {"a": "b"}},
    "spec": {"containers": [{"name": "app", "image": "nginx"}], "affinity": {"x": 1}},
}


def test_it_converts_a_pod_to_a_deployment() -> None:
    deployment = convert_kind(BARE_POD, "Deployment")
    assert deployment == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}},
                "spec": {"containers": [{"name": "app", "image": "nginx"}], "affinity": {"x": 1}},
            },
        },
    }
    assert BARE_POD["metadata"] == {"name": "web", "namespace": "shop", "annotations": {"a": "b"}}


def test_it_moves_pod_labels_to_workload_and_template() -> None:
    pod = {**BARE_POD, "metadata": {"name": "db", "labels": {"tier": "data"}}}
    sts = convert_kind(pod, "StatefulSet")
    assert sts["metadata"] == {"name": "db", "labels": {"tier": "data"}}
    assert list(sts["spec"]) == ["serviceName", "selector", "template"]
    assert sts["spec"]["serviceName"] == "db"
    assert sts["spec"]["selector"] == {"matchLabels": {"tier": "data"}}
    assert sts["spec"]["template"]["metadata"] == {"labels": {"tier": "data"}}


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "PodTemplate"])
def test_it_converts_pod_to_workload_and_back(kind: str) -> None:
    pod = {
        **BARE_POD,
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "w"}, "annotations": {}},
    }
    workload = convert_kind(pod, kind)
    assert workload["kind"] == kind
    assert convert_kind(workload, "Pod") == pod


@pytest.mark.parametrize(
    ("policy", "expected"), [(None, "OnFailure"), ("Always", "OnFailure"), ("Never", "Never")]
)
def test_it_gives_jobs_a_restart_policy_they_allow(policy: str | None, expected: str) -> None:
    pod = {**BARE_POD, "spec": {"containers": [], **({"restartPolicy": policy} if policy else {})}}
    job = convert_kind(pod, "Job")
    assert job["apiVersion"] == "batch/v1"
    assert job["spec"]["template"]["spec"]["restartPolicy"] == expected
    cron = convert_kind(pod, "CronJob", schedule="*/5 * * * *")
    assert cron["spec"]["schedule"] == "*/5 * * * *"
    assert cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == expected
    assert convert_kind(pod, "CronJob")["spec"]["schedule"] == "0 * * * *"


def test_it_converts_workload_to_workload_through_a_pod() -> None:
    cron = convert_kind(BARE_POD, "CronJob")
    deployment = convert_kind(cron, "Deployment")
    assert deployment["kind"] == "Deployment"
    assert deployment["spec"]["template"]["spec"]["containers"] == BARE_POD["spec"]["containers"]
    assert deployment["metadata"] == {"name": "web", "namespace": "shop", "labels": {"app": "web"}}


def test_it_rejects_an_unknown_target_kind() -> None:
    with pytest.raises(ValueError, match="supported kinds"):
        convert_kind(BARE_POD, "Gadget")


def test_it_exports_converted_documents_with_roles_and_companions() -> None:
    from designer.pod.roles import Role

    roles = {"app": Role.MAIN, "log": Role.SIDECAR}
    text = export_text(BARE_POD, [{"kind": "ConfigMap"}], roles=roles, kind="Deployment")
    docs = load_stream(text).documents
    assert [d["kind"] for d in docs] == ["Deployment", "ConfigMap"]
    annotations = docs[0]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/default-container"] == "app"
    assert annotations["pod-designer/roles"] == "log=sidecar"
    bare = export_text(BARE_POD, [], roles=roles, role_annotations=False, fmt="json")
    assert '"pod-designer/roles"' not in bare
    assert bare.endswith("}\n")


def test_it_reads_json_with_empty_collections_and_escaped_keys() -> None:
    text = '{"kind": "Pod", "a": {}, "b": [], "c": [{}, [], {"\\u00e9\\"": [1, {"d": null}]}]}'
    loaded = load_stream(text)
    assert loaded.documents[0] == {"kind": "Pod", "a": {}, "b": [], "c": [{}, [], {'é"': [1, {"d": None}]}]}
    assert loaded.line_maps[0]['c[2][é"][1].d'] == (1, 67)
    assert loaded.line_maps[0]["c[1]"] == (1, 45)


def test_it_reports_duplicate_json_keys_with_their_position() -> None:
    with pytest.raises(ManifestError) as info:
        load_stream('{\n  "kind": "Pod",\n  "kind": "Job"\n}\n')
    assert str(info.value) == "line 3, column 3: duplicate key 'kind' in mapping"


def test_it_reads_json_that_only_yaml_accepts() -> None:
    assert load_stream('{"a": 1, # comment\n "b": [2,],}\n').documents == [{"a": 1, "b": [2]}]
