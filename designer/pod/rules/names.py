"""Names, labels, annotations and object metadata as apimachinery validates them.

One module for every name rule (apimachinery `pkg/util/validation/validation.go` and
`pkg/api/validation/objectmeta.go`): DNS-1123 labels and subdomains, qualified names (label and
annotation keys, finalizers, readiness gates, scheduling gates), label values, and
ValidateObjectMeta for the metadata of every object. Each `is_*` returns the error details
(empty when valid); the `validate_*` functions return findings at kube-apiserver's paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    f"regex used for validation is '{DNS1123_LABEL_FMT}')"
)
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + r"(\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    f"validation is '{DNS1123_SUBDOMAIN_FMT}')"
)
QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
QUALIFIED_NAME_ERR = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
QUALIFIED_NAME_MSG = (
    f"{QUALIFIED_NAME_ERR} (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
    f"is '{QUALIFIED_NAME_FMT}')"
)
LABEL_VALUE_FMT = f"({QUALIFIED_NAME_FMT})?"
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    f"'12345', regex used for validation is '{LABEL_VALUE_FMT}')"
)
# Go's `$` is the end of the text, not "before a final newline": hence \Z throughout.
_LABEL_RE = re.compile(rf"^{DNS1123_LABEL_FMT}\Z")
_SUBDOMAIN_RE = re.compile(rf"^{DNS1123_SUBDOMAIN_FMT}\Z")
QUALIFIED_NAME_RE = re.compile(rf"^{QUALIFIED_NAME_FMT}\Z")
_LABEL_VALUE_RE = re.compile(rf"^{LABEL_VALUE_FMT}\Z")
LABEL_VALUE_MAX = 63
QUALIFIED_NAME_MAX = 63
TOTAL_ANNOTATION_SIZE = 256 * 1024  # TotalAnnotationSizeLimitB

NameCheck = Callable[[str], list[str]]


def max_len(limit: int) -> str:
    return f"must be no more than {limit} characters"


def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label: at most 63 characters of [a-z0-9-], alphanumeric at both ends.

    A value that is a valid subdomain (so its only fault is a dot) gets the shorter message
    apimachinery gives it ("must not contain dots"), as kube-apiserver v1.33 prints.
    """
    errs = []
    if len(value) > 63:
        errs.append(max_len(63))
    if not _LABEL_RE.match(value):
        errs.append("must not contain dots" if _SUBDOMAIN_RE.match(value) else DNS1123_LABEL_MSG)
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain: at most 253 characters, dot-separated DNS labels."""
    errs = []
    if len(value) > 253:
        errs.append(max_len(253))
    if not _SUBDOMAIN_RE.match(value):
        errs.append(DNS1123_SUBDOMAIN_MSG)
    return errs


def is_qualified_name(value: str) -> list[str]:
    """IsQualifiedName: an optional DNS-subdomain prefix and '/', then a 63-character name part."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [
            f"a qualified name {QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append("name part " + max_len(QUALIFIED_NAME_MAX))
    if not QUALIFIED_NAME_RE.match(name):
        errs.append("name part " + QUALIFIED_NAME_MSG)
    return errs


def is_label_value(value: str) -> list[str]:
    """IsValidLabelValue: empty, or at most 63 characters of a qualified name's alphabet."""
    errs = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(max_len(LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.match(value):
        errs.append(LABEL_VALUE_MSG)
    return errs


def validate_labels(rule: str, labels: Any, path: str) -> list[Finding]:
    """ValidateLabels: every key a qualified name, every value a label value; reported at `path`."""
    out: list[Finding] = []
    if not isinstance(labels, dict):
        return out
    for key, value in labels.items():
        out.extend(fp.invalid(rule, path, key, msg) for msg in is_qualified_name(str(key)))
        if isinstance(value, str):
            out.extend(fp.invalid(rule, path, value, msg) for msg in is_label_value(value))
    return out


def annotations_size(annotations: dict[str, Any]) -> int:
    """The bytes ValidateAnnotationsSize counts: every key and value, UTF-8."""
    return sum(len(str(k).encode()) + len(str(v).encode()) for k, v in annotations.items())


def validate_annotations(rule: str, annotations: Any, path: str) -> list[Finding]:
    """ValidateAnnotations: keys are qualified names (compared lower-cased), 256 KiB in all."""
    out: list[Finding] = []
    if not isinstance(annotations, dict):
        return out
    for key in annotations:
        out.extend(fp.invalid(rule, path, key, msg) for msg in is_qualified_name(str(key).lower()))
    if annotations_size(annotations) > TOTAL_ANNOTATION_SIZE:
        out.append(fp.too_long(rule, path, f"may not be more than {TOTAL_ANNOTATION_SIZE} bytes"))
    return out


DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    f"regex used for validation is '{DNS1035_LABEL_FMT}')"
)
_DNS1035_RE = re.compile(rf"^{DNS1035_LABEL_FMT}\Z")


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label (Service names): at most 63 characters, starting with a letter."""
    errs = []
    if len(value) > 63:
        errs.append(max_len(63))
    if not _DNS1035_RE.match(value):
        errs.append(DNS1035_LABEL_MSG)
    return errs
