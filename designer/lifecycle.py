"""A design's life outside the editor: rename, share, move between spaces, trash, purge, fork.

Trash is reversible (deleted_at); purge deletes for good and only applies to a trashed design.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from designer.models import Design, DesignEvent, Membership, Team
from designer.revisions import Content, save_revision


class NotAllowed(Exception):
    """The change is not possible as asked (shown to the user as a form error, next to `field`)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


def teams_for_saving(user: Any) -> list[Team]:
    """Teams the user may put designs into: editor or admin membership (all teams for superusers)."""
    if user.is_superuser:
        return list(Team.objects.order_by("name"))
    levels = [Membership.Level.EDITOR, Membership.Level.ADMIN]
    return list(Team.objects.filter(memberships__user=user, memberships__level__in=levels).order_by("name"))


def update_settings(
    design: Design, name: str, description: str, tags: str, k8s_version: str, pss_level: str | None = None
) -> None:
    """Rename/describe/tag a design; the search text follows (it holds the name and description)."""
    from designer.revisions import _search_text  # the one definition of what the library searches

    design.name, design.description = name, description
    design.tags, design.k8s_version = Design.encode_tags(tags), k8s_version
    fields = ["name", "description", "tags", "k8s_version"]
    if pss_level is not None:
        design.pss_level = pss_level
        fields.append("pss_level")
    if design.latest is not None:
        design.search_text = _search_text(design, Content.of(design.latest))
        fields.append("search_text")
    design.save(update_fields=fields)


def _space(team: Team | None, owner: Any) -> str:
    if team is not None:
        return f"team {team.name}"
    return f"the personal space of {owner.get_username()}" if owner else "no one's space"


def record(design: Design, actor: Any, message: str) -> None:
    """A history entry for a change that is not a revision (space, visibility, owner)."""
    DesignEvent.objects.create(
        design=design, actor=actor if actor.is_authenticated else None, message=message
    )


def change_sharing(design: Design, user: Any, team: Team | None, visibility: str) -> None:
    """Where the design lives and who sees it, in one step; each change is recorded.

    Moving out of a team returns the design to its owner's personal space: the owner never
    changes hands here, so a team admin cannot take a colleague's design. Only a design with no
    owner left (its owner's account was deleted) is given to the person who moves it.
    Raises NotAllowed(field, message) naming the control that caused the refusal.
    """
    if visibility not in Design.Visibility.values:
        raise NotAllowed("visibility", "Unknown visibility.")
    if (
        team is not None
        and team.pk != design.team_id
        and team.pk not in {t.pk for t in teams_for_saving(user)}
    ):
        raise NotAllowed("team", "You can only move designs into teams where you are an editor or admin.")
    if visibility == Design.Visibility.TEAM and team is None:
        raise NotAllowed(
            "visibility", "Only a design in a team can be visible to the team: choose the team too."
        )
    events = []
    with transaction.atomic():
        locked = (
            Design.objects.select_for_update(of=("self",)).select_related("owner", "team").get(pk=design.pk)
        )
        if team is None and locked.owner is None:
            events.append(f"{user.get_username()} became the owner (the design had none)")
            locked.owner = user
        if team != locked.team:
            events.append(f"Moved from {_space(locked.team, locked.owner)} to {_space(team, locked.owner)}")
            locked.team = team
        if visibility != locked.visibility:
            before, after = Design.Visibility(locked.visibility).label, Design.Visibility(visibility).label
            events.append(
                f"Visibility changed from {before.split(' (')[0].lower()} to {after.split(' (')[0].lower()}"
            )
            locked.visibility = visibility
        locked.save(update_fields=["team", "owner", "visibility"])
        for message in events:
            record(locked, user, message)
    design.team, design.owner, design.visibility = locked.team, locked.owner, locked.visibility


def trash(design: Design) -> None:
    design.deleted_at = timezone.now()
    design.save(update_fields=["deleted_at"])


def restore(design: Design) -> None:
    design.deleted_at = None
    design.save(update_fields=["deleted_at"])


def purge(design: Design) -> None:
    """Delete a trashed design and all its revisions for good."""
    if design.deleted_at is None:
        raise NotAllowed(None, "Only a design in the trash can be purged.")
    with transaction.atomic():
        Design.objects.filter(forked_from=design).update(forked_from=None)
        design.delete()


def fork(origin: Design, user: Any, name: str, team: Team | None = None) -> Design:
    """A copy of the origin's latest revision in the user's space or a team's, linked back to it."""
    if team is not None and team.pk not in {t.pk for t in teams_for_saving(user)}:
        raise NotAllowed("team", "You can only fork into teams where you are an editor or admin.")
    latest = origin.latest
    if latest is None:
        raise NotAllowed(None, "The design has no revision to fork.")
    with transaction.atomic():
        design = Design.objects.create(
            name=name[:200],
            owner=user,
            team=team,
            visibility=Design.Visibility.TEAM if team else Design.Visibility.PRIVATE,
            description=origin.description,
            tags=origin.tags,
            k8s_version=origin.k8s_version,
            pss_level=origin.pss_level,
            forked_from=origin,
        )
        message = f"Forked from “{origin.name}” revision {latest.number}"
        save_revision(design, Content.of(latest), user, message=message)
    return design
