"""The typed shapes of the JSON API /api/v1/ (pydantic, through django-ninja): the OpenAPI schema.

Inputs are checked here as far as a type can say it (ASCII numbers, known kinds, levels and
versions); what needs the domain (the loader's limits, a manifest that reads) is checked by the
views and answered 400 in the same Error shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, WithJsonSchema

from designer.numbers import MAX_NUMBER, ascii_int
from designer.pod.rules.context import LATEST_VERSION, OLDEST_VERSION, parse_supported_version
from designer.pod.rules.pss import LEVELS as PSS_LEVELS
from designer.pod.workloads import WORKLOAD_KINDS

SUPPORTED_VERSIONS = [f"1.{minor}" for minor in range(LATEST_VERSION[1], OLDEST_VERSION[1] - 1, -1)]


def _ascii_number(value: Any) -> Any:
    """Query parameters arrive as text: only ASCII digits make a number ("٣" is not 3 here)."""
    if isinstance(value, str):
        number = ascii_int(value)
        if number is None:
            raise ValueError("must be a number written with the digits 0-9")
        return number
    return value


def _one_of(allowed: list[str] | tuple[str, ...], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{what} must be one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def _supported_version(value: str) -> str:
    version = parse_supported_version(value)  # ValueError: not a version, or not supported
    return f"{version[0]}.{version[1]}"


Number = Annotated[
    int,
    BeforeValidator(_ascii_number),
    Field(ge=0, le=MAX_NUMBER),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_NUMBER}),
]
Kind = Annotated[str, _one_of(list(WORKLOAD_KINDS), "kind"), WithJsonSchema({"enum": list(WORKLOAD_KINDS)})]
Level = Annotated[str, _one_of(PSS_LEVELS, "pss"), WithJsonSchema({"enum": list(PSS_LEVELS)})]
Version = Annotated[
    str,
    AfterValidator(_supported_version),
    WithJsonSchema({"type": "string", "enum": SUPPORTED_VERSIONS, "description": "e.g. 1.33 (v1.33.2 too)"}),
]
Format = Literal["yaml", "json"]


class Error(Schema):
    """Every 4xx answer: a message; where the manifest broke, its line and column."""

    error: str
    line: int | None = None
    column: int | None = None


class Candidate(Schema):
    index: int
    kind: str
    name: str


class ChooseError(Error):
    """A stream with several workloads and no `choose`: the workloads to choose from."""

    candidates: list[Candidate]


class DesignSummary(Schema):
    id: int
    name: str
    description: str
    kind: str
    owner: str | None
    team: str | None
    visibility: str
    tags: list[str]
    k8s_version: str
    pss: str | None
    roles_present: list[str]
    revision: int = Field(description="the latest revision's number")
    errors: int
    warnings: int
    is_starter: bool
    forked_from: int | None
    updated: datetime
    url: str
    api_url: str


class DesignPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DesignSummary]


class RevisionOut(Schema):
    number: int
    author: str | None
    message: str
    created: datetime
    parent: int | None
    errors: int
    warnings: int
    document: dict[str, Any]
    companions: list[dict[str, Any]]
    roles: dict[str, str]


class DesignDetail(DesignSummary):
    permissions: list[str]
    latest: RevisionOut | None


class DesignCreate(Schema):
    """A new design from a manifest text (YAML or JSON, one stream)."""

    manifest: str = Field(description="YAML or JSON text; several documents: set `choose`")
    name: str | None = Field(None, max_length=200, description="default: the workload's name")
    choose: Annotated[int, Field(ge=0, le=MAX_NUMBER)] | None = Field(
        None, description="the index of the workload to design when the stream holds several"
    )
    k8s_version: Version | None = None
    pss: Level | None = None


class DesignUpdate(Schema):
    """A new revision: a `document` (with `companions`, `roles`) or a `manifest` text."""

    base_revision: StrictInt = Field(ge=0, le=MAX_NUMBER, description="the revision the edit started from")
    document: dict[str, Any] | None = Field(None, description="the Kubernetes object (workload)")
    companions: list[dict[str, Any]] | None = None
    roles: dict[str, str] | None = Field(None, description="{container: role}; the rest inferred")
    manifest: str | None = Field(None, description="YAML or JSON text instead of `document`")
    choose: Annotated[int, Field(ge=0, le=MAX_NUMBER)] | None = None
    message: str = Field("", max_length=10_000, description="the revision message (first 500 kept)")
    pss: Level | None = Field(None, description="the level the namespace enforces; null: not checked")


class Change(Schema):
    path: str
    side: Literal["theirs", "mine"] = Field(description="theirs: saved since the base; mine: this update")


class SaveResult(Schema):
    """`saved` (on the latest revision), `merged` (base_revision was stale: the changes saved
    since and this update's touched different paths, all kept: `merged_paths`), or `unchanged`
    (nothing differed from the latest revision: no revision was created; `revision` is the latest)."""

    outcome: Literal["saved", "merged", "unchanged"]
    detail: str
    normalised: bool = Field(
        description="the stored text is the canonical dump: the given or patched text no longer matched"
    )
    merged_paths: list[str]
    changes: list[Change]
    design: DesignSummary
    revision: RevisionOut


class ConflictItem(Schema):
    path: str
    base: Any = Field(description="the value in base_revision")
    theirs: Any = Field(description="the value in the latest revision")
    mine: Any = Field(description="the value this update sends")
    absent: list[Literal["base", "theirs", "mine"]] = Field(
        description="the sides where the path holds nothing (their value shows as null)"
    )


class Conflict(Error):
    """409, nothing saved: the latest revision and this update changed the same paths
    differently since base_revision (`conflicts`), or base_revision is not a revision of the
    design (`conflicts` empty). `current_revision` is the latest: merge by hand and retry."""

    conflicts: list[ConflictItem]
    current_revision: RevisionOut


class FindingOut(Schema):
    rule: str
    severity: Literal["error", "warning", "info"]
    path: str
    message: str
    hint: str
    line: int | None
    container: str | None
    waived: str | None
    caused: list[FindingOut]


class Counts(Schema):
    error: int
    warning: int
    info: int


class LintedDocument(Schema):
    index: int
    kind: str
    name: str
    counts: Counts
    findings: list[FindingOut]


class LintResult(Schema):
    """Every workload of the stream in `documents`; with one workload, `kind` and `findings` too."""

    k8s_version: str
    pss: str | None
    counts: Counts
    documents: list[LintedDocument]
    kind: str | None = None
    findings: list[FindingOut] | None = None
