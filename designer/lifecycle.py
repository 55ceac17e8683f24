"""A design's life outside the editor: rename, share, move between spaces, trash, purge, fork.

Trash is reversible (deleted_at); purge deletes for good and only applies to a trashed design.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from designer.models import Design, Membership, Team
from designer.revisions import Content, save_revision


class NotAllowed(Exception):
    """The change is not possible as asked (shown to the user as a form error)."""


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


def set_visibility(design: Design, visibility: str) -> None:
    if visibility not in Design.Visibility.values:
        raise NotAllowed("Unknown visibility.")
    if visibility == Design.Visibility.TEAM and design.team_id is None:
        raise NotAllowed("Move the design to a team first; then it can be visible to the team.")
    design.visibility = visibility
    design.save(update_fields=["visibility"])


def move_design(design: Design, user: Any, team: Team | None) -> None:
    """Into a team's space (the user must be able to save there) or into the user's own space."""
    if team is None:
        design.team = None
        design.owner = user
        if design.visibility == Design.Visibility.TEAM:
            design.visibility = Design.Visibility.PRIVATE
    else:
        if team.pk not in {t.pk for t in teams_for_saving(user)}:
            raise NotAllowed("You can only move designs into teams where you are an editor or admin.")
        design.team = team
        if design.visibility == Design.Visibility.PRIVATE:
            design.visibility = Design.Visibility.TEAM
    design.save(update_fields=["team", "owner", "visibility"])


def trash(design: Design) -> None:
    design.deleted_at = timezone.now()
    design.save(update_fields=["deleted_at"])


def restore(design: Design) -> None:
    design.deleted_at = None
    design.save(update_fields=["deleted_at"])


def purge(design: Design) -> None:
    """Delete a trashed design and all its revisions for good."""
    if design.deleted_at is None:
        raise NotAllowed("Only a design in the trash can be purged.")
    with transaction.atomic():
        Design.objects.filter(forked_from=design).update(forked_from=None)
        design.delete()


def fork(origin: Design, user: Any, name: str, team: Team | None = None) -> Design:
    """A copy of the origin's latest revision in the user's space or a team's, linked back to it."""
    if team is not None and team.pk not in {t.pk for t in teams_for_saving(user)}:
        raise NotAllowed("You can only fork into teams where you are an editor or admin.")
    latest = origin.latest
    if latest is None:
        raise NotAllowed("The design has no revision to fork.")
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
