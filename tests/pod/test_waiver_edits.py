"""set_waiver / remove_waiver: waivers travel in the pod's pod-designer/waivers annotation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.pod.edits import EditError, remove_waiver, set_waiver
from designer.pod.rules.lint import lint
from designer.pod.rules.waivers import WAIVERS_ANNOTATION, Waiver, parse_waivers

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {
        "containers": [
            {"name": "app", "image": "nginx:1.27"},
            {"name": "proxy", "image": "envoyproxy/envoy:v1.30.1", "securityContext": {"privileged": True}},
        ]
    },
}


def waivers_of(document: dict[str, Any]) -> list[Waiver]:
    return parse_waivers(document["metadata"]["annotations"][WAIVERS_ANNOTATION])


def test_it_waives_a_rule_for_one_container_and_lint_lists_it_as_waived() -> None:
    before = [f for f in lint(POD) if f.container == "proxy" and f.waived is None]
    rule = next(f.rule for f in before if f.severity in ("error", "warning"))
    waived = set_waiver(POD, rule, "proxy", "  injected by the mesh;\n owned by the platform team ")
    assert [(w.rule, w.container, w.reason) for w in waivers_of(waived)] == [
        (rule, "proxy", "injected by the mesh; owned by the platform team")
    ]
    after = [f for f in lint(waived) if f.rule == rule and f.container == "proxy"]
    assert after and all(f.waived == "injected by the mesh; owned by the platform team" for f in after)
    assert "annotations" not in POD["metadata"]  # the input is never changed


def test_it_replaces_a_waiver_of_the_same_rule_and_container() -> None:
    once = set_waiver(POD, "LINT-PRIVILEGED", "proxy", "first")
    twice = set_waiver(once, "LINT-PRIVILEGED", "proxy", "second")
    assert [w.reason for w in waivers_of(twice)] == ["second"]


def test_it_removes_a_waiver_and_the_annotation_when_none_is_left() -> None:
    waived = set_waiver(POD, "LINT-PRIVILEGED", "proxy", "why")
    assert remove_waiver(waived, "LINT-PRIVILEGED", "proxy") == POD


def test_it_refuses_a_waiver_without_reason_or_for_an_unknown_container() -> None:
    with pytest.raises(EditError, match="reason"):
        set_waiver(POD, "LINT-PRIVILEGED", "proxy", "   ")
    with pytest.raises(EditError, match="no container"):
        set_waiver(POD, "LINT-PRIVILEGED", "ghost", "why")
    with pytest.raises(EditError, match="not waived"):
        remove_waiver(POD, "LINT-PRIVILEGED", "proxy")


def test_it_never_overwrites_a_malformed_annotation() -> None:
    broken = copy.deepcopy(POD)
    broken["metadata"]["annotations"] = {WAIVERS_ANNOTATION: "not json"}
    with pytest.raises(EditError, match="cannot be read"):
        set_waiver(broken, "LINT-PRIVILEGED", "proxy", "why")


def test_it_waives_for_the_pod_inside_a_workload_template() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": copy.deepcopy(POD["spec"])}},
    }
    waived = set_waiver(deployment, "LINT-X", None, "pod-wide")
    meta = waived["spec"]["template"]["metadata"]
    assert list(meta) == ["labels", "annotations"]
    assert parse_waivers(meta["annotations"][WAIVERS_ANNOTATION])[0].container is None
