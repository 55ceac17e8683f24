"""Who may do what with a design (DESIGN.md §6). Everything a user may not see answers 404.

  view  : read, download, fork      edit  : save revisions      admin : rename, share, trash
Private designs: the owner. Team designs: the team's members (viewer/editor/admin levels).
Shared designs: every signed-in user may view. Starter designs: everyone signed in may view.
Superusers may do everything.
"""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from designer.models import Design, Membership

Need = Literal["view", "edit", "admin"]


class AuthedRequest(HttpRequest):
    """What a @login_required view receives: request.user is a User, never AnonymousUser.

    Only for the type checker; at run time the view gets Django's HttpRequest as always.
    """

    user: User


_LEVELS = {"viewer": {"view"}, "editor": {"view", "edit"}, "admin": {"view", "edit", "admin"}}


def visible_designs(user: Any, include_trash: bool = False) -> QuerySet[Design]:
    """Designs the user may view, as one query (no per-design checks)."""
    qs = Design.objects.all()
    if not include_trash:
        qs = qs.filter(deleted_at__isnull=True)
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    team_ids = Membership.objects.filter(user=user).values("team_id")
    return qs.filter(
        Q(owner=user)
        | Q(is_starter=True)
        | Q(visibility=Design.Visibility.SHARED)
        | Q(visibility=Design.Visibility.TEAM, team_id__in=team_ids)
    )


def permissions(user: Any, design: Design) -> set[str]:
    """The set of needs ('view', 'edit', 'admin') the user has on the design."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser or design.owner_id == user.id:
        return {"view", "edit", "admin"}
    granted: set[str] = set()
    if design.team_id and design.visibility != Design.Visibility.PRIVATE:
        level = (
            Membership.objects.filter(team_id=design.team_id, user=user)
            .values_list("level", flat=True)
            .first()
        )
        if level:
            granted |= _LEVELS.get(level, set())
    if design.is_starter or design.visibility == Design.Visibility.SHARED:
        granted.add("view")
    return granted


def get_design_for_user(user: Any, pk: int, need: Need = "view", include_trash: bool = False) -> Design:
    """The design if the user has `need` on it; Http404 otherwise (never 403: no discovery)."""
    design = Design.objects.select_related("latest", "team", "owner").filter(pk=pk).first()
    if design is None or (design.deleted_at is not None and not include_trash):
        raise Http404("No such design")
    if need not in permissions(user, design):
        raise Http404("No such design")
    return design
