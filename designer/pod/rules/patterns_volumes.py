"""Shared volumes by path (PAT-*): who writes and who reads which part of a volume.

A volume is shared when two containers that run at the same time (or an init container and a
later one) mount it. Each mount shows a window on the volume: the part under `subPath` (or
`subPathExpr`) appears at `mountPath`. A path a container names in its args, env or mounted
config file is mapped through its mounts to (volume, path inside the volume), so a writer and a
reader can be compared even when they mount the volume at different places. An init container's
private scratch volume (mounted by no one else) is never shared.

Rules: PAT-VOLUME-UNUSED, PAT-EMPTYDIR-MEMORY, PAT-CONSUMER-READONLY, PAT-PRODUCER-READONLY,
PAT-WRITE-TO-READONLY-VOLUME, PAT-SUBPATH-STALE, PAT-SUBPATH-MISMATCH, PAT-SHARED-PATH-MISMATCH,
PAT-LOGSHIPPER-INPUT.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from designer.pod.evidence import PathUse, path_uses, program_name
from designer.pod.roles import Role
from designer.pod.rules.context import LintContext
from designer.pod.rules.patterns import Entry, _Report, items, mounted_names, volumes

# Volume sources the kubelet always mounts read-only (the API returns them read-only since 1.10).
READ_ONLY_SOURCES = ("configMap", "secret", "downwardAPI", "projected", "image")
_LOG_SHIPPERS = re.compile(
    r"^(fluent-bit|fluentbit|fluentd.*|vector|promtail|filebeat|logstash|otel.*collector.*|otelcol.*|"
    r"alloy|grafana-agent|datadog-agent|splunk.*forwarder|stanza)$"
)
_STREAM = re.compile(r"spool|buffer|queue|log|events|stream|fifo", re.I)
_SYNCERS = re.compile(r"^(git-sync|.*-sync|rclone|s3-sync)$")
_RELOADS = re.compile(
    r"(^|[\s=-])(--watch|--watched-dir|--volume-dir|--reload|inotifywait|--config\.watch|-watch)\b|reload",
    re.I,
)
# Where a log shipper's config names its input: fluent-bit `Path`, promtail `__path__`, vector
# `include`, filebeat `paths`, fluentd `path`; the value may be quoted or a YAML/TOML list item.
_CONFIG_INPUT = re.compile(
    r"(?:^|\n)\s*(?:-\s*)?(?:Path|path|__path__|include|paths)\s*[:=]?\s*\[?\s*[\"']?(/[^\s\"',\]]+)",
)
_CONFIG_LIST_ITEM = re.compile(r"(?:include|paths)\s*[:=]\s*\n((?:\s*-\s*[\"']?/[^\n]+\n?)+)")


@dataclass(frozen=True)
class Window:
    """One mount: the part `sub` of `volume` appears at `mount_path`; `expr` marks a subPathExpr
    (expanded per pod, so it matches any literal)."""

    index: int
    volume: str
    mount_path: str
    sub: str
    expr: bool
    read_only: bool


@dataclass(frozen=True)
class VolumeUse:
    """A path use mapped into a volume: `inside` is the path relative to the volume's root."""

    window: Window
    inside: str
    use: PathUse


def windows(entry: Entry) -> list[Window]:
    if "windows" not in entry.memo:
        result = []
        for j, mount in items(entry.container, "volumeMounts"):
            name, mount_path = mount.get("name"), mount.get("mountPath")
            if not (isinstance(name, str) and isinstance(mount_path, str) and mount_path.startswith("/")):
                continue
            sub, expr = mount.get("subPath"), mount.get("subPathExpr")
            text = expr if isinstance(expr, str) and expr else sub if isinstance(sub, str) else ""
            result.append(
                Window(
                    index=j,
                    volume=name,
                    mount_path=posixpath.normpath(mount_path),
                    sub=text.strip("/"),
                    expr=isinstance(expr, str) and bool(expr),
                    read_only=mount.get("readOnly") is True,
                )
            )
        entry.memo["windows"] = result
    return entry.memo["windows"]  # type: ignore[no-any-return]


