"""What every validation layer receives: the document, where its pod spec is, roles, version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.pod.roles import Role, Roles, roles_for
from designer.pod.workloads import WORKLOAD_KINDS, pod_metadata, pod_spec, spec_path

# The newest Kubernetes minor the bundled schemas know; the default target of a design.
LATEST_VERSION = (1, 37)
OLDEST_VERSION = (1, 25)


def parse_version(text: str | None) -> tuple[int, int]:
    """'1.33', 'v1.33.2' -> (1, 33); None/'' -> the newest supported; out of range -> clamped."""
    if not text:
        return LATEST_VERSION
    parts = str(text).lstrip("v").split(".")
    try:
        version = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        raise ValueError(f"not a Kubernetes version: {text!r} (expected e.g. 1.33)") from None
    return max(OLDEST_VERSION, min(LATEST_VERSION, version))


@dataclass
class LintContext:
    """The input of a rule layer; layers return findings with paths and leave `line` to lint()."""

    document: dict[str, Any]
    version: tuple[int, int] = LATEST_VERSION
    roles: Roles = field(default_factory=dict)
    # The other documents of the stream (ConfigMaps, Services, ...), in order: what a rule may
    # read about the pod's surroundings (a ConfigMap an env var or a mounted file comes from).
    companions: list[dict[str, Any]] = field(default_factory=list)
    # The PodSecurity level the namespace enforces (privileged, baseline, restricted), if any.
    pss: str | None = None

    def __post_init__(self) -> None:
        if not self.roles:
            # The role inference and the pattern rules read the same wiring (links.pod_wiring of
            # the spec and companions): build it once, patterns.wiring() picks it up.
            wiring = None
            if isinstance(self.companions, list | tuple):
                from designer.pod.links import pod_wiring

                try:
                    wiring = self.__dict__["_roles_wiring"] = pod_wiring(self.spec, self.companions)
                except Exception:  # roles_for() falls back on its own
                    wiring = None
            self.roles = roles_for(self.document, self.companions, wiring=wiring)

    @property
    def kind(self) -> str:
        kind = self.document.get("kind")
        return kind if isinstance(kind, str) and kind in WORKLOAD_KINDS else "Pod"

    @property
    def spec(self) -> dict[str, Any]:
        """The pod spec ({} when missing or malformed: the schema/apiserver layers say so)."""
        return pod_spec(self.document)

    @property
    def metadata(self) -> dict[str, Any]:
        return pod_metadata(self.document)

    @property
    def spec_path(self) -> str:
        """'spec' for a Pod, 'spec.template.spec' for a Deployment, ..."""
        return spec_path(self.kind)

    def role(self, name: str) -> Role | None:
        return self.roles.get(name)
