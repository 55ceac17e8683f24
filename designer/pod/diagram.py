"""Graphviz DOT drawings of the inside of a pod (DESIGN.md §5): pure, deterministic, never raises.

Every string a user wrote reaches DOT through one of two doors: `_q()` (a DOT quoted string, used
only for `id`/`tooltip` attributes) or `_h()` (text inside an HTML-like label). Labels are always
HTML-like, so graphviz's backslash escapes (`\\N`, `\\G`, ...) never apply to user text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from designer.pod.links import Wiring, pod_wiring
from designer.pod.model import APP, INIT, PodView
from designer.pod.roles import Role, container_ports, is_native_sidecar, roles_for
from designer.pod.workloads import pod_metadata, pod_spec

if TYPE_CHECKING:  # at run time only _Marks needs it, and only when there are findings to mark
    from designer.pod.findings import Finding

FONT = "Helvetica"
MAX_TEXT = 60  # characters of one user string shown in a label; the rest is elided
IMAGE_TEXT = 30  # characters of an image reference in a node (the tooltip has all of it)
# No text in the drawing is smaller than this (points): at "fit" in the editor's panel it must
# stay readable (issue 14), so a big pod is wrapped into rows rather than drawn small.
MIN_FONT = 10
LANE_ROW = 5  # init steps in one row of the lane

# role -> (fill colour, border colour, node shape, extra style, badge word)
# Colour is never the only signal: shape and the badge word differ too.
ROLE_STYLE: dict[str, tuple[str, str, str, str, str]] = {
    "main": ("#cfe2ff", "#084298", "box", "filled,bold", "MAIN"),
    "sidecar": ("#d1e7dd", "#0f5132", "box", "filled,rounded", "SIDECAR"),
    "adapter": ("#fff3cd", "#664d03", "component", "filled", "ADAPTER"),
    "ambassador": ("#e2d9f3", "#432874", "box3d", "filled", "AMBASSADOR"),
    # A mesh proxy is transparent (iptables redirect): drawn apart from the ambassadors.
    "mesh-proxy": ("#f8f9fa", "#495057", "octagon", "filled,dashed", "MESH PROXY"),
    "native": ("#d1e7dd", "#0f5132", "box", "filled,rounded,dashed", "NATIVE SIDECAR"),
    "init": ("#e9ecef", "#41464b", "box", "filled", "INIT"),
}
LINK_COLOUR = {"ambassador": "#432874", "adapter": "#997404", "other": "#41464b"}
DANGER = "#b02a37"
WARN = "#997404"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTAINER_PATH = re.compile(
    r"(?:^|\.)(initContainers|containers)\[([0-9]+)\](?:\.volumeMounts\[([0-9]+)\])?"
)
_VOLUME_PATH = re.compile(r"(?:^|\.)volumes\[([0-9]+)\]")


# --- escaping -------------------------------------------------------------------------------


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    """Any value as one printable line (no control characters), elided past `limit` characters."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = _CONTROL.sub("", text.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _h(value: Any, limit: int = MAX_TEXT) -> str:
    """Text for an HTML-like label: entities for every character graphviz's parser cares about."""
    text = _text(value, limit)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("[", "&#91;")
        .replace("]", "&#93;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
        .replace("\\", "&#92;&#92;")
    )


def _percent(text: str) -> str:
    """URL fragment encoding (dot 2.43 writes HREF into the SVG without escaping quotes)."""
    safe = "-_.~"
    return "".join(
        chr(byte) if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in safe) else f"%{byte:02X}"
        for byte in text.encode("utf-8", "replace")
    )


def _q(value: Any, limit: int = 200) -> str:
    """A DOT quoted string. Backslashes are doubled so escString expansion (\\N...) cannot fire."""
    text = _text(value, limit).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


# --- reading the document defensively ---------------------------------------------------------


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(item: dict[str, Any], fallback: str) -> str:
    name = item.get("name")
    return name if isinstance(name, str) and name else fallback


def _role_word(role: Any) -> str:
    value = role.value if isinstance(role, Role) else role
    return value if isinstance(value, str) and value in ROLE_STYLE else "sidecar"


def _safe_roles(document: dict[str, Any], roles: dict[str, Any] | None) -> dict[str, str]:
    if roles is None:
        try:
            roles = dict(roles_for(document))
        except Exception:  # a malformed document must still draw
            roles = {}
    return {str(name): _role_word(role) for name, role in roles.items()}


def _ports(container: dict[str, Any]) -> list[tuple[int, str]]:
    """(containerPort, 'name/PROTO') for each declared port, first occurrence of a number only."""
    seen: set[int] = set()
    result = []
    for port in _dicts(container.get("ports")):
        number = port.get("containerPort")
        if not isinstance(number, int) or isinstance(number, bool) or number in seen:
            continue
        seen.add(number)
        proto = port.get("protocol") if isinstance(port.get("protocol"), str) else "TCP"
        name = port.get("name") if isinstance(port.get("name"), str) else ""
        result.append((number, f"{name} {proto}".strip()))
    return result


