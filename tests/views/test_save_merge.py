"""Saving a draft (designer.revisions.save_content / save_resolution) on the database.

Unchanged saves create nothing; a stale base merges with what was saved since, or comes back
as a conflict that is saved with explicit per-field choices; nothing a teammate saved is lost.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import designer.revisions
from designer.models import Design, Revision
from designer.pod.merge import UnresolvedConflicts
from designer.revisions import Content, StaleRevision, save_content, save_resolution, save_revision

pytestmark = pytest.mark.django_db

APP_IMAGE = "spec.containers[app].image"
SHIPPER_IMAGE = "spec.containers[shipper].image"


def edit(design: Design, number: int | None = None, **images: str) -> Content:
    """The content of a revision (the latest by default) with some containers' images changed."""
    revision = design.revisions.get(number=number) if number else design.latest
    assert revision is not None
    content = Content.of(revision)
    content.document = copy.deepcopy(content.document)
    for container in content.document["spec"]["containers"]:
        if container["name"] in images:
            container["image"] = images[container["name"]]
    return content


def images(revision: Revision | None) -> dict[str, str]:
    assert revision is not None
    return {c["name"]: c["image"] for c in revision.document["spec"]["containers"]}


def test_it_creates_no_revision_for_a_save_that_changes_nothing(make_design: Any, alice: Any) -> None:
    design = make_design()

    outcome = save_content(design, edit(design), alice, "nothing", base_number=1)

    assert outcome.kind == "unchanged"
    assert outcome.revision.number == 1
    assert Revision.objects.filter(design=design).count() == 1


def test_it_saves_a_change_from_the_latest(make_design: Any, alice: Any) -> None:
    design = make_design()

    outcome = save_content(design, edit(design, app="web:2"), alice, "new image", base_number=1)

    assert outcome.kind == "saved"
    assert (outcome.revision.number, outcome.revision.message) == (2, "new image")
    assert images(Design.objects.get(pk=design.pk).latest)["app"] == "web:2"


def test_it_merges_two_users_editing_different_containers(make_design: Any, alice: Any, bob: Any) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "bob's image", base_number=1)

    outcome = save_content(
        design, edit(design, 1, shipper="fluent-bit:4"), alice, "alice's image", base_number=1
    )

    assert outcome.kind == "merged"
    assert outcome.revision.number == 3
    assert images(outcome.revision) == {"app": "web:2", "shipper": "fluent-bit:4"}
    assert outcome.revision.message == (
        f"alice's image (merged with r2 by bob: {APP_IMAGE} (theirs), {SHIPPER_IMAGE} (yours))"
    )
    assert outcome.revision.parent_number == 2


def test_it_names_every_revision_saved_since_the_base(make_design: Any, alice: Any, bob: Any) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)
    save_revision(design, edit(design, app="web:3"), alice, "", base_number=2)

    outcome = save_content(design, edit(design, 1, shipper="fluent-bit:4"), bob, "", base_number=1)

    assert outcome.kind == "merged"
    assert outcome.revision.message.startswith("(merged with r2-r3 by bob, alice: ")


def test_it_creates_nothing_when_a_stale_edit_was_already_saved_by_someone_else(
    make_design: Any, alice: Any, bob: Any
) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)

    outcome = save_content(design, edit(design, 1, app="web:2"), alice, "", base_number=1)
    untouched = save_content(design, edit(design, 1), alice, "", base_number=1)

    assert (outcome.kind, untouched.kind) == ("unchanged", "unchanged")
    assert Revision.objects.filter(design=design).count() == 2


def test_it_saves_nothing_on_an_overlapping_edit_and_says_what_overlaps(
    make_design: Any, alice: Any, bob: Any
) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)

    outcome = save_content(design, edit(design, 1, app="web:3", shipper="fb:4"), alice, "", base_number=1)

    assert outcome.kind == "conflict"
    assert outcome.merge is not None and outcome.base is not None and outcome.mine is not None
    assert [(c.path, c.base, c.theirs, c.mine) for c in outcome.merge.conflicts] == [
        (APP_IMAGE, "registry.example.com/web:1.4.2", "web:2", "web:3")
    ]
    assert (outcome.base.number, outcome.revision.number) == (1, 2)
    assert Revision.objects.filter(design=design).count() == 2


