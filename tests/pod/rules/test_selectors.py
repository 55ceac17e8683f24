"""Label selectors: syntax errors at kube-apiserver's paths, and matching as labels.Selector does."""

from __future__ import annotations

import pytest

from designer.pod.rules import selectors


def paths(selector: object) -> list[str]:
    return [f.path for f in selectors.validate_label_selector(selector, "spec.selector")]


def test_a_valid_selector_has_no_finding() -> None:
    selector = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a"]}],
    }
    assert paths(selector) == []
    assert selectors.convertible(selector)


@pytest.mark.parametrize(
    ("expression", "path", "start"),
    [
        (
            {"key": "a", "operator": "Equals", "values": ["x"]},
            "spec.selector.matchExpressions[0].operator",
            "Invalid value",
        ),
        ({"key": "a", "operator": "In"}, "spec.selector.matchExpressions[0].values", "Required value"),
        (
            {"key": "a", "operator": "Exists", "values": ["x"]},
            "spec.selector.matchExpressions[0].values",
            "Forbidden",
        ),
        ({"key": "-a", "operator": "Exists"}, "spec.selector.matchExpressions[0].key", "Invalid value"),
        (
            {"key": "a", "operator": "In", "values": ["two words"]},
            "spec.selector.matchExpressions[0].values[0]",
            "Invalid value",
        ),
    ],
)
def test_a_bad_requirement_is_reported_at_its_field(
    expression: dict[str, object], path: str, start: str
) -> None:
    findings = selectors.validate_label_selector({"matchExpressions": [expression]}, "spec.selector")
    assert [(f.path, f.message.split(":")[0]) for f in findings] == [(path, start)]
    assert not selectors.convertible({"matchExpressions": [expression]})


def test_match_labels_keys_and_values_are_label_syntax() -> None:
    assert paths({"matchLabels": {"-app": "web", "app": "-web"}}) == ["spec.selector.matchLabels"] * 2


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        (None, {"app": "a"}, False),  # nil matches nothing
        ({}, {}, True),  # empty matches everything
        ({"matchLabels": {"app": "a"}}, {"app": "a", "x": "y"}, True),
        ({"matchLabels": {"app": "a"}}, {"app": "b"}, False),
        ({"matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["x"]}]}, {}, True),
        ({"matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["x"]}]}, {"t": "x"}, False),
        ({"matchExpressions": [{"key": "t", "operator": "Exists"}]}, {"t": ""}, True),
        ({"matchExpressions": [{"key": "t", "operator": "DoesNotExist"}]}, {"t": ""}, False),
    ],
)
def test_matches_follows_labels_selector(selector: object, labels: dict[str, str], expected: bool) -> None:
    assert selectors.matches(selector, labels) is expected


def test_the_mismatch_prints_the_template_labels_as_go_does() -> None:
    (finding,) = selectors.template_mismatch({"matchLabels": {"app": "a"}}, {"z": "1", "b": "2"}, "p")
    assert (
        finding.message
        == 'Invalid value: map[string]string{"b":"2", "z":"1"}: `selector` does not match template `labels`'
    )
    assert selectors.go_selector({"matchLabels": {"a": "b"}}) == (
        'v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}'
    )
