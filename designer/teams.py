"""Team membership rules: who may manage a team, invitations, and changes that keep a team
administrable (it never loses its last admin)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.text import slugify

from designer.models import Membership, Team, TeamInvitation


class MembershipError(Exception):
    """A membership change that would leave the team without an admin, or names nobody."""


def team_for_member(user: Any, team_id: int, admin: bool = False) -> tuple[Team, Membership | None]:
    """The team and the user's membership; Http404 unless a member (an admin when admin=True).

    Superusers manage every team, with or without a membership.
    """
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not user.is_authenticated:
        raise Http404("No such team")
    membership = Membership.objects.filter(team=team, user=user).first()
    if user.is_superuser:
        return team, membership
    if membership is None or (admin and membership.level != Membership.Level.ADMIN):
        raise Http404("No such team")
    return team, membership


def create_team(user: Any, name: str) -> Team:
    """A new team whose creator is its first admin; the slug is made unique."""
    base = slugify(name)[:90] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    with transaction.atomic():
        team = Team.objects.create(name=name, slug=slug)
        Membership.objects.create(team=team, user=user, level=Membership.Level.ADMIN)
    return team


def set_membership(team: Team, user: Any, level: str | None) -> None:
    """Add, change or (level None) remove a member; a team never loses its last admin."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(team=team, user=user).first()
        if (
            current is not None
            and current.level == Membership.Level.ADMIN
            and level != Membership.Level.ADMIN
        ):
            others = Membership.objects.filter(team=team, level=Membership.Level.ADMIN).exclude(pk=current.pk)
            if not others.exists():
                raise MembershipError("A team needs at least one admin.")
        if level is None:
            if current is not None:
                current.delete()
        elif current is None:
            Membership.objects.create(team=team, user=user, level=level)
        else:
            current.level = level
            current.save(update_fields=["level"])


def invite(team: Team, inviter: Any, username: str, level: str) -> None:
    """Invite an active user who is not a member yet (a second invitation updates the level).

    Says nothing back: whether the name exists, is a member already or was invited is not the
    inviter's to learn (the view answers the same for every name).
    """
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or Membership.objects.filter(team=team, user=user).exists():
        return
    TeamInvitation.objects.update_or_create(
        team=team, user=user, defaults={"level": level, "invited_by": inviter}
    )


def invitation_for(user: Any, invitation_id: int) -> TeamInvitation:
    """One of the user's own pending invitations; Http404 for anyone else's."""
    invitation = (
        TeamInvitation.objects.select_related("team").filter(pk=invitation_id, user=user).first()
        if invitation_id <= 2**63 - 1  # a larger number names nothing; the database cannot compare it
        else None
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def accept(invitation: TeamInvitation) -> Membership:
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            team=invitation.team, user=invitation.user, defaults={"level": invitation.level}
        )
        invitation.delete()
    return membership


def leave(team: Team, user: Any) -> None:
    """The user leaves the team; MembershipError when they are its last admin."""
    set_membership(team, user, None)
