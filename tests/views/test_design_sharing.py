"""Where a design lives and who sees it: one step, recorded in its history, never a takeover."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Design, DesignEvent, Membership, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(alice: Any, bob: Any) -> Team:
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="editor")
    Membership.objects.create(team=team, user=bob, level="admin")
    return team


def _share(client: Any, design: Design, team: Team | None, visibility: str) -> Any:
    return client.post(
        f"/designs/{design.pk}/share", {"team": str(team.pk) if team else "", "visibility": visibility}
    )


def test_it_moves_into_a_team_and_opens_it_to_the_team_in_one_step(
    alice_client: Any, alice: Any, team: Team, make_design: Any
) -> None:
    design = make_design()
    assert _share(alice_client, design, team, "team").status_code == 302
    design.refresh_from_db()
    assert (design.team, design.visibility, design.owner) == (team, "team", alice)
    messages = list(DesignEvent.objects.filter(design=design).values_list("message", flat=True))
    assert sorted(messages) == [
        "Moved from the personal space of alice to team Platform",
        "Visibility changed from private to team",
    ]
    history = alice_client.get(f"/designs/{design.pk}/history/").content.decode()
    assert "Moved from the personal space of alice to team Platform" in history
    assert "Sharing and ownership" in history


def test_a_team_admin_cannot_take_a_colleagues_design(
    client: Any, alice: Any, bob: Any, team: Team, make_design: Any
) -> None:
    design = make_design(team=team, visibility=Design.Visibility.TEAM)
    client.force_login(bob)  # the team's admin, not the owner
    assert client.get(f"/designs/{design.pk}/settings/").status_code == 200
    assert b"Personal space of alice" in client.get(f"/designs/{design.pk}/settings/").content
    _share(client, design, None, "private")
    design.refresh_from_db()
    # Out of the team, back to its owner: bob gained nothing and lost his access.
    assert (design.owner, design.team, design.visibility) == (alice, None, "private")
    assert client.get(f"/designs/{design.pk}/").status_code == 404
    event = DesignEvent.objects.get(design=design, message__startswith="Moved")
    assert event.message == "Moved from team Platform to the personal space of alice"
    assert event.actor == bob


def test_a_design_without_an_owner_goes_to_whoever_moves_it_and_says_so(
    client: Any, bob: Any, team: Team, make_design: Any
) -> None:
    design = make_design(team=team, visibility=Design.Visibility.TEAM)
    Design.objects.filter(pk=design.pk).update(owner=None)
    client.force_login(bob)
    _share(client, design, None, "private")
    design.refresh_from_db()
    assert design.owner == bob
    assert DesignEvent.objects.filter(
        design=design, message="bob became the owner (the design had none)"
    ).exists()


def test_it_shows_each_error_next_to_the_control_that_caused_it(
    alice_client: Any, make_design: Any, django_user_model: Any
) -> None:
    design = make_design()
    no_team = _share(alice_client, design, None, "team")
    assert no_team.status_code == 400
    html = no_team.content.decode()
    assert 'id="visibility-error"' in html and 'id="team-error"' not in html
    assert html.index('id="visibility-error"') > html.index("<legend>Who can see it")

    other = Team.objects.create(name="Elsewhere", slug="elsewhere")  # alice is not in it
    refused = alice_client.post(f"/designs/{design.pk}/share", {"team": str(other.pk), "visibility": "team"})
    assert refused.status_code == 400
    assert 'id="team-error"' in refused.content.decode()
    design.refresh_from_db()
    assert (design.team, design.visibility) == (None, "private")
    assert not DesignEvent.objects.exists()


def test_a_viewer_cannot_move_a_design_into_their_team(
    client: Any, alice: Any, bob: Any, make_design: Any
) -> None:
    readers = Team.objects.create(name="Readers", slug="readers")
    Membership.objects.create(team=readers, user=alice, level="viewer")
    design = make_design()
    client.force_login(alice)
    assert _share(client, design, readers, "team").status_code == 400
    design.refresh_from_db()
    assert design.team is None


def test_a_member_of_the_current_team_may_change_only_the_visibility(
    client: Any, alice: Any, make_design: Any
) -> None:
    """The team a design is in stays a choice even for an owner who is only a viewer there."""
    readers = Team.objects.create(name="Readers", slug="readers")
    Membership.objects.create(team=readers, user=alice, level="viewer")
    design = make_design(team=readers, visibility=Design.Visibility.TEAM)
    client.force_login(alice)
    assert _share(client, design, readers, "shared").status_code == 302
    design.refresh_from_db()
    assert (design.team, design.visibility) == (readers, "shared")
    assert [e.message for e in DesignEvent.objects.all()] == ["Visibility changed from team to shared"]
