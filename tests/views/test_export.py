"""/designs/<id>/export.yaml: the stored document, as its kind or converted, YAML or JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.conftest import SIDECAR_POD

pytestmark = pytest.mark.django_db


def test_it_downloads_the_yaml_as_an_attachment(alice_client: Any, make_design: Any) -> None:
    design = make_design(name="Web front")
    response = alice_client.get(f"/designs/{design.pk}/export.yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="web-front-pod.yaml"'
    exported = yaml.safe_load(response.content)
    original = yaml.safe_load(SIDECAR_POD)
    annotations = exported["metadata"].pop("annotations")
    assert annotations == {
        "kubectl.kubernetes.io/default-container": "app",
        "pod-designer/roles": "shipper=sidecar",
    }
    assert exported == original


def test_it_can_leave_the_designer_annotation_out(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    response = alice_client.get(f"/designs/{design.pk}/export.yaml?annotations=0")
    exported = yaml.safe_load(response.content)
    assert "pod-designer/roles" not in exported["metadata"].get("annotations", {})


def test_it_converts_to_a_deployment_as_json(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    response = alice_client.get(f"/designs/{design.pk}/export.yaml?kind=Deployment&format=json")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-deployment.json"')
    data = json.loads(response.content)
    assert data["kind"] == "Deployment"
    assert data["spec"]["selector"]["matchLabels"] == {"app": "web"}
    assert [c["name"] for c in data["spec"]["template"]["spec"]["containers"]] == ["app", "shipper"]


def test_it_rejects_unknown_kinds_with_a_message(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    response = alice_client.get(f"/designs/{design.pk}/export.yaml?kind=Service")
    assert response.status_code == 400
    assert b"kind must be one of" in response.content


def test_it_answers_404_to_other_users(client: Any, make_design: Any, bob: Any) -> None:
    design = make_design()
    client.force_login(bob)
    assert client.get(f"/designs/{design.pk}/export.yaml").status_code == 404
    assert client.get(f"/designs/{design.pk}/").status_code == 404


def test_it_keeps_the_order_of_the_imported_stream(alice_client: Any) -> None:
    from designer.models import Design
    from designer.pod.manifest import load_stream
    from tests.conftest import fixture_text

    text = fixture_text("manifests/multi-document-deployment-configmap-service.yaml")
    alice_client.post("/designs/new", {"import-text": text, "import-k8s_version": "1.33"})
    design = Design.objects.get()
    exported = alice_client.get(f"/designs/{design.pk}/export.yaml?annotations=0").content.decode()
    kinds = [d["kind"] for d in load_stream(exported).documents]
    assert kinds == [d["kind"] for d in load_stream(text).documents] == ["ConfigMap", "Deployment", "Service"]
