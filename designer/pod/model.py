"""The containers and volumes of a pod: one light view over the document (DESIGN.md §3).

A pod keeps its containers in three lists: init containers (run to completion one after another,
or, with restartPolicy Always, native sidecars that keep running beside the app), app containers
and ephemeral containers (added to a running pod for debugging). This module is the one place
that walks them; the rest of the core asks it, so "which containers, in which order, counted how"
has one answer.

The view reads the document as it is, malformed parts included: only mappings count as
containers or volumes (the schema layer reports the rest), and an entry's index is its position
in the document's list, so that `spec.containers[3]` names the same container in a finding, a
diagram node and an edit.
"""

from __future__ import annotations

from typing import Any

from designer.pod.workloads import pod_spec

INIT = "initContainers"
APP = "containers"
EPHEMERAL = "ephemeralContainers"
# The containers the pod itself runs, in start order (what most of the core means by "containers").
POD_GROUPS = (INIT, APP)
ALL_GROUPS = (INIT, APP, EPHEMERAL)


def is_native_sidecar(container: Any) -> bool:
    """An init container with restartPolicy Always keeps running beside the app (KEP-753)."""
    return isinstance(container, dict) and container.get("restartPolicy") == "Always"


class Slot:
    """One container and where it lives: its list (group) and its position in that list.

    A plain slotted class, not a dataclass: the diagram CLI walks containers, and importing
    dataclasses costs its start-up a few milliseconds (tests/pod/test_cli_diagram.py).
    """

    __slots__ = ("container", "group", "index")

    def __init__(self, group: str, index: int, container: dict[str, Any]) -> None:
        self.group = group
        self.index = index
        self.container = container

    def __repr__(self) -> str:
        return f"Slot({self.group!r}, {self.index}, {self.name!r})"

    @property
    def name(self) -> str | None:
        name = self.container.get("name")
        return name if isinstance(name, str) else None

    @property
    def native(self) -> bool:
        """A native sidecar: an init container that keeps running."""
        return self.group == INIT and is_native_sidecar(self.container)

    def path(self, spec_path: str) -> str:
        """The field path in kube-apiserver's style, e.g. 'spec.initContainers[0]'."""
        where = f"{spec_path}.{self.group}" if spec_path else self.group
        return f"{where}[{self.index}]"

    @property
    def runs(self) -> bool:
        """Runs beside the app: an app container or a native sidecar."""
        return self.group == APP or self.native


class PodView:
    """Containers and volumes of one pod spec (a live view: the mappings are the document's)."""

    __slots__ = ("spec",)

    def __init__(self, spec: Any) -> None:
        self.spec: dict[str, Any] = spec if isinstance(spec, dict) else {}

    @classmethod
    def of(cls, document: Any) -> PodView:
        """The view of a Pod's spec or of a workload's pod template spec."""
        return cls(pod_spec(document) if isinstance(document, dict) else {})

    def slots(self, *groups: str) -> list[Slot]:
        """Containers of the groups (default: init then app) with group and document index."""
        return [
            Slot(group, i, c)
            for group in groups or POD_GROUPS
            for i, c in enumerate(_list(self.spec.get(group)))
            if isinstance(c, dict)
        ]

    def containers(self, *groups: str) -> list[dict[str, Any]]:
        """The container mappings of the groups (default: init then app), in document order."""
        return [
            c for group in groups or POD_GROUPS for c in _list(self.spec.get(group)) if isinstance(c, dict)
        ]

    def named(self, *groups: str) -> list[dict[str, Any]]:
        """The containers that have a name (a string), in document order."""
        return [c for c in self.containers(*groups) if isinstance(c.get("name"), str)]

    def names(self, *groups: str) -> list[str]:
        """The containers' names (default: init then app), in document order."""
        return [c["name"] for c in self.named(*groups)]

    def find(self, name: str, *groups: str) -> Slot | None:
        """The first container called name (default: in any group, ephemeral ones included)."""
        return next((s for s in self.slots(*(groups or ALL_GROUPS)) if s.container.get("name") == name), None)

    def volumes(self) -> list[dict[str, Any]]:
        """The pod's volume mappings, in document order."""
        return [v for v in _list(self.spec.get("volumes")) if isinstance(v, dict)]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
