"""Pod Designer's own Kubernetes manifests (deploy/kubernetes/), shipped as a starter design too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from designer.pod.findings import Finding
from designer.pod.manifest import load_manifest
from designer.pod.roles import decode_roles
from designer.pod.rules.context import LATEST_VERSION
from designer.pod.rules.lint import lint
from designer.pod.starters import get_starter
from designer.pod.workloads import pod_spec

ROOT = Path(__file__).resolve().parents[2]
DEPLOYED = ROOT / "deploy" / "kubernetes" / "pod-designer.yaml"


@pytest.fixture(scope="module")
def text() -> str:
    starter = get_starter("pod-designer-on-kubernetes")
    assert starter is not None
    return starter.text


def findings(text: str, pss: str | None) -> list[Finding]:
    manifest = load_manifest(text)
    return lint(
        manifest.document,
        version=LATEST_VERSION,
        roles=decode_roles(manifest.document),
        line_map=manifest.line_map,
        companions=manifest.companions,
        pss=pss,
    )


def test_the_starter_is_the_deployed_manifest(text: str) -> None:
    assert DEPLOYED.read_text(encoding="utf-8") == text


def test_the_starter_is_checked_at_podsecurity_restricted() -> None:
    starter = get_starter("pod-designer-on-kubernetes")
    assert starter is not None and starter.pss == "restricted"


@pytest.mark.parametrize("pss", [None, "baseline", "restricted"])
def test_it_lints_with_no_error_or_warning_at_the_newest_version(text: str, pss: str | None) -> None:
    assert [
        (f.severity, f.rule, f.path, f.message) for f in findings(text, pss) if f.severity != "info"
    ] == []


def test_it_passes_pod_security_restricted(text: str) -> None:
    assert [f.rule for f in findings(text, "restricted") if f.rule.startswith("K8S-PSS-")] == []


def test_every_document_is_valid_for_kubernetes_1_33(text: str) -> None:
    documents = [d for d in yaml.safe_load_all(text) if d]
    assert [d["kind"] for d in documents] == [
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Deployment",
        "Service",
    ]
    for document in documents:
        kubernetes_validate.validate(document, "1.33.0", strict=True)


def container(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in [*spec.get("initContainers", []), *spec["containers"]] if c["name"] == name)


def test_it_runs_two_replicas_with_probes_and_a_read_only_root(text: str) -> None:
    deployment = load_manifest(text).document
    assert deployment["kind"] == "Deployment" and deployment["spec"]["replicas"] == 2
    spec = pod_spec(deployment)
    web = container(spec, "web")
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {v["name"]: v for v in spec["volumes"]}["tmp"]["emptyDir"]
    for each in (web, container(spec, "migrate")):
        assert each["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in each["volumeMounts"]
        assert {"cpu", "memory"} <= set(each["resources"]["requests"]) & set(each["resources"]["limits"])
        assert {"configMapRef": {"name": "pod-designer-config"}} in each["envFrom"]
        assert {"secretRef": {"name": "pod-designer-secrets"}} in each["envFrom"]
