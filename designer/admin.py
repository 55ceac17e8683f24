from django.contrib import admin
from django.http import HttpRequest

from designer.models import ApiToken, Design, Membership, Revision, Team


class MembershipInline(admin.TabularInline[Membership, Team]):
    model = Membership
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "slug", "created"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Design)
class DesignAdmin(admin.ModelAdmin[Design]):
    list_display = [
        "name",
        "owner",
        "team",
        "visibility",
        "kind",
        "revision_count",
        "error_count",
        "updated",
        "deleted_at",
    ]
    list_filter = ["visibility", "is_starter", "kind"]
    search_fields = ["name", "description", "search_text"]
    raw_id_fields = ["owner", "team", "forked_from", "latest"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin[Revision]):
    list_display = ["design", "number", "author", "message", "created"]
    raw_id_fields = ["design", "author"]

    def has_change_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False  # revisions are immutable


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created", "last_used"]
    readonly_fields = ["token_hash", "prefix"]
