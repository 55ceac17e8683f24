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


def _put(client: Any, design: Any, token: str, body: dict[str, Any]) -> Any:
    return client.put(
        f"/api/v1/designs/{design.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(token),
    )


def _with_images(document: dict[str, Any], **images: str) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(document))
    for container in changed["spec"]["containers"]:
        container["image"] = images.get(container["name"], container["image"])
    return changed


def test_it_saves_a_new_revision(client: Any, token: str, make_design: Any) -> None:
    design = make_design()
    document = client.get(f"/api/v1/designs/{design.pk}", headers=bearer(token)).json()["latest"]["document"]
    document["spec"]["containers"][0]["image"] = "registry.example.com/web:2.0.0"
    # No CSRF token: a token-authenticated API request is exempt.
    response = _put(client, design, token, {"base_revision": 1, "document": document, "message": "from CI"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["outcome"], data["revision"]["number"], data["design"]["revision"]) == ("saved", 2, 2)
    assert data["merged_paths"] == []


def test_an_update_that_changes_nothing_creates_no_revision(
    client: Any, token: str, make_design: Any
) -> None:
    design = make_design()
    response = _put(client, design, token, {"base_revision": 1, "document": design.latest.document})
    assert response.status_code == 200
    data = response.json()
    assert (data["outcome"], data["revision"]["number"]) == ("unchanged", 1)
    assert "no revision was created" in data["detail"]
    assert Design.objects.get(pk=design.pk).revision_count == 1


def test_a_stale_base_merges_changes_to_different_fields(
    client: Any, token: str, make_design: Any, bob: Any
) -> None:
    design = make_design()
    base = design.latest.document
    theirs = _put(client, design, token, {"base_revision": 1, "document": _with_images(base, app="web:2")})
    assert theirs.json()["revision"]["number"] == 2
    mine = _with_images(base, shipper="fluent-bit:4")
    response = _put(client, design, token, {"base_revision": 1, "document": mine, "message": "shipper"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["outcome"] == "merged"
    assert "spec.containers[shipper].image" in data["merged_paths"]
    assert {"path": "spec.containers[app].image", "side": "theirs"} in data["changes"]
    latest = Design.objects.get(pk=design.pk).latest
    assert latest is not None and latest.number == 3
    assert {c["name"]: c["image"] for c in latest.document["spec"]["containers"]} == {
        "app": "web:2",
        "shipper": "fluent-bit:4",
    }


def test_a_stale_base_that_overlaps_answers_409_with_the_conflicts(
    client: Any, token: str, make_design: Any
) -> None:
    design = make_design()
    base = design.latest.document
    _put(
        client,
        design,
        token,
        {"base_revision": 1, "document": _with_images(base, app="web:2"), "message": "CI"},
    )
    old_image = base["spec"]["containers"][0]["image"]
    body = {"base_revision": 1, "document": _with_images(base, app="web:3"), "pss": "restricted"}
    stale = _put(client, design, token, body)
    assert stale.status_code == 409
    data = stale.json()
    assert data["conflicts"] == [
        {
            "path": "spec.containers[app].image",
            "base": old_image,
            "theirs": "web:2",
            "mine": "web:3",
            "absent": [],
        }
    ]
    assert data["current_revision"]["number"] == 2
    assert data["current_revision"]["message"] == "CI"
    after = Design.objects.get(pk=design.pk)
    assert (after.revision_count, after.pss_level) == (2, "")


@pytest.mark.parametrize("base", [0, 7])
def test_a_base_the_design_never_had_answers_409(
    client: Any, token: str, make_design: Any, base: int
) -> None:
    design = make_design()
    document = _with_images(design.latest.document, app="web:9")
    response = _put(client, design, token, {"base_revision": base, "document": document})
    assert response.status_code == 409
    assert response.json()["conflicts"] == []
    assert Design.objects.get(pk=design.pk).revision_count == 1


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


STREAM = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:1"}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers: [{name: sh, image: "busybox:1.36"}]
"""


def test_it_creates_a_design_from_a_manifest_with_the_workload_chosen(client: Any, token: str) -> None:
    def create(**body: Any) -> Any:
        return client.post(
            "/api/v1/designs", json.dumps(body), content_type="application/json", headers=bearer(token)
        )

    several = create(manifest=STREAM)
    assert several.status_code == 400
    assert [(c["index"], c["kind"], c["name"]) for c in several.json()["candidates"]] == [
        (1, "Deployment", "api"),
        (2, "Pod", "debug"),
    ]
    assert create(manifest=STREAM, choose=0).status_code == 400  # a ConfigMap is no workload
    response = create(manifest=STREAM, choose=1, k8s_version="1.31", pss="baseline")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["kind"], data["k8s_version"], data["pss"]) == (
        "api",
        "Deployment",
        "1.31",
        "baseline",
    )
    assert data["latest"]["companions"][0]["kind"] == "ConfigMap"
    assert data["latest"]["companions"][1]["kind"] == "Pod"
    design = Design.objects.get(pk=data["id"])
    assert design.owner is not None and design.owner.get_username() == "alice"
    export = client.get(
        f"/api/v1/designs/{design.pk}/export?kind=StatefulSet&format=json", headers=bearer(token)
    )
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/json")
    assert json.loads(export.content)["kind"] == "List"


@pytest.mark.parametrize(
    ("kind", "fmt"), [("Pod", "yaml"), ("Deployment", "yaml"), ("CronJob", "json"), ("Job", "json")]
)
def test_it_exports_any_kind_and_format(
    client: Any, token: str, make_design: Any, kind: str, fmt: str
) -> None:
    design = make_design()
    response = client.get(
        f"/api/v1/designs/{design.pk}/export?kind={kind}&format={fmt}", headers=bearer(token)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == f"application/{fmt}; charset=utf-8"
    assert f"{design.name}-{kind.lower()}.{fmt}" in response["Content-Disposition"]
    text = response.content.decode()
    assert (f'"kind": "{kind}"' if fmt == "json" else f"kind: {kind}") in text
    assert (
        client.get(f"/api/v1/designs/{design.pk}/export?kind=Service", headers=bearer(token)).status_code
        == 400
    )


COMMENTED = """\
# The web pod, as the team keeps it in git.
apiVersion: v1
kind: Pod
metadata:
  name: web   # the pod's name
spec:
  containers:
  - name: app
    image: "nginx:1.27"   # pinned
"""


def test_the_text_given_is_kept_and_a_document_update_patches_it(client: Any, token: str) -> None:
    created = client.post(
        "/api/v1/designs",
        json.dumps({"manifest": COMMENTED}),
        content_type="application/json",
        headers=bearer(token),
    )
    assert created.status_code == 201
    design = Design.objects.get(pk=created.json()["id"])
    assert design.latest is not None and design.latest.source_text == COMMENTED
    document = _with_images(created.json()["latest"]["document"], app="nginx:1.28")
    updated = _put(client, design, token, {"base_revision": 1, "document": document})
    assert updated.status_code == 200
    assert updated.json()["normalised"] is False
    latest = Design.objects.get(pk=design.pk).latest
    assert latest is not None
    assert latest.source_text == COMMENTED.replace('"nginx:1.27"', '"nginx:1.28"')
    text = COMMENTED.replace("# pinned", "# pinned again")
    again = _put(client, design, token, {"base_revision": 2, "manifest": text, "roles": {"app": "main"}})
    assert again.status_code == 200, again.content
    latest = Design.objects.get(pk=design.pk).latest
    assert latest is not None and latest.number == 3 and latest.source_text == text