def locate(entry: Entry, path: str) -> tuple[Window, str] | None:
    """The mount that holds `path` (the longest mountPath prefix) and the path inside the volume."""
    path = posixpath.normpath(path)
    best: tuple[Window, str] | None = None
    for window in windows(entry):
        base = window.mount_path
        if path == base or path.startswith(base.rstrip("/") + "/"):
            rest = path[len(base) :].lstrip("/")
            inside = "/".join(p for p in (window.sub, rest) if p)
            if best is None or len(base) > len(best[0].mount_path):
                best = (window, inside)
    return best


def _config_inputs(ctx: LintContext, entry: Entry) -> list[PathUse]:
    """Input paths named in config files mounted from ConfigMaps of the same stream."""
    by_name = {}
    for doc in ctx.companions:
        meta = doc.get("metadata")
        if doc.get("kind") == "ConfigMap" and isinstance(meta, dict) and isinstance(meta.get("name"), str):
            by_name[meta["name"]] = doc
    declared = volumes(ctx)
    found: list[PathUse] = []
    for window in windows(entry):
        volume = declared.get(window.volume, (0, {}))[1]
        source = volume.get("configMap")
        name = source.get("name") if isinstance(source, dict) else None
        data = by_name.get(name, {}).get("data") if isinstance(name, str) else None
        if not isinstance(data, dict):
            continue
        for key, text in data.items():
            if not isinstance(text, str):
                continue
            field = f"{entry.path}.volumeMounts[{window.index}]"
            paths = [m.group(1) for m in _CONFIG_INPUT.finditer(text)]
            for block in _CONFIG_LIST_ITEM.finditer(text):
                paths.extend(re.findall(r"-\s*[\"']?(/[^\s\"']+)", block.group(1)))
            found.extend(PathUse(p, "read", f"{field} (ConfigMap {name}/{key})") for p in paths)
    return found


def entry_path_uses(entry: Entry) -> list[PathUse]:
    """path_uses of the entry's container under its field path, scanned once per lint: the volume
    and lifecycle rules all ask for it."""
    if "path_uses" not in entry.memo:
        entry.memo["path_uses"] = path_uses(entry.container, entry.path)
    return entry.memo["path_uses"]  # type: ignore[no-any-return]


def volume_uses(ctx: LintContext, entry: Entry) -> list[VolumeUse]:
    """The paths a container reads or writes that fall on one of its mounts."""
    if "volume_uses" not in entry.memo:
        uses = entry_path_uses(entry)
        if is_log_shipper(entry):
            uses = uses + _config_inputs(ctx, entry)
        result = []
        for use in uses:
            located = locate(
                entry, use.path.split("*", 1)[0].rsplit("/", 1)[0] if "*" in use.path else use.path
            )
            if located is not None:
                window, _ = located
                rest = posixpath.normpath(use.path)[len(window.mount_path) :].lstrip("/")
                inside = "/".join(p for p in (window.sub, rest) if p)
                result.append(VolumeUse(window, inside, use))
        entry.memo["volume_uses"] = result
    return entry.memo["volume_uses"]  # type: ignore[no-any-return]


def shipper_inputs(ctx: LintContext, entry: Entry) -> list[PathUse]:
    """The paths a log shipper reads: its flags, args and mounted config files."""
    uses = [u for u in entry_path_uses(entry) if u.access == "read"]
    uses += _config_inputs(ctx, entry)
    # Config files themselves are not inputs: keep paths that look like logs or globs.
    return [u for u in uses if "*" in u.path or "log" in u.path.lower() or u.path.endswith(".json")]


def is_log_shipper(entry: Entry) -> bool:
    """By image or program: the shipper's job is reading files other containers write."""
    if "log_shipper" not in entry.memo:
        command = entry.container.get("command")
        program = program_name(command[0]) if isinstance(command, list) and command else ""
        entry.memo["log_shipper"] = bool(
            _LOG_SHIPPERS.match(program_name(entry.container.get("image"))) or _LOG_SHIPPERS.match(program)
        )
    return entry.memo["log_shipper"]  # type: ignore[no-any-return]