def _safe_container_ports(container: dict[str, Any]) -> list[int]:
    try:
        return [p for p in container_ports(container) if not isinstance(p, bool)]
    except Exception:
        return []


class _Item:
    """One container as drawn: where it is in the document and what it is called in DOT."""

    def __init__(self, group: str, index: int, container: dict[str, Any], role: str) -> None:
        self.group = group  # "initContainers" | "containers"
        self.index = index
        self.container = container
        self.name = _name(container, f"{group}[{index}]")
        self.native = group == INIT and is_native_sidecar(container)
        if role == "mesh-proxy":  # injected as a native sidecar or not, it is the mesh's proxy
            self.role = role
        else:
            self.role = "native" if self.native else ("init" if group == INIT else role)
        if self.role == "init" and group == APP:
            self.role = "sidecar"
        prefix = "i" if group == INIT else "c"
        self.node = f"{prefix}{index}"
        self.id = f"{'init' if group == INIT else 'container'}-{self.name}"
        # The editor's form for this container: a click on the node opens it (native sidecars
        # are edited beside the app containers, classic init containers in their own lane).
        self.form = f"form-{'init' if group == INIT and not self.native else 'container'}-{self.name}"


# --- findings -------------------------------------------------------------------------------


class _Marks:
    """Unwaived findings, grouped by the node (and mount edge) they concern."""

    def __init__(self, findings: Iterable[Finding] | None, items: list[_Item], volumes: list[str]) -> None:
        self.nodes: dict[str, list[Finding]] = {}
        self.mounts: dict[tuple[str, int], list[Finding]] = {}
        self.pod: list[Finding] = []
        if not findings:
            return
        # Imported here: findings needs dataclasses (~5 ms), and the diagram CLI draws none.
        from designer.pod.findings import Finding

        by_position = {(item.group, item.index): item for item in items}
        by_name = {item.name: item for item in items}
        for finding in _flatten(findings, Finding):
            if not isinstance(finding, Finding) or finding.waived is not None:
                continue
            if finding.severity not in ("error", "warning"):
                continue
            path = finding.path if isinstance(finding.path, str) else ""
            match = _CONTAINER_PATH.search(path)
            item = by_position.get((match.group(1), int(match.group(2)))) if match else None
            if item is not None and match and match.group(3) is not None:
                self.mounts.setdefault((item.node, int(match.group(3))), []).append(finding)
                continue
            if item is None and finding.container is not None:
                item = by_name.get(finding.container)
            if item is not None:
                self.nodes.setdefault(item.node, []).append(finding)
                continue
            vmatch = _VOLUME_PATH.search(path)
            if vmatch and int(vmatch.group(1)) < len(volumes):
                self.nodes.setdefault(f"v{int(vmatch.group(1))}", []).append(finding)
                continue
            self.pod.append(finding)


def _flatten(findings: Iterable[Finding], finding_type: type[Finding]) -> list[Finding]:
    result: list[Finding] = []
    stack = list(findings)[::-1]
    while stack:
        finding = stack.pop()
        result.append(finding)
        if isinstance(finding, finding_type):
            stack.extend(list(finding.caused)[::-1])
    return result


def _badge_row(found: list[Finding], colspan: int = 1) -> str:
    if not found:
        return ""
    errors = sum(1 for f in found if f.severity == "error")
    warnings = len(found) - errors
    parts = []
    if errors:
        parts.append(f'<FONT COLOR="{DANGER}"><B>(X) {errors} error{"s" if errors > 1 else ""}</B></FONT>')
    if warnings:
        parts.append(
            f'<FONT COLOR="{WARN}"><B>(!) {warnings} warning{"s" if warnings > 1 else ""}</B></FONT>'
        )
    # Two rule ids a line: one long line of ids made a marked node the widest thing in the
    # drawing, and "fit" shrinks the whole pod to the widest row.
    rules = sorted({_text(f.rule, 24) for f in found})
    shown = [", ".join(rules[i : i + 2]) for i in range(0, min(len(rules), 6), 2)]
    if len(rules) > 6:
        shown.append(f"and {len(rules) - 6} more")
    lines = "<BR/>".join(_h(line) for line in shown)
    return f'<TR><TD COLSPAN="{colspan}" ALIGN="LEFT" BALIGN="LEFT">{"  ".join(parts)}<BR/>{lines}</TD></TR>'


PSS_PREFIX = "K8S-PSS-"


def _pss_row(found: list[Finding], level: str | None, colspan: int = 2) -> str:
    """The mark of a container that PodSecurity admission rejects, naming the level and checks."""
    checks = sorted({f.rule.removeprefix(PSS_PREFIX).lower() for f in found if f.rule.startswith(PSS_PREFIX)})
    if not checks:
        return ""
    title = f"violates PodSecurity {_h(level, 20)}" if level else "violates PodSecurity"
    return (
        f'<TR><TD COLSPAN="{colspan}" ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="#f8d7da">'
        f'<FONT COLOR="{DANGER}"><B>[PSS] {title}</B><BR/>{_h(", ".join(checks), 120)}'
        "</FONT></TD></TR>"
    )


