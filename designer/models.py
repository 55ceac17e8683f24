"""Designs, their immutable revisions, teams and API tokens (DESIGN.md §2).

The Kubernetes document is the source of truth: a Revision stores it verbatim (as ordered JSON
text), never decomposed into tables. Design keeps a few denormalised columns (search text,
roles present, finding counts) so that the library stays one query at any size.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from designer.fields import OrderedJSONField
from designer.pod.rules.context import LATEST_VERSION

DEFAULT_K8S_VERSION = f"{LATEST_VERSION[0]}.{LATEST_VERSION[1]}"
K8S_VERSIONS = [f"1.{minor}" for minor in range(LATEST_VERSION[1], 24, -1)]
# The PodSecurity level a design's namespace enforces; "" = not known, admission not checked.
PSS_CHOICES = [
    ("", "not checked"),
    ("privileged", "privileged"),
    ("baseline", "baseline"),
    ("restricted", "restricted"),
]


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    created = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Level(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        EDITOR = "editor", "Editor"
        ADMIN = "admin", "Admin"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.VIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.level})"


class Design(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private (owner only)"
        TEAM = "team", "Team (members of its team)"
        SHARED = "shared", "Shared (every signed-in user)"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="designs"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="designs")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    # Comma-wrapped lowercase tags (",mesh,logging,") so a tag filter is one indexed LIKE.
    tags = models.CharField(max_length=500, blank=True, default="")
    k8s_version = models.CharField("target Kubernetes version", max_length=10, default=DEFAULT_K8S_VERSION)
    pss_level = models.CharField(
        "namespace enforces (PodSecurity)", max_length=10, blank=True, default="", choices=PSS_CHOICES
    )
    # Starter designs form the "Patterns" collection every signed-in user can read and fork.
    is_starter = models.BooleanField(default=False)
    starter_slug = models.SlugField(max_length=100, blank=True, default="")
    forked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks"
    )
    latest = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    revision_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Denormalised from the latest revision (refreshed on every save).
    kind = models.CharField(max_length=30, default="Pod")
    search_text = models.TextField(blank=True, default="")
    roles_present = models.CharField(max_length=100, blank=True, default="")
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated", "-id"]
        indexes = [
            models.Index(fields=["visibility", "deleted_at"]),
            models.Index(fields=["-updated", "-id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("designer:design", args=[self.pk])

    @property
    def pss(self) -> str | None:
        """The level lint() checks PodSecurity admission against, or None when not set."""
        return self.pss_level or None

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @staticmethod
    def encode_tags(tags: list[str] | str) -> str:
        items = tags.split(",") if isinstance(tags, str) else tags
        clean = sorted({t.strip().lower() for t in items if t.strip()})
        return f",{','.join(clean)}," if clean else ""


class Revision(models.Model):
    """One immutable save of a design: nothing a user saved is ever lost or rewritten."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    document = OrderedJSONField()
    companions = OrderedJSONField(default=list)
    # The workload's index in the imported stream; companions before it are exported before it.
    position = models.PositiveIntegerField(default=0)
    roles = OrderedJSONField(default=dict)
    # The text the user gave or typed (DESIGN.md §2): loading it gives exactly document and
    # companions. "" for revisions saved before texts were kept: their canonical dump stands in.
    source_text = models.TextField(blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    parent_number = models.PositiveIntegerField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["design", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.design_id} r{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValueError("revisions are immutable; save a new revision instead")
        super().save(*args, **kwargs)


class Draft(models.Model):
    """One user's working copy of a design in one browser tab (DESIGN.md §2).

    Written on every preview, so app servers keep no state: any worker on any host renders the
    panels from it. A save turns it into a revision (merged three ways when base_number is
    stale); the steps below are its undo/redo history.
    """

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    tab_key = models.CharField(max_length=64)
    base_number = models.PositiveIntegerField(null=True, blank=True)
    document = OrderedJSONField()
    companions = OrderedJSONField(default=list)
    position = models.PositiveIntegerField(default=0)
    roles = OrderedJSONField(default=dict)
    waivers = OrderedJSONField(default=list)
    source_text = models.TextField(blank=True, default="")
    k8s_version = models.CharField(max_length=10, blank=True, default="")
    pss_level = models.CharField(max_length=12, blank=True, default="")
    # The step the draft shows; steps after it are the redo stack until the next edit.
    step = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["design", "user", "tab_key"], name="unique_draft_per_tab"),
        ]
        indexes = [models.Index(fields=["updated"], name="draft_updated")]

    def __str__(self) -> str:
        return f"draft of {self.design_id} by {self.user_id} ({self.tab_key})"


class DraftStep(models.Model):
    """One applied edit of a draft: the state after it, for undo and redo."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveIntegerField()
    document = OrderedJSONField()
    companions = OrderedJSONField(default=list)
    roles = OrderedJSONField(default=dict)
    waivers = OrderedJSONField(default=list)
    source_text = models.TextField(blank=True, default="")
    label = models.CharField(max_length=200, blank=True, default="")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="unique_draft_step")]


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        secret = "pd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=secret[:10], token_hash=cls.hash(secret))
        return token, secret


class DesignEvent(models.Model):
    """A change to who owns or sees a design (space, visibility, owner): part of its history,
    beside the revisions, which record the document only."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=500)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.design_id}: {self.message}"


class TeamInvitation(models.Model):
    """A team admin's offer of membership; the user becomes a member only by accepting it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations"
    )
    level = models.CharField(max_length=10, choices=Membership.Level.choices, default=Membership.Level.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_invitation")]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.team} ({self.level})"
