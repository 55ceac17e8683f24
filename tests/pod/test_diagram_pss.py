"""The diagram marks the containers that break the PodSecurity level the namespace enforces."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from designer.pod.diagram import build_dot
from designer.pod.render import render, sanitize_svg
from designer.pod.rules.lint import lint

HOSTILE = '<b>x</b>&"]'

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {
        "containers": [
            {"name": "calm", "image": "nginx:1.27"},
            {"name": HOSTILE, "image": "agent:1", "securityContext": {"privileged": True}},
        ]
    },
}


def _node(dot: str, node: str) -> str:
    match = re.search(rf"^\s*{node} \[.*$", dot, re.M)
    assert match, dot
    return match.group(0)


def test_it_marks_only_the_container_that_breaks_the_level() -> None:
    dot = build_dot(POD, findings=lint(POD, version="1.33", pss="baseline"), version="1.33", pss="baseline")
    assert "enforces PodSecurity baseline" in dot
    assert "[PSS] violates PodSecurity baseline" in _node(dot, "c1")
    assert "privileged" in _node(dot, "c1")
    assert "[PSS]" not in _node(dot, "c0")
    labels = re.sub(r'(id|tooltip)="(?:[^"\\]|\\.)*"', "", dot)
    assert "<b>x</b>" not in labels and "&lt;b&gt;x&lt;/b&gt;&amp;" in labels


def test_at_restricted_every_container_is_marked_and_a_waived_one_is_not() -> None:
    from designer.pod.rules.waivers import Waiver

    waiver = Waiver(rule="K8S-PSS-*", container="calm", reason="vendor image")
    findings = lint(POD, version="1.33", pss="restricted", waivers=[waiver])
    dot = build_dot(POD, findings=findings, pss="restricted")
    assert "[PSS] violates PodSecurity restricted" in _node(dot, "c1")
    assert "[PSS]" not in _node(dot, "c0")


def test_without_a_level_nothing_is_marked() -> None:
    dot = build_dot(POD, findings=lint(POD, version="1.33"))
    assert "[PSS]" not in dot and "enforces PodSecurity" not in dot


def test_the_mark_renders_as_text_beside_an_escaped_name(engine: str) -> None:
    findings = lint(POD, version="1.33", pss="baseline")
    svg = sanitize_svg(render(build_dot(POD, findings=findings, pss="baseline"), "svg", engine=engine))
    root = ET.fromstring(svg)
    node = next(g for g in root.iter() if g.get("id") == f"container-{HOSTILE}")
    text = " ".join(t.text or "" for t in node.iter() if t.tag.endswith("text"))
    assert HOSTILE in text and "violates PodSecurity baseline" in text
