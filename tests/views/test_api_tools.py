"""POST /api/v1/lint and /api/v1/diagram: YAML in, findings or SVG out; tokens or sessions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from designer.models import ApiToken
from tests.conftest import SIDECAR_POD

pytestmark = pytest.mark.django_db

CONFLICT = SIDECAR_POD.replace(
    "    image: fluent/fluent-bit:3.1.4\n",
    "    image: fluent/fluent-bit:3.1.4\n    ports:\n    - containerPort: 8080\n",
)


def bearer(user: Any) -> dict[str, str]:
    _, secret = ApiToken.issue(user, "ci")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_lints_with_a_token_and_reports_paths_and_lines(client: Any, alice: Any) -> None:
    response = client.post(
        "/api/v1/lint?k8s_version=1.33", CONFLICT, content_type="application/yaml", **bearer(alice)
    )
    assert response.status_code == 200
    data = response.json()
    assert data["k8s_version"] == "1.33"
    assert data["counts"]["error"] >= 1
    conflict = [f for f in data["findings"] if "containerPort" in f["path"] and f["severity"] == "error"]
    assert conflict, data["findings"]
    assert conflict[0]["line"] is not None


@pytest.mark.parametrize("choose", ["²", "٣", "３", "-1", "abc", "1e3"])
def test_it_refuses_a_choose_that_is_not_an_ascii_number(client: Any, alice: Any, choose: str) -> None:
    response = client.post(
        f"/api/v1/lint?choose={choose}", CONFLICT, content_type="application/yaml", **bearer(alice)
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("choose:")


def test_it_answers_400_with_line_and_column_for_broken_yaml(client: Any, alice: Any) -> None:
    response = client.post(
        "/api/v1/lint", "kind: Pod\nspec: [\n", content_type="application/yaml", **bearer(alice)
    )
    assert response.status_code == 400
    body = response.json()
    assert body["line"] is not None and "line" in body["error"]


def test_it_rejects_a_bad_version(client: Any, alice: Any) -> None:
    response = client.post(
        "/api/v1/lint?k8s_version=banana", SIDECAR_POD, content_type="application/yaml", **bearer(alice)
    )
    assert response.status_code == 400


def test_it_answers_401_without_credentials(client: Any) -> None:
    assert client.post("/api/v1/lint", SIDECAR_POD, content_type="application/yaml").status_code == 401
    assert client.post("/api/v1/diagram", SIDECAR_POD, content_type="application/yaml").status_code == 401


def test_it_requires_csrf_for_session_posts(alice: Any) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.post("/api/v1/lint", SIDECAR_POD, content_type="application/yaml").status_code == 403


def test_it_draws_an_inline_safe_svg(client: Any, alice: Any) -> None:
    hostile = SIDECAR_POD.replace("name: shipper", "name: '<script>alert(1)</script>'")
    response = client.post("/api/v1/diagram", hostile, content_type="application/yaml", **bearer(alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    ids = {el.get("id") for el in root.iter()}
    assert "container-app" in ids and "volume-logs" in ids
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert b"<script>" not in response.content


HELM_STREAM = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27", imagePullPolicy: always}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-test}
spec:
  restartPolicy: Never
  containers: [{name: wget, image: "busybox:1.36", imagePullPolicy: always}]
"""


def test_it_lints_every_workload_of_a_stream(client: Any, alice: Any) -> None:
    response = client.post("/api/v1/lint", HELM_STREAM, content_type="application/yaml", **bearer(alice))
    assert response.status_code == 200
    data = response.json()
    assert [(d["index"], d["kind"], d["name"]) for d in data["documents"]] == [
        (0, "Deployment", "web"),
        (2, "Pod", "web-test"),
    ]
    for document in data["documents"]:
        assert "K8S-CTR-PULL-POLICY" in {f["rule"] for f in document["findings"]}
    assert data["counts"]["error"] == sum(d["counts"]["error"] for d in data["documents"])
    assert "findings" not in data  # several workloads: only per document


def test_choose_narrows_the_stream_and_keeps_the_single_document_fields(client: Any, alice: Any) -> None:
    response = client.post(
        "/api/v1/lint?choose=2", HELM_STREAM, content_type="application/yaml", **bearer(alice)
    )
    data = response.json()
    assert data["kind"] == "Pod" and [d["index"] for d in data["documents"]] == [2]
    assert data["findings"] == data["documents"][0]["findings"]
