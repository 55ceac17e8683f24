"""Waivers: annotation format, round trip, matching."""

from __future__ import annotations

import pytest

from designer.pod.findings import Finding
from designer.pod.rules.waivers import Waiver, apply_waivers, encode_waivers, parse_waivers


def test_it_round_trips_waivers_through_the_annotation() -> None:
    waivers = [
        Waiver("LINT-PRIVILEGED", "istio-init", "mesh iptables"),
        Waiver("LINT-PROBE-*", None, "batch"),
    ]
    assert parse_waivers(encode_waivers(waivers)) == waivers


def test_it_parses_a_waiver_without_container_as_pod_wide() -> None:
    assert parse_waivers('[{"rule": "LINT-SECCOMP", "reason": "legacy"}]') == [
        Waiver("LINT-SECCOMP", None, "legacy")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        "[1]",
        '[{"rule": "X"}]',
        '[{"rule": "", "reason": "r"}]',
        '[{"rule": "X", "reason": " "}]',
        '[{"rule": "X", "reason": "r", "container": 3}]',
    ],
)
def test_it_rejects_malformed_annotations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_waivers(text)


def test_it_marks_matching_findings_and_keeps_them() -> None:
    findings = [
        Finding("LINT-PRIVILEGED", "warning", "spec.containers[0]", "m", container="istio-init"),
        Finding("LINT-PRIVILEGED", "warning", "spec.containers[1]", "m", container="app"),
        Finding("PAT-PORT-CONFLICT", "error", "spec.containers[1]", "m", container="app"),
    ]
    result = apply_waivers(findings, [Waiver("LINT-PRIVILEGED", "istio-init", "mesh")])
    assert [f.waived for f in result] == ["mesh", None, None]
    result = apply_waivers(findings, [Waiver("*-CONFLICT", None, "known")])
    assert [f.waived for f in result] == [None, None, "known"]
    assert not result[2].counts_as_error
