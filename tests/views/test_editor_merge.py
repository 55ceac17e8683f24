"""Saving from a stale base: merged when the changes do not overlap, a per-field choice when they do."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Design, Draft
from designer.pod.workloads import pod_spec
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db

IMAGE = "spec.containers[app].image"


def _open(client: Any, design: Design) -> bytes:
    return bytes(client.get(f"/designs/{design.pk}/").content)


def _save(client: Any, design: Design, page: bytes, **changes: str) -> Any:
    return client.post(f"/designs/{design.pk}/", form_data(page, action="save", **changes), follow=True)


@pytest.fixture
def shared(make_design: Any) -> Design:
    design: Design = make_design(visibility=Design.Visibility.SHARED)
    return design


@pytest.fixture
def bob_client(bob: Any) -> Any:
    from django.test import Client

    other = Client()
    other.force_login(bob)
    return other


def test_edits_of_different_containers_from_the_same_base_both_land(
    alice_client: Any, shared: Design
) -> None:
    first, second = _open(alice_client, shared), _open(alice_client, shared)  # two tabs at revision 1
    assert _save(alice_client, shared, first, cc0__image="registry.example.com/web:2.0.0").status_code == 200
    response = _save(alice_client, shared, second, cc1__image="fluent/fluent-bit:9.9.9", message="shipper")
    page = response.content.decode()
    assert "Saved revision 3: merged with the changes saved since your edit began" in page
    assert "spec.containers[app].image (theirs)" in page and "spec.containers[shipper].image (yours)" in page
    shared.refresh_from_db()
    containers = pod_spec(shared.latest.document)["containers"]
    assert [c["image"] for c in containers] == ["registry.example.com/web:2.0.0", "fluent/fluent-bit:9.9.9"]
    assert shared.latest.message.startswith("shipper (merged with r2")
    assert not Draft.objects.exists()


def test_overlapping_edits_get_a_choice_per_field(alice_client: Any, shared: Design) -> None:
    first, second = _open(alice_client, shared), _open(alice_client, shared)
    _save(alice_client, shared, first, cc0__image="theirs:1")
    mine = form_data(second, action="save", cc0__image="mine:1", cc1__image="fluent/fluent-bit:9.9.9")
    response = alice_client.post(f"/designs/{shared.pk}/", mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"<code>{IMAGE}</code>" in page
    assert "&quot;registry.example.com/web:1.4.2&quot;" in page  # before
    assert "&quot;theirs:1&quot;" in page and "&quot;mine:1&quot;" in page
    assert "Save mine on top" not in page
    shared.refresh_from_db()
    assert shared.revision_count == 2  # nothing saved until the user chooses
    choice = form_data(page, form_id="conflict-form", action="resolve", message="pick")
    assert "tab" in choice and choice["theirs_number"] == "2"
    choice[f"choice:{IMAGE}"] = "theirs"
    response = alice_client.post(f"/designs/{shared.pk}/", choice, follow=True)
    assert b"Saved revision 3" in response.content
    shared.refresh_from_db()
    containers = pod_spec(shared.latest.document)["containers"]
    assert [c["image"] for c in containers] == ["theirs:1", "fluent/fluent-bit:9.9.9"]  # my other edit kept
    assert f"kept theirs for {IMAGE}" in shared.latest.message and shared.latest.message.startswith("pick")


@pytest.mark.parametrize(("action", "image"), [("resolve-mine", "mine:1"), ("resolve-theirs", "theirs:1")])
def test_all_of_one_side_in_one_click(alice_client: Any, shared: Design, action: str, image: str) -> None:
    first, second = _open(alice_client, shared), _open(alice_client, shared)
    _save(alice_client, shared, first, cc0__image="theirs:1")
    page = alice_client.post(f"/designs/{shared.pk}/", form_data(second, action="save", cc0__image="mine:1"))
    response = alice_client.post(
        f"/designs/{shared.pk}/", form_data(page.content, form_id="conflict-form", action=action)
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert pod_spec(shared.latest.document)["containers"][0]["image"] == image
    if action == "resolve-mine":
        assert f"kept mine for {IMAGE}" in shared.latest.message
    else:  # all of theirs, and mine changed nothing else: their revision stands, none is added
        assert shared.revision_count == 2
    assert not Draft.objects.exists()


def test_a_choice_must_be_made_for_every_field(alice_client: Any, shared: Design) -> None:
    first, second = _open(alice_client, shared), _open(alice_client, shared)
    _save(alice_client, shared, first, cc0__image="theirs:1")
    page = alice_client.post(f"/designs/{shared.pk}/", form_data(second, action="save", cc0__image="mine:1"))
    response = alice_client.post(
        f"/designs/{shared.pk}/", form_data(page.content, form_id="conflict-form", action="resolve")
    )
    assert response.status_code == 409 and b"Choose theirs or mine for every field" in response.content
    shared.refresh_from_db()
    assert shared.revision_count == 2


def test_two_users_editing_different_containers_both_land(
    alice_client: Any, bob_client: Any, alice: Any, bob: Any, shared: Design
) -> None:
    from designer.models import Membership, Team

    team = Team.objects.create(name="platform", slug="platform")
    Membership.objects.create(team=team, user=bob, level=Membership.Level.EDITOR)
    shared.team = team
    shared.visibility = Design.Visibility.TEAM
    shared.save()
    alices, bobs = _open(alice_client, shared), _open(bob_client, shared)
    _save(bob_client, shared, bobs, cc1__image="fluent/fluent-bit:4.0.0")
    response = _save(alice_client, shared, alices, cc0__image="registry.example.com/web:2.0.0")
    assert b"merged with the changes saved since your edit began" in response.content
    shared.refresh_from_db()
    assert "merged with r2 by bob" in shared.latest.message
    images = [c["image"] for c in pod_spec(shared.latest.document)["containers"]]
    assert images == ["registry.example.com/web:2.0.0", "fluent/fluent-bit:4.0.0"]
