"""lint_stream(): every workload of a multi-document stream or List, with the rest as companions."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.manifest import ManifestError
from designer.pod.rules import stream
from designer.pod.rules.stream import NoWorkload, lint_stream

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: NAME}
spec:
  containers: [{name: app, image: nginx:1.27, imagePullPolicy: always}]
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n"


def test_it_lints_every_workload_with_its_index_and_kind() -> None:
    text = POD.replace("NAME", "one") + "---\n" + CONFIGMAP + "---\n" + POD.replace("NAME", "two")
    results = lint_stream(text, version="1.33")
    assert [(r.position, r.kind, r.name) for r in results] == [(0, "Pod", "one"), (2, "Pod", "two")]
    assert results[1].label == "#2 Pod/two"
    lines = [next(f.line for f in r.findings if f.rule == "K8S-CTR-PULL-POLICY") for r in results]
    assert lines == [5, 16]  # lines of the whole stream, not of each document


def test_it_flattens_a_list() -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: app, image: nginx:1.27}]}
"""
    [result] = lint_stream(text)
    assert (result.position, result.kind, result.name) == (1, "Deployment", "web")


def test_each_workload_gets_the_other_documents_as_companions(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, list[str]]] = []

    def record(document: dict[str, Any], **kwargs: Any) -> list[Any]:
        names = [c["metadata"]["name"] for c in kwargs["companions"]]
        seen.append((document["metadata"]["name"], names))
        return []

    monkeypatch.setattr(stream, "lint", record)
    lint_stream(POD.replace("NAME", "one") + "---\n" + CONFIGMAP + "---\n" + POD.replace("NAME", "two"))
    assert seen == [("one", ["cfg", "two"]), ("two", ["one", "cfg"])]


def test_choose_narrows_the_stream_to_one_workload() -> None:
    text = POD.replace("NAME", "one") + "---\n" + CONFIGMAP + "---\n" + POD.replace("NAME", "two")
    assert [r.name for r in lint_stream(text, choose=2)] == ["two"]
    with pytest.raises(ManifestError, match="document 1 is not a workload"):
        lint_stream(text, choose=1)


def test_a_stream_without_a_workload_says_so() -> None:
    with pytest.raises(NoWorkload, match="no workload found"):
        lint_stream(CONFIGMAP)
    with pytest.raises(ManifestError):
        lint_stream("a: [")
