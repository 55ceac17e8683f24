"""export_library / import_library: export → import into an empty database → export is identical."""

from __future__ import annotations

import copy
import filecmp
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from designer.lifecycle import fork, trash
from designer.models import Design, Membership, Revision, Team
from designer.revisions import Content, save_revision

pytestmark = pytest.mark.django_db

WITH_COMPANION = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: café
  annotations:
    note: "yes"
    version: "1.10"
spec:
  selector:
    matchLabels: {app: cafe}
  template:
    metadata:
      labels: {app: cafe}
    spec:
      containers:
      - name: app
        image: cafe:1
        args: ["--ratio", "0.5", "on"]
        env:
        - {name: EMPTY, value: ""}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cafe-config
data:
  multi: |
    line one
    line two
"""


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def library(alice: Any, bob: Any, make_design: Any) -> None:
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="admin")
    Membership.objects.create(team=team, user=bob, level="viewer")
    web = make_design(name="web", tags=",logging,", team=team, visibility="team")
    document = copy.deepcopy(web.latest.document)
    document["spec"]["containers"][0]["image"] = "registry.example.com/web:2"
    save_revision(web, Content(document, [], {"app": "main", "shipper": "sidecar"}), bob, "Bump to 2")
    cafe = make_design(WITH_COMPANION, name="Café ☕", owner=bob)
    kept = "# the café, as its owner wrote it\r\n" + WITH_COMPANION.replace("\n", "\r\n")
    save_revision(cafe, Content(**{**vars(Content.of(cafe.latest)), "source_text": kept}), bob, "Comment")
    fork(web, bob, "web copy")
    trash(cafe)
    make_design(name="pattern", owner=None, is_starter=True, starter_slug="p", visibility="shared")


def _empty_database() -> None:
    Design.objects.update(forked_from=None, latest=None)
    Revision.objects.all().delete()
    Design.objects.all().delete()
    Team.objects.all().delete()
    get_user_model().objects.all().delete()


def test_it_round_trips_through_an_empty_database(library: None, tmp_path: Path) -> None:
    first, second, third = tmp_path / "one", tmp_path / "two", tmp_path / "three"
    web, cafe = Design.objects.get(name="web").pk, Design.objects.get(name="Café ☕").pk
    call_command("export_library", str(first))
    before = _tree(first)
    assert f"designs/{web}/revisions/0002.yaml" in before
    assert b"Bump to 2" in before[f"designs/{web}/revisions/0002.json"]
    assert b"kind: ConfigMap" in before[f"designs/{cafe}/revisions/0001.yaml"]
    kept = json.loads(before[f"designs/{cafe}/revisions/0002.json"])["source_text"]
    assert kept.startswith("# the café, as its owner wrote it\r\n")
    assert json.loads(before[f"designs/{cafe}/revisions/0001.json"])["source_text"] == ""  # canonical
    _empty_database()
    assert Design.objects.count() == 0
    call_command("import_library", str(first))
    call_command("export_library", str(second))
    assert _tree(second) == before
    # Idempotent: a second import changes nothing.
    counts = (Design.objects.count(), Revision.objects.count(), Membership.objects.count())
    call_command("import_library", str(first))
    assert (Design.objects.count(), Revision.objects.count(), Membership.objects.count()) == counts
    call_command("export_library", str(third))
    assert not filecmp.dircmp(first, third).diff_files
    assert _tree(third) == before


def test_it_restores_working_designs(library: None, tmp_path: Path, alice_client: Any) -> None:
    call_command("export_library", str(tmp_path))
    originals = {
        d.pk: (d.name, d.latest.document, d.latest.companions, d.forked_from_id) for d in Design.objects.all()
    }
    _empty_database()
    call_command("import_library", str(tmp_path))
    restored = {
        d.pk: (d.name, d.latest.document, d.latest.companions, d.forked_from_id) for d in Design.objects.all()
    }
    assert restored == originals
    # A new design after an import with explicit ids gets a fresh id (sequences were moved on).
    design = Design.objects.create(name="after import")
    assert design.pk > max(originals)


def test_it_refuses_a_directory_that_is_not_an_export(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_library", str(tmp_path))


def test_it_imports_a_hand_edited_backup_without_timestamps(library: None, tmp_path: Path) -> None:
    call_command("export_library", str(tmp_path))
    teams = json.loads((tmp_path / "teams.json").read_text(encoding="utf-8"))
    for team in teams:
        del team["created"]
    (tmp_path / "teams.json").write_text(json.dumps(teams), encoding="utf-8")
    for meta_path in (tmp_path / "designs").glob("*/design.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["created"] = meta["updated"] = None
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    names = sorted(Design.objects.values_list("name", flat=True))
    _empty_database()
    call_command("import_library", str(tmp_path))
    assert sorted(Design.objects.values_list("name", flat=True)) == names
    assert all(d.created is not None for d in Design.objects.all())
