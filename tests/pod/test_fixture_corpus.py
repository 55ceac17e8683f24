"""The fixture corpus: realistic manifests every layer is tested against, and hostile inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from designer.pod.manifest import ManifestError, load_manifest
from designer.pod.roles import Role, container_names, is_native_sidecar, roles_for
from designer.pod.workloads import WORKLOAD_KINDS, pod_metadata, pod_spec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFESTS = sorted((FIXTURES / "manifests").glob("*.*"))
BROKEN = sorted((FIXTURES / "broken").glob("*"))


def objects(path: Path) -> list[dict[str, Any]]:
    """Every object in the file, the items of a `kind: List` included."""
    found: list[dict[str, Any]] = []
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if document is None:
            continue
        assert isinstance(document, dict), path.name
        found.extend(document["items"] if document.get("kind") == "List" else [document])
    return found


def workloads(path: Path) -> list[dict[str, Any]]:
    return [o for o in objects(path) if o.get("kind") in WORKLOAD_KINDS]


def fixture(name: str) -> Path:
    path = FIXTURES / "manifests" / name
    assert path.is_file(), name
    return path


def test_it_holds_a_broad_corpus() -> None:
    assert len(MANIFESTS) >= 60
    # Most carry comments, as the manifests people keep in git do (source.py keeps them).
    assert sum("#" in p.read_text(encoding="utf-8") for p in MANIFESTS) * 3 > len(MANIFESTS) * 2
    assert {p.suffix for p in MANIFESTS} == {".yaml", ".json"}
    kinds = {w["kind"] for p in MANIFESTS for w in workloads(p)}
    assert kinds == set(WORKLOAD_KINDS)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_it_parses_and_holds_a_multi_container_workload(path: Path) -> None:
    found = workloads(path)
    assert len(found) == 1, path.name
    spec = pod_spec(found[0])
    total = len(spec.get("initContainers", [])) + len(spec["containers"])
    assert total >= 2, path.name


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_it_is_valid_for_the_kubernetes_1_33_schema(path: Path) -> None:
    for obj in objects(path):
        kubernetes_validate.validate(obj, "1.33.0", strict=True)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_it_loads_with_load_manifest(path: Path) -> None:
    manifest = load_manifest(path.read_bytes())
    [workload] = workloads(path)
    assert manifest.kind == workload["kind"]
    assert container_names(manifest.document) == container_names(workload)
    assert len(manifest.companions) == len(objects(path)) - 1
    assert manifest.line_map


def test_it_keeps_companions_of_a_multi_document_stream_and_a_list() -> None:
    stream = load_manifest(fixture("multi-document-deployment-configmap-service.yaml").read_text())
    assert stream.kind == "Deployment"
    assert sorted(c["kind"] for c in stream.companions) == ["ConfigMap", "Service"]
    listed = load_manifest(fixture("kubectl-list-deployment-and-service.yaml").read_text())
    assert listed.kind == "Deployment"
    assert [c["kind"] for c in listed.companions] == ["Service"]


def test_it_keeps_tricky_scalars_as_strings() -> None:
    document = load_manifest(fixture("tricky-scalars-pod.yaml").read_text()).document
    annotations = document["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == "8080"
    assert annotations["feature.acme.io/switch"] == "on"
    assert annotations["feature.acme.io/confirm"] == "yes"
    assert annotations["acme.io/api-version"] == "1.10"
    assert annotations["acme.io/file-mode"] == "0755"
    assert annotations["acme.io/null-word"] == "null"
    assert all(isinstance(value, str) for value in annotations.values())
    assert document["metadata"]["namespace"] == "on"
    assert document["metadata"]["labels"]["version"] == "1.10"
    # Unquoted, 0755 is an octal file mode for kubectl (go-yaml v2), as Kubernetes intends.
    assert document["spec"]["volumes"][0]["configMap"]["defaultMode"] == 0o755


def test_it_keeps_unicode_annotations_intact() -> None:
    document = load_manifest(fixture("unicode-annotations-deployment.yaml").read_bytes()).document
    annotations = pod_metadata(document)["annotations"]
    assert annotations["acme.io/note-ja"] == "本番環境では必ずレプリカを2つ以上にしてください"
    assert annotations["acme.io/emoji"] == "🐳📦🔒"
    assert "\u200b" in annotations["acme.io/combining"]


def test_it_expands_anchors_aliases_and_merge_keys() -> None:
    document = load_manifest(fixture("yaml-anchors-aliases-deployment.yaml").read_text()).document
    app, collector = pod_spec(document)["containers"]
    assert app["name"] == "checkout" and document["spec"]["selector"]["matchLabels"]["app"] == "checkout"
    assert collector["env"] == app["env"]
    assert collector["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"memory": "192Mi"},
    }
    assert collector["securityContext"]["runAsNonRoot"] is True
    assert collector["securityContext"]["readOnlyRootFilesystem"] is True


def test_it_reads_the_mesh_and_proxy_outputs_with_their_expected_roles() -> None:
    istio = roles_for(load_manifest(fixture("istio-injected-deployment.yaml").read_text()).document)
    assert istio["reviews"] == Role.MAIN and istio["istio-init"] == Role.INIT
    linkerd = load_manifest(fixture("linkerd-native-sidecar-deployment.yaml").read_text()).document
    proxy = pod_spec(linkerd)["initContainers"][1]
    assert proxy["name"] == "linkerd-proxy" and is_native_sidecar(proxy)
    assert roles_for(linkerd)["web-svc"] == Role.MAIN
    pgbouncer = roles_for(load_manifest(fixture("pgbouncer-ambassador-deployment.yaml").read_text()).document)
    assert pgbouncer == {"catalog-api": Role.MAIN, "pgbouncer": Role.AMBASSADOR}


def test_it_holds_one_of_each_hostile_input() -> None:
    names = {p.name for p in BROKEN}
    assert len(names) >= 10
    assert (FIXTURES / "broken" / "empty.yaml").read_bytes() == b""
    binary = (FIXTURES / "broken" / "binary-garbage.bin").read_bytes()
    assert b"\x00" in binary
    with pytest.raises(UnicodeDecodeError):
        binary.decode("utf-8")
    assert all(p.stat().st_size < 1024 for p in BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_it_refuses_every_hostile_input_with_a_manifest_error(path: Path) -> None:
    with pytest.raises(ManifestError):
        load_manifest(path.read_bytes())
