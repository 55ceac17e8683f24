"""lint(): all layers together, lines, waivers, order, and never an exception."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.pod.findings import Finding
from designer.pod.rules.lint import LAYERS, line_for, lint
from designer.pod.rules.waivers import Waiver, encode_waivers

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "manifests"
# The schema and apiserver layers are written alongside; test with the ones that exist.
PRESENT = tuple(name for name in LAYERS if importlib.util.find_spec(f"designer.pod.rules.{name}") is not None)


def pod(containers: list[Any], **spec: Any) -> dict[str, Any]:
    annotations = spec.pop("annotations", None)
    metadata: dict[str, Any] = {"name": "web"}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": containers, **spec},
    }


def clash() -> dict[str, Any]:
    return pod(
        [
            {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]},
            {"name": "proxy", "image": "envoy:1.30", "ports": [{"containerPort": 8080}]},
        ]
    )


def test_it_runs_the_pattern_and_practice_layers() -> None:
    rules = {f.rule for f in lint(clash(), layers=("patterns", "practices"))}
    assert "PAT-PORT-CONFLICT" in rules and "LINT-RES-REQUESTS" in rules


def test_it_sorts_by_severity_then_path_then_rule() -> None:
    findings = lint(clash(), layers=("patterns", "practices"))
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.path, f.rule) for f in findings]
    assert keys == sorted(keys)
    assert findings == lint(clash(), layers=("patterns", "practices"))


def test_it_turns_a_crashing_layer_into_one_internal_finding() -> None:
    findings = lint(clash(), layers=("patterns", "no-such-layer"))
    internal = [f for f in findings if f.rule == "INTERNAL"]
    assert len(internal) == 1 and internal[0].severity == "error" and "no-such-layer" in internal[0].message


def test_digits_that_only_python_calls_digits_do_not_break_a_layer() -> None:
    # '²'.isdigit() is true and int('²') raises; '٥٤٣٢' matches \d and int() reads it as 5432.
    document = pod(
        [
            {
                "name": "app",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 80}],
                "env": [{"name": "DB_PORT", "value": "²"}, {"name": "LISTEN_ADDR", "value": "localhost:٣٣"}],
                "readinessProbe": {"tcpSocket": {"port": "²"}},
            },
            {"name": "db-proxy", "image": "cloud-sql-proxy:2", "args": ["--port=٥٤٣٢"]},
        ]
    )
    findings = lint(document)
    assert [f.message for f in findings if f.rule == "INTERNAL"] == []
    assert "K8S-PROBE-HANDLER-FIELDS" in {f.rule for f in findings}


def test_it_fills_lines_from_the_nearest_ancestor_in_the_line_map() -> None:
    line_map = {"": (1, 1), "spec": (4, 1), "spec.containers[1]": (9, 5), "spec.containers[1].ports": (12, 7)}
    assert line_for("spec.containers[1].ports[0].containerPort", line_map) == 12
    assert line_for("spec.volumes[0]", line_map) == 4
    assert line_for("metadata.annotations[a.b/c]", {"metadata.annotations": (3, 3)}) == 3
    conflict = next(
        f for f in lint(clash(), line_map=line_map, layers=("patterns",)) if f.rule == "PAT-PORT-CONFLICT"
    )
    assert conflict.line == 12


def test_it_applies_waivers_from_the_argument_and_the_annotation() -> None:
    waiver = [Waiver("PAT-PORT-CONFLICT", "proxy", "the proxy is replaced at deploy time")]
    findings = lint(clash(), waivers=waiver, layers=("patterns",))
    conflict = next(f for f in findings if f.rule == "PAT-PORT-CONFLICT")
    assert conflict.waived == "the proxy is replaced at deploy time"
    document = clash()
    document["metadata"]["annotations"] = {
        "pod-designer/waivers": encode_waivers([Waiver("LINT-*", None, "demo")])
    }
    findings = lint(document, layers=("patterns", "practices"))
    assert all(f.waived == "demo" for f in findings if f.rule.startswith("LINT-"))
    assert not any(f.waived for f in findings if f.rule.startswith("PAT-"))


def test_it_reports_an_unreadable_waiver_annotation() -> None:
    document = clash()
    document["metadata"]["annotations"] = {"pod-designer/waivers": "[{oops"}
    found = [
        (f.rule, f.path) for f in lint(document, layers=("patterns",)) if f.rule == "LINT-WAIVER-INVALID"
    ]
    assert found == [("LINT-WAIVER-INVALID", "metadata.annotations[pod-designer/waivers]")]


def test_it_accepts_roles_and_versions_in_either_form() -> None:
    document = pod(
        [{"name": "app", "image": "a:1"}],
        initContainers=[{"name": "proxy", "image": "envoy:1", "restartPolicy": "Always"}],
    )
    old = [
        f.severity
        for f in lint(document, version="1.28", layers=("patterns",))
        if f.rule == "PAT-NATIVE-SIDECAR-VERSION"
    ]
    assert old == ["warning"]
    assert [
        f
        for f in lint(document, version=(1, 33), layers=("patterns",))
        if f.rule == "PAT-NATIVE-SIDECAR-VERSION"
    ] == []
    findings = lint(document, roles={"app": "sidecar", "proxy": "sidecar"}, layers=("patterns",))
    assert "PAT-MAIN-REQUIRED" in {f.rule for f in findings}


def test_it_never_raises_on_a_non_mapping() -> None:
    assert [f.rule for f in lint("nope")] == ["INTERNAL"]  # type: ignore[arg-type]


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.text(max_size=12),
    st.floats(),
    # Strings that look like numbers to str.isdigit() or to a `$` regex, and are not to Go.
    st.sampled_from(["²", "٣٣", "80\n", "8080", "100m\n", "localhost:٣"]),
)
_junk = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "name",
        "image",
        "ports",
        "env",
        "command",
        "args",
        "volumeMounts",
        "resources",
        "securityContext",
        "readinessProbe",
        "livenessProbe",
        "startupProbe",
        "restartPolicy",
        "imagePullPolicy",
        "lifecycle",
    ]
)
_container = st.dictionaries(_keys, _junk, max_size=8)
_spec_keys = st.sampled_from(
    [
        "containers",
        "initContainers",
        "volumes",
        "restartPolicy",
        "securityContext",
        "hostNetwork",
        "shareProcessNamespace",
        "resources",
        "overhead",
        "serviceAccountName",
    ]
)


@settings(
    max_examples=int(os.environ.get("LINT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    containers=st.lists(st.one_of(_container, _junk), max_size=4),
    init=st.lists(st.one_of(_container, _junk), max_size=3),
    extra=st.dictionaries(_spec_keys, _junk, max_size=4),
    annotations=st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(
                ["pod-designer/waivers", "pod-designer/roles", "kubectl.kubernetes.io/default-container"]
            ),
            _junk,
            max_size=3,
        ),
    ),
)
def test_it_never_raises_or_reports_internal_on_junk(
    containers: list[Any], init: list[Any], extra: dict[str, Any], annotations: dict[str, Any] | None
) -> None:
    document = pod(containers, initContainers=init, annotations=annotations)
    document["spec"].update(extra)
    findings = lint(document, layers=PRESENT)
    assert all(isinstance(f, Finding) for f in findings)
    assert [f.message for f in findings if f.rule == "INTERNAL"] == []


def _realistic() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*") if p.suffix in (".yaml", ".yml", ".json"))


@pytest.mark.parametrize("path", _realistic(), ids=lambda p: p.name)
def test_it_finds_no_errors_in_realistic_manifests(path: Path) -> None:
    from designer.pod.manifest import MultipleWorkloads, load_manifest

    text = path.read_text(encoding="utf-8")
    try:
        manifests = [load_manifest(text)]
    except MultipleWorkloads as many:
        manifests = [load_manifest(text, choose=index) for index, _, _ in many.candidates]
    for manifest in manifests:
        findings = lint(manifest.document, line_map=manifest.line_map, version="1.33", layers=PRESENT)
        errors = [json.dumps(f.as_dict()) for f in findings if f.severity == "error"]
        assert errors == []
        assert all(f.line is not None for f in findings)


def test_it_falls_back_to_the_newest_version_when_the_target_is_not_a_version() -> None:
    findings = lint(clash(), version="banana", layers=("patterns",))
    assert [(f.rule, f.severity) for f in findings if f.rule == "LINT-VERSION-INVALID"] == [
        ("LINT-VERSION-INVALID", "warning")
    ]
    assert "PAT-PORT-CONFLICT" in {f.rule for f in findings}
