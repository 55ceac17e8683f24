"""Every API entry point keeps the loader's limits: depth, size, counts, Unicode, versions, numbers.

A document stored past the limits used to break the design's page, export, diagram and bundle
for everyone; now it is refused with 400 before anything is saved.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.models import ApiToken, Design
from tests.conftest import SIDECAR_POD

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(alice: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(alice, 'ci')[1]}"}


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def put(client: Any, design: Design, body: dict[str, Any] | str, auth: dict[str, str]) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return client.put(f"/api/v1/designs/{design.pk}", text, content_type="application/json", headers=auth)


def test_a_document_400_levels_deep_is_refused_and_the_design_stays_readable(
    client: Any, alice: Any, auth: dict[str, str], make_design: Any
) -> None:
    design = make_design()
    document = json.loads(json.dumps(design.latest.document))
    document["metadata"]["annotations"] = nested(400)
    response = put(client, design, {"base_revision": 1, "document": document}, auth)
    assert response.status_code == 400
    assert "document: nesting deeper than 100 levels" in response.json()["error"]
    assert Design.objects.get(pk=design.pk).revision_count == 1
    client.force_login(alice)
    for url in ("", "export.yaml", "export.yaml?format=json", "diagram.svg", "bundle.zip", "history/"):
        assert client.get(f"/designs/{design.pk}/{url}").status_code == 200, url
    assert client.get(f"/api/v1/designs/{design.pk}", headers=auth).status_code == 200


def test_a_document_within_the_limit_is_saved(client: Any, auth: dict[str, str], make_design: Any) -> None:
    design = make_design()
    document = json.loads(json.dumps(design.latest.document))
    document["metadata"]["annotations"] = {"deep": json.dumps(nested(50))}
    document["spec"]["containers"][0]["env"] = [{"name": "X", "value": "1"}]
    response = put(client, design, {"base_revision": 1, "document": document}, auth)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("companions", [nested(150)], "companions: nesting deeper than 100 levels"),
        ("companions", [{"kind": "ConfigMap"}] * 1000, "too many companions"),
        ("roles", {"\ud800": "main"}, "roles holds a lone surrogate"),
        ("message", "saved \udfff", "message"),  # pydantic refuses it as a str already
    ],
)
def test_it_refuses_companions_roles_and_messages_past_the_limits(
    client: Any, auth: dict[str, str], make_design: Any, field: str, value: Any, message: str
) -> None:
    design = make_design()
    body = {"base_revision": 1, "document": design.latest.document, field: value}
    response = put(client, design, body, auth)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert Design.objects.get(pk=design.pk).revision_count == 1


@pytest.mark.parametrize("where", ["name", "key", "manifest"])
def test_it_answers_a_lone_surrogate_anywhere_with_400(
    client: Any, auth: dict[str, str], make_design: Any, where: str
) -> None:
    design = make_design()
    document = json.loads(json.dumps(design.latest.document))
    if where == "name":
        document["spec"]["containers"][0]["name"] = "app\ud800"
        body: dict[str, Any] = {"base_revision": 1, "document": document}
    elif where == "key":
        document["metadata"]["labels"]["\udc00"] = "x"
        body = {"base_revision": 1, "document": document}
    else:
        body = {"base_revision": 1, "manifest": SIDECAR_POD.replace("name: app", "name: 'app\ud800'")}
    response = put(client, design, body, auth)
    assert response.status_code == 400
    assert "lone surrogate" in response.json()["error"]
    created = client.post(
        "/api/v1/designs",
        json.dumps({"manifest": SIDECAR_POD, "name": "x\ud800"}),
        "application/json",
        headers=auth,
    )
    assert created.status_code == 400
    assert Design.objects.count() == 1


@pytest.mark.parametrize("base", ['"٣"', '"3"', "3.0", "true", "-1", "null"])
def test_base_revision_is_a_json_number_of_ascii_digits(
    client: Any, auth: dict[str, str], make_design: Any, base: str
) -> None:
    design = make_design()
    text = '{"base_revision": ' + base + ', "document": ' + json.dumps(design.latest.document) + "}"
    response = put(client, design, text, auth)
    assert response.status_code == 400
    assert response.json()["error"].startswith("base_revision:")


@pytest.mark.parametrize("version", ["1.99", "1.24", "2.0", "١.٣٣", "1.33 ", "banana"])
def test_a_k8s_version_outside_the_supported_range_is_refused_not_clamped(
    client: Any, auth: dict[str, str], version: str
) -> None:
    from urllib.parse import quote

    for endpoint in ("lint", "diagram"):
        response = client.post(
            f"/api/v1/{endpoint}?k8s_version={quote(version)}", SIDECAR_POD, "application/yaml", headers=auth
        )
        assert response.status_code == 400, (endpoint, version)
        assert response.json()["error"].startswith("k8s_version:")
    created = client.post(
        "/api/v1/designs",
        json.dumps({"manifest": SIDECAR_POD, "k8s_version": version}),
        "application/json",
        headers=auth,
    )
    assert created.status_code == 400


@pytest.mark.parametrize("version", ["1.25", "1.37", "v1.33.2"])
def test_a_supported_version_is_used_as_given(client: Any, auth: dict[str, str], version: str) -> None:
    response = client.post(
        f"/api/v1/lint?k8s_version={version}", SIDECAR_POD, "application/yaml", headers=auth
    )
    assert response.status_code == 200
    assert response.json()["k8s_version"] == version.lstrip("v").removesuffix(".2")


@pytest.mark.parametrize("number", ["٣", "３", "²", "1e3", "+1"])
def test_numbers_in_urls_and_parameters_are_ascii_digits(
    client: Any, auth: dict[str, str], make_design: Any, number: str
) -> None:
    design = make_design()
    assert client.get(f"/api/v1/designs/{number}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/designs?page={number}", headers=auth).status_code == 400
    export = client.get(f"/api/v1/designs/{design.pk}/export?kind=Pod&format=yaml", headers=auth)
    assert export.status_code == 200


def test_a_body_over_the_upload_limit_is_a_json_answer(
    client: Any, auth: dict[str, str], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/v1/lint", SIDECAR_POD + "#" * 2000, "application/yaml", headers=auth)
    assert response.status_code == 413
    assert "upload limit" in response.json()["error"]
