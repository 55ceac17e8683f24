"""The rule reference: for every rule id, what it checks, why, and a failing and a passing example.

The entries are data, one YAML file per family in designer/pod/rules/reference/, so adding a rule
means adding an entry there (tests/pod/rules/test_reference.py checks that every rule id literal in
designer/ has one and that every example behaves). An entry is marked `planned: true` while its
rule is not emitted yet; landing the rule is then just removing that line.

Entry fields: id, severity (the default), summary (one line), explanation, source (where the rule
comes from upstream), fails and passes (YAML manifests), optional lint (keyword arguments for
lint() when running the examples, e.g. {pss: restricted}), optional planned, and no_example
(the reason) where an example cannot be written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SEVERITIES = ("error", "warning", "info")


class RuleDoc(NamedTuple):
    """One rule of the reference."""

    id: str
    severity: str
    family: str
    summary: str
    explanation: str
    source: str
    fails: str
    passes: str
    lint_options: dict[str, Any]
    planned: bool
    # Why an entry has no failing example (a validator bug, a bad argument), or no passing one
    # (a computed remark shown on every pod); empty when both examples are given.
    no_example: str

    @property
    def slug(self) -> str:
        """The id as an anchor or URL segment (ids are already URL-safe)."""
        return self.id


class Family(NamedTuple):
    name: str
    title: str
    rules: tuple[RuleDoc, ...]


class ReferenceError(Exception):
    """A reference file that does not have the shape described in this module's docstring."""


_REQUIRED = ("id", "severity", "summary", "explanation", "source")


def _entry(family: str, raw: Any, where: str) -> RuleDoc:
    if not isinstance(raw, dict):
        raise ReferenceError(f"{where}: an entry must be a mapping")
    missing = [key for key in _REQUIRED if not isinstance(raw.get(key), str) or not raw[key].strip()]
    if missing:
        raise ReferenceError(f"{where} {raw.get('id', '?')}: missing {', '.join(missing)}")
    if raw["severity"] not in SEVERITIES:
        raise ReferenceError(f"{where} {raw['id']}: severity must be one of {', '.join(SEVERITIES)}")
    options = raw.get("lint") or {}
    if not isinstance(options, dict):
        raise ReferenceError(f"{where} {raw['id']}: lint must be a mapping of lint() arguments")
    return RuleDoc(
        id=raw["id"],
        severity=raw["severity"],
        family=family,
        summary=" ".join(raw["summary"].split()),
        explanation=raw["explanation"].strip(),
        source=raw["source"].strip(),
        fails=str(raw.get("fails") or ""),
        passes=str(raw.get("passes") or ""),
        lint_options=options,
        planned=bool(raw.get("planned", False)),
        no_example=" ".join(str(raw.get("no_example") or "").split()),
    )


def _load_family(path: Path) -> Family:
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ReferenceError(f"{path.name}: needs `family`, `title` and a `rules` list")
    name = str(raw.get("family") or path.stem)
    rules = tuple(_entry(name, entry, path.name) for entry in raw["rules"])
    return Family(name, str(raw.get("title") or name), rules)


@cache
def families() -> tuple[Family, ...]:
    """Every family of the reference, in file-name order (files are prefixed to order them)."""
    return tuple(_load_family(path) for path in sorted(REFERENCE_DIR.glob("*.yaml")))


@cache
def rules() -> dict[str, RuleDoc]:
    """Every rule of the reference by id; a duplicate id is an error in the data."""
    result: dict[str, RuleDoc] = {}
    for family in families():
        for rule in family.rules:
            if rule.id in result:
                raise ReferenceError(
                    f"{rule.id} is documented twice ({result[rule.id].family}, {family.name})"
                )
            result[rule.id] = rule
    return result


def rule(rule_id: str) -> RuleDoc | None:
    """The entry for an id (case-insensitive), or None."""
    return rules().get(rule_id.strip().upper())


def help_uri(base_url: str, rule_id: str) -> str:
    """The web page of a rule under the site at base_url (e.g. https://pods.example.org)."""
    return f"{base_url.rstrip('/')}/rules/{rule_id}/"
