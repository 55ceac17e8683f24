"""Teams: creating one, team admins managing membership, the last admin kept, 404 for others."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Membership, Team

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


def test_it_lets_a_team_admin_add_change_and_remove_members(alice_client: Any, team: Team, bob: Any) -> None:
    alice_client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": "editor"})
    assert Membership.objects.get(team=team, user=bob).level == "editor"
    alice_client.post(f"/teams/{team.pk}/members/{bob.pk}", {"level": "viewer"})
    assert Membership.objects.get(team=team, user=bob).level == "viewer"
    page = alice_client.get(f"/teams/{team.pk}/")
    assert b"bob" in page.content and b'for="level-' in page.content
    alice_client.post(f"/teams/{team.pk}/members/{bob.pk}", {"level": "remove"})
    assert not Membership.objects.filter(team=team, user=bob).exists()


def test_it_reports_an_unknown_username(alice_client: Any, team: Team) -> None:
    response = alice_client.post(f"/teams/{team.pk}/members", {"username": "nobody", "level": "viewer"})
    assert response.status_code == 400
    assert b"No such user" in response.content


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
