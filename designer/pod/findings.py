"""The one shape every validation layer reports in: {rule, severity, path, message, hint, line}."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One problem or remark about a manifest, addressed by a kube-apiserver style field path."""

    rule: str
    severity: Severity
    path: str
    message: str
    hint: str = ""
    line: int | None = None
    # Name of the container the finding concerns (None: the pod itself); drives grouping in the
    # UI, badges in the diagram and per-container waivers.
    container: str | None = None
    # Set when a design waives this rule: the reason. Waived findings are listed, never hidden.
    waived: str | None = None
    # Follow-on findings caused by this one (a broken volume makes each of its mounts fail).
    caused: tuple[Finding, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["caused"] = [c.as_dict() for c in self.caused]
        return data

    @property
    def counts_as_error(self) -> bool:
        return self.severity == "error" and self.waived is None


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    """Counts of unwaived findings per severity (follow-on findings included)."""
    counts = {"error": 0, "warning": 0, "info": 0}
    stack = list(findings)
    while stack:
        f = stack.pop()
        if f.waived is None:
            counts[f.severity] += 1
        stack.extend(f.caused)
    return counts