def _marked(found: list[Finding]) -> str:
    if any(f.severity == "error" for f in found):
        return DANGER
    return WARN if found else ""


# --- nodes ----------------------------------------------------------------------------------


def short_image(image: Any, limit: int = IMAGE_TEXT) -> str:
    """An image reference as the drawing shows it: no registry host, at most `limit` characters.

    "europe-west1-docker.pkg.dev/acme/apps/api:2.3" -> "acme/apps/api:2.3"; past the limit only
    the last path part (name and tag) is kept, then its middle is elided. The full reference is in
    the node's tooltip.
    """
    text = _text(image, 400)
    parts = text.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        text = "/".join(parts[1:])
    if len(text) > limit:
        text = text.rsplit("/", 1)[-1]
    if len(text) > limit:
        keep = limit - 3
        text = text[: keep // 2] + "..." + text[len(text) - (keep - keep // 2) :]
    return text


def _port_cells(item: _Item) -> str:
    """The container's ports side by side, each its own cell (a link target with an id)."""
    cells = []
    for number, detail in _ports(item.container):
        port_id = f"port-{item.name}-{number}"
        name, _, proto = detail.rpartition(" ") if " " in detail else ("", "", detail)
        shown = f":{number}" + (f" {name}" if name else "") + ("" if proto == "TCP" else f"/{proto}")
        cells.append(
            f'<TD ALIGN="LEFT" PORT="p{number}" ID="{_h(port_id, 200)}" HREF="#{_h(_percent(port_id), 400)}" '
            f'TOOLTIP="{_h(f"{item.name} listens on :{number} {detail}", 200)}">{_h(shown, 24)}</TD>'
        )
    # Two ports a line: a container with many ports grows down, not sideways.
    lines = ["".join(cells[i : i + 2]) for i in range(0, len(cells), 2)]
    return "".join(
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        f"<TR>{line}</TR></TABLE></TD></TR>"
        for line in lines
    )


def _hover_cell(text: str, cell_id: str, hover: str, attributes: str = "") -> str:
    """A cell with its own hover text (graphviz writes a TD's tooltip only with an href)."""
    return (
        f'<TD{attributes} ID="{_h(cell_id, 200)}" HREF="#{_h(_percent(cell_id), 400)}" '
        f'TOOLTIP="{_h(hover, 200)}">{text}</TD>'
    )


def _container_node(
    item: _Item, found: list[Finding], step: int | None = None, pss: str | None = None
) -> str:
    fill, border, shape, style, badge = ROLE_STYLE[item.role]
    heading = f"{step}. " if step is not None else ""
    image = item.container.get("image")
    badge_text = f'<FONT COLOR="{border}">{badge}</FONT>'
    if item.native:  # what a native sidecar is, on hover over its badge
        badge_cell = _hover_cell(
            badge_text,
            f"native-{item.name}",
            f"{item.name} starts before the app, keeps running, stops after it",
            ' ALIGN="RIGHT"',
        )
    else:
        badge_cell = f'<TD ALIGN="RIGHT">{badge_text}</TD>'
    shown = short_image(image) if image else "(no image)"
    if image and shown != _text(image, 400):  # the whole reference, on hover over the short one
        image_cell = _hover_cell(
            _h(shown), f"image-{item.name}", _text(image, 200), ' COLSPAN="2" ALIGN="LEFT"'
        )
    else:
        image_cell = f'<TD COLSPAN="2" ALIGN="LEFT">{_h(shown)}</TD>'
    rows = [
        f'<TR><TD ALIGN="LEFT"><B>{heading}{_h(item.name, 32)}</B></TD>{badge_cell}</TR>',
        f"<TR>{image_cell}</TR>",
        _port_cells(item),
        _pss_row(found, pss),
        _badge_row(found, 2),
    ]
    colour = _marked(found) or border
    penwidth = "2.5" if found else ("2" if item.role == "main" else "1")
    peripheries = ' peripheries="2"' if item.role == "main" else ""
    label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"
    return (
        f'  {item.node} [id={_q(item.id)} shape="{shape}" style="{style}" fillcolor="{fill}" '
        f'color="{colour}" penwidth="{penwidth}"{peripheries} margin="0.06,0.03" '
        f'URL="#{_percent(item.form)}" tooltip={_q(f"{badge.lower()} {item.name}")} label={label}];'
    )


def volume_kind(volume: dict[str, Any]) -> tuple[str, bool]:
    """A one-line description of a volume's source and whether it is a risk (hostPath)."""
    if isinstance(volume.get("emptyDir"), dict) or "emptyDir" in volume:
        empty = _dict(volume.get("emptyDir"))
        size = empty.get("sizeLimit")
        size_text = f", sizeLimit {_text(size, 20)}" if size not in (None, "") else ""
        if empty.get("medium") == "Memory":
            return f"emptyDir (memory{size_text})", False
        return f"emptyDir{' (' + size_text[2:] + ')' if size_text else ''}", False
    for key, label in (("configMap", "configMap"), ("secret", "secret")):
        if key in volume:
            source = _dict(volume.get(key))
            ref = source.get("name") if key == "configMap" else source.get("secretName")
            return f"{label}: {_text(ref or '?', 40)}", False
    if "persistentVolumeClaim" in volume:
        claim = _dict(volume.get("persistentVolumeClaim")).get("claimName")
        return f"PVC: {_text(claim or '?', 40)}", False
    if "hostPath" in volume:
        path = _dict(volume.get("hostPath")).get("path")
        return f"hostPath: {_text(path or '?', 40)}", True
    if "projected" in volume:
        count = len(_dicts(_dict(volume.get("projected")).get("sources")))
        return f"projected ({count} source{'s' if count != 1 else ''})", False
    if "downwardAPI" in volume:
        return "downwardAPI", False
    other = next((key for key in volume if key != "name"), None)
    return (_text(other, 40) if other else "(no source)"), False


def _volume_node(node: str, name: str, volume: dict[str, Any], found: list[Finding]) -> str:
    kind, risky = volume_kind(volume)
    # The risk shares the name's line: a volume is two lines, whatever its kind.
    risk = f' <FONT COLOR="{DANGER}"><B>(!) RISK: host files</B></FONT>' if risky else ""
    rows = [f'<TR><TD ALIGN="LEFT"><B>{_h(name, 40)}</B>{risk}</TD></TR>']
    rows.append(f'<TR><TD ALIGN="LEFT">{_h(kind)}</TD></TR>')
    rows.append(_badge_row(found))
    colour = _marked(found) or (DANGER if risky else "#6c757d")
    fill = "#f8d7da" if risky else ("#fff8e1" if "memory" in kind else "#f8f9fa")
    shape = "cylinder" if kind.startswith(("PVC", "hostPath")) else "folder" if ":" in kind else "note"
    label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"
    return (
        f'  {node} [id={_q("volume-" + name)} shape="{shape}" style="filled" fillcolor="{fill}" '
        f'color="{colour}" penwidth="{"2" if risky or found else "1"}" tooltip={_q("volume " + name)} '
        f'URL="#{_percent("form-volume-" + name)}" label={label}];'
    )


def _legend(roles: set[str], per_row: int = 4) -> list[str]:
    """The key, as a table under the pod: `per_row` entries a row, as wide as the pod's rows."""
    shapes = {
        "main": "double border",
        "sidecar": "rounded",
        "adapter": "component",
        "ambassador": "3-D box",
        "native": "rounded, dashed",
        "mesh-proxy": "octagon, dashed",
        "init": "numbered lane",
    }
    entries = []
    for role, (fill, border, _shape, _style, badge) in ROLE_STYLE.items():
        if role == "mesh-proxy" and role not in roles:
            continue  # only meshed pods need it in their key
        entries.append(
            f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="{border}">{badge}</TD><TD ALIGN="LEFT">{shapes[role]}</TD>'
        )
    for sample, text in (
        ("/path rw --&gt;", "mount, ro dashed"),
        ("localhost:N ==&gt;", "uses the port"),
        ("red - -&gt;", "nothing listens"),
        ("(X) (!)", "error, warning"),
    ):
        # Framed like the role swatches, so that a row of samples does not read as one line.
        entries.append(f'<TD BORDER="1" COLOR="#dee2e6">{sample}</TD><TD ALIGN="LEFT">{text}</TD>')
    # The title stands to the left of the entries, as tall as their rows.
    rows = ["<TR>" + "".join(entries[i : i + per_row]) + "</TR>" for i in range(0, len(entries), per_row)]
    rows[0] = f'<TR><TD ROWSPAN="{len(rows)}" VALIGN="TOP"><B>Legend</B></TD>' + rows[0][4:]
    label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"
    return [
        f'  legend [id="legend" shape="box" style="rounded" color="#adb5bd" margin="0.05" label={label}];'
    ]


def _columns(count: int, widest: int = 4) -> int:
    """How many nodes a row holds in a grid of `count`: rows of up to `widest`, as even as can be."""
    if count <= widest:
        return max(count, 1)
    rows = -(-count // widest)
    return -(-count // rows)


def _rows(nodes: list[str], columns: int) -> list[list[str]]:
    return [nodes[i : i + columns] for i in range(0, len(nodes), columns)]


def _grid_lines(rows: list[list[str]], indent: str) -> list[str]:
    """Each row on one rank, rows stacked in order, columns kept (invisible edges down)."""
    lines = [f"{indent}{{rank=same; " + "; ".join(row) + "}" for row in rows if len(row) > 1]
    for row in rows:
        if len(row) > 1:  # left to right in document order
            lines.append(f"{indent}" + " -> ".join(row) + ' [style="invis"];')
    for upper, lower in zip(rows, rows[1:], strict=False):
        for above, below in zip(upper, lower, strict=False):
            lines.append(f'{indent}{above} -> {below} [style="invis"];')
    return lines


# --- the drawing ------------------------------------------------------------------------------


def _header(document: dict[str, Any], version: str | None, pss: str | None = None) -> str:
    meta = pod_metadata(document)
    outer = _dict(document.get("metadata"))
    kind = document.get("kind") if isinstance(document.get("kind"), str) else "Pod"
    name = outer.get("name") or meta.get("name") or meta.get("generateName") or "(unnamed)"
    namespace = outer.get("namespace") or meta.get("namespace") or "default"
    title = f"Pod <B>{_h(name, 50)}</B>"
    if kind != "Pod":
        title = f"{_h(kind, 20)} <B>{_h(name, 50)}</B> | pod template"
    parts = [title, f"namespace {_h(namespace, 40)}"]
    if version:
        parts.append(f"Kubernetes {_h(version, 20)}")
    if pss:
        parts.append(f"enforces PodSecurity {_h(pss, 20)}")
    return " | ".join(parts)


def build_dot(
    document: object,
    roles: dict[str, Any] | None = None,
    findings: list[Finding] | None = None,
    version: str | None = None,
    pss: str | None = None,
    companions: list[Any] | None = None,
) -> str:
    """The pod drawn as DOT: containers by role, init lane, volumes, mounts and localhost links.

    pss: the PodSecurity level the namespace enforces; shown in the frame, and the containers
    with K8S-PSS-* findings carry a "[PSS] violates PodSecurity <level>" mark.
    """
    if not isinstance(document, dict):
        document = {}
    spec = pod_spec(document)
    role_of = _safe_roles(document, roles)
    view = PodView(spec)
    items = [
        _Item(slot.group, slot.index, slot.container, role_of.get(_name(slot.container, ""), "sidecar"))
        for slot in view.slots()
    ]
    inits = [item for item in items if item.group == INIT]
    apps = [item for item in items if item.group == APP]
    natives = [item for item in inits if item.native]
    running = natives + apps
    volumes = view.volumes()
    volume_names = [_name(volume, f"volumes[{i}]") for i, volume in enumerate(volumes)]
    marks = _Marks(findings, items, volume_names)

    # Top to bottom: the init lane, the native sidecars, the app containers in rows, the volumes
    # in rows, the legend. Rows (not one long column) keep a big pod close to the shape of the
    # editor's panel, so that "fit" leaves its text readable (issue 14).
    out = [
        "digraph pod {",
        f'  graph [id="pod-diagram" rankdir="TB" compound="true" newrank="true" fontname="{FONT}" '
        f'fontsize="11" nodesep="0.08" ranksep="0.12" splines="true" bgcolor="white" forcelabels="true" '
        # One pass of crossing reduction, not repeated per cluster: the rows keep document order.
        'remincross="false" mclimit="0.1"];',
        f'  node [fontname="{FONT}" fontsize="{MIN_FONT}"];',
        f'  edge [fontname="{FONT}" fontsize="{MIN_FONT}" arrowsize="0.7"];',
    ]
    pod_badge = ""
    if marks.pod:
        errors = sum(1 for f in marks.pod if f.severity == "error")
        pod_badge = (
            f' | <FONT COLOR="{DANGER if errors else WARN}">{len(marks.pod)} pod-level finding(s)</FONT>'
        )
    out += [
        "  subgraph cluster_pod {",
        f'    id="pod" label=<{_header(document, version, pss)}{pod_badge}> labeljust="l" margin="4" style="rounded" '
        f'color="#343a40" penwidth="1.5" fontsize="11";',
    ]

    # Init lane: every init container in run order; native sidecars appear as a numbered
    # "starts" step here and as a full node beside the app containers (they keep running).
    step_node: dict[str, str] = {}
    if inits:
        out += [
            "    subgraph cluster_init {",
            '      id="lane-init" label="init containers | run one after another" labeljust="l" margin="4" '
            'style="dashed,rounded" color="#6c757d" fontsize="10";',
        ]
        for step, item in enumerate(inits, start=1):
            if item.native:
                step_node[item.node] = f"s{item.index}"
                out.append(
                    f'      s{item.index} [id={_q("init-start-" + item.name)} shape="box" style="rounded,dashed" '
                    f'color="{ROLE_STYLE["native"][1]}" tooltip={_q("native sidecar " + item.name + " starts")} '
                    f"label=<{step}. start <B>{_h(item.name, 32)}</B><BR/>"
                    "native sidecar, keeps running>];"
                )
            else:
                step_node[item.node] = item.node
                out.append("  " + _container_node(item, marks.nodes.get(item.node, []), step, pss))
    start = (
        '    start [id="pod-start" shape="circle" style="filled" fillcolor="#343a40" fontcolor="white" '
        'width="0.42" fixedsize="true" label="start"];'
    )
    if inits:
        # The start circle closes the lane's last row (inside its frame, so it stays at the end).
        lane_rows = _rows([step_node[item.node] for item in inits] + ["start"], LANE_ROW)
        out.append("  " + start)
        out += _grid_lines(lane_rows, "      ")
        out.append("    }")
    else:
        out.append(start)

    # The shared network namespace with everything that keeps running in it.
    served = []
    for item in running:
        for number, _detail in _ports(item.container):
            served.append(f":{number} ({_text(item.name, 20)})")
    served_text = (
        f"{len(served)} port{'s' if len(served) != 1 else ''}: " + ", ".join(served[:24])
        if served
        else "no ports"
    )
    out += [
        "    subgraph cluster_localhost {",
        '      id="localhost" label=<shared network namespace <B>localhost</B>> '
        f"tooltip={_q('localhost serves ' + served_text, 1000)} "
        'labeljust="l" margin="4" style="rounded,filled" fillcolor="#f8f9fa" color="#0d6efd" fontsize="10";',
    ]
    above_apps: list[str] = []  # the lowest row drawn above the app containers
    native_rows: list[list[str]] = []
    if natives:
        out += [
            "      subgraph cluster_native {",
            '        id="native-sidecars" label="native sidecars | started in order, stay up beside the app" '
            'labeljust="l" margin="4" style="dashed,rounded" color="#0f5132" fontsize="10";',
        ]
        out += ["    " + _container_node(item, marks.nodes.get(item.node, []), pss=pss) for item in natives]
        native_rows = _rows([item.node for item in natives], _columns(len(natives)))
        out += _grid_lines(native_rows, "        ")
        above_apps = native_rows[-1]
        out.append("      }")
    out += [
        "      subgraph cluster_app {",
        '        id="app-containers" label="app containers | start together" labeljust="l" margin="4" '
        'style="rounded" color="#6c757d" fontsize="10";',
    ]
    out += ["    " + _container_node(item, marks.nodes.get(item.node, []), pss=pss) for item in apps]
    # Containers that mount volumes go in the lower rows, next to the volumes: their mount edges
    # then leave the frame downwards instead of running round its sides (which widens it).
    by_mounts = sorted(apps, key=lambda item: bool(_dicts(item.container.get("volumeMounts"))))
    app_rows = _rows([item.node for item in by_mounts], _columns(len(apps))) if apps else [["noapp"]]
    out += _grid_lines(app_rows, "        ")
    if not apps:
        out.append('        noapp [id="no-containers" shape="box" style="dashed" label="no containers"];')
    out.append("      }")
    places = {
        node: (row_index, column)
        for row_index, row in enumerate([*native_rows, *app_rows])
        for column, node in enumerate(row)
    }
    link_nodes, link_edges = _links(running, _wiring(spec, companions), places)
    out += link_nodes
    if link_nodes:
        # "Nothing listens" markers open the shortest row of containers, not off in an empty corner.
        dangling = [line.split()[0] for line in link_nodes]
        row = min([*native_rows, *app_rows], key=len)
        out.append("      {rank=same; " + "; ".join([*dangling, *row]) + "}")
        out.append("      " + " -> ".join([*dangling, row[0]]) + ' [style="invis"];')
    out.append("    }")
    for above in above_apps[:1]:
        out.append(f'    {above} -> {app_rows[0][0]} [style="invis"];')

    # Mounts (computed first: a mount of an undeclared volume gets a node among the volumes).
    volume_node = {name: f"v{i}" for i, name in reversed(list(enumerate(volume_names)))}
    missing: dict[str, str] = {}
    edges: list[str] = []
    for item in items:
        edges += _mount_edges(item, volume_node, missing, marks)

    # Volumes, in rows of up to five under the containers.
    bottom = app_rows[-1]
    if volumes or missing:
        out += [
            "    subgraph cluster_volumes {",
            '      id="volumes" label="volumes" labeljust="l" margin="4" style="rounded" color="#adb5bd" fontsize="10";',
        ]
        out += [
            "  " + _volume_node(f"v{i}", volume_names[i], volume, marks.nodes.get(f"v{i}", []))
            for i, volume in enumerate(volumes)
        ]
        for name, node in missing.items():
            out.append(
                f'      {node} [id={_q("volume-missing-" + name)} shape="note" style="filled,dashed" '
                f'fillcolor="#f8d7da" color="{DANGER}" label=<<B>{_h(name, 40)}</B><BR/>'
                "not declared in spec.volumes>];"
            )
        volume_nodes = [f"v{i}" for i in range(len(volumes))] + list(missing.values())
        volume_rows = _rows(volume_nodes, _columns(len(volume_nodes), widest=5))
        out += _grid_lines(volume_rows, "      ")
        out.append("    }")
        out.append(f'    {bottom[0]} -> {volume_rows[0][0]} [style="invis"];')
        bottom = volume_rows[-1]
    out.append("  }")
    widest = max(len(row) for row in [*native_rows, *app_rows])
    out += _legend({item.role for item in items}, min(5, max(2, widest + 1)))
    # From the middle of the last row: the legend sits centred under the drawing.
    out.append(f'  {bottom[len(bottom) // 2]} -> legend [style="invis"];')

    # Edges. Run order through the lane, into the start of the app containers.
    chain = [step_node[item.node] for item in inits]
    for before, after in zip(chain, chain[1:], strict=False):
        out.append(f'  {before} -> {after} [id="order-{before}-{after}" color="#6c757d"];')
    if chain:
        out.append(f'  {chain[-1]} -> start [id="order-{chain[-1]}-start" color="#6c757d"];')
    # Into the app frame's first row at its right end, under the start circle (which closes the lane).
    first_app = app_rows[0][-1]
    out.append(
        f'  start -> {first_app} [id="start-app" lhead="cluster_app" color="#343a40" penwidth="1.5" '
        'tooltip="the app containers start together"];'
    )
    for item in natives:
        out.append(
            f'  {step_node[item.node]} -> {item.node} [id={_q("keeps-running-" + item.name)} style="dashed" '
            f'color="{ROLE_STYLE["native"][1]}" arrowhead="none"];'
        )

    out += edges
    out += link_edges
    out.append("}")
    return "\n".join(out) + "\n"


def _wiring(spec: dict[str, Any], companions: list[Any] | None) -> Wiring:
    try:
        return pod_wiring(spec, [c for c in companions or [] if isinstance(c, dict)])
    except Exception:  # a malformed document must still draw
        return Wiring()


def _links(
    running: list[_Item], wiring: Wiring, places: dict[str, tuple[int, int]]
) -> tuple[list[str], list[str]]:
    """localhost links (designer/pod/links.py, as the pattern rules see them): whoever points at
    localhost:<port> -> whoever listens there, declared or by its flags (nodes, edges).

    places: node -> (row, column) in the drawing's grids."""
    by_name = {item.name: item for item in running}
    nodes: list[str] = []
    edges: list[str] = []
    drawn: set[tuple[str, int]] = set()
    for link in wiring.links:
        item = by_name.get(link.source)
        if item is None or (link.source, link.port) in drawn:
            continue
        drawn.add((link.source, link.port))
        number = link.port
        target = by_name.get(link.target) if link.target else None
        link_id = _q(f"link-{item.name}-{number}")
        if target is None:
            node = f"nothing{number}"
            if not any(line.startswith(f"      {node} ") for line in nodes):
                nodes.append(
                    f'      {node} [id="dangling-{number}" shape="box" style="dashed,filled" '
                    f'fillcolor="#f8d7da" color="{DANGER}" fontcolor="{DANGER}" '
                    f'label="nothing listens on :{number}"];'
                )
            edges.append(
                f'  {item.node} -> {node} [id={link_id} style="dashed" color="{DANGER}" '
                f'fontcolor="{DANGER}" penwidth="1.5" constraint="false" xlabel="localhost:{number} (X)"];'
            )
            continue
        kind = (
            "ambassador" if target.role == "ambassador" else "adapter" if item.role == "adapter" else "other"
        )
        colour = LINK_COLOUR[kind]
        if number in _safe_container_ports(target.container):
            head, text = f"{target.node}:p{number}", f"localhost:{number}"
        else:  # it listens (per its flags or config) without declaring the port: draw it, say so
            head, text = target.node, f"localhost:{number} (port not declared)"
        # An edge that points leftwards within a row is written the other way round (dir=back):
        # dot orders a row by its edges, and a backward one would turn the row around.
        source_place, target_place = places.get(item.node), places.get(target.node)
        backward = (
            source_place is not None
            and target_place is not None
            and source_place[0] == target_place[0]
            and source_place[1] > target_place[1]
        )
        ends, direction = (
            (f"{head} -> {item.node}", ' dir="back"') if backward else (f"{item.node} -> {head}", "")
        )
        edges.append(
            f'  {ends} [id={link_id} color="{colour}" fontcolor="{colour}" '
            f'penwidth="2" constraint="false"{direction} xlabel="{text}"];'
        )
    return nodes, edges


def _mount_edges(
    item: _Item, volume_node: dict[str, str], missing: dict[str, str], marks: _Marks
) -> list[str]:
    lines = []
    for j, mount in enumerate(_dicts(item.container.get("volumeMounts"))):
        name = mount.get("name")
        if not isinstance(name, str):
            continue
        node = volume_node.get(name)
        if node is None:
            node = missing.setdefault(name, f"missing{len(missing)}")
        mode = "ro" if mount.get("readOnly") is True else "rw"
        found = marks.mounts.get((item.node, j), [])
        colour = _marked(found) or ("#6c757d" if mode == "ro" else "#495057")
        badge = f' <FONT COLOR="{colour}">{"(X)" if colour == DANGER else "(!)"}</FONT>' if found else ""
        path = _text(mount.get("mountPath") or "?")
        sub = mount.get("subPath")
        sub_text = f" [{_h(sub, 20)}]" if isinstance(sub, str) and sub else ""
        lines.append(
            f'  {item.node} -> {node} [id={_q(f"mount-{item.name}-{j}")} color="{colour}" '
            f'style="{"dashed" if mode == "ro" else "solid"}" arrowhead="{"onormal" if mode == "ro" else "normal"}" '
            f"tooltip={_q(f'{item.name} mounts {name} at {path} ({mode})')} "
            # An xlabel is placed after the layout: mount paths take no room between the rows.
            f"xlabel=<{_h(mount.get('mountPath') or '?', 40)}{sub_text} <I>{mode}</I>{badge}>];"
        )
    return lines


def _grid(nodes: list[str], rows: int = 4) -> list[str]:
    """Lay nodes out in columns of `rows` (rank=same each), joined by invisible edges."""
    columns = [nodes[i : i + rows] for i in range(0, len(nodes), rows)]
    lines = ["      {rank=same; " + "; ".join(column) + "}" for column in columns if len(column) > 1]
    for left, right in zip(columns, columns[1:], strict=False):
        lines.append(f'      {left[0]} -> {right[0]} [style="invis"];')
    return lines


def build_lifecycle_dot(document: object, roles: dict[str, Any] | None = None) -> str:
    """Start order (init 1 → init 2 → native sidecars up → app) and stop order (app, sidecars reversed)."""
    if not isinstance(document, dict):
        document = {}
    spec = pod_spec(document)
    role_of = _safe_roles(document, roles)
    view = PodView(spec)
    inits = [_Item(s.group, s.index, s.container, "init") for s in view.slots(INIT)]
    apps = [
        _Item(s.group, s.index, s.container, role_of.get(_name(s.container, ""), "sidecar"))
        for s in view.slots(APP)
    ]
    natives = [item for item in inits if item.native]
    out = [
        "digraph lifecycle {",
        f'  graph [id="lifecycle" rankdir="LR" newrank="true" fontname="{FONT}" fontsize="11" nodesep="0.2" '
        'ranksep="0.35"];',
        f'  node [fontname="{FONT}" fontsize="10" shape="box" style="rounded,filled"];',
        f'  edge [fontname="{FONT}" fontsize="10" arrowsize="0.7"];',
    ]

    def node(prefix: str, item: _Item, text: str) -> str:
        fill, border, _shape, _style, badge = ROLE_STYLE[item.role]
        return (
            f'    {prefix}{item.node} [id={_q(f"lifecycle-{prefix}-{item.name}")} fillcolor="{fill}" '
            f'color="{border}" label=<{text}<B>{_h(item.name, 40)}</B><BR/>{badge}>];'
        )

    start_at = len(out)
    out += [
        "  subgraph cluster_start {",
        '    id="lifecycle-start" label="start sequence" labeljust="l" margin="4" style="rounded" color="#198754";',
        '    begin [id="lifecycle-begin" shape="circle" fillcolor="#198754" fontcolor="white" '
        'width="0.5" fixedsize="true" label="pod"];',
    ]
    previous, label = "begin", ""
    for step, item in enumerate(inits, start=1):
        verb = "up: " if item.native else "run: "
        out.append(node("up", item, f"{step}. {verb}"))
        out.append(f"    {previous} -> up{item.node} [{label}];")
        # The next step waits for this one to complete, or (native sidecar) to have started.
        previous, label = f"up{item.node}", 'label="started"' if item.native else 'label="completed"'
    out += [
        "    subgraph cluster_app_start {",
        '      id="lifecycle-app-start" label="app containers start together" style="rounded" color="#6c757d";',
    ]
    out += ["  " + node("up", item, "") for item in apps]
    out += _grid([f"up{item.node}" for item in apps])
    if not apps:
        out.append('      upnone [id="lifecycle-up-none" style="dashed" label="no containers"];')
    out.append("    }")
    first = f"up{apps[0].node}" if apps else "upnone"
    out.append(f'    {previous} -> {first} [lhead="cluster_app_start" {label}];')
    out.append("  }")
    start_block = out[start_at:]
    del out[start_at:]

    out += [
        "  subgraph cluster_stop {",
        '    id="lifecycle-stop" label="stop sequence" labeljust="l" margin="4" style="rounded" color="#b02a37";',
        "    subgraph cluster_app_stop {",
        '      id="lifecycle-app-stop" label="app containers stop first" style="rounded" color="#6c757d";',
    ]
    out += ["  " + node("down", item, "") for item in apps]
    out += _grid([f"down{item.node}" for item in apps])
    if not apps:
        out.append('      downnone [id="lifecycle-down-none" style="dashed" label="no containers"];')
    out.append("    }")
    previous = f"down{apps[-1].node}" if apps else "downnone"
    tail = ' ltail="cluster_app_stop"'
    for step, item in enumerate(reversed(natives), start=1):
        out.append(node("down", item, f"{step}. stop: "))
        out.append(f"    {previous} -> down{item.node} [{tail.strip()}];")
        previous, tail = f"down{item.node}", ""
    out.append(
        '    end [id="lifecycle-end" shape="doublecircle" fillcolor="#b02a37" fontcolor="white" '
        'width="0.45" fixedsize="true" label="gone"];'
    )
    out.append(f"    {previous} -> end [{tail.strip()}];")
    out.append("  }")
    # Emitted after the stop sequence so that dot draws the start sequence on top.
    out += start_block
    out.append("}")
    return "\n".join(out) + "\n"
