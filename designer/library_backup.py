"""Backup of the whole library as plain files: every account, team and design with every revision.

Layout (all text, deterministic, diff-friendly):
  users.json                      every account: e-mail, password hash, flags (secret: mode 0600)
  tokens.json                     API tokens: owner, name, prefix, SHA-256 (secret: mode 0600)
  teams.json                      teams with their members and levels
  designs/<id>/design.json        the design's metadata (owner, team, visibility, tags, ...) and
                                  its sharing history (events)
  designs/<id>/revisions/NNNN.yaml  the revision's document, then its companions ('---')
  designs/<id>/revisions/NNNN.json  the revision's metadata (author, message, time, roles, counts,
                                  the text the user gave)

Drafts are working copies and are not backed up. Import is idempotent (designs keep their ids;
existing accounts, tokens and revisions are left alone), so export → import into an empty
database → export gives identical files, and every user signs in as before.

Both directions hold to the manifest loader's limits (designer/pod/manifest.py): export leaves
out a revision the import would refuse and says so; import refuses an over-deep or over-size
file with its path and the reason.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from designer.models import ApiToken, Design, DesignEvent, Membership, Revision, Team
from designer.pod.manifest import (
    DEFAULT_LIMITS,
    ManifestError,
    check_json_limits,
    dump_yaml,
    load_json_value,
    load_stream,
)

# The loader's limits (depth above all: one definition), with room for a library's worth of
# designs in one file: a revision was imported under the upload limit, a backup holds many.
BACKUP_LIMITS = DEFAULT_LIMITS._replace(max_bytes=64 * 1024 * 1024, max_nodes=10_000_000)

USER_FIELDS = ("email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")


class BackupError(Exception):
    """A backup file that cannot be imported: names the file and the reason."""


class Exported(NamedTuple):
    designs: int
    # "design 7 revision 3: nesting deeper than 100 levels": revisions the import would refuse.
    skipped: list[str]


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


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _time_or_now(value: str | None) -> datetime:
    """For the timestamps that cannot be empty: a hand-edited backup may have dropped one."""
    return _parse_time(value) or timezone.now()


def _write_secret(path: Path, text: str) -> None:
    """Password and token hashes: readable by the backup's owner only."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")


def _accounts() -> list[dict[str, Any]]:
    people = []
    for user in get_user_model().objects.order_by("username"):
        person: dict[str, Any] = {"username": user.get_username(), "password": user.password}
        person |= {f: getattr(user, f) for f in USER_FIELDS}
        person |= {"date_joined": _time(user.date_joined), "last_login": _time(user.last_login)}
        people.append(person)
    return people


def _tokens() -> list[dict[str, Any]]:
    return [
        {
            "user": token.user.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "token_hash": token.token_hash,
            "created": _time(token.created),
            "last_used": _time(token.last_used),
        }
        for token in ApiToken.objects.select_related("user").order_by("user__username", "created", "pk")
    ]


def _revision_problem(rev: Revision) -> str | None:
    """Why the import would refuse this revision (the loader's limits), or None."""
    try:
        check_json_limits([rev.document, rev.companions or [], rev.roles], BACKUP_LIMITS, name="")
    except ManifestError as exc:
        return str(exc)
    return None