@pytest.mark.parametrize(("side", "image"), [("mine", "web:3"), ("theirs", "web:2")])
def test_it_saves_a_resolution_with_the_choice_in_the_message(
    make_design: Any, alice: Any, bob: Any, side: Any, image: str
) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)
    mine = edit(design, 1, app="web:3", shipper="fb:4")

    outcome = save_resolution(design, mine, alice, "resolved", 1, 2, {APP_IMAGE: side})

    assert outcome.kind == "saved"
    assert images(outcome.revision) == {"app": image, "shipper": "fb:4"}
    assert outcome.revision.message == f"resolved (resolved against r2 by bob: kept {side} for {APP_IMAGE})"


def test_it_merges_a_resolution_with_a_save_that_landed_meanwhile(
    make_design: Any, alice: Any, bob: Any
) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)
    mine = edit(design, 1, app="web:3")
    save_revision(design, edit(design, shipper="fb:5"), bob, "", base_number=2)

    outcome = save_resolution(design, mine, alice, "", 1, 2, {APP_IMAGE: "mine"})

    assert outcome.kind == "merged"
    assert images(outcome.revision) == {"app": "web:3", "shipper": "fb:5"}
    assert outcome.revision.message == (
        f"(resolved against r2 by bob: kept mine for {APP_IMAGE}) "
        f"(merged with r3 by bob: {APP_IMAGE} (yours), {SHIPPER_IMAGE} (theirs))"
    )


def test_it_refuses_a_resolution_without_a_choice_for_each_conflict(
    make_design: Any, alice: Any, bob: Any
) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)

    with pytest.raises(UnresolvedConflicts):
        save_resolution(design, edit(design, 1, app="web:3"), alice, "", 1, 2, {})
    assert Revision.objects.filter(design=design).count() == 2


def test_it_treats_an_unknown_base_as_stale(make_design: Any, alice: Any) -> None:
    design = make_design()

    with pytest.raises(StaleRevision):
        save_content(design, edit(design, app="web:2"), alice, "", base_number=7)


def test_it_merges_again_when_a_save_lands_between_its_merge_and_its_write(
    make_design: Any, alice: Any, bob: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = make_design()
    save_revision(design, edit(design, app="web:2"), bob, "", base_number=1)
    real_lint_counts = designer.revisions.lint_counts
    landed: list[Revision] = []
    started: list[bool] = []

    def lint_then_let_bob_save(content: Content, version: str, pss: str | None = None) -> tuple[int, int]:
        # save_revision lints before it takes the lock: the window a concurrent save lands in.
        if not started:
            started.append(True)
            other = Design.objects.get(pk=design.pk)
            landed.append(save_revision(other, edit(other, 2, shipper="fb:5"), bob, "", base_number=2))
        return real_lint_counts(content, version, pss)

    monkeypatch.setattr(designer.revisions, "lint_counts", lint_then_let_bob_save)

    outcome = save_content(design, edit(design, 1, app="web:2", shipper="fb:4"), alice, "", base_number=1)

    assert [r.number for r in landed] == [3]
    assert outcome.kind == "conflict"
    assert [c.path for c in outcome.merge.conflicts] == [SHIPPER_IMAGE]
    assert Revision.objects.filter(design=design).count() == 3


STARTER = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    kubectl.kubernetes.io/default-container: app
    pod-designer/roles: shipper=sidecar
spec:
  containers:
  - name: app
    image: web:1
  - name: shipper
    image: fluent-bit:3
"""


def test_it_merges_two_users_adding_containers_to_a_design_whose_roles_are_annotated(
    make_design: Any, alice: Any, bob: Any
) -> None:
    from designer.pod.edits import add_container
    from designer.pod.roles import Role

    design = make_design(STARTER)

    def adding(name: str, role: Role) -> Content:
        base = Content.of(design.revisions.get(number=1))
        document, roles = add_container(
            base.document,
            {k: Role(v) for k, v in base.roles.items()},
            {"name": name, "image": f"{name}:1"},
            role,
        )
        return Content(document, base.companions, {k: str(v) for k, v in roles.items()})

    assert save_content(design, adding("proxy", Role.AMBASSADOR), bob, "", base_number=1).kind == "saved"
    outcome = save_content(design, adding("exporter", Role.ADAPTER), alice, "", base_number=1)

    assert outcome.kind == "merged"
    assert [c["name"] for c in outcome.revision.document["spec"]["containers"]] == [
        "app",
        "shipper",
        "proxy",
        "exporter",
    ]
    annotations = outcome.revision.document["metadata"]["annotations"]
    assert annotations["pod-designer/roles"] == "shipper=sidecar,proxy=ambassador,exporter=adapter"
    assert outcome.revision.roles == {
        "app": "main",
        "shipper": "sidecar",
        "proxy": "ambassador",
        "exporter": "adapter",
    }
