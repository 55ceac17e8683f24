"""/api/v1/designs: list and filter, read, update with a base revision (409 when stale), tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.models import ApiToken, Design

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(alice: Any) -> str:
    return ApiToken.issue(alice, "ci")[1]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_it_lists_and_filters_designs_with_a_token(
    client: Any, token: str, make_design: Any, bob: Any
) -> None:
    make_design(name="web")
    make_design(name="hidden", owner=bob)
    response = client.get("/api/v1/designs?q=fluent", headers=bearer(token))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["results"][0]["name"] == "web"
    assert data["results"][0]["roles_present"] == ["main", "sidecar"]


def test_it_answers_401_without_or_with_a_bad_token(client: Any, make_design: Any) -> None:
    design = make_design()
    assert client.get("/api/v1/designs").status_code == 401
    response = client.get(f"/api/v1/designs/{design.pk}", headers=bearer("pd_not-a-real-token"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_stores_only_the_hash_and_forgets_revoked_tokens(client: Any, alice: Any, token: str) -> None:
    stored = ApiToken.objects.get(user=alice)
    assert token not in (stored.token_hash, stored.prefix + stored.token_hash)
    assert stored.token_hash == ApiToken.hash(token)
    stored.delete()
    assert client.get("/api/v1/designs", headers=bearer(token)).status_code == 401


def test_it_reads_a_design_with_its_latest_revision(client: Any, token: str, make_design: Any) -> None:
    design = make_design()
    data = client.get(f"/api/v1/designs/{design.pk}", headers=bearer(token)).json()
    assert data["latest"]["number"] == 1
    assert data["latest"]["document"]["spec"]["containers"][1]["name"] == "shipper"
    assert data["permissions"] == ["admin", "edit", "view"]


def test_it_answers_404_for_a_design_the_token_user_may_not_see(
    client: Any, token: str, make_design: Any, bob: Any
) -> None:
    design = make_design(owner=bob)
    assert client.get(f"/api/v1/designs/{design.pk}", headers=bearer(token)).status_code == 404


def test_it_saves_a_new_revision_and_rejects_a_stale_base(client: Any, token: str, make_design: Any) -> None:
    design = make_design()
    document = client.get(f"/api/v1/designs/{design.pk}", headers=bearer(token)).json()["latest"]["document"]
    document["spec"]["containers"][0]["image"] = "registry.example.com/web:2.0.0"
    body = {"base_revision": 1, "document": document, "message": "from CI"}
    # No CSRF token: a token-authenticated API request is exempt.
    response = client.put(
        f"/api/v1/designs/{design.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["revision"]["number"] == 2
    stale = client.put(
        f"/api/v1/designs/{design.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(token),
    )
    assert stale.status_code == 409
    assert stale.json()["current_revision"]["number"] == 2
    assert stale.json()["current_revision"]["message"] == "from CI"
    assert Design.objects.get(pk=design.pk).revision_count == 2


def test_it_accepts_a_manifest_text_and_validates_the_body(client: Any, token: str, make_design: Any) -> None:
    design = make_design()
    url = f"/api/v1/designs/{design.pk}"
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: a:1\n"
    )
    ok = client.put(
        url,
        json.dumps({"base_revision": 1, "manifest": manifest}),
        content_type="application/json",
        headers=bearer(token),
    )
    assert ok.status_code == 200, ok.content
    missing_base = client.put(
        url, json.dumps({"manifest": manifest}), content_type="application/json", headers=bearer(token)
    )
    assert missing_base.status_code == 400
    broken = client.put(url, "not json", content_type="application/json", headers=bearer(token))
    assert broken.status_code == 400


def test_it_lets_a_viewer_read_but_not_update(client: Any, bob: Any, make_design: Any) -> None:
    design = make_design(visibility=Design.Visibility.SHARED)
    secret = ApiToken.issue(bob, "bob")[1]
    assert client.get(f"/api/v1/designs/{design.pk}", headers=bearer(secret)).status_code == 200
    body = json.dumps({"base_revision": 1, "document": design.latest.document})
    response = client.put(
        f"/api/v1/designs/{design.pk}", body, content_type="application/json", headers=bearer(secret)
    )
    assert response.status_code == 404


def test_it_downloads_the_export_with_a_token(client: Any, token: str, make_design: Any) -> None:
    design = make_design()
    response = client.get(f"/designs/{design.pk}/export.yaml?kind=Deployment", headers=bearer(token))
    assert response.status_code == 200
    assert b"kind: Deployment" in response.content


def test_it_keeps_csrf_for_session_requests(alice: Any, make_design: Any) -> None:
    from django.test import Client

    design = make_design()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    body = json.dumps({"base_revision": 1, "document": design.latest.document})
    response = client.put(f"/api/v1/designs/{design.pk}", body, content_type="application/json")
    assert response.status_code == 403


def test_it_does_not_let_a_token_post_to_pages(alice: Any, token: str, make_design: Any) -> None:
    from django.test import Client

    design = make_design()
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/designs/{design.pk}/trash", headers=bearer(token))
    # CSRF still applies (403), or the page sends the unsigned visitor to the login page (302).
    assert response.status_code in (302, 403)
    assert Design.objects.get(pk=design.pk).deleted_at is None