def writes_volume(ctx: LintContext, entry: Entry, volume: str) -> bool:
    """A read-write mount counts as writing unless the container only reads it by evidence."""
    mounts = [w for w in windows(entry) if w.volume == volume]
    if not mounts or all(w.read_only for w in mounts):
        return False
    uses = [u for u in volume_uses(ctx, entry) if u.window.volume == volume]
    return not (uses and all(u.use.access == "read" for u in uses) or is_log_shipper(entry) and not uses)


def reads_volume(ctx: LintContext, entry: Entry, volume: str) -> bool:
    mounts = [w for w in windows(entry) if w.volume == volume]
    if any(w.read_only for w in mounts):
        return True
    return any(u.use.access == "read" and u.window.volume == volume for u in volume_uses(ctx, entry))


def _is_empty_dir_volume(declared: dict[str, tuple[int, dict[str, Any]]], name: str) -> bool:
    return name in declared and isinstance(declared[name][1].get("emptyDir"), dict)


def _overlap(a: str, b: str, a_expr: bool = False, b_expr: bool = False) -> bool:
    """Whether two places inside a volume can see each other (one contains the other)."""
    if a_expr or b_expr:
        return True
    a, b = a.strip("/"), b.strip("/")
    if not a or not b or a == b:
        return True
    if "*" in a or "*" in b:
        return (
            fnmatch.fnmatchcase(b, a) or fnmatch.fnmatchcase(a, b) or _glob_prefix(a, b) or _glob_prefix(b, a)
        )
    return a.startswith(b + "/") or b.startswith(a + "/")


def _glob_prefix(pattern: str, path: str) -> bool:
    """A directory path that a glob's leading directories match (logs/*.log vs logs)."""
    parts = pattern.split("/")
    return any(fnmatch.fnmatchcase(path, "/".join(parts[:cut])) for cut in range(1, len(parts)))


def _role(ctx: LintContext, entry: Entry) -> Role | None:
    return ctx.role(entry.name)