def export_library(root: Path) -> Exported:
    """Write every account and design (trashed ones and starters too) under root."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    teams = []
    for team in Team.objects.order_by("slug"):
        members = [
            [m.user.get_username(), m.level]
            for m in team.memberships.select_related("user").order_by("user__username")
        ]
        teams.append(
            {"slug": team.slug, "name": team.name, "created": _time(team.created), "members": members}
        )
    designs_dir = root / "designs"
    designs_dir.mkdir(exist_ok=True)
    written = set()
    skipped: list[str] = []
    count = 0
    for design in Design.objects.select_related("owner", "team").order_by("pk").iterator():
        folder = designs_dir / str(design.pk)
        (folder / "revisions").mkdir(parents=True, exist_ok=True)
        meta = {"id": design.pk, **{f: getattr(design, f) for f in DESIGN_FIELDS}}
        meta |= {
            "owner": design.owner.get_username() if design.owner else None,
            "team": design.team.slug if design.team else None,
            "forked_from": design.forked_from_id,
            "created": _time(design.created),
            "updated": _time(design.updated),
            "deleted_at": _time(design.deleted_at),
            "events": [
                {
                    "actor": event.actor.get_username() if event.actor else None,
                    "message": event.message,
                    "created": _time(event.created),
                }
                for event in design.events.select_related("actor").order_by("created", "pk")
            ],
        }
        (folder / "design.json").write_text(_json(meta), encoding="utf-8")
        numbers = set()
        for rev in design.revisions.select_related("author").order_by("number").iterator():
            problem = _revision_problem(rev)
            if problem is not None:
                skipped.append(f"design {design.pk} revision {rev.number}: {problem}")
                continue
            stem = folder / "revisions" / f"{rev.number:04d}"
            stem.with_suffix(".yaml").write_text(
                _yaml([rev.document, *(rev.companions or [])]), encoding="utf-8"
            )
            rev_meta = {
                "number": rev.number,
                "parent": rev.parent_number,
                "author": rev.author.get_username() if rev.author else None,
                "message": rev.message,
                "created": _time(rev.created),
                "roles": rev.roles,
                "companions": len(rev.companions or []),
                "position": rev.position,
                "errors": rev.error_count,
                "warnings": rev.warning_count,
                "source_text": rev.source_text,
            }
            stem.with_suffix(".json").write_text(_json(rev_meta), encoding="utf-8")
            numbers.add(stem.name)
        for stale in (folder / "revisions").iterdir():
            if stale.stem not in numbers:
                stale.unlink()
        written.add(folder.name)
        count += 1
    for stale in designs_dir.iterdir():
        if stale.name not in written:
            shutil.rmtree(stale)
    _write_secret(root / "users.json", _json(_accounts()))
    _write_secret(root / "tokens.json", _json(_tokens()))
    (root / "teams.json").write_text(_json(teams), encoding="utf-8")
    return Exported(count, skipped)


def _read_json(path: Path) -> Any:
    """A backup's JSON file under the loader's limits; BackupError naming the file otherwise."""
    try:
        size = path.stat().st_size
        if size > BACKUP_LIMITS.max_bytes:
            raise BackupError(f"{path}: too large ({size} bytes, limit {BACKUP_LIMITS.max_bytes})")
        return load_json_value(path.read_text(encoding="utf-8"), BACKUP_LIMITS)
    except ManifestError as exc:
        raise BackupError(f"{path}: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path}: cannot be read ({exc})") from exc


def _read_documents(path: Path) -> list[dict[str, Any]]:
    try:
        if path.stat().st_size > BACKUP_LIMITS.max_bytes:
            raise BackupError(f"{path}: too large (limit {BACKUP_LIMITS.max_bytes} bytes)")
        # Read back with the same go-yaml rules the export was written for.
        return load_stream(path.read_text(encoding="utf-8"), BACKUP_LIMITS).documents
    except ManifestError as exc:
        raise BackupError(f"{path}: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path}: cannot be read ({exc})") from exc


def _import_accounts(root: Path) -> dict[str, Any]:
    """Accounts that do not exist yet, as they were (hash, flags); existing ones are left alone."""
    User = get_user_model()
    for person in _read_json(root / "users.json"):
        if User.objects.filter(username=person["username"]).exists():
            continue
        user = User(username=person["username"])
        for field in USER_FIELDS:
            if field in person:
                setattr(user, field, person[field])
        if person.get("date_joined"):
            user.date_joined = _time_or_now(person["date_joined"])
        user.last_login = _parse_time(person.get("last_login"))
        # A backup from before hashes were kept has none: the account exists, without a password.
        if person.get("password"):
            user.password = person["password"]
        else:
            user.set_unusable_password()
        user.save()
    users = {u.get_username(): u for u in User.objects.all()}
    tokens = root / "tokens.json"
    for token in _read_json(tokens) if tokens.is_file() else []:
        if token["user"] in users:
            ApiToken.objects.get_or_create(
                token_hash=token["token_hash"],
                defaults={
                    "user": users[token["user"]],
                    "name": token["name"],
                    "prefix": token["prefix"],
                    "created": _time_or_now(token.get("created")),
                    "last_used": _parse_time(token.get("last_used")),
                },
            )
    return users


def import_library(root: Path) -> tuple[int, int]:
    """Read an export back; returns (designs created, revisions created). Safe to run again.

    BackupError (nothing imported) for a file over the loader's limits or unreadable.
    """
    created_designs = created_revisions = 0
    with transaction.atomic():
        users = _import_accounts(root)
        for data in _read_json(root / "teams.json"):
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
            meta = _read_json(folder / "design.json")
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
            if not design.events.exists():
                DesignEvent.objects.bulk_create(
                    DesignEvent(
                        design=design,
                        actor=users.get(event["actor"]) if event.get("actor") else None,
                        message=event["message"],
                        created=_time_or_now(event.get("created")),
                    )
                    for event in meta.get("events", [])
                )
            existing = set(design.revisions.values_list("number", flat=True))
            for path in sorted((folder / "revisions").glob("*.json")):
                rev_meta = _read_json(path)
                if rev_meta["number"] in existing:
                    continue
                documents = _read_documents(path.with_suffix(".yaml"))
                Revision.objects.create(
                    design=design,
                    number=rev_meta["number"],
                    document=documents[0],
                    companions=documents[1:],
                    position=rev_meta.get("position", 0),
                    roles=rev_meta["roles"],
                    source_text=rev_meta.get("source_text", ""),
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
