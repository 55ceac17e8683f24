"""Who the API lets in: 401 JSON without a token, CSRF for sessions only, and tokens that open
the API and the downloads but never the pages or the admin."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from designer.models import ApiToken, Design
from tests.conftest import SIDECAR_POD

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user, 'ci')[1]}"}


def operations(design: Design) -> list[tuple[str, str, str, str]]:
    """(method, url, body, content type) of every API operation."""
    update = json.dumps({"base_revision": 1, "document": design.latest.document})
    return [
        ("get", "/api/v1/designs", "", ""),
        ("post", "/api/v1/designs", json.dumps({"manifest": SIDECAR_POD}), "application/json"),
        ("get", f"/api/v1/designs/{design.pk}", "", ""),
        ("put", f"/api/v1/designs/{design.pk}", update, "application/json"),
        ("get", f"/api/v1/designs/{design.pk}/export", "", ""),
        ("post", "/api/v1/lint", SIDECAR_POD, "application/yaml"),
        ("post", "/api/v1/diagram", SIDECAR_POD, "application/yaml"),
    ]


def call(client: Any, method: str, url: str, body: str, content_type: str, **headers: str) -> Any:
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(url, body, content_type=content_type, headers=headers)


@pytest.mark.parametrize("authorization", [None, "Bearer pd_not-a-real-token", "Bearer ", "Basic YTpi"])
def test_every_operation_answers_401_json_without_a_valid_token(
    client: Any, make_design: Any, authorization: str | None
) -> None:
    design = make_design()
    headers = {"Authorization": authorization} if authorization else {}
    for method, url, body, content_type in operations(design):
        response = call(client, method, url, body, content_type, **headers)
        assert response.status_code == 401, (method, url)
        assert response["Content-Type"] == "application/json"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"]
    assert Design.objects.count() == 1


def test_a_bad_token_is_refused_even_beside_a_valid_session(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    response = alice_client.get(f"/api/v1/designs/{design.pk}", headers={"Authorization": "Bearer pd_nope"})
    assert response.status_code == 401


def test_every_operation_answers_a_token_without_csrf(alice: Any, make_design: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    design = make_design()
    headers = bearer(alice)
    for method, url, body, content_type in operations(design):
        response = call(client, method, url, body, content_type, **headers)
        assert response.status_code in (200, 201), (method, url, response.content[:200])


def test_session_calls_need_the_csrf_token(alice: Any, make_design: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    design = make_design()
    assert client.get(f"/api/v1/designs/{design.pk}").status_code == 200
    update = json.dumps({"base_revision": 1, "document": design.latest.document})
    refused = client.put(f"/api/v1/designs/{design.pk}", update, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]
    client.get("/")  # the library page sets the CSRF cookie, as the docs page does
    token = client.cookies["csrftoken"].value
    saved = client.put(
        f"/api/v1/designs/{design.pk}",
        update,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200, saved.content


def test_a_superusers_token_does_not_open_the_admin(client: Any, django_user_model: Any) -> None:
    root = django_user_model.objects.create_superuser("root", password="root-password-1")
    headers = bearer(root)
    for url in ("/admin/", "/admin/designer/design/", "/admin/auth/user/"):
        response = client.get(url, headers=headers)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")
    response = client.post("/admin/auth/user/add/", {"username": "mallory"}, headers=headers)
    assert response.status_code in (302, 403)
    assert not django_user_model.objects.filter(username="mallory").exists()


def test_a_token_does_not_open_the_pages(client: Any, alice: Any, make_design: Any) -> None:
    design = make_design()
    headers = bearer(alice)
    pages = ["/", "/trash/", "/teams/", "/accounts/profile/", f"/designs/{design.pk}/"]
    pages += [f"/designs/{design.pk}/{p}" for p in ("history/", "settings/", "revisions/1/", "lifecycle.svg")]
    for url in pages:
        response = client.get(url, headers=headers)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize(
    "download",
    ["export.yaml", "export.yaml?format=json&kind=Deployment", "diagram.svg", "diagram.dot", "bundle.zip"],
)
def test_a_token_fetches_the_downloads(client: Any, alice: Any, make_design: Any, download: str) -> None:
    design = make_design()
    response = client.get(f"/designs/{design.pk}/{download}", headers=bearer(alice))
    assert response.status_code == 200
    bad = client.get(f"/designs/{design.pk}/{download}", headers={"Authorization": "Bearer pd_nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]


def test_the_schema_and_the_docs_are_served_without_a_cdn(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/designs/{pk}" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset  # served by the app itself (whitenoise in production)
    assert "/api/v1/openapi.json" in html


def test_unknown_api_paths_answer_json(client: Any, alice: Any) -> None:
    for url in ("/api/v1/nothing", "/api/v1/designs/-1", "/api/v2/designs"):
        response = client.get(url, headers=bearer(alice))
        assert response.status_code == 404, url
        assert response.json() == {"error": "Not found"}
