"""Backup of the whole library as plain files: every design with every revision.

Layout (all text, deterministic, diff-friendly):
  users.json                      people referenced by designs, revisions or teams
  teams.json                      teams with their members
  designs/<id>/design.json        the design's metadata (owner, team, visibility, tags, ...)
  designs/<id>/revisions/NNNN.yaml  the revision's document, then its companions ('---')
  designs/<id>/revisions/NNNN.json  the revision's metadata (author, message, time, roles, counts)
  designs/<id>/revisions/NNNN.source  the text the user wrote, when the revision keeps one

Import is idempotent (designs keep their ids; existing revisions are left alone), so export →
import into an empty database → export gives identical files.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from designer.models import Design, Membership, Revision, Team
from designer.pod.manifest import Limits, dump_yaml, load_stream

# A revision was imported under the upload limit, but a backup must never refuse its own files.
BACKUP_LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_nodes=10_000_000)

DESIGN_FIELDS = (
    "name",
    "description",
    "visibility",
    "tags",
    "k8s_version",
    "pss_level",
    "is_starter",
    "starter_slug",
    "kind",
    "search_text",
    "roles_present",
)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _yaml(documents: list[Any]) -> str:
    # The project's own dumper: strings that go-yaml would retype ("on", "0755") are quoted.
    return dump_yaml(documents)


def _source(path: Path) -> str:
    return path.read_bytes().decode("utf-8") if path.is_file() else ""


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _time_or_now(value: str | None) -> datetime:
    """For the timestamps that cannot be empty: a hand-edited backup may have dropped one."""
    return _parse_time(value) or timezone.now()


def export_library(root: Path) -> int:
    """Write every design (trashed ones and starters too) under root; returns the design count."""
    root.mkdir(parents=True, exist_ok=True)
    users: set[str] = set()
    teams = []
    for team in Team.objects.order_by("slug"):
        members = [
            [m.user.get_username(), m.level]
            for m in team.memberships.select_related("user").order_by("user__username")
        ]
        users.update(name for name, _ in members)
        teams.append(
            {"slug": team.slug, "name": team.name, "created": _time(team.created), "members": members}
        )
    designs_dir = root / "designs"
    designs_dir.mkdir(exist_ok=True)
    written = set()
    count = 0
    for design in Design.objects.select_related("owner", "team").order_by("pk").iterator():
        folder = designs_dir / str(design.pk)
        (folder / "revisions").mkdir(parents=True, exist_ok=True)
        owner = design.owner.get_username() if design.owner else None
        if owner:
            users.add(owner)
        meta = {"id": design.pk, **{f: getattr(design, f) for f in DESIGN_FIELDS}}
        meta |= {
            "owner": owner,
            "team": design.team.slug if design.team else None,
            "forked_from": design.forked_from_id,
            "created": _time(design.created),
            "updated": _time(design.updated),
            "deleted_at": _time(design.deleted_at),
        }
        (folder / "design.json").write_text(_json(meta), encoding="utf-8")
        numbers = set()
        for rev in design.revisions.select_related("author").order_by("number").iterator():
            author = rev.author.get_username() if rev.author else None
            if author:
                users.add(author)
            stem = folder / "revisions" / f"{rev.number:04d}"
            stem.with_suffix(".yaml").write_text(
                _yaml([rev.document, *(rev.companions or [])]), encoding="utf-8"
            )
            rev_meta = {
                "number": rev.number,
                "parent": rev.parent_number,
                "author": author,
                "message": rev.message,
                "created": _time(rev.created),
                "roles": rev.roles,
                "companions": len(rev.companions or []),
                "position": rev.position,
                "errors": rev.error_count,
                "warnings": rev.warning_count,
            }
            stem.with_suffix(".json").write_text(_json(rev_meta), encoding="utf-8")
            if rev.source_text:  # the user's text, byte for byte (its line breaks included)
                stem.with_suffix(".source").write_bytes(rev.source_text.encode("utf-8"))
            numbers.add(stem.name)
        for stale in (folder / "revisions").iterdir():
            if stale.stem not in numbers:
                stale.unlink()
        written.add(folder.name)
        count += 1
    for stale in designs_dir.iterdir():
        if stale.name not in written:
            shutil.rmtree(stale)
    people = get_user_model().objects.filter(username__in=users).order_by("username")
    (root / "users.json").write_text(
        _json([{"username": u.get_username(), "email": u.email} for u in people]), encoding="utf-8"
    )
    (root / "teams.json").write_text(_json(teams), encoding="utf-8")
    return count


def import_library(root: Path) -> tuple[int, int]:
    """Read an export back; returns (designs created, revisions created). Safe to run again."""
    User = get_user_model()
    created_designs = created_revisions = 0
    with transaction.atomic():
        for person in json.loads((root / "users.json").read_text(encoding="utf-8")):
            user, made = User.objects.get_or_create(
                username=person["username"], defaults={"email": person["email"]}
            )
            if made:
                user.set_unusable_password()
                user.save(update_fields=["password"])
        users = {u.get_username(): u for u in User.objects.all()}
        for data in json.loads((root / "teams.json").read_text(encoding="utf-8")):
            team, _ = Team.objects.get_or_create(
                slug=data["slug"],
                defaults={"name": data["name"], "created": _time_or_now(data.get("created"))},
            )
            for username, level in data["members"]:
                Membership.objects.get_or_create(team=team, user=users[username], defaults={"level": level})
        teams = {t.slug: t for t in Team.objects.all()}
        forks: dict[int, int] = {}
        folders = sorted((root / "designs").iterdir(), key=lambda p: int(p.name))
        for folder in folders:
            meta = json.loads((folder / "design.json").read_text(encoding="utf-8"))
            # A backup from before a field existed lacks it: the model default stands in.
            fields = {f: meta[f] for f in DESIGN_FIELDS if f in meta}
            fields |= {
                "owner": users.get(meta["owner"]) if meta["owner"] else None,
                "team": teams.get(meta["team"]) if meta["team"] else None,
                "created": _time_or_now(meta.get("created")),
                "updated": _time_or_now(meta.get("updated")),
                "deleted_at": _parse_time(meta["deleted_at"]),
            }
            design, made = Design.objects.update_or_create(pk=meta["id"], defaults=fields)
            created_designs += made
            if meta["forked_from"]:
                forks[design.pk] = meta["forked_from"]
            existing = set(design.revisions.values_list("number", flat=True))
            for path in sorted((folder / "revisions").glob("*.json")):
                rev_meta = json.loads(path.read_text(encoding="utf-8"))
                if rev_meta["number"] in existing:
                    continue
                # Read back with the same go-yaml rules the export was written for.
                documents = load_stream(
                    path.with_suffix(".yaml").read_text(encoding="utf-8"), BACKUP_LIMITS
                ).documents
                Revision.objects.create(
                    design=design,
                    number=rev_meta["number"],
                    document=documents[0],
                    companions=documents[1:],
                    position=rev_meta.get("position", 0),
                    source_text=_source(path.with_suffix(".source")),
                    roles=rev_meta["roles"],
                    author=users.get(rev_meta["author"]) if rev_meta["author"] else None,
                    message=rev_meta["message"],
                    created=_time_or_now(rev_meta.get("created")),
                    parent_number=rev_meta["parent"],
                    error_count=rev_meta["errors"],
                    warning_count=rev_meta["warnings"],
                )
                created_revisions += 1
            latest = design.revisions.order_by("-number").first()
            if latest is not None:
                Design.objects.filter(pk=design.pk).update(
                    latest=latest,
                    revision_count=latest.number,
                    error_count=latest.error_count,
                    warning_count=latest.warning_count,
                )
        known = set(Design.objects.filter(pk__in=forks.values()).values_list("pk", flat=True))
        for pk, origin in forks.items():
            Design.objects.filter(pk=pk).update(forked_from_id=origin if origin in known else None)
        # Ids were given explicitly: move PostgreSQL's sequences past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Design, Revision, Team]):
                cursor.execute(sql)
    return created_designs, created_revisions
