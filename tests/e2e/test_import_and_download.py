"""A user pastes a manifest, sees the design, downloads the YAML: it is what they pasted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import fixture_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_imports_by_pasting_and_downloads_the_same_document(
    signed_in_page: Any, live_server: Any, screenshot: Any
) -> None:
    page = signed_in_page
    # A stream whose workload is not the first document: the export keeps the stream's order.
    text = fixture_text("manifests/multi-document-deployment-configmap-service.yaml")
    page.goto(f"{live_server.url}/designs/new")
    page.get_by_label("Manifest (YAML or JSON)").fill(text)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(f"{live_server.url}/designs/*/")
    screenshot("import-design-page")
    original = [d for d in yaml.safe_load_all(text) if d]
    workload = next(d for d in original if d["kind"] == "Deployment")
    for container in workload_containers(workload):
        assert page.get_by_text(container["name"], exact=True).first.is_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="YAML", exact=True).first.click()
    downloaded = info.value
    assert downloaded.suggested_filename.endswith(".yaml")
    exported = [d for d in yaml.safe_load_all(Path(downloaded.path()).read_text(encoding="utf-8")) if d]
    assert len(exported) == len(original)
    # The only difference allowed is the role annotations the designer adds to the pod.
    for doc in (d for d in exported + original if d["kind"] == "Deployment"):
        meta = _pod_meta(doc)
        anns = meta.get("annotations", {})
        anns.pop("pod-designer/roles", None)
        anns.pop("kubectl.kubernetes.io/default-container", None)
        if not anns:
            meta.pop("annotations", None)
    assert exported == original
    assert [list(d) for d in exported] == [list(d) for d in original]


def workload_containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc["spec"]["template"]["spec"] if doc["kind"] != "Pod" else doc["spec"]
    containers: list[dict[str, Any]] = spec.get("initContainers", []) + spec["containers"]
    return containers


def _pod_meta(doc: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = (
        doc["metadata"] if doc["kind"] == "Pod" else doc["spec"]["template"].setdefault("metadata", {})
    )
    return meta
