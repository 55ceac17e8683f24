"""The one view over a pod's containers and volumes (designer/pod/model.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from designer.pod.model import ALL_GROUPS, APP, EPHEMERAL, INIT, PodView, is_native_sidecar


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "spec": {
            "template": {
                "spec": {
                    "initContainers": [
                        {"name": "migrate", "image": "m"},
                        "not a container",
                        {"name": "proxy", "image": "envoy", "restartPolicy": "Always"},
                    ],
                    "containers": [{"name": "app", "image": "a"}, {"image": "nameless"}],
                    "ephemeralContainers": [{"name": "debug", "image": "busybox"}],
                    "volumes": [{"name": "data", "emptyDir": {}}, 7],
                }
            }
        },
    }


def test_it_lists_init_then_app_containers_by_default_and_ephemeral_ones_on_request() -> None:
    view = PodView.of(deployment())

    assert view.names() == ["migrate", "proxy", "app"]
    assert view.names(*ALL_GROUPS) == ["migrate", "proxy", "app", "debug"]
    assert view.names(EPHEMERAL) == ["debug"]
    assert [c.get("image") for c in view.containers(APP)] == ["a", "nameless"]


def test_it_keeps_the_document_index_so_paths_match_the_apiservers() -> None:
    slots = PodView.of(deployment()).slots()

    assert [(s.group, s.index, s.name) for s in slots] == [
        (INIT, 0, "migrate"),
        (INIT, 2, "proxy"),
        (APP, 0, "app"),
        (APP, 1, None),
    ]
    assert slots[1].path("spec.template.spec") == "spec.template.spec.initContainers[2]"
    assert slots[2].path("") == "containers[0]"


def test_it_tells_native_sidecars_and_what_runs_beside_the_app() -> None:
    slots = {s.name: s for s in PodView.of(deployment()).slots(*ALL_GROUPS)}

    assert [n for n, s in slots.items() if s.native] == ["proxy"]
    assert [n for n, s in slots.items() if s.runs] == ["proxy", "app", None]
    # restartPolicy Always on an app container is no native sidecar (it is not an init container).
    app = PodView({"containers": [{"name": "a", "restartPolicy": "Always"}]}).slots()[0]
    assert is_native_sidecar(app.container) and not app.native


def test_it_finds_a_container_in_any_group_or_in_the_ones_asked() -> None:
    view = PodView.of(deployment())

    found = view.find("debug")
    assert found is not None and (found.group, found.index) == (EPHEMERAL, 0)
    assert view.find("debug", INIT, APP) is None
    assert view.find("nobody") is None


def test_it_lists_volumes_that_are_mappings() -> None:
    assert PodView.of(deployment()).volumes() == [{"name": "data", "emptyDir": {}}]


def test_it_reads_a_malformed_document_as_empty() -> None:
    for document in ({}, {"kind": "Pod", "spec": []}, {"kind": "Pod", "spec": {"containers": {"a": 1}}}):
        view = PodView.of(document)
        assert (view.slots(*ALL_GROUPS), view.volumes()) == ([], [])
    assert PodView.of("not a document").names() == []


def test_it_is_a_live_view_of_the_document() -> None:
    document = deployment()
    PodView.of(document).containers(APP)[0]["image"] = "b"
    assert document["spec"]["template"]["spec"]["containers"][0]["image"] == "b"


CORE = Path(__file__).resolve().parents[2] / "designer" / "pod"
# A literal tuple of two or more group names: a walk of its own over the container lists.
_GROUP = '"(?:initContainers|containers|ephemeralContainers)"'
_WALK = re.compile(rf"[(\[]\s*{_GROUP}\s*,\s*{_GROUP}")


def test_it_is_the_only_module_of_the_core_that_walks_the_container_lists() -> None:
    offenders = [
        f"{path.relative_to(CORE)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(CORE.rglob("*.py"))
        if path.name != "model.py"
        for text in [path.read_text(encoding="utf-8")]
        for match in _WALK.finditer(text)
    ]
    assert offenders == []
