"""Form fields <-> document, lossless (designer/editor/document_fields.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.editor.document_fields import (
    apply_container_fields,
    apply_pod_fields,
    apply_volume_fields,
    container_fields,
    pod_fields,
    volume_fields,
)
from designer.pod.edits import EditError
from designer.pod.workloads import WORKLOAD_KINDS, pod_spec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "manifests"
STARTERS = Path(__file__).resolve().parents[2] / "designer" / "starters"


def corpus() -> list[dict[str, Any]]:
    docs = []
    for path in sorted([*FIXTURES.glob("*.yaml"), *STARTERS.glob("*.yaml")]):
        try:
            loaded = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue  # deliberately broken fixtures
        docs += [d for d in loaded if isinstance(d, dict) and d.get("kind") in WORKLOAD_KINDS]
    return docs


DOCS = corpus()
CONTAINERS = [
    c
    for d in DOCS
    for key in ("initContainers", "containers")
    for c in pod_spec(d).get(key) or []
    if isinstance(c, dict)
]
VOLUMES = [v for d in DOCS for v in pod_spec(d).get("volumes") or [] if isinstance(v, dict)]


def same(a: Any, b: Any) -> bool:
    """Equal including key order at every level."""
    return json.dumps(a) == json.dumps(b) and a == b


def test_it_has_a_corpus() -> None:
    assert len(DOCS) >= 3 and len(CONTAINERS) >= 5 and len(VOLUMES) >= 3


@pytest.mark.parametrize("index", range(len(CONTAINERS)))
def test_it_round_trips_every_corpus_container(index: int) -> None:
    container = CONTAINERS[index]
    before = copy.deepcopy(container)
    assert same(apply_container_fields(container, container_fields(container)), container)
    assert same(container, before)


@pytest.mark.parametrize("index", range(len(DOCS)))
def test_it_round_trips_every_corpus_pod(index: int) -> None:
    assert same(apply_pod_fields(DOCS[index], pod_fields(DOCS[index])), DOCS[index])


@pytest.mark.parametrize("index", range(len(VOLUMES)))
def test_it_round_trips_every_corpus_volume(index: int) -> None:
    assert same(apply_volume_fields(VOLUMES[index], volume_fields(VOLUMES[index])), VOLUMES[index])


# Random containers: the round trip holds for whatever the form can or cannot show.
text = st.text(alphabet=st.characters(codec="ascii", exclude_characters="\x00"), max_size=12)
scalar = st.one_of(text, st.integers(-5, 70000), st.booleans(), st.none())
port = st.dictionaries(
    st.sampled_from(["containerPort", "name", "protocol", "hostPort", "hostIP", "x"]),
    scalar,
    min_size=1,
    max_size=4,
)
env = st.dictionaries(
    st.sampled_from(["name", "value", "valueFrom"]), st.one_of(text, st.just({"a": "b"})), max_size=3
)
probe = st.dictionaries(
    st.sampled_from(["httpGet", "tcpSocket", "exec", "periodSeconds", "grpc"]),
    st.one_of(
        st.integers(0, 100),
        st.dictionaries(
            st.sampled_from(["port", "path", "command"]),
            st.one_of(text, st.integers(1, 9000), st.lists(text, max_size=3)),
        ),
    ),
    max_size=3,
)
containers = st.fixed_dictionaries(
    {"name": text},
    optional={
        "image": scalar,
        "command": st.lists(text, max_size=3),
        "args": st.one_of(st.lists(text, max_size=3), text),
        "ports": st.lists(port, max_size=3),
        "env": st.lists(env, max_size=3),
        "resources": st.dictionaries(
            st.sampled_from(["requests", "limits", "claims"]),
            st.dictionaries(
                st.sampled_from(["cpu", "memory"]), st.one_of(text, st.integers(0, 9), st.floats(0, 4))
            ),
        ),
        "livenessProbe": probe,
        "securityContext": st.dictionaries(
            st.sampled_from(["runAsUser", "runAsNonRoot", "capabilities"]),
            st.one_of(scalar, st.fixed_dictionaries({"drop": st.lists(text, max_size=2)})),
        ),
        "x-unknown": scalar,
    },
)


@settings(max_examples=300, deadline=None)
@given(containers)
def test_it_round_trips_arbitrary_containers(container: dict[str, Any]) -> None:
    assert same(apply_container_fields(container, container_fields(container)), container)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {"name": text},
        optional={
            "emptyDir": st.dictionaries(st.sampled_from(["medium", "sizeLimit"]), scalar),
            "configMap": st.dictionaries(
                st.sampled_from(["name", "defaultMode", "items"]),
                st.one_of(scalar, st.lists(st.dictionaries(st.sampled_from(["key", "path", "mode"]), text))),
            ),
        },
    )
)
def test_it_round_trips_arbitrary_volumes(volume: dict[str, Any]) -> None:
    assert same(apply_volume_fields(volume, volume_fields(volume)), volume)


# --- editing -------------------------------------------------------------------------------

APP = {
    "name": "app",
    "image": "nginx:1.27",
    "x-unknown": 1,
    "ports": [{"name": "http", "containerPort": 8080}],
    "env": [
        {"value": "1", "name": "A"},
        # Keys in an order the env lines cannot say: the whole env is edited in YAML.
        {"name": "S", "valueFrom": {"secretKeyRef": {"key": "k", "name": "s"}}},
    ],
    "resources": {"limits": {"cpu": 1, "memory": "128Mi"}},
    "args": ["a\nb"],
}


def test_it_shows_container_fields() -> None:
    fields = container_fields(APP)
    assert fields["ports"] == "8080 name=http"
    assert fields["resources.limits.cpu"] == "1"
    assert fields["resources.requests.cpu"] == ""
    assert "env" not in fields and "args" not in fields  # odd key order / a line break: YAML only
    canonical = {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
    assert container_fields({"name": "x", "env": [canonical]})["env"] == "S <- secret s k"
    assert fields["livenessProbe.handler"] == ""


def test_it_writes_changed_fields_and_keeps_the_rest() -> None:
    fields = container_fields(APP) | {
        "image": "nginx:1.28",
        "ports": "8080 name=http\n9090/TCP name=metrics",
        "resources.requests.memory": "64Mi",
        "resources.limits.cpu": "",
        "command": "sh\n-c\necho hi\n",
        "env": "",  # posted empty although not shown: left alone
        "args": "",
        "securityContext.runAsUser": "1000",
    }
    result = apply_container_fields(APP, fields)
    assert list(result) == [
        "name",
        "image",
        "x-unknown",
        "ports",
        "env",
        "resources",
        "args",
        "command",
        "securityContext",
    ]
    assert result["ports"] == [
        {"name": "http", "containerPort": 8080},
        {"containerPort": 9090, "protocol": "TCP", "name": "metrics"},
    ]
    assert list(result["ports"][0]) == ["name", "containerPort"]
    assert result["resources"] == {"limits": {"memory": "128Mi"}, "requests": {"memory": "64Mi"}}
    assert result["command"] == ["sh", "-c", "echo hi"]
    assert result["env"] == APP["env"] and result["args"] == ["a\nb"]
    assert result["securityContext"] == {"runAsUser": 1000}
    assert APP["image"] == "nginx:1.27"


def test_it_keeps_env_values_strings_and_prunes_empty_parents() -> None:
    container = {"name": "a", "env": [{"name": "P", "value": "8080"}], "resources": {"limits": {"cpu": "1"}}}
    result = apply_container_fields(container, {"env": "P=8080\nQ=9", "resources.limits.cpu": ""})
    assert result == {"name": "a", "env": [{"name": "P", "value": "8080"}, {"name": "Q", "value": "9"}]}


def test_it_switches_probe_handlers() -> None:
    container = {"name": "a", "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}}
    fields = container_fields(container)
    assert fields["readinessProbe.handler"] == "httpGet"
    result = apply_container_fields(
        container, fields | {"readinessProbe.handler": "tcpSocket", "readinessProbe.tcpSocket.port": "http"}
    )
    assert result["readinessProbe"] == {"periodSeconds": 5, "tcpSocket": {"port": "http"}}
    gone = apply_container_fields(container, {"readinessProbe.handler": ""})
    assert "readinessProbe" not in gone
    hook = apply_container_fields(
        {"name": "a"}, {"lifecycle.preStop.handler": "sleep", "lifecycle.preStop.sleep.seconds": "5"}
    )
    assert hook["lifecycle"] == {"preStop": {"sleep": {"seconds": 5}}}


def test_it_rejects_impossible_values() -> None:
    with pytest.raises(EditError, match="periodSeconds"):
        apply_container_fields({"name": "a"}, {"livenessProbe.periodSeconds": "often"})
    with pytest.raises(EditError, match="ports"):
        apply_container_fields({"name": "a"}, {"ports": "http"})
    with pytest.raises(EditError, match="handler"):
        apply_container_fields({"name": "a"}, {"livenessProbe.handler": "telepathy"})


def test_it_edits_pod_fields_of_a_deployment() -> None:
    doc = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [], "affinity": {}}}
        },
    }
    fields = pod_fields(doc)
    assert fields["name"] == "web" and fields["labels"] == "app=web" and fields["namespace"] == ""
    result = apply_pod_fields(
        doc,
        fields
        | {
            "namespace": "prod",
            "labels": "app=web\ntier=front",
            "securityContext.fsGroup": "2000",
            "hostNetwork": "false",
            "imagePullSecrets": "regcred",
        },
    )
    assert result["metadata"] == {"name": "web", "namespace": "prod"}
    template = result["spec"]["template"]
    assert template["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert template["spec"] == {
        "containers": [],
        "affinity": {},
        "securityContext": {"fsGroup": 2000},
        "hostNetwork": False,
        "imagePullSecrets": [{"name": "regcred"}],
    }
    assert doc["metadata"] == {"name": "web"}


def test_it_edits_volumes_and_switches_their_source() -> None:
    volume = {
        "name": "cfg",
        "configMap": {"name": "app", "defaultMode": 420, "items": [{"key": "a", "path": "a.conf"}]},
    }
    fields = volume_fields(volume)
    assert fields["type"] == "configMap" and fields["configMap.defaultMode"] == "0644"
    assert fields["configMap.items"] == "a=a.conf"
    changed = apply_volume_fields(volume, fields | {"configMap.defaultMode": "0600"})
    assert changed["configMap"]["defaultMode"] == 0o600
    switched = apply_volume_fields(volume, fields | {"type": "emptyDir", "emptyDir.medium": "Memory"})
    assert switched == {"name": "cfg", "emptyDir": {"medium": "Memory"}}
    emptied = apply_volume_fields({"name": "d", "emptyDir": {"sizeLimit": "1Gi"}}, {"emptyDir.sizeLimit": ""})
    assert emptied == {"name": "d", "emptyDir": {}}
    projected = {"name": "p", "projected": {"sources": []}}
    assert volume_fields(projected) == {"name": "p", "type": "projected"} | {
        k: "" for k in volume_fields({"name": "x"}) if k != "name"
    }
    assert same(apply_volume_fields(projected, volume_fields(projected)), projected)


@pytest.mark.parametrize("text", ["²", "٣"])
def test_a_port_in_other_digits_stays_the_string_it_was_typed_as(text: str) -> None:
    # str.isdigit() is true for both; int() refuses '²' and would read '٣' as 3. Go reads
    # neither as a number, so the port stays a (named-port) string and validation says why.
    container = {"name": "a", "image": "x", "livenessProbe": {"tcpSocket": {"port": 80}}}
    updated = apply_container_fields(container, {"livenessProbe.tcpSocket.port": text})
    assert updated["livenessProbe"]["tcpSocket"]["port"] == text
    assert (
        apply_container_fields(container, {"resources.requests.cpu": "٣"})["resources"]["requests"]["cpu"]
        == "٣"
    )
