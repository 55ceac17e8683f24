"""Trash: reversible by the owner; purging needs a second, explicit step."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Design, Membership, Revision, Team

pytestmark = pytest.mark.django_db


def test_it_moves_to_trash_and_restores(alice_client: Any, make_design: Any) -> None:
    design = make_design(name="web")
    assert alice_client.post(f"/designs/{design.pk}/trash").status_code == 302
    design.refresh_from_db()
    assert design.deleted_at is not None
    assert alice_client.get(f"/designs/{design.pk}/").status_code == 404
    assert [d.name for d in alice_client.get("/trash/").context["designs"]] == ["web"]
    assert alice_client.get("/").context["page"].paginator.count == 0
    alice_client.post(f"/designs/{design.pk}/restore")
    design.refresh_from_db()
    assert design.deleted_at is None


def test_it_purges_only_after_the_name_is_typed(alice_client: Any, make_design: Any) -> None:
    design = make_design(name="web")
    # Not in the trash yet: the purge page sends the user back.
    assert alice_client.get(f"/designs/{design.pk}/purge").status_code == 302
    alice_client.post(f"/designs/{design.pk}/trash")
    page = alice_client.get(f"/designs/{design.pk}/purge")
    assert page.status_code == 200 and b'name="confirm_name"' in page.content
    wrong = alice_client.post(f"/designs/{design.pk}/purge", {"confirm_name": "nope"})
    assert wrong.status_code == 400
    assert Design.objects.filter(pk=design.pk).exists()
    alice_client.post(f"/designs/{design.pk}/purge", {"confirm_name": "web"})
    assert not Design.objects.filter(pk=design.pk).exists()
    assert not Revision.objects.filter(design_id=design.pk).exists()


def test_it_lets_a_team_admin_but_not_an_editor_trash_a_team_design(
    client: Any, make_design: Any, alice: Any, bob: Any, django_user_model: Any
) -> None:
    team = Team.objects.create(name="T", slug="t")
    carol = django_user_model.objects.create_user("carol", password="carol-password-1")
    Membership.objects.create(team=team, user=bob, level="editor")
    Membership.objects.create(team=team, user=carol, level="admin")
    design = make_design(team=team, visibility=Design.Visibility.TEAM)
    client.force_login(bob)
    assert client.post(f"/designs/{design.pk}/trash").status_code == 404
    client.force_login(carol)
    assert client.post(f"/designs/{design.pk}/trash").status_code == 302
    assert [d.pk for d in client.get("/trash/").context["designs"]] == [design.pk]


def test_it_changes_name_visibility_and_space(alice_client: Any, alice: Any, make_design: Any) -> None:
    team = Team.objects.create(name="T", slug="t")
    Membership.objects.create(team=team, user=alice, level="editor")
    design = make_design(name="web")
    data = {"name": "checkout", "description": "d", "tags": "Mesh, logging", "k8s_version": "1.30"}
    assert alice_client.post(f"/designs/{design.pk}/rename", data).status_code == 302
    refused = alice_client.post(f"/designs/{design.pk}/share", {"team": "", "visibility": "team"})
    assert refused.status_code == 400  # no team chosen
    alice_client.post(f"/designs/{design.pk}/share", {"team": str(team.pk), "visibility": "shared"})
    design.refresh_from_db()
    assert (design.name, design.tags, design.k8s_version) == ("checkout", ",logging,mesh,", "1.30")
    assert (design.team, design.visibility) == (team, "shared")
    assert alice_client.get(f"/designs/{design.pk}/settings/").status_code == 200
    # The library finds the design under its new name.
    assert [d.pk for d in alice_client.get("/?q=checkout").context["page"].object_list] == [design.pk]
