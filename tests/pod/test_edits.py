"""Pure structural edits: containers, volumes, roles (designer/pod/edits.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from designer.pod.edits import (
    EditError,
    add_container,
    add_volume,
    duplicate_container,
    duplicate_volume,
    move_container,
    move_volume,
    remove_container,
    remove_volume,
    rename_container,
    rename_volume,
    set_native_sidecar,
    set_role,
    unique_name,
)
from designer.pod.roles import DEFAULT_CONTAINER_ANNOTATION, ROLES_ANNOTATION, Role
from designer.pod.workloads import pod_spec

M, S, A, AMB, INIT_ = Role.MAIN, Role.SIDECAR, Role.ADAPTER, Role.AMBASSADOR, Role.INIT


def pod() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web",
            "annotations": {
                DEFAULT_CONTAINER_ANNOTATION: "app",
                ROLES_ANNOTATION: "init=init,shipper=sidecar,proxy=ambassador",
                "pod-designer/waivers": json.dumps(
                    [
                        {"rule": "LINT-RO-ROOTFS", "container": "shipper", "reason": "writes a cache"},
                        {"rule": "LINT-PROBE-*", "container": None, "reason": "demo"},
                    ]
                ),
                "container.apparmor.security.beta.kubernetes.io/shipper": "runtime/default",
            },
        },
        "spec": {
            "initContainers": [
                {
                    "name": "init",
                    "image": "busybox:1.36",
                    "volumeMounts": [{"name": "data", "mountPath": "/d"}],
                },
                {
                    "name": "proxy",
                    "image": "envoy:v1",
                    "restartPolicy": "Always",
                    "ports": [{"containerPort": 15001}],
                },
            ],
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 8080, "name": "http"}],
                    "env": [
                        {
                            "name": "LIMIT",
                            "valueFrom": {
                                "resourceFieldRef": {"containerName": "shipper", "resource": "limits.cpu"}
                            },
                        }
                    ],
                    "volumeMounts": [
                        {"name": "data", "mountPath": "/d"},
                        {"name": "logs", "mountPath": "/var/log"},
                    ],
                },
                {
                    "name": "shipper",
                    "image": "fluent-bit:3.1",
                    "ports": [{"containerPort": 2020, "name": "fb", "hostPort": 2020}],
                    "volumeMounts": [{"name": "logs", "mountPath": "/var/log", "readOnly": True}],
                    "volumeDevices": [{"name": "logs", "devicePath": "/dev/x"}],
                    "x-unknown": {"kept": True},
                },
            ],
            "volumes": [{"name": "data", "emptyDir": {}}, {"name": "logs", "emptyDir": {"medium": "Memory"}}],
            "affinity": {"nodeAffinity": {}},
        },
    }


def roles() -> dict[str, Role]:
    return {"init": INIT_, "proxy": AMB, "app": M, "shipper": S}


def names(document: dict[str, Any], key: str = "containers") -> list[str]:
    return [c["name"] for c in pod_spec(document).get(key, [])]


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": copy.deepcopy(pod()["spec"])},
        },
    }


# --- unique_name / set_role ----------------------------------------------------------------


def test_it_makes_unique_names() -> None:
    assert unique_name(set(), "app") == "app"
    assert unique_name({"app-copy"}, "app-copy") == "app-copy-2"
    assert unique_name({"app-copy", "app-copy-2"}, "app-copy") == "app-copy-3"
    long = "a" * 70
    assert len(unique_name({"a" * 63}, long)) <= 63


def test_it_keeps_exactly_one_main() -> None:
    before = roles()
    after = set_role(before, "shipper", M)
    assert after == {"init": INIT_, "proxy": AMB, "app": S, "shipper": M}
    assert list(after) == list(before)
    assert before == roles()


# --- add / remove --------------------------------------------------------------------------


def test_it_adds_a_container_without_touching_the_input() -> None:
    before = pod()
    doc, new_roles = add_container(before, roles(), {"name": "exp", "image": "x:1"}, A, index=1)
    assert before == pod()
    assert names(doc) == ["app", "exp", "shipper"]
    assert new_roles["exp"] == A
    assert (
        doc["metadata"]["annotations"][ROLES_ANNOTATION]
        == "init=init,shipper=sidecar,proxy=ambassador,exp=adapter"
    )
    assert pod_spec(doc)["affinity"] == {"nodeAffinity": {}}


def test_it_adds_a_helper_init_container_as_native_sidecar() -> None:
    doc, _ = add_container(pod(), roles(), {"name": "agent", "image": "vault:1"}, S, init=True, index=0)
    assert pod_spec(doc)["initContainers"][0] == {
        "name": "agent",
        "image": "vault:1",
        "restartPolicy": "Always",
    }


def test_it_creates_missing_lists_and_templates() -> None:
    doc, new_roles = add_container(
        {"apiVersion": "apps/v1", "kind": "Deployment"}, {}, {"name": "a", "image": "x:1"}, M
    )
    assert doc["spec"]["template"]["spec"]["containers"] == [{"name": "a", "image": "x:1"}]
    assert new_roles == {"a": M}


def test_it_refuses_duplicate_and_invalid_names() -> None:
    with pytest.raises(EditError, match="already exists"):
        add_container(pod(), roles(), {"name": "init", "image": "x:1"}, S)
    with pytest.raises(EditError, match="RFC 1123"):
        add_container(pod(), roles(), {"name": "My App", "image": "x:1"}, S)
    with pytest.raises(EditError, match="main"):
        add_container(pod(), roles(), {"name": "m", "image": "x:1"}, M, init=True)


def test_it_adding_a_main_demotes_the_old_main_and_moves_the_annotation() -> None:
    doc, new_roles = add_container(pod(), roles(), {"name": "api", "image": "x:1"}, M)
    assert new_roles["app"] == S and new_roles["api"] == M
    annotations = doc["metadata"]["annotations"]
    assert annotations[DEFAULT_CONTAINER_ANNOTATION] == "api"
    assert "app=sidecar" in annotations[ROLES_ANNOTATION]


def test_it_removes_a_container_its_role_and_its_waivers() -> None:
    before = pod()
    doc, new_roles = remove_container(before, roles(), "shipper")
    assert before == pod()
    assert names(doc) == ["app"]
    assert "shipper" not in new_roles
    annotations = doc["metadata"]["annotations"]
    assert annotations[ROLES_ANNOTATION] == "init=init,proxy=ambassador"
    assert [w["container"] for w in json.loads(annotations["pod-designer/waivers"])] == [None]
    assert "container.apparmor.security.beta.kubernetes.io/shipper" not in annotations


def test_it_promotes_a_successor_when_the_main_is_removed() -> None:
    doc, new_roles = remove_container(pod(), roles(), "app")
    assert new_roles["shipper"] == M
    assert doc["metadata"]["annotations"][DEFAULT_CONTAINER_ANNOTATION] == "shipper"


def test_it_refuses_removing_the_last_app_container_or_an_unknown_one() -> None:
    doc, r = remove_container(pod(), roles(), "shipper")
    with pytest.raises(EditError, match="only app container"):
        remove_container(doc, r, "app")
    with pytest.raises(EditError, match="no container named"):
        remove_container(pod(), roles(), "ghost")


def test_it_removes_an_empty_init_list() -> None:
    doc, r = remove_container(pod(), roles(), "init")
    doc, r = remove_container(doc, r, "proxy")
    assert "initContainers" not in pod_spec(doc)


# --- duplicate / move ----------------------------------------------------------------------


def test_it_duplicates_a_container_with_free_ports() -> None:
    before = pod()
    doc, new_roles = duplicate_container(before, roles(), "shipper")
    assert before == pod()
    assert names(doc) == ["app", "shipper", "shipper-copy"]
    copy_ = pod_spec(doc)["containers"][2]
    assert list(copy_) == list(pod_spec(before)["containers"][1])
    assert copy_["ports"] == [{"containerPort": 2021, "name": "fb-2"}]
    assert copy_["x-unknown"] == {"kept": True}
    assert new_roles["shipper-copy"] == S
    doc, _ = duplicate_container(doc, new_roles, "shipper")
    assert "shipper-copy-2" in names(doc)


def test_it_never_duplicates_the_main_role() -> None:
    doc, new_roles = duplicate_container(pod(), roles(), "app", "app-b")
    assert new_roles["app-b"] == S and new_roles["app"] == M
    assert pod_spec(doc)["containers"][1]["ports"][0]["containerPort"] == 8081
    with pytest.raises(EditError):
        duplicate_container(pod(), roles(), "app", "shipper")


def test_it_moves_a_container_within_its_list_and_clamps() -> None:
    before = pod()
    doc = move_container(before, "init", 5)
    assert names(doc, "initContainers") == ["proxy", "init"]
    assert names(doc) == ["app", "shipper"]
    assert names(move_container(doc, "init", -9), "initContainers") == ["init", "proxy"]
    assert before == pod()


# --- native sidecars -----------------------------------------------------------------------


def test_it_makes_a_classic_sidecar_native_and_back() -> None:
    before = pod()
    doc, new_roles = set_native_sidecar(before, roles(), "shipper", True)
    assert before == pod()
    assert names(doc) == ["app"]
    assert names(doc, "initContainers") == ["init", "proxy", "shipper"]
    assert pod_spec(doc)["initContainers"][2]["restartPolicy"] == "Always"
    assert pod_spec(doc)["initContainers"][2]["x-unknown"] == {"kept": True}
    back, _ = set_native_sidecar(doc, new_roles, "shipper", False)
    assert names(back) == ["app", "shipper"]
    assert pod_spec(back)["containers"][1] == pod_spec(before)["containers"][1]


def test_it_puts_a_native_sidecar_before_the_inits_that_use_it() -> None:
    doc = pod()
    pod_spec(doc)["initContainers"][0]["env"] = [{"name": "X", "value": "http://localhost:2020"}]
    doc, _ = set_native_sidecar(doc, roles(), "shipper", True)
    assert names(doc, "initContainers") == ["shipper", "init", "proxy"]


def test_it_refuses_native_for_the_main_and_classic_for_an_init() -> None:
    with pytest.raises(EditError, match="main"):
        set_native_sidecar(pod(), roles(), "app", True)
    with pytest.raises(EditError, match="run-to-completion"):
        set_native_sidecar(pod(), roles(), "init", False)


def test_it_turns_an_init_container_into_a_sidecar_in_place() -> None:
    doc, new_roles = set_native_sidecar(pod(), roles(), "init", True)
    assert pod_spec(doc)["initContainers"][0]["restartPolicy"] == "Always"
    assert new_roles["init"] == S


# --- rename --------------------------------------------------------------------------------


def test_it_renames_a_container_and_cascades() -> None:
    before = pod()
    doc, new_roles = rename_container(before, roles(), "shipper", "logs")
    assert before == pod()
    assert names(doc) == ["app", "logs"]
    assert list(new_roles) == ["init", "proxy", "app", "logs"]
    annotations = doc["metadata"]["annotations"]
    assert annotations[ROLES_ANNOTATION] == "init=init,logs=sidecar,proxy=ambassador"
    assert json.loads(annotations["pod-designer/waivers"])[0]["container"] == "logs"
    assert list(annotations)[3] == "container.apparmor.security.beta.kubernetes.io/logs"
    env = pod_spec(doc)["containers"][0]["env"][0]
    assert env["valueFrom"]["resourceFieldRef"]["containerName"] == "logs"


def test_it_renames_the_main_in_the_default_container_annotation() -> None:
    doc, new_roles = rename_container(pod(), roles(), "app", "web")
    assert doc["metadata"]["annotations"][DEFAULT_CONTAINER_ANNOTATION] == "web"
    assert new_roles["web"] == M


def test_it_refuses_a_rename_onto_an_existing_name() -> None:
    with pytest.raises(EditError, match="already exists"):
        rename_container(pod(), roles(), "app", "init")


def test_it_edits_the_pod_template_of_a_deployment() -> None:
    before = deployment()
    doc, _ = rename_container(before, roles(), "app", "web")
    assert names(doc) == ["web", "shipper"]
    assert doc["spec"]["replicas"] == 2
    assert before == deployment()


# --- volumes -------------------------------------------------------------------------------


def test_it_adds_and_refuses_duplicate_volumes() -> None:
    doc = add_volume(pod(), {"name": "cache", "emptyDir": {}})
    assert [v["name"] for v in pod_spec(doc)["volumes"]] == ["data", "logs", "cache"]
    with pytest.raises(EditError, match="already exists"):
        add_volume(doc, {"name": "cache", "emptyDir": {}})


def test_it_removes_a_volume_with_its_mounts_and_devices() -> None:
    before = pod()
    doc = remove_volume(before, "logs")
    assert before == pod()
    spec = pod_spec(doc)
    assert [v["name"] for v in spec["volumes"]] == ["data"]
    assert spec["containers"][0]["volumeMounts"] == [{"name": "data", "mountPath": "/d"}]
    assert "volumeMounts" not in spec["containers"][1]
    assert "volumeDevices" not in spec["containers"][1]
    with pytest.raises(EditError):
        remove_volume(doc, "logs")


def test_it_duplicates_and_moves_volumes() -> None:
    doc = duplicate_volume(pod(), "data")
    assert [v["name"] for v in pod_spec(doc)["volumes"]] == ["data", "data-copy", "logs"]
    doc = move_volume(doc, "logs", -10)
    assert [v["name"] for v in pod_spec(doc)["volumes"]] == ["logs", "data", "data-copy"]


def test_it_renames_a_volume_in_every_mount() -> None:
    before = pod()
    doc = rename_volume(before, "logs", "app-logs")
    assert before == pod()
    spec = pod_spec(doc)
    assert spec["volumes"][1] == {"name": "app-logs", "emptyDir": {"medium": "Memory"}}
    assert spec["containers"][0]["volumeMounts"][1] == {"name": "app-logs", "mountPath": "/var/log"}
    assert spec["containers"][1]["volumeMounts"][0]["name"] == "app-logs"
    assert spec["containers"][1]["volumeDevices"][0]["name"] == "app-logs"
    assert spec["initContainers"][0]["volumeMounts"][0]["name"] == "data"
    with pytest.raises(EditError):
        rename_volume(pod(), "logs", "data")
