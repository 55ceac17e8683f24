"""Teams: the list of mine with my invitations, a team's page, invitations and membership
management by the team's admins, leaving a team."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from designer import teams as team_rules
from designer.access import AuthedRequest, visible_designs
from designer.models import Membership, Team, TeamInvitation
from designer.teams import MembershipError, create_team, set_membership, team_for_member


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=100)


class MemberForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    level = forms.ChoiceField(
        label="Level", choices=Membership.Level.choices, initial=Membership.Level.VIEWER
    )


@login_required
@require_GET
def team_list(request: AuthedRequest) -> HttpResponse:
    teams = (
        Team.objects.all()
        if request.user.is_superuser
        else Team.objects.filter(memberships__user=request.user)
    )
    return _team_list_page(request, teams.order_by("name"), TeamForm())


def _team_list_page(request: AuthedRequest, teams: object, form: TeamForm, status: int = 200) -> HttpResponse:
    invitations = (
        TeamInvitation.objects.filter(user=request.user)
        .select_related("team", "invited_by")
        .order_by("team__name")
    )
    ctx = {"teams": teams, "form": form, "invitations": invitations}
    return render(request, "designer/teams.html", ctx, status=status)


@login_required
@require_POST
def team_create(request: AuthedRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    if not form.is_valid():
        return _team_list_page(request, Team.objects.none(), form, status=400)
    team = create_team(request.user, form.cleaned_data["name"])
    messages.success(request, f"Created the team “{team.name}”; you are its admin.")
    return redirect("designer:team", team.pk)


def _team_page(
    request: HttpRequest, team_id: int, form: MemberForm | None = None, status: int = 200
) -> HttpResponse:
    team, membership = team_for_member(request.user, team_id)
    is_admin = request.user.is_superuser or (
        membership is not None and membership.level == Membership.Level.ADMIN
    )
    ctx = {
        "team": team,
        "membership": membership,
        "is_admin": is_admin,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "levels": Membership.Level.choices,
        "form": form or MemberForm(),
        "design_count": visible_designs(request.user).filter(team=team).count(),
    }
    return render(request, "designer/team_detail.html", ctx, status=status)


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    return _team_page(request, team_id)


@login_required
@require_POST
def add_member(request: HttpRequest, team_id: int) -> HttpResponse:
    """Invite a user; the answer is the same whether or not the name exists."""
    team, _ = team_for_member(request.user, team_id, admin=True)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team_id, form, status=400)
    username = form.cleaned_data["username"]
    team_rules.invite(team, request.user, username, form.cleaned_data["level"])
    messages.success(
        request,
        f"If “{username}” has an account and is not a member yet, they are invited: "
        "they join when they accept on their Teams page.",
    )
    return redirect("designer:team", team.pk)


@login_required
@require_POST
def answer_invitation(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    invitation = team_rules.invitation_for(request.user, invitation_id)
    team = invitation.team
    if answer == "accept":
        membership = team_rules.accept(invitation)
        messages.success(request, f"You joined “{team.name}” as {membership.get_level_display().lower()}.")
        return redirect("designer:team", team.pk)
    invitation.delete()
    messages.success(request, f"Declined the invitation to “{team.name}”.")
    return redirect("designer:teams")


@login_required
@require_POST
def leave_team(request: HttpRequest, team_id: int) -> HttpResponse:
    team, membership = team_for_member(request.user, team_id)
    if membership is None:  # a superuser who manages the team without being in it
        return redirect("designer:team", team.pk)
    try:
        team_rules.leave(team, request.user)
    except MembershipError:
        messages.error(request, "You are the team's last admin: make another member admin before you leave.")
        return redirect("designer:team", team.pk)
    messages.success(request, f"You left “{team.name}”.")
    return redirect("designer:teams")


@login_required
@require_POST
def change_member(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    team, _ = team_for_member(request.user, team_id, admin=True)
    if user_id > 2**63 - 1:  # no such user; the database cannot even compare such a number
        return _team_page(request, team_id, status=400)
    member = team.memberships.select_related("user").filter(user_id=user_id).first()
    level = request.POST.get("level", "")
    if member is None or (level not in Membership.Level.values and level != "remove"):
        return _team_page(request, team_id, status=400)
    try:
        set_membership(team, member.user, None if level == "remove" else level)
    except MembershipError as exc:
        messages.error(request, str(exc))
    return redirect("designer:team", team.pk)
