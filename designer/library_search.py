"""Finding designs: the library's search, filters and sorting, shared by the page and the API.

Everything is a filter on denormalised Design columns (search_text, roles_present, tags,
error_count), so a page of results costs the same few queries at 10 or 10,000 designs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from designer.models import K8S_VERSIONS, Design
from designer.numbers import AsciiIntegerField
from designer.pod.roles import Role

SORTS = {
    "updated": ("-updated", "-id"),
    "name": ("name", "id"),
    "created": ("-created", "-id"),
    "errors": ("-error_count", "-warning_count", "-updated", "-id"),
}


class LibraryFilterForm(forms.Form):
    """The library's query string: every field optional, unknown values ignored."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Has role", required=False, choices=[("", "any")] + [(r.value, r.value) for r in Role]
    )
    tag = forms.CharField(label="Tag", required=False, max_length=50)
    owner = forms.CharField(label="Owner (username, or “me”)", required=False, max_length=150)
    # Bounded: a huge number must be an invalid (dropped) filter, not a database overflow.
    team = AsciiIntegerField(
        label="Team", required=False, min_value=1, max_value=2**63 - 1, widget=forms.Select
    )
    version = forms.ChoiceField(
        label="Target version", required=False, choices=[("", "any")] + [(v, v) for v in K8S_VERSIONS]
    )
    has_errors = forms.BooleanField(label="Has errors", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("updated", "Last updated"),
            ("name", "Name"),
            ("created", "Newest"),
            ("errors", "Most errors"),
        ],
    )

    def __init__(self, *args: Any, teams: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].widget.choices = [("", "any")] + [(t.pk, t.name) for t in teams or []]

    def query(self) -> dict[str, Any]:
        """The valid parts of the query (invalid fields are dropped, not errors: it is a search)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", False)}


def filter_designs(designs: QuerySet[Design], query: dict[str, Any], user: Any) -> QuerySet[Design]:
    """Apply a LibraryFilterForm.query() to a queryset of designs the user may already see."""
    text = query.get("q", "").strip().lower()
    for word in text.split()[:8]:
        designs = designs.filter(search_text__contains=word)
    if query.get("role"):
        # No role name is a substring of another, so a plain contains is exact.
        designs = designs.filter(roles_present__contains=query["role"])
    if query.get("tag"):
        designs = designs.filter(tags__contains=f",{query['tag'].strip().lower()},")
    owner = query.get("owner", "").strip()
    if owner == "me":
        designs = designs.filter(owner_id=user.pk)
    elif owner:
        designs = designs.filter(owner__username=owner)
    if query.get("team"):
        designs = designs.filter(team_id=query["team"])
    if query.get("version"):
        designs = designs.filter(k8s_version=query["version"])
    if query.get("has_errors"):
        designs = designs.filter(error_count__gt=0)
    return designs.order_by(*SORTS.get(query.get("sort") or "updated", SORTS["updated"]))
