"""Managing a design: settings (rename, visibility, team), trash/restore/purge, and fork."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designer import lifecycle
from designer.access import AuthedRequest, get_design_for_user, visible_designs
from designer.models import K8S_VERSIONS, PSS_CHOICES, Design, Team


class RenameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(label="Tags (comma-separated)", required=False, max_length=400)
    k8s_version = forms.ChoiceField(label="Target Kubernetes version", choices=[(v, v) for v in K8S_VERSIONS])
    pss_level = forms.ChoiceField(
        label="Namespace enforces (PodSecurity)",
        choices=PSS_CHOICES,
        required=False,
        help_text="Lint checks PodSecurity admission at this level: each violated control is an error.",
    )


class SpaceForm(forms.Form):
    """Where a design lives: "" = the user's own space, else a team id the user may save into."""

    team = forms.TypedChoiceField(label="Space", coerce=int, empty_value=None, required=False)

    def __init__(
        self, *args: object, teams: list[Team], personal: str = "My own designs", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.teams = {t.pk: t for t in teams}
        team = self.fields["team"]
        assert isinstance(team, forms.TypedChoiceField)
        team.choices = [("", personal)] + [(t.pk, f"Team: {t.name}") for t in teams]

    def chosen_team(self) -> Team | None:
        return self.teams.get(self.cleaned_data.get("team") or 0)


class SharingForm(SpaceForm):
    """Where the design lives and who sees it: one form, so moving into a team and opening it
    to the team is one step."""

    visibility = forms.ChoiceField(
        label="Who can see it", choices=Design.Visibility.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].label = "Where it lives"


class ForkForm(SpaceForm):
    name = forms.CharField(label="Name of the copy", max_length=200)
    field_order = ["name", "team"]


def _settings_page(
    request: HttpRequest, design: Design, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    ctx = {
        "design": design,
        "perms": {"view", "edit", "admin"},
        "rename_form": forms_.get("rename")
        or RenameForm(
            initial={
                "name": design.name,
                "description": design.description,
                "tags": ", ".join(design.tag_list),
                "k8s_version": design.k8s_version,
                "pss_level": design.pss_level,
            }
        ),
        "sharing_form": forms_.get("sharing")
        or SharingForm(
            initial={"team": design.team_id or "", "visibility": design.visibility},
            **_sharing_choices(request.user, design),
        ),
    }
    return render(request, "designer/design_settings.html", ctx, status=status)


@login_required
@require_GET
def design_settings(request: HttpRequest, pk: int) -> HttpResponse:
    return _settings_page(request, get_design_for_user(request.user, pk, need="admin"))


@login_required
@require_POST
def rename_design(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk, need="admin")
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, design, status=400, rename=form)
    data = form.cleaned_data
    lifecycle.update_settings(
        design, data["name"], data["description"], data["tags"], data["k8s_version"], data["pss_level"]
    )
    messages.success(request, "Saved the design's settings.")
    return redirect("designer:settings", design.pk)


@login_required
@require_POST
def share_design(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk, need="admin")
    form = SharingForm(request.POST, **_sharing_choices(request.user, design))
    if form.is_valid():
        try:
            lifecycle.change_sharing(
                design, request.user, form.chosen_team(), form.cleaned_data["visibility"]
            )
        except lifecycle.NotAllowed as exc:
            form.add_error(exc.field, str(exc))
    if form.errors:
        return _settings_page(request, design, status=400, sharing=form)
    where = f"team {design.team.name}" if design.team else "its owner's personal space"
    messages.success(request, f"The design is in {where}, {design.get_visibility_display().lower()}.")
    return redirect("designer:settings", design.pk)


def _sharing_choices(user: Any, design: Design) -> dict[str, Any]:
    """The spaces this user may put the design in: its owner's personal space, the teams the
    user saves into, and the team it is in now (so it can stay there)."""
    teams = lifecycle.teams_for_saving(user)
    if design.team is not None and design.team.pk not in {t.pk for t in teams}:
        teams.append(design.team)
    owner = design.owner.get_username() if design.owner else user.get_username()
    return {"teams": teams, "personal": f"Personal space of {owner}"}


@login_required
@require_POST
def trash_design(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk, need="admin")
    lifecycle.trash(design)
    messages.success(request, f"Moved “{design.name}” to the trash. You can restore it from there.")
    return redirect("designer:trash")


@login_required
@require_GET
def trash_list(request: AuthedRequest) -> HttpResponse:
    trashed = visible_designs(request.user, include_trash=True).filter(deleted_at__isnull=False)
    if not request.user.is_superuser:
        # Only what the user could restore: own designs and those of teams they administer.
        admin_teams = request.user.memberships.filter(level="admin").values("team_id")
        trashed = trashed.filter(owner=request.user) | trashed.filter(team_id__in=admin_teams).exclude(
            visibility=Design.Visibility.PRIVATE
        )
    trashed = trashed.select_related("owner", "team").order_by("-deleted_at")[:200]
    return render(request, "designer/trash.html", {"designs": trashed})


@login_required
@require_POST
def restore_design(request: HttpRequest, pk: int) -> HttpResponse:
    design = get_design_for_user(request.user, pk, need="admin", include_trash=True)
    lifecycle.restore(design)
    messages.success(request, f"Restored “{design.name}”.")
    return redirect(design)


@login_required
@require_http_methods(["GET", "POST"])
def purge_design(request: HttpRequest, pk: int) -> HttpResponse:
    """The explicit second step: type the design's name to delete it for good."""
    design = get_design_for_user(request.user, pk, need="admin", include_trash=True)
    if design.deleted_at is None:
        messages.error(request, "Move the design to the trash first.")
        return redirect("designer:settings", design.pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() == design.name.strip():
            name = design.name
            lifecycle.purge(design)
            messages.success(request, f"Deleted “{name}” and its history for good.")
            return redirect("designer:trash")
        error = "The name does not match; nothing was deleted."
    return render(
        request, "designer/purge.html", {"design": design, "error": error}, status=400 if error else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def fork_design(request: HttpRequest, pk: int) -> HttpResponse:
    origin = get_design_for_user(request.user, pk)
    teams = lifecycle.teams_for_saving(request.user)
    form = ForkForm(request.POST or None, teams=teams, initial={"name": f"{origin.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            design = lifecycle.fork(origin, request.user, form.cleaned_data["name"], form.chosen_team())
        except lifecycle.NotAllowed as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Forked “{origin.name}” into “{design.name}”.")
            return redirect(design)
    status = 400 if form.errors else 200
    return render(request, "designer/fork.html", {"origin": origin, "form": form}, status=status)
