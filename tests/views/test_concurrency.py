"""Concurrent saves: one lands, the other gets the conflict; nothing is lost or duplicated.

PostgreSQL: two real transactions in two threads (skipped on other databases).
SQLite: 20 threads in a separate process on a file database (WAL, busy timeout, IMMEDIATE
transactions from settings.py): no "database is locked", every revision accounted for.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from designer.models import ApiToken, Design, Draft, Revision
from designer.revisions import Content, StaleRevision, save_revision
from tests.views.editor_helpers import form_data

ROOT = Path(__file__).resolve().parents[2]


def _race(workers: list[Any]) -> list[Any]:
    """Run the workers at the same moment; each returns a result or raises."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = workers[i]()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_it_lets_one_of_two_simultaneous_saves_land_on_postgresql(
    make_design: Any, alice: Any, bob: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    design = make_design(visibility=Design.Visibility.SHARED)
    base = design.latest

    def save_as(user: Any, image: str) -> Any:
        document = json.loads(json.dumps(base.document))
        document["spec"]["containers"][0]["image"] = image
        return save_revision(
            Design.objects.get(pk=design.pk), Content(document, [], {}), user, image, base_number=1
        )

    results = _race([lambda: save_as(alice, "a:1"), lambda: save_as(alice, "b:1")])
    landed = [r for r in results if isinstance(r, Revision)]
    stale = [r for r in results if isinstance(r, StaleRevision)]
    assert len(landed) == 1 and len(stale) == 1, results
    assert stale[0].current.number == 2
    assert list(
        Revision.objects.filter(design=design).order_by("number").values_list("number", flat=True)
    ) == [1, 2]
    assert Design.objects.get(pk=design.pk).latest.message == landed[0].message


@pytest.mark.django_db(transaction=True)
def test_it_answers_409_to_the_slower_of_two_api_saves_on_postgresql(make_design: Any, alice: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    design = make_design()
    secret = ApiToken.issue(alice, "ci")[1]

    def body(image: str) -> str:
        # Both start from revision 1 and change the same field: the slower one overlaps the
        # faster one's save, so the three-way merge must answer 409, never overwrite.
        document = copy.deepcopy(design.latest.document)
        document["spec"]["containers"][0]["image"] = image
        return json.dumps({"base_revision": 1, "document": document, "message": "concurrent"})

    def put(image: str) -> int:
        response = Client().put(
            f"/api/v1/designs/{design.pk}",
            body(image),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
            secure=True,
        )
        return response.status_code

    assert sorted(_race([lambda: put("nginx:1.27"), lambda: put("nginx:1.28")])) == [200, 409]
    assert Design.objects.get(pk=design.pk).revision_count == 2


SQLITE_SCRIPT = r"""
import json, threading, django
django.setup()
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from designer.models import Design
from designer.pod.manifest import load_manifest
from designer.revisions import Content, StaleRevision, create_design, save_revision

user = get_user_model().objects.create_user("u")
m = load_manifest(open(SIDECAR).read())
design = create_design(user, "race", Content(m.document, m.companions, {}))
outcomes = {"landed": 0, "stale": 0, "errors": []}
lock = threading.Lock()

def worker(i, base):
    try:
        barrier.wait()
        save_revision(Design.objects.get(pk=design.pk), Content(m.document, [], {}), user, f"save {i}", base_number=base)
        key = "landed"
    except StaleRevision:
        key = "stale"
    except Exception as exc:
        key = None
        with lock:
            outcomes["errors"].append(repr(exc))
    finally:
        connections.close_all()
    if key:
        with lock:
            outcomes[key] += 1

for base in (None, "latest"):
    barrier = threading.Barrier(20)
    number = Design.objects.get(pk=design.pk).revision_count if base else None
    threads = [threading.Thread(target=worker, args=(i, number)) for i in range(20)]
    for t in threads: t.start()
    for t in threads: t.join()
d = Design.objects.get(pk=design.pk)
numbers = list(d.revisions.order_by("number").values_list("number", flat=True))
outcomes.update(revision_count=d.revision_count, numbers=numbers)
print(json.dumps(outcomes))
"""


def test_it_survives_20_concurrent_saves_on_sqlite(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "designer.settings",
        "PYTHONPATH": str(ROOT),
    }
    script = f"SIDECAR = {str(ROOT / 'tests' / 'conftest.py')!r}\n" + SQLITE_SCRIPT.replace(
        "open(SIDECAR).read()", "__import__('tests.conftest', fromlist=['x']).SIDECAR_POD"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcomes["errors"] == []
    # Round one: 20 saves without a base all land. Round two: 20 saves from the same base, one lands.
    assert outcomes["landed"] == 21 and outcomes["stale"] == 19
    assert outcomes["numbers"] == list(range(1, 23))
    assert outcomes["revision_count"] == 22


@pytest.mark.django_db(transaction=True)
def test_overlapping_previews_of_one_tab_all_land_on_postgresql(make_design: Any, alice: Any) -> None:
    """A keystroke may post before the last preview answered: both write the tab's draft, and
    neither may fail on the step number the other just took (it did: IntegrityError, a 500)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    design = make_design()
    opener = Client()
    opener.force_login(alice)
    tab = form_data(opener.get(f"/designs/{design.pk}/", secure=True).content)["tab"]
    # The tab's draft exists before the race, as it does after the first keystroke.
    first = {"tab": tab, "base": "1", "source": "form", "cc1-image": "fluent/fluent-bit:1"}
    assert (
        opener.post(f"/designs/{design.pk}/preview", first, HTTP_HX_REQUEST="true", secure=True).status_code
        == 200
    )

    def preview(n: int) -> int:
        client = Client()
        client.force_login(alice)
        sent = {**first, "cc1-image": f"fluent/fluent-bit:{n + 2}"}
        return client.post(
            f"/designs/{design.pk}/preview", sent, HTTP_HX_REQUEST="true", secure=True
        ).status_code

    workers = [lambda n=n: preview(n) for n in range(6)]
    assert _race(workers) == [200] * 6
    draft = Draft.objects.get(design=design, tab_key=tab)
    numbers = list(draft.steps.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], draft.step + 1)) and draft.step == numbers[0] + 7
