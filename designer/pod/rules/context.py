"""What every validation layer receives: the document, where its pod spec is, roles, version."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designer.pod.roles import Mesh, Role, Roles, roles_for
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


_VERSION_RE = re.compile(r"v?([0-9]{1,3})\.([0-9]{1,3})(?:\.[0-9]{1,6})?")


def parse_supported_version(text: str | None) -> tuple[int, int]:
    """'1.33', 'v1.33.2' -> (1, 33); None/'' -> the newest; ValueError when not a version of
    ASCII digits or outside the supported range (input from the API: refused, not clamped)."""
    if not text:
        return LATEST_VERSION
    match = _VERSION_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a Kubernetes version: {text!r} (expected e.g. 1.33)")
    version = (int(match.group(1)), int(match.group(2)))
    if not OLDEST_VERSION <= version <= LATEST_VERSION:
        oldest, latest = (f"{v[0]}.{v[1]}" for v in (OLDEST_VERSION, LATEST_VERSION))
        raise ValueError(f"Kubernetes {version[0]}.{version[1]} is not supported (from {oldest} to {latest})")
    return version


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
            self.roles = roles_for(self.document, self.companions, wiring=wiring, mesh=self.mesh)

    @property
    def mesh(self) -> Mesh:
        """The service mesh of the pod (roles.Mesh), detected once per lint: the role inference,
        the pattern and the practice rules all ask. Read-only for the layers."""
        if "_mesh" not in self.__dict__:
            self.__dict__["_mesh"] = Mesh(self.document)
        return self.__dict__["_mesh"]  # type: ignore[no-any-return]

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
