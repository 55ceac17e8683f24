"""Label selectors as apimachinery validates and evaluates them (metav1 LabelSelector).

ValidateLabelSelector (meta/v1/validation) reports the syntax errors at their fields;
LabelSelectorAsSelector fails on the same errors, which the workload validators then report once
more at the selector itself. `matches` is labels.Selector.Matches, so a workload's selector can be
checked against its pod template's labels; `go_selector` and `go_labels` print the values the way
kube-apiserver's messages do (Go's %#v).
"""

from __future__ import annotations

import json
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import names

SYNTAX = "K8S-SELECTOR-SYNTAX"
MATCH = "K8S-SELECTOR-MATCH"
_SET_OPERATORS = ("In", "NotIn")
_EXISTENCE_OPERATORS = ("Exists", "DoesNotExist")


def invalid_go(rule: str, path: str, go_value: str, detail: str = "") -> Finding:
    """Invalid value: <value printed by Go's %#v>[: detail] (a struct, map or slice value)."""
    message = f"Invalid value: {go_value}: {detail}" if detail else f"Invalid value: {go_value}"
    return Finding(rule=rule, severity="error", path=path, message=message)


def go_labels(labels: Any) -> str:
    """map[string]string{"a":"b", ...} with sorted keys, as Go prints a label map."""
    if not isinstance(labels, dict):
        return "map[string]string(nil)"
    pairs = ", ".join(f"{json.dumps(str(k))}:{json.dumps(str(v))}" for k, v in sorted(labels.items()))
    return f"map[string]string{{{pairs}}}"


def _go_strings(values: Any) -> str:
    if not isinstance(values, list):
        return "[]string(nil)"
    return "[]string{" + ", ".join(json.dumps(str(v)) for v in values) + "}"


def go_selector(selector: Any) -> str:
    """v1.LabelSelector{MatchLabels:..., MatchExpressions:...} as Go's %#v prints it."""
    selector = fp.as_dict(selector)
    expressions = selector.get("matchExpressions")
    if isinstance(expressions, list):
        items = ", ".join(
            "v1.LabelSelectorRequirement{"
            f"Key:{json.dumps(fp.as_str(fp.as_dict(e).get('key')))}, "
            f"Operator:{json.dumps(fp.as_str(fp.as_dict(e).get('operator')))}, "
            f"Values:{_go_strings(fp.as_dict(e).get('values'))}}}"
            for e in expressions
        )
        go_expressions = f"[]v1.LabelSelectorRequirement{{{items}}}"
    else:
        go_expressions = "[]v1.LabelSelectorRequirement(nil)"
    return f"v1.LabelSelector{{MatchLabels:{go_labels(selector.get('matchLabels'))}, MatchExpressions:{go_expressions}}}"


def validate_label_selector(selector: Any, path: str) -> list[Finding]:
    """ValidateLabelSelector (strict: values must be label values) at the selector's fields."""
    if not isinstance(selector, dict):
        return []
    out = names.validate_labels(SYNTAX, selector.get("matchLabels"), fp.child(path, "matchLabels"))
    for i, expression in enumerate(fp.as_list(selector.get("matchExpressions"))):
        out += _validate_requirement(fp.as_dict(expression), fp.index(fp.child(path, "matchExpressions"), i))
    return out


def _validate_requirement(requirement: dict[str, Any], path: str) -> list[Finding]:
    """ValidateLabelSelectorRequirement: the operator, its values, the key, each value."""
    out: list[Finding] = []
    operator = requirement.get("operator")
    values = fp.as_list(requirement.get("values"))
    values_path = fp.child(path, "values")
    if operator in _SET_OPERATORS:
        if not values:
            out.append(
                fp.required(SYNTAX, values_path, "must be specified when `operator` is 'In' or 'NotIn'")
            )
    elif operator in _EXISTENCE_OPERATORS:
        if values:
            out.append(
                fp.forbidden(
                    SYNTAX, values_path, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
            )
    else:
        out.append(
            fp.invalid(
                SYNTAX, fp.child(path, "operator"), fp.as_str(operator), "not a valid selector operator"
            )
        )
    key = fp.as_str(requirement.get("key"))
    out += [fp.invalid(SYNTAX, fp.child(path, "key"), key, msg) for msg in names.is_qualified_name(key)]
    for i, value in enumerate(values):
        if isinstance(value, str):
            out += [
                fp.invalid(SYNTAX, fp.index(values_path, i), value, msg)
                for msg in names.is_label_value(value)
            ]
    return out


def convertible(selector: Any) -> bool:
    """Whether LabelSelectorAsSelector succeeds (nil converts too: to a selector matching nothing)."""
    return selector is None or not validate_label_selector(selector, "")


def is_empty(selector: Any) -> bool:
    """A selector with no requirement at all (it matches everything)."""
    selector = fp.as_dict(selector)
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def matches(selector: Any, labels: Any) -> bool:
    """labels.Selector.Matches: nil matches nothing, {} everything, else every requirement holds."""
    if selector is None:
        return False
    selector = fp.as_dict(selector)
    labels = labels if isinstance(labels, dict) else {}
    for key, value in fp.as_dict(selector.get("matchLabels")).items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expression in fp.as_list(selector.get("matchExpressions")):
        expression = fp.as_dict(expression)
        key = fp.as_str(expression.get("key"))
        values = [str(v) for v in fp.as_list(expression.get("values"))]
        operator = expression.get("operator")
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def template_mismatch(selector: Any, labels: Any, path: str) -> list[Finding]:
    """The one error every controller reports when its selector misses its own pods."""
    if matches(selector, labels):
        return []
    return [invalid_go(MATCH, path, go_labels(labels), "`selector` does not match template `labels`")]
