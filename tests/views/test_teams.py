"""Teams: creating one, invitations the user accepts, admins managing members, leaving, the last admin kept."""

from __future__ import annotations

import re
from typing import Any

import pytest

from designer.models import Membership, Team, TeamInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(alice: Any) -> Team:
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="admin")
    return team


def test_it_creates_a_team_with_its_creator_as_admin(alice_client: Any, alice: Any) -> None:
    response = alice_client.post("/teams/new", {"name": "Data Platform"})
    team = Team.objects.get(name="Data Platform")
    assert response["Location"] == f"/teams/{team.pk}/"
    assert team.slug == "data-platform"
    assert Membership.objects.get(team=team).user == alice
    assert Membership.objects.get(team=team).level == "admin"


def test_it_lets_a_team_admin_invite_change_and_remove_members(
    alice_client: Any, client: Any, team: Team, bob: Any
) -> None:
    alice_client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": "editor"})
    assert not Membership.objects.filter(team=team, user=bob).exists()  # invited, not added
    invitation = TeamInvitation.objects.get(team=team, user=bob)
    assert invitation.level == "editor"

    from django.test import Client

    bob_client = Client()
    bob_client.force_login(bob)
    teams_page = bob_client.get("/teams/")
    assert b"Platform" in teams_page.content and b"Accept" in teams_page.content
    assert bob_client.post(f"/teams/invitations/{invitation.pk}/accept").status_code == 302
    assert Membership.objects.get(team=team, user=bob).level == "editor"
    assert not TeamInvitation.objects.exists()

    alice_client.post(f"/teams/{team.pk}/members/{bob.pk}", {"level": "viewer"})
    assert Membership.objects.get(team=team, user=bob).level == "viewer"
    page = alice_client.get(f"/teams/{team.pk}/")
    assert b"bob" in page.content and b'for="level-' in page.content
    alice_client.post(f"/teams/{team.pk}/members/{bob.pk}", {"level": "remove"})
    assert not Membership.objects.filter(team=team, user=bob).exists()


def test_a_user_can_decline_an_invitation(alice_client: Any, client: Any, team: Team, bob: Any) -> None:
    alice_client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": "admin"})
    invitation = TeamInvitation.objects.get(team=team, user=bob)
    client.force_login(bob)
    assert client.post(f"/teams/invitations/{invitation.pk}/decline").status_code == 302
    assert not TeamInvitation.objects.exists()
    assert not Membership.objects.filter(team=team, user=bob).exists()


def test_only_the_invited_user_can_answer(
    alice_client: Any, client: Any, team: Team, bob: Any, django_user_model: Any
) -> None:
    alice_client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": "admin"})
    invitation = TeamInvitation.objects.get(team=team, user=bob)
    carol = django_user_model.objects.create_user("carol", password="carol-password-1")
    client.force_login(carol)
    assert client.post(f"/teams/invitations/{invitation.pk}/accept").status_code == 404
    assert client.post(f"/teams/invitations/{2**70}/accept").status_code == 404
    assert not Membership.objects.filter(team=team, user=carol).exists()
    assert TeamInvitation.objects.filter(pk=invitation.pk).exists()


def test_an_unknown_username_gets_the_same_answer(alice_client: Any, team: Team, bob: Any) -> None:
    def answer(name: str) -> tuple[int, str, str]:
        response = alice_client.post(
            f"/teams/{team.pk}/members", {"username": name, "level": "viewer"}, follow=True
        )
        # The page's CSRF tokens are masked afresh for every response.
        body = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode().replace(f"“{name}”", "NAME"))
        return response.status_code, response.redirect_chain[-1][0], body

    known, unknown = answer("bob"), answer("nobody")
    assert known == unknown
    assert "NAME has an account" in known[2]
    assert TeamInvitation.objects.filter(user=bob).count() == 1
    # A member already: the same answer, and no invitation.
    assert answer("alice") == known
    assert not TeamInvitation.objects.filter(user__username="alice").exists()


def test_a_member_can_leave(client: Any, team: Team, bob: Any) -> None:
    Membership.objects.create(team=team, user=bob, level="editor")
    client.force_login(bob)
    assert b"Leave Platform" in client.get(f"/teams/{team.pk}/").content
    assert client.post(f"/teams/{team.pk}/leave").status_code == 302
    assert not Membership.objects.filter(team=team, user=bob).exists()
    assert client.get(f"/teams/{team.pk}/").status_code == 404


def test_the_last_admin_cannot_leave(alice_client: Any, alice: Any, team: Team, bob: Any) -> None:
    response = alice_client.post(f"/teams/{team.pk}/leave", follow=True)
    assert b"last admin" in response.content
    assert Membership.objects.get(team=team, user=alice).level == "admin"
    Membership.objects.create(team=team, user=bob, level="admin")
    alice_client.post(f"/teams/{team.pk}/leave")
    assert not Membership.objects.filter(team=team, user=alice).exists()


def test_it_keeps_the_last_admin(alice_client: Any, alice: Any, team: Team) -> None:
    response = alice_client.post(f"/teams/{team.pk}/members/{alice.pk}", {"level": "viewer"}, follow=True)
    assert b"at least one admin" in response.content
    assert Membership.objects.get(team=team, user=alice).level == "admin"


def test_it_shows_members_the_team_but_not_the_controls(client: Any, team: Team, bob: Any) -> None:
    Membership.objects.create(team=team, user=bob, level="editor")
    client.force_login(bob)
    page = client.get(f"/teams/{team.pk}/")
    assert page.status_code == 200
    assert b"Add a member" not in page.content
    assert client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": "admin"}).status_code == 404
    assert Membership.objects.get(team=team, user=bob).level == "editor"


def test_it_hides_a_team_from_non_members(client: Any, team: Team, bob: Any) -> None:
    client.force_login(bob)
    assert client.get(f"/teams/{team.pk}/").status_code == 404
    assert b"Platform" not in client.get("/teams/").content
