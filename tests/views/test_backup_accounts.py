"""Backups restore accounts (hashes, flags, team roles, tokens) and hold to the loader's limits."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from designer.lifecycle import change_sharing
from designer.models import ApiToken, Design, DesignEvent, Membership, Revision, Team

pytestmark = pytest.mark.django_db


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"x": value}
    return value


@pytest.fixture
def accounts(alice: Any, bob: Any, django_user_model: Any, make_design: Any) -> str:
    django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    staff = django_user_model.objects.create_user("sam", password="sam-password-1")
    staff.is_staff = True
    staff.save()
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="admin")
    Membership.objects.create(team=team, user=bob, level="editor")
    design = make_design(name="web")
    change_sharing(design, alice, team, "team")
    _, secret = ApiToken.issue(bob, "ci")
    return secret


# A real flush (TRUNCATE) cannot run inside the test's transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_every_user_signs_in_as_before_after_a_restore(accounts: str, client: Any, tmp_path: Path) -> None:
    web = Design.objects.get(name="web")
    call_command("export_library", str(tmp_path))
    call_command("flush", interactive=False)
    assert not Design.objects.exists() and not ApiToken.objects.exists()
    call_command("import_library", str(tmp_path))

    for name in ("alice", "bob", "root", "sam"):
        assert client.login(username=name, password=f"{name}-password-1"), name
        client.logout()
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    assert (users["root"].is_superuser, users["root"].is_staff) == (True, True)
    assert (users["sam"].is_superuser, users["sam"].is_staff) == (False, True)
    assert users["alice"].email == "alice@example.com"
    levels = dict(Membership.objects.values_list("user__username", "level"))
    assert levels == {"alice": "admin", "bob": "editor"}

    # Bob's token works as before: the API and the design's download.
    bearer = {"Authorization": f"Bearer {accounts}"}
    assert client.get("/api/v1/designs", headers=bearer).status_code == 200
    assert client.get(f"/designs/{web.pk}/export.yaml", headers=bearer).status_code == 200
    # The sharing history came back too.
    messages = set(DesignEvent.objects.filter(design_id=web.pk).values_list("message", flat=True))
    assert "Moved from the personal space of alice to team Platform" in messages


def test_the_backup_keeps_its_secrets_to_its_owner(accounts: str, tmp_path: Path) -> None:
    call_command("export_library", str(tmp_path / "backup"))
    for name in ("users.json", "tokens.json"):
        mode = stat.S_IMODE((tmp_path / "backup" / name).stat().st_mode)
        assert mode == 0o600, name
    assert accounts not in (tmp_path / "backup" / "tokens.json").read_text()  # only its hash


def test_it_keeps_the_text_the_user_gave(alice: Any, make_design: Any, tmp_path: Path) -> None:
    design = make_design(name="web")
    Revision.objects.filter(pk=design.latest.pk).update(source_text="# my comment\nkind: Pod\n")
    call_command("export_library", str(tmp_path))
    Revision.objects.all().delete()
    call_command("import_library", str(tmp_path))
    assert Revision.objects.get(design=design).source_text == "# my comment\nkind: Pod\n"


def test_a_400_levels_deep_document_does_not_crash_the_export(
    alice: Any, make_design: Any, tmp_path: Path
) -> None:
    design = make_design(name="deep")
    good = make_design(name="fine")
    document = dict(design.latest.document)
    document["metadata"] = {**document["metadata"], "annotations": {"deep": "x"}, "extra": _deep(400)}
    Revision.objects.filter(pk=design.latest.pk).update(document=document)
    with pytest.raises(CommandError, match=rf"design {design.pk} revision 1: nesting deeper than 100 levels"):
        call_command("export_library", str(tmp_path))
    # Everything else was written, and the import reads it back.
    assert (tmp_path / "designs" / str(good.pk) / "revisions" / "0001.yaml").is_file()
    assert not (tmp_path / "designs" / str(design.pk) / "revisions" / "0001.yaml").exists()
    Revision.objects.all().delete()
    call_command("import_library", str(tmp_path))
    assert Revision.objects.filter(design=good).count() == 1


def test_it_refuses_an_over_deep_json_file_with_a_clear_message(
    alice: Any, make_design: Any, tmp_path: Path
) -> None:
    design = make_design(name="web")
    call_command("export_library", str(tmp_path))
    meta_path = tmp_path / "designs" / str(design.pk) / "revisions" / "0001.json"
    # Deeper than json.loads can recurse: a clear refusal, not a RecursionError.
    meta_path.write_text('{"number": 1, "roles": ' + '{"x": ' * 5000 + "1" + "}" * 5000 + "}")
    Revision.objects.all().delete()
    with pytest.raises(CommandError, match=r"nothing imported: .*0001\.json: nesting deeper than 100 levels"):
        call_command("import_library", str(tmp_path))
    assert not Revision.objects.exists()


def test_it_refuses_an_over_size_file_with_a_clear_message(
    alice: Any, make_design: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from designer import library_backup

    make_design(name="web")
    call_command("export_library", str(tmp_path))
    monkeypatch.setattr(library_backup, "BACKUP_LIMITS", library_backup.BACKUP_LIMITS._replace(max_bytes=64))
    with pytest.raises(CommandError, match=r"nothing imported: .*users\.json: too large"):
        call_command("import_library", str(tmp_path))


def test_it_refuses_an_over_deep_yaml_revision(alice: Any, make_design: Any, tmp_path: Path) -> None:
    design = make_design(name="web")
    call_command("export_library", str(tmp_path))
    yaml_path = tmp_path / "designs" / str(design.pk) / "revisions" / "0001.yaml"
    yaml_path.write_text("kind: Pod\nx: " + "[" * 150 + "]" * 150 + "\n")
    Revision.objects.all().delete()
    with pytest.raises(CommandError, match=r"0001\.yaml.*nesting deeper than 100 levels"):
        call_command("import_library", str(tmp_path))
