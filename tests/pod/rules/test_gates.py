"""Default feature gates per version, and the fields kube-apiserver drops when a gate is off."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.rules import apiserver, gates
from designer.pod.rules.context import LATEST_VERSION, OLDEST_VERSION, LintContext

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p"},
    "spec": {"containers": [{"name": "app", "image": "a:1"}]},
}


def pod(**spec: Any) -> dict[str, Any]:
    return {**POD, "spec": {**POD["spec"], **spec}}


@pytest.mark.parametrize(
    ("gate", "off", "on"),
    [
        ("DynamicResourceAllocation", (1, 33), (1, 34)),
        ("InPlacePodVerticalScaling", (1, 32), (1, 33)),
        ("SidecarContainers", (1, 28), (1, 29)),
        ("PodLevelResources", (1, 33), (1, 34)),
        ("UserNamespacesSupport", (1, 32), (1, 33)),
        ("ImageVolume", (1, 34), (1, 35)),
        ("ContainerRestartRules", (1, 34), (1, 35)),
        ("StrictIPCIDRValidation", (1, 35), (1, 36)),
    ],
)
def test_a_gate_turns_on_in_the_version_its_default_changed(gate: str, off: Any, on: Any) -> None:
    assert not gates.enabled(gate, off)
    assert gates.enabled(gate, on)


def test_every_supported_version_has_a_default_for_every_gate() -> None:
    for minor in range(OLDEST_VERSION[1], LATEST_VERSION[1] + 1):
        assert set(gates.defaults((1, minor))) == set(gates.GATES)
    assert gates.enabled("ContainerStopSignals", LATEST_VERSION) is False  # still alpha


def test_resource_claims_are_dropped_while_dra_is_off() -> None:
    spec = {"containers": [{"name": "a", "image": "a", "resources": {"claims": [{"name": "gpu"}]}}]}
    dropped = gates.drop_disabled_fields(spec, (1, 33))
    assert dropped["containers"][0]["resources"] == {}
    assert spec["containers"][0]["resources"] == {"claims": [{"name": "gpu"}]}  # a copy, not in place
    assert gates.drop_disabled_fields(spec, (1, 34)) is spec  # nothing to drop: no copy


def test_an_undeclared_claim_is_not_found_only_where_dra_is_on() -> None:
    doc = pod(containers=[{"name": "app", "image": "a:1", "resources": {"claims": [{"name": "gpu"}]}}])
    assert [f for f in apiserver.check(LintContext(doc, version=(1, 33))) if f.rule == "K8S-RES-CLAIMS"] == []
    found = [f for f in apiserver.check(LintContext(doc, version=(1, 34))) if f.rule == "K8S-RES-CLAIMS"]
    assert [(f.path, f.message) for f in found] == [
        (
            "spec.containers[0].resources.claims[0]",
            'Not found: "gpu": must be one of the names in pod.spec.resourceClaims which is empty',
        )
    ]


def test_resize_policy_on_a_regular_init_container_is_accepted_at_every_version() -> None:
    init = {
        "name": "init",
        "image": "i:1",
        "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}],
    }
    doc = pod(initContainers=[init])
    for version in ((1, 30), (1, 33), (1, 36)):
        assert [f for f in apiserver.check(LintContext(doc, version=version)) if f.severity == "error"] == []


def test_image_volumes_are_dropped_before_v1_35_so_their_mounts_are_not_found() -> None:
    doc = pod(
        containers=[{"name": "app", "image": "a:1", "volumeMounts": [{"name": "model", "mountPath": "/m"}]}],
        volumes=[{"name": "model", "image": {"reference": "registry/model:1"}}],
    )
    old = [(f.rule, f.path, f.message) for f in apiserver.check(LintContext(doc, version=(1, 34)))]
    assert old == [
        ("K8S-MOUNT-VOLUME-EXISTS", "spec.containers[0].volumeMounts[0].name", 'Not found: "model"')
    ]
    assert [f for f in apiserver.check(LintContext(doc, version=(1, 35))) if f.severity == "error"] == []


def test_a_gate_the_module_does_not_list_is_an_error_not_a_silent_false() -> None:
    with pytest.raises(KeyError):
        gates.enabled("NoSuchGate", (1, 33))


def test_dns_search_domains_may_hold_underscores_and_be_a_dot_from_v1_33() -> None:
    doc = pod(dnsConfig={"searches": ["_srv.example.com", "."]})
    old = [f.path for f in apiserver.check(LintContext(doc, version=(1, 32))) if f.rule == "K8S-POD-DNS"]
    assert old == ["spec.dnsConfig.searches[0]", "spec.dnsConfig.searches[1]"]
    assert [f for f in apiserver.check(LintContext(doc, version=(1, 33))) if f.rule == "K8S-POD-DNS"] == []
    bad = pod(dnsConfig={"searches": ["-x.example.com"]})
    (finding,) = [f for f in apiserver.check(LintContext(bad, version=(1, 33))) if f.rule == "K8S-POD-DNS"]
    assert "alphanumeric characters, '_', '-' or '.'" in finding.message


def test_a_sleep_hook_is_dropped_before_v1_30_and_its_empty_handler_too() -> None:
    hooks: dict[str, Any] = {
        "preStop": {"sleep": {"seconds": 999}},
        "postStart": {"sleep": {"seconds": 1}, "exec": {"command": ["a"]}},
    }
    spec: dict[str, Any] = {"containers": [{"name": "app", "image": "a:1", "lifecycle": hooks}]}
    dropped = gates.drop_disabled_fields(spec, (1, 29))
    assert dropped["containers"][0]["lifecycle"] == {"postStart": {"exec": {"command": ["a"]}}}
    assert spec["containers"][0]["lifecycle"]["preStop"] == {
        "sleep": {"seconds": 999}
    }  # the input is untouched
    assert gates.drop_disabled_fields(spec, (1, 30)) is spec
    # a sleep longer than the grace period is only an error where the sleep action exists
    doc = pod(containers=spec["containers"])
    assert [f.rule for f in apiserver.check(LintContext(doc, version=(1, 29))) if f.severity == "error"] == []
    assert "K8S-LIFECYCLE-HANDLER" in [f.rule for f in apiserver.check(LintContext(doc, version=(1, 30)))]
