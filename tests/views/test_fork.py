"""Fork: a copy of a design's latest revision in one's own space or a team's, linked to its origin."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Design, Membership, Team

pytestmark = pytest.mark.django_db


def test_it_forks_a_shared_design_into_my_space(client: Any, bob: Any, make_design: Any) -> None:
    origin = make_design(name="web", visibility=Design.Visibility.SHARED, tags=",logging,")
    client.force_login(bob)
    assert client.get(f"/designs/{origin.pk}/fork").status_code == 200
    response = client.post(f"/designs/{origin.pk}/fork", {"name": "my web", "team": ""})
    fork = Design.objects.get(name="my web")
    assert response["Location"] == fork.get_absolute_url()
    assert (fork.owner, fork.forked_from, fork.visibility, fork.tags) == (bob, origin, "private", ",logging,")
    assert fork.latest.document == origin.latest.document
    assert fork.latest.message == "Forked from “web” revision 1"
    assert origin.revisions.count() == 1


def test_it_forks_into_a_team_where_i_can_save(client: Any, bob: Any, make_design: Any) -> None:
    team = Team.objects.create(name="T", slug="t")
    viewer_team = Team.objects.create(name="V", slug="v")
    Membership.objects.create(team=team, user=bob, level="editor")
    Membership.objects.create(team=viewer_team, user=bob, level="viewer")
    origin = make_design(visibility=Design.Visibility.SHARED)
    client.force_login(bob)
    refused = client.post(f"/designs/{origin.pk}/fork", {"name": "x", "team": str(viewer_team.pk)})
    assert refused.status_code == 400
    client.post(f"/designs/{origin.pk}/fork", {"name": "team copy", "team": str(team.pk)})
    fork = Design.objects.get(name="team copy")
    assert (fork.team, fork.visibility) == (team, "team")


def test_it_starts_from_a_pattern(client: Any, bob: Any, make_design: Any) -> None:
    starter = make_design(name="Sidecar", owner=None, is_starter=True, visibility="shared")
    client.force_login(bob)
    client.post(f"/designs/{starter.pk}/fork", {"name": "from pattern"})
    assert Design.objects.get(name="from pattern").forked_from == starter


def test_it_cannot_fork_what_i_cannot_see(client: Any, bob: Any, make_design: Any) -> None:
    origin = make_design()
    client.force_login(bob)
    assert client.post(f"/designs/{origin.pk}/fork", {"name": "stolen"}).status_code == 404
    assert not Design.objects.filter(name="stolen").exists()