def check(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    declared = volumes(ctx)
    _unused_and_memory(ctx, all_entries, declared, report)
    _read_only_sources(ctx, all_entries, declared, report)
    _subpath_stale(ctx, all_entries, declared, report)
    _producers_and_consumers(ctx, all_entries, declared, report)


def _sharers(all_entries: list[Entry], volume: str) -> list[Entry]:
    return [e for e in all_entries if volume in mounted_names(e)]


def _unused_and_memory(
    ctx: LintContext,
    all_entries: list[Entry],
    declared: dict[str, tuple[int, dict[str, Any]]],
    report: _Report,
) -> None:
    used = set().union(*(mounted_names(e) for e in all_entries)) if all_entries else set()
    for name, (k, volume) in declared.items():
        path = f"{ctx.spec_path}.volumes[{k}]"
        if name not in used:
            report(
                "PAT-VOLUME-UNUSED",
                "warning",
                path,
                f"volume {name!r} is not mounted by any container",
                "mount it or remove it",
            )
        empty_dir = volume.get("emptyDir")
        if (
            isinstance(empty_dir, dict)
            and empty_dir.get("medium") == "Memory"
            and not empty_dir.get("sizeLimit")
        ):
            sharers = [e for e in _sharers(all_entries, name) if e.concurrent]
            # A buffer carries a stream (logs, a spool, a queue): it grows while a reader stalls.
            # Rendered config or certificates written once are small and bounded by themselves.
            streamed = any(is_log_shipper(e) for e in sharers) or any(
                _STREAM.search(w.mount_path + " " + name)
                for e in sharers
                for w in windows(e)
                if w.volume == name
            )
            # One container's own spool counts too: a log shipper's or collector's filesystem
            # buffer (fluent-bit storage.path) grows in memory while its output is down.
            own_spool = (
                len(sharers) == 1
                and is_log_shipper(sharers[0])
                and any(
                    not w.read_only and _STREAM.search(w.mount_path + " " + name)
                    for w in windows(sharers[0])
                    if w.volume == name
                )
            )
            buffer = streamed and (
                len(sharers) >= 2 and any(writes_volume(ctx, e, name) for e in sharers) or own_spool
            )
            report(
                "PAT-EMPTYDIR-MEMORY",
                "warning" if buffer else "info",
                f"{path}.emptyDir",
                f"memory-backed emptyDir {name!r} has no sizeLimit; tmpfs usage counts against memory limits"
                + (
                    f" and {', '.join(e.name for e in sharers)} use it as a buffer: a stalled reader fills "
                    "memory until the writer is OOM-killed"
                    if buffer
                    else ""
                ),
                "set emptyDir.sizeLimit",
            )


def _read_only_sources(
    ctx: LintContext,
    all_entries: list[Entry],
    declared: dict[str, tuple[int, dict[str, Any]]],
    report: _Report,
) -> None:
    for entry in all_entries:
        for vuse in volume_uses(ctx, entry):
            # `mkdir -p /etc/app` or `chown` on the mount point itself touches no file in it.
            if vuse.use.access != "write" or vuse.inside == vuse.window.sub:
                continue
            volume = declared.get(vuse.window.volume, (0, {}))[1]
            source = next((key for key in READ_ONLY_SOURCES if isinstance(volume.get(key), dict)), None)
            claim = volume.get("persistentVolumeClaim")
            if source is None and isinstance(claim, dict) and claim.get("readOnly") is True:
                source = "persistentVolumeClaim (readOnly)"
            if source is None:
                continue
            report(
                "PAT-WRITE-TO-READONLY-VOLUME",
                "warning",
                vuse.use.field,
                f"{entry.name!r} writes {vuse.use.path}, which is on {source} volume {vuse.window.volume!r}; "
                "the kubelet mounts it read-only, so the write fails",
                "copy the file into an emptyDir (an init container can do it) and write there",
                container=entry.name,
            )


def _subpath_stale(
    ctx: LintContext,
    all_entries: list[Entry],
    declared: dict[str, tuple[int, dict[str, Any]]],
    report: _Report,
) -> None:
    for entry in all_entries:
        if entry.run_to_completion:
            continue
        for window in windows(entry):
            if not window.sub:
                continue
            volume = declared.get(window.volume, (0, {}))[1]
            source = next(
                (key for key in ("configMap", "secret", "projected", "downwardAPI") if key in volume), None
            )
            if source is None:
                continue
            # Stale matters where someone expects updates: the container or a sidecar reloads.
            reloaders = [
                e.name
                for e in all_entries
                if e.concurrent
                and window.volume in mounted_names(e)
                and _RELOADS.search(
                    " ".join(str(v) for k in ("command", "args") for v in e.container.get(k) or [])
                    + " "
                    + program_name(e.container.get("image"))
                )
            ]
            if not reloaders:
                continue
            report(
                "PAT-SUBPATH-STALE",
                "warning",
                f"{entry.path}.volumeMounts[{window.index}].subPath" + ("Expr" if window.expr else ""),
                f"{entry.name!r} mounts {source} {window.volume!r} with subPath; such mounts never receive "
                f"updates, yet {', '.join(reloaders)} expects changes to reach it",
                "mount the whole volume at a directory (no subPath) and point the program at the file in it",
                container=entry.name,
            )


def _producers_and_consumers(
    ctx: LintContext,
    all_entries: list[Entry],
    declared: dict[str, tuple[int, dict[str, Any]]],
    report: _Report,
) -> None:
    mains = [e for e in all_entries if _role(ctx, e) == Role.MAIN and e.concurrent]
    syncers = [
        e
        for e in all_entries
        if e.concurrent
        and _role(ctx, e) != Role.MAIN
        and _SYNCERS.match(program_name(e.container.get("image")))
    ]
    # A shipper whose input lies on no volume at all reads its own filesystem: it ships nothing.
    main_volumes: set[str] | None = None  # the volumes the mains write, found once when needed
    for entry in all_entries:
        if not (entry.concurrent and is_log_shipper(entry)) or not mains or entry in mains:
            continue
        inputs = shipper_inputs(ctx, entry)
        if main_volumes is None:
            main_volumes = {w.volume for m in mains for w in windows(m) if writes_volume(ctx, m, w.volume)}
        shipper_windows = [w for w in windows(entry) if w.volume in main_volumes]
        if not inputs or not shipper_windows:
            continue
        located = [(u, locate(entry, u.path.split("*", 1)[0] or "/")) for u in inputs]
        on_shared = [(u, loc) for u, loc in located if loc is not None and loc[0].volume in main_volumes]
        if not on_shared:
            use = inputs[0]
            report(
                "PAT-LOGSHIPPER-INPUT",
                "warning",
                use.field,
                f"log shipper {entry.name!r} reads {use.path}, which is on none of the volumes the main writes "
                f"(it mounts them at {', '.join(w.mount_path for w in shipper_windows)}); it ships nothing",
                f"read from {shipper_windows[0].mount_path}, where the main's files appear",
                container=entry.name,
            )
            continue
        for use, (window, _) in on_shared:
            rest = posixpath.normpath(use.path)[len(window.mount_path) :].lstrip("/")
            inside = "/".join(p for p in (window.sub, rest) if p)
            if not _main_area_matches(ctx, mains, window.volume, inside, window.expr):
                report(
                    "PAT-LOGSHIPPER-INPUT",
                    "warning",
                    use.field,
                    f"log shipper {entry.name!r} reads {use.path} ({inside!r} inside volume {window.volume!r}), "
                    f"but the main writes {_main_area_text(ctx, mains, window.volume)} there",
                    "point the shipper's input at the directory and file names the main writes",
                    container=entry.name,
                )
    # Producer/consumer pairs: the main feeds shippers and adapters; syncers feed the main.
    pairs: list[tuple[Entry, Entry]] = []
    adapter_pairs = {
        (m, e)
        for e in all_entries
        if e.concurrent and e not in mains and (_role(ctx, e) == Role.ADAPTER or is_log_shipper(e))
        for m in mains
    } | {(s, m) for s in syncers for m in mains}
    for entry in all_entries:
        if not entry.concurrent or entry in mains:
            continue
        role = _role(ctx, entry)
        if role == Role.ADAPTER or is_log_shipper(entry):
            pairs.extend((m, entry) for m in mains)
        elif any(
            u.use.access == "read" and _is_empty_dir_volume(declared, u.window.volume)
            for u in volume_uses(ctx, entry)
        ):
            # Any other helper that reads a file of a shared emptyDir by its flags (mtail --logs)
            # consumes what the main writes there.
            pairs.extend((m, entry) for m in mains)
    pairs.extend((s, m) for s in syncers for m in mains)
    for producer, consumer in pairs:
        shared = {w.volume for w in windows(producer)} & {w.volume for w in windows(consumer)}
        if (producer, consumer) not in adapter_pairs:
            shared = {v for v in shared if _is_empty_dir_volume(declared, v)}
        for volume in sorted(shared):
            if (
                not isinstance(declared.get(volume, (0, {}))[1].get("emptyDir"), dict)
                and volume not in declared
            ):
                continue
            _pair(ctx, producer, consumer, volume, report)


def _pair(ctx: LintContext, producer: Entry, consumer: Entry, volume: str, report: _Report) -> None:
    produced = [w for w in windows(producer) if w.volume == volume]
    consumed = [w for w in windows(consumer) if w.volume == volume]
    writes_by_evidence = [
        u for u in volume_uses(ctx, producer) if u.window.volume == volume and u.use.access == "write"
    ]
    if all(w.read_only for w in produced) and (
        writes_by_evidence or producer.name in _syncer_names(ctx, producer)
    ):
        target = writes_by_evidence[0].use.path if writes_by_evidence else produced[0].mount_path
        report(
            "PAT-PRODUCER-READONLY",
            "warning",
            f"{producer.path}.volumeMounts[{produced[0].index}].readOnly",
            f"{producer.name!r} writes {target} for {consumer.name!r}, but mounts volume {volume!r} readOnly; "
            "the write fails",
            "drop readOnly from the producer's mount (keep it on the consumer's)",
            container=producer.name,
        )
        return
    if not any(_overlap(p.sub, c.sub, p.expr, c.expr) for p in produced for c in consumed):
        report(
            "PAT-SUBPATH-MISMATCH",
            "warning",
            f"{consumer.path}.volumeMounts[{consumed[0].index}]",
            f"{consumer.name!r} mounts {volume!r} at subPath {consumed[0].sub or '(root)'!r} and "
            f"{producer.name!r} at subPath {produced[0].sub or '(root)'!r}; the two never see each other's files",
            "use the same subPath on both mounts (or mount the volume root on the reader)",
            container=consumer.name,
        )
        return
    if not is_log_shipper(consumer):
        reads = [
            u for u in volume_uses(ctx, consumer) if u.window.volume == volume and u.use.access == "read"
        ]
        writes = [u.inside for u in writes_by_evidence]
        if reads and writes and not any(_overlap(r.inside, w) for r in reads for w in writes):
            report(
                "PAT-SHARED-PATH-MISMATCH",
                "warning",
                reads[0].use.field,
                f"{consumer.name!r} reads {reads[0].use.path} ({reads[0].inside!r} in volume {volume!r}), but "
                f"{producer.name!r} writes {', '.join(repr(w) for w in writes)} there",
                "make the reader's path and the writer's path name the same file or directory",
                container=consumer.name,
            )
    if not any(w.read_only for w in consumed) and not _writes_by_evidence(ctx, consumer, volume):
        window = consumed[0]
        report(
            "PAT-CONSUMER-READONLY",
            "info",
            f"{consumer.path}.volumeMounts[{window.index}]",
            f"{consumer.name!r} only reads volume {volume!r} written by {producer.name}; mount it readOnly",
            "set readOnly: true on this mount",
            container=consumer.name,
        )


def _writes_by_evidence(ctx: LintContext, entry: Entry, volume: str) -> bool:
    if _SYNCERS.match(program_name(entry.container.get("image"))):
        return True
    # A log shipper keeps its read positions (fluent-bit DB, vector data_dir) next to the logs.
    return any(u.window.volume == volume and u.use.access == "write" for u in volume_uses(ctx, entry))


def _syncer_names(ctx: LintContext, entry: Entry) -> set[str]:
    return {entry.name} if _SYNCERS.match(program_name(entry.container.get("image"))) else set()


def _main_areas(ctx: LintContext, mains: list[Entry], volume: str) -> list[tuple[str, bool]]:
    """Where the mains write inside a volume: the files their flags name, else their windows."""
    areas: list[tuple[str, bool]] = []
    for main in mains:
        writes = [
            u.inside for u in volume_uses(ctx, main) if u.window.volume == volume and u.use.access == "write"
        ]
        if writes:
            areas.extend((w, False) for w in writes)
        else:
            areas.extend((w.sub, w.expr) for w in windows(main) if w.volume == volume and not w.read_only)
    return areas


def _main_area_matches(ctx: LintContext, mains: list[Entry], volume: str, inside: str, expr: bool) -> bool:
    return any(_overlap(inside, area, expr, area_expr) for area, area_expr in _main_areas(ctx, mains, volume))


def _main_area_text(ctx: LintContext, mains: list[Entry], volume: str) -> str:
    areas = [area or "(the volume root)" for area, _ in _main_areas(ctx, mains, volume)]
    return ", ".join(repr(a) for a in areas) or "nothing"
