"""Lifecycle pattern rules (PAT-*): start order, who must end, who must not, and shutdown.

The kubelet runs init containers one by one (a native sidecar — restartPolicy Always — counts as
done once started), then starts every regular container at once; at termination it sends
SIGTERM to all regular containers together, and stops native sidecars afterwards in reverse
order; everything gets terminationGracePeriodSeconds (default 30) in total. These rules compare
that schedule with what each container's definition says it does (designer/pod/evidence.py):
a daemon where a one-shot task belongs, a wait for something that only starts later, a drain
longer than the grace period. They judge by evidence, so a helper that exits or a loop that
breaks is never called a daemon.
"""

from __future__ import annotations

import re
from typing import Any

from designer.pod.evidence import LifecycleEvidence, lifecycle, script_of, shutdown_calls
from designer.pod.roles import DEFAULT_CONTAINER_ANNOTATION, Role
from designer.pod.rules.context import LintContext
from designer.pod.rules.patterns import (
    NATIVE_SIDECARS_ALPHA,
    NATIVE_SIDECARS_DEFAULT,
    NATIVE_SIDECARS_GA,
    Entry,
    _Report,
    _texts,
    argument_ports,
    declared_ports,
    links,
    mounted_names,
    mounts,
    native_enabled,
    port_numbers,
    volumes,
)
from designer.pod.rules.patterns_volumes import (
    _overlap,
    entry_path_uses,
    locate,
    reads_volume,
    volume_uses,
    writes_volume,
)
from designer.pod.workloads import template_path

DEFAULT_GRACE_SECONDS = 30
_SCRATCH_PATH = re.compile(r"^/(?:tmp|run|var/run|var/tmp|home)(?:/|$)|lock|cache|scratch", re.I)
_SCRATCH_NAME = re.compile(r"tmp|temp|scratch|cache|work", re.I)
# A wait on a local port: `until nc -z localhost 5432`, `wait-for-it localhost:8080`,
# `pg_isready -h 127.0.0.1 -p 6432`, `curl -sf http://localhost:8080/healthz` in a loop.
_WAIT = re.compile(r"\buntil\b|\bwhile\s+!|wait-for|dockerize\s+.*-wait|\bretry\b")
_LOCAL_TARGET = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::|\s+)([0-9]{1,5})\b")
_PG_ISREADY = re.compile(r"pg_isready\b[^;&|]*?-h\s*(?:localhost|127\.0\.0\.1)[^;&|]*?-p\s*([0-9]{1,5})")
_FILE_WAIT = re.compile(r"(?:\[\[?|\btest)\s+!?\s*-[efs]\s+(/[^\s\]\"';]+)")
# A program's own drain after SIGTERM, from its flags or env (seconds, or Go durations).
_DRAIN_FLAG = re.compile(
    r"(?:--?(?:shutdown[-_]?timeout|graceful[-_]?timeout|graceful[-_]?shutdown[-_]?timeout|"
    r"drain[-_]?time(?:[-_]?s)?|max[-_]?sigterm[-_]?delay|term[-_]?timeout|shutdown[-_]?delay|"
    r"shutdown[-_]?grace[-_]?period|lameduck)|SHUTDOWN_TIMEOUT|GRACEFUL_TIMEOUT|DRAIN_TIMEOUT)"
    r"[=\s:]+([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?\b",
    re.I,
)
_DRAIN_WORDS = re.compile("shutdown|graceful|drain|term|lameduck")
_DRAINS_ITSELF = re.compile(
    r"max[-_]?sigterm[-_]?delay|drain[-_]?time|quitquitquit|term[-_]?timeout|lameduck", re.I
)
_STARTUP_STEP = re.compile(
    r"\b(migrate|migration|upgrade|seed|bootstrap|db\s+init|createdb|psql|flyway|liquibase|alembic)\b", re.I
)
_SIGNAL = re.compile(
    r"\b(?:kill|pkill|killall)\b(?:\s+-(?:s\s+)?[A-Z0-9]+)*(?:\s+-[a-z]+)*\s+(\S+)|--signal|SIGHUP|SIGUSR[12]"
)
_PROC_ONE = re.compile(r"/proc/1/")


def _batch(ctx: LintContext) -> bool:
    restart = ctx.spec.get("restartPolicy")
    return restart in ("Never", "OnFailure") or (restart is None and ctx.kind in ("Job", "CronJob"))


def _is_helper(ctx: LintContext, entry: Entry) -> bool:
    role = ctx.role(entry.name)
    return role is not None and role not in (Role.MAIN, Role.INIT)


def check(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    _check_init(ctx, all_entries, report)
    _check_waits(ctx, all_entries, report)
    _check_volume_order(ctx, all_entries, report)
    _check_native(ctx, all_entries, report)
    _check_completion(ctx, all_entries, report)
    _check_startup(ctx, all_entries, report)
    _check_shutdown(ctx, all_entries, report)
    _check_grace(ctx, all_entries, report)
    _check_signals(ctx, all_entries, report)
    _check_default_container(ctx, all_entries, report)


# --- init containers ---------------------------------------------------------------------------


def _is_empty_dir(declared: dict[str, tuple[int, dict[str, Any]]], name: str) -> bool:
    return name in declared and isinstance(declared[name][1].get("emptyDir"), dict)


def _check_init(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    declared = volumes(ctx)
    init = [e for e in all_entries if e.group == "initContainers"]
    for position, entry in enumerate(all_entries):
        if entry.group != "initContainers":
            continue
        later_users = set().union(*(mounted_names(e) for e in all_entries[position + 1 :]))
        earlier_writers = {
            volume_name for e in init if e.index < entry.index for _, volume_name, ro in mounts(e) if not ro
        }
        for j, volume_name, read_only in mounts(entry):
            if not _is_empty_dir(declared, volume_name):
                continue
            mount_path = f"{entry.path}.volumeMounts[{j}]"
            # Only a run-to-completion init reads at one moment; a native sidecar keeps running
            # and reads what the app writes later (the log shipper pattern).
            if read_only and volume_name not in earlier_writers and entry.run_to_completion:
                report(
                    "PAT-INIT-READS-UNWRITTEN",
                    "warning",
                    mount_path,
                    f"init container {entry.name!r} reads emptyDir {volume_name!r}, but no earlier init "
                    "container writes it; it is empty at this point",
                    "add or move the writer before it",
                    container=entry.name,
                )
            mount_dir = entry.container["volumeMounts"][j].get("mountPath")
            # A private scratch volume (only this init container mounts it) is not shared output.
            scratch = (isinstance(mount_dir, str) and bool(_SCRATCH_PATH.search(mount_dir))) or bool(
                _SCRATCH_NAME.search(volume_name)
            )
            # Reading back what it wrote (download, then unpack) marks a private work area too.
            scratch = scratch or any(
                u.access == "read" and locate_volume(entry, u.path) == volume_name
                for u in entry_path_uses(entry)
            )
            if entry.run_to_completion and not read_only:
                if volume_name not in later_users and not scratch:
                    report(
                        "PAT-INIT-OUTPUT-CONSUMED",
                        "warning",
                        mount_path,
                        f"init container {entry.name!r} writes emptyDir {volume_name!r}, but no later "
                        "container mounts it",
                        "mount the volume where its output is needed, or drop the mount",
                        container=entry.name,
                    )
                report(
                    "PAT-INIT-IDEMPOTENT",
                    "info",
                    mount_path,
                    f"init container {entry.name!r} may run again (pod restart); its writes to "
                    f"{volume_name!r} should be idempotent",
                    container=entry.name,
                )
        if not entry.run_to_completion:
            continue
        if declared_ports(entry):
            report(
                "PAT-INIT-PORTS",
                "warning",
                f"{entry.path}.ports",
                f"run-to-completion init container {entry.name!r} declares ports; they are not served "
                "after it exits and are not aggregated under a Service",
                "remove the ports, or make it a native sidecar (restartPolicy: Always)",
                container=entry.name,
            )
        evidence = _lifecycle(entry)
        if evidence.daemon and evidence.firm:
            field = (
                "command" if entry.container.get("command") else "args" if entry.container.get("args") else ""
            )
            report(
                "PAT-INIT-NEVER-EXITS",
                "warning",
                f"{entry.path}.{field}" if field else entry.path,
                f"init container {entry.name!r} never exits: it {evidence.reason}; the pod would stay in Init "
                "forever",
                "make it a native sidecar (restartPolicy: Always) or move it to containers",
                container=entry.name,
            )


def locate_volume(entry: Entry, path: str) -> str | None:
    located = locate(entry, path)
    return located[0].volume if located else None


def _served_ports(entry: Entry) -> set[int]:
    return port_numbers(entry) | argument_ports(entry)


def _wait_targets(entry: Entry) -> list[tuple[str, int | str]]:
    """(field, port or file path) an init container's script waits for."""
    script = script_of(entry.container)
    if script is None or not _WAIT.search(script):
        return []
    field = next((f for f, text in _entry_texts(entry) if text.strip() and text in script), "command")
    found: list[tuple[str, int | str]] = []
    for regex in (_LOCAL_TARGET, _PG_ISREADY):
        found.extend((f"{entry.path}.{field}", int(m.group(1))) for m in regex.finditer(script))
    found.extend((f"{entry.path}.{field}", m.group(1)) for m in _FILE_WAIT.finditer(script))
    return found


def _check_waits(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    regular = [e for e in all_entries if e.group == "containers"]
    for entry in all_entries:
        if not entry.run_to_completion:
            continue
        earlier_natives = [e for e in all_entries if e.native and e.index < entry.index]
        for field, target in _wait_targets(entry):
            if isinstance(target, int):
                if any(target in _served_ports(n) for n in earlier_natives):
                    continue
                app = next((e for e in regular if target in _served_ports(e)), None)
                if app is None:
                    continue
                what = f"localhost:{target}, which only app container {app.name!r} serves"
            else:
                located = locate(entry, target)
                if located is None:
                    continue
                volume = located[0].volume
                if any(
                    writes_volume(ctx, e, volume)
                    for e in all_entries
                    if e.group == "initContainers" and e.index < entry.index
                ):
                    continue
                app = next((e for e in regular if writes_volume(ctx, e, volume)), None)
                if app is None:
                    continue
                what = f"{target}, which only app container {app.name!r} writes (volume {volume!r})"
            report(
                "PAT-INIT-WAITS-FOR-APP",
                "warning",
                field,
                f"init container {entry.name!r} waits for {what}; app containers start only after every "
                "init container has finished, so the pod never starts",
                "wait in the app container instead, or serve the dependency from a native sidecar placed "
                "before this init container",
                container=entry.name,
            )
            break


def _check_volume_order(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    """An init container (run-to-completion or native) that reads an emptyDir only a later init
    container fills: PAT-INIT-ORDER when the writer runs to completion, PAT-NATIVE-SIDECAR-ORDER
    when either side is a native sidecar."""
    declared = volumes(ctx)
    init = [e for e in all_entries if e.group == "initContainers"]
    for entry in init:
        for j, volume_name, read_only in mounts(entry):
            if not _is_empty_dir(declared, volume_name):
                continue
            if entry.native:
                # A native sidecar keeps running; it depends on the volume only where it reads a
                # named file at start (its config), not a directory it watches.
                needs = any(
                    u.access == "read" and not u.path.endswith("/") and "." in u.path.rsplit("/", 1)[-1]
                    for u in entry_path_uses(entry)
                ) and reads_volume(ctx, entry, volume_name)
                if not needs or writes_volume(ctx, entry, volume_name):
                    continue
            elif not (
                read_only
                or (reads_volume(ctx, entry, volume_name) and not writes_volume(ctx, entry, volume_name))
                or _reads_what_later_writes(ctx, entry, volume_name, init)
            ):
                continue
            earlier = [e for e in init if e.index < entry.index and writes_volume(ctx, e, volume_name)]
            later = [e for e in init if e.index > entry.index and writes_volume(ctx, e, volume_name)]
            if not read_only and writes_volume(ctx, entry, volume_name):
                # It writes the volume too (gomplate --input-dir=/work/templates --output-dir=/work/config):
                # only the writers of the very place it reads count.
                earlier = [
                    e
                    for e in earlier
                    if _writes_place(ctx, e, volume_name, _read_places(ctx, entry, volume_name))
                ]
                later = [
                    e
                    for e in later
                    if _writes_place(ctx, e, volume_name, _read_places(ctx, entry, volume_name))
                ]
            if earlier or not later:
                continue
            writer = later[0]
            rule = "PAT-NATIVE-SIDECAR-ORDER" if (writer.native or entry.native) else "PAT-INIT-ORDER"
            report(
                rule,
                "warning",
                f"{entry.path}.volumeMounts[{j}]",
                f"{'native sidecar' if entry.native else 'init container'} {entry.name!r} reads emptyDir "
                f"{volume_name!r}, which {'native sidecar' if writer.native else 'init container'} "
                f"{writer.name!r} fills only after it",
                f"move {writer.name!r} before {entry.name!r} in initContainers",
                container=entry.name,
            )


def _read_places(ctx: LintContext, entry: Entry, volume: str) -> list[str]:
    return [u.inside for u in volume_uses(ctx, entry) if u.window.volume == volume and u.use.access == "read"]


def _writes_place(ctx: LintContext, entry: Entry, volume: str, places: list[str]) -> bool:
    written = [
        u.inside for u in volume_uses(ctx, entry) if u.window.volume == volume and u.use.access == "write"
    ]
    return any(_overlap(w, p) for w in written for p in places if w.strip("/") and p.strip("/"))


def _reads_what_later_writes(ctx: LintContext, entry: Entry, volume: str, init: list[Entry]) -> bool:
    """A reader-writer init container that reads a place in the volume a later init container writes."""
    places = _read_places(ctx, entry, volume)
    return bool(places) and any(e.index > entry.index and _writes_place(ctx, e, volume, places) for e in init)


# --- native sidecars ----------------------------------------------------------------------------


def _dependents(ctx: LintContext, sidecar: Entry, all_entries: list[Entry]) -> list[str]:
    """Containers started after a native sidecar that link to its ports or read what it writes."""
    ports = _served_ports(sidecar)
    later = [
        e
        for e in all_entries
        if e.group == "containers" or e.index > sidecar.index and e.group == "initContainers"
    ]
    result = []
    for entry in later:
        if entry is sidecar:
            continue
        linked = any(link.port in ports for link in links(entry))
        fed = any(
            writes_volume(ctx, sidecar, v) and reads_volume(ctx, entry, v)
            for v in mounted_names(entry) & mounted_names(sidecar)
        )
        if linked or fed:
            result.append(entry.name)
    return result


def _check_native(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    natives = [
        e for e in all_entries if e.group == "initContainers" and e.container.get("restartPolicy") == "Always"
    ]
    version = f"{ctx.version[0]}.{ctx.version[1]}"
    for entry in natives:
        if ctx.version < NATIVE_SIDECARS_DEFAULT:
            state = "alpha and off by default" if ctx.version >= NATIVE_SIDECARS_ALPHA else "not supported"
            report(
                "PAT-NATIVE-SIDECAR-VERSION",
                "warning",
                f"{entry.path}.restartPolicy",
                f"native sidecar {entry.name!r}: sidecar containers are {state} in Kubernetes {version}; "
                "the API server rejects or drops restartPolicy and it runs as a blocking init container",
                "target Kubernetes 1.29 or newer, or make it a regular container",
                container=entry.name,
            )
        elif ctx.version < NATIVE_SIDECARS_GA:
            report(
                "PAT-NATIVE-SIDECAR-VERSION",
                "info",
                f"{entry.path}.restartPolicy",
                f"native sidecar {entry.name!r}: beta (on by default) in Kubernetes {version}, GA from 1.33",
                container=entry.name,
            )
        if not entry.native:
            continue
        evidence = _lifecycle(entry)
        if evidence.exits:
            report(
                "PAT-NATIVE-SIDECAR-ONESHOT",
                "warning",
                f"{entry.path}.restartPolicy",
                f"native sidecar {entry.name!r} {evidence.reason.replace('runs once', 'is a one-shot task')}; "
                "restartPolicy Always restarts it every time it ends (CrashLoopBackOff)",
                "drop restartPolicy: Always to make it a regular init container",
                container=entry.name,
            )
        if _served_ports(entry) and not entry.container.get("startupProbe"):
            dependents = _dependents(ctx, entry, all_entries)
            missing = [p for p in ("startupProbe", "readinessProbe") if not entry.container.get(p)]
            report(
                "PAT-NATIVE-SIDECAR-STARTUP",
                "warning" if dependents else "info",
                f"{entry.path}.startupProbe",
                f"native sidecar {entry.name!r} serves ports but has no {' or '.join(missing)}; later "
                "containers start as soon as it is started, not ready"
                + (f" ({', '.join(dependents)} depend on it)" if dependents else ""),
                "add a startupProbe (and a readinessProbe: it counts toward pod readiness)",
                container=entry.name,
            )


def _check_completion(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    batch = _batch(ctx)
    for entry in all_entries:
        if entry.group != "containers" or not _is_helper(ctx, entry):
            continue
        evidence = _lifecycle(entry)
        if batch and evidence.daemon and not stopped_by_peer(entry, all_entries):
            role = ctx.role(entry.name)
            report(
                "PAT-SIDECAR-BLOCKS-COMPLETION",
                "warning",
                entry.path,
                f"{role.value if role else 'helper'} {entry.name!r} is a regular container in a pod that should "
                f"complete, and it {evidence.reason}; it keeps the pod running after the main exits",
                "make it a native sidecar (initContainers with restartPolicy: Always)"
                if native_enabled(ctx)
                else "have it exit when the main is done (a shared marker file), or target 1.29+ for native sidecars",
                container=entry.name,
            )
        elif not batch and evidence.exits:
            report(
                "PAT-HELPER-EXITS",
                "warning",
                entry.path,
                f"helper {entry.name!r} {evidence.reason}; with restartPolicy Always the kubelet restarts it "
                "each time (CrashLoopBackOff) and the pod is never fully ready",
                "run it as an init container if it prepares something once, or make it loop",
                container=entry.name,
            )


def stopped_by_peer(helper: Entry, all_entries: list[Entry], any_port: bool = False) -> bool:
    """Another regular container calls the helper's shutdown endpoint on localhost when it is done
    (`curl -X POST localhost:9091/quitquitquit`): the pre-1.29 way to let a Job complete.
    `any_port` for a mesh proxy, whose admin ports (Istio 15020) its definition does not show."""
    ports = _served_ports(helper)
    for other in all_entries:
        if other is helper or other.group != "containers":
            continue
        for port in shutdown_calls(other.container):
            if port is None or any_port or port in ports:
                return True
    return False


# --- start-up and shutdown among regular containers ----------------------------------------------


def _classic_helper_for(ctx: LintContext, main: Entry, all_entries: list[Entry]) -> list[tuple[Entry, int]]:
    """(helper, port) pairs: regular helper containers the main links to on localhost."""
    pairs: list[tuple[Entry, int]] = []
    for link in links(main):
        helper = next(
            (
                e
                for e in all_entries
                if e.group == "containers"
                and e is not main
                and _is_helper(ctx, e)
                and link.port in _served_ports(e)
            ),
            None,
        )
        if helper is not None and all(h is not helper for h, _ in pairs):
            pairs.append((helper, link.port))
    return pairs


def _startup_file_dependencies(
    ctx: LintContext, main: Entry, all_entries: list[Entry]
) -> list[tuple[Entry, str, str]]:
    """(helper, file, field) for files the main's start script reads (`. /vault/secrets/db.env`)
    from an emptyDir that only classic helpers write: no init container or native sidecar fills it
    before the main starts."""
    script = script_of(main.container)
    if script is None or _WAIT.search(script) or _FILE_WAIT.search(script):
        return []
    declared = volumes(ctx)
    found: list[tuple[Entry, str, str]] = []
    for use in entry_path_uses(main):
        if use.access != "read":
            continue
        volume = locate_volume(main, use.path)
        if volume is None or not _is_empty_dir(declared, volume) or writes_volume(ctx, main, volume):
            continue
        early = [e for e in all_entries if e.group == "initContainers" and writes_volume(ctx, e, volume)]
        classic = [
            e
            for e in all_entries
            if e.group == "containers"
            and e is not main
            and _is_helper(ctx, e)
            and writes_volume(ctx, e, volume)
        ]
        if classic and not early:
            found.append((classic[0], use.path, use.field))
    return found


def _check_startup(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    for main in all_entries:
        if main.group != "containers" or ctx.role(main.name) != Role.MAIN:
            continue
        for helper, file, field in _startup_file_dependencies(ctx, main, all_entries)[:1]:
            report(
                "PAT-STARTUP-DEPENDS-ON-CLASSIC-SIDECAR",
                "warning",
                field,
                f"{main.name!r} reads {file} as it starts, but only the regular container {helper.name!r} "
                "writes it; regular containers start together in no guaranteed order, so on a cold start "
                "the file is not there yet",
                f"render the file first: an init container (e.g. the agent's one-shot mode) or {helper.name!r} "
                "as a native sidecar with a startupProbe",
                container=main.name,
            )
        script = script_of(main.container) or ""
        if not _STARTUP_STEP.search(script) or _WAIT.search(script):
            continue
        for helper, port in _classic_helper_for(ctx, main, all_entries):
            report(
                "PAT-STARTUP-DEPENDS-ON-CLASSIC-SIDECAR",
                "warning",
                f"{main.path}.command" if main.container.get("command") else f"{main.path}.args",
                f"{main.name!r} uses localhost:{port} of {helper.name!r} while starting up ("
                f"{_STARTUP_STEP.search(script).group(0)}), but regular containers start together in no "  # type: ignore[union-attr]
                "guaranteed order; the first start fails whenever the helper is slower",
                f"make {helper.name!r} a native sidecar with a startupProbe"
                if native_enabled(ctx)
                else f"wait for localhost:{port} before the step (until nc -z localhost {port}; do sleep 1; done)",
                container=main.name,
            )


def _pre_stop(container: dict[str, Any]) -> dict[str, Any] | None:
    hooks = container.get("lifecycle")
    hook = hooks.get("preStop") if isinstance(hooks, dict) else None
    return hook if isinstance(hook, dict) and hook else None


def _seconds(value: str, unit: str | None) -> float:
    return float(value) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[unit.lower() if unit else None]


def _lifecycle(entry: Entry) -> LifecycleEvidence:
    """The container's lifecycle evidence, judged once per lint (several rules ask)."""
    if "lifecycle" not in entry.memo:
        entry.memo["lifecycle"] = lifecycle(entry.container)
    return entry.memo["lifecycle"]  # type: ignore[no-any-return]


def _entry_texts(entry: Entry) -> list[tuple[str, str]]:
    """_texts of the entry's container, collected once per lint."""
    if "texts" not in entry.memo:
        entry.memo["texts"] = _texts(entry.container)
    return entry.memo["texts"]  # type: ignore[no-any-return]


def _drain(entry: Entry) -> tuple[float, list[str]]:
    """_container_drain of the entry, once per lint (the shutdown and grace rules both ask)."""
    if "drain" not in entry.memo:
        entry.memo["drain"] = _container_drain(entry)
    return entry.memo["drain"]  # type: ignore[no-any-return]


def _container_drain(entry: Entry) -> tuple[float, list[str]]:
    """Seconds a container takes to stop at most, by its preStop sleep and its own drain flags."""
    container = entry.container
    total, parts = 0.0, []
    hook = _pre_stop(container)
    if hook is not None:
        sleep = hook.get("sleep")
        command = hook.get("exec", {}).get("command") if isinstance(hook.get("exec"), dict) else None
        text = " ".join(c for c in command if isinstance(c, str)) if isinstance(command, list) else ""
        if (
            isinstance(sleep, dict)
            and isinstance(sleep.get("seconds"), int)
            and not isinstance(sleep["seconds"], bool)
        ):
            total += sleep["seconds"]
            parts.append(f"preStop sleep {sleep['seconds']}s")
        for match in re.finditer(r"\bsleep\s+([0-9]+(?:\.[0-9]+)?)\b", text):
            total += float(match.group(1))
            parts.append(f"preStop `sleep {match.group(1)}`")
    texts = [text for _, text in _entry_texts(entry)]
    env = container.get("env")
    texts += (
        [f"{v.get('name')}={v.get('value')}" for v in env if isinstance(v, dict)]
        if isinstance(env, list)
        else []
    )
    joined = " ".join(texts)
    # Every drain flag or variable contains one of these words: most containers have none, and
    # the case-blind alternation is slow to scan for nothing.
    lowered = joined.casefold()  # as re.I folds (ſ, K too)
    if not _DRAIN_WORDS.search(lowered):
        return total, parts
    for match in _DRAIN_FLAG.finditer(joined):
        seconds = _seconds(match.group(1), match.group(2))
        total += seconds
        parts.append(f"{match.group(0).strip()}")
        break
    return total, parts


def _grace(ctx: LintContext) -> int:
    grace = ctx.spec.get("terminationGracePeriodSeconds")
    return grace if isinstance(grace, int) and not isinstance(grace, bool) else DEFAULT_GRACE_SECONDS


def _check_shutdown(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    for main in all_entries:
        if main.group != "containers" or ctx.role(main.name) != Role.MAIN:
            continue
        drain, parts = _drain(main)
        if drain <= 0:
            continue
        for helper, port in _classic_helper_for(ctx, main, all_entries):
            if _pre_stop(helper.container) is not None:
                continue
            if any(_DRAINS_ITSELF.search(text) for _, text in _entry_texts(helper)):
                continue
            if not _lifecycle(helper).daemon and not declared_ports(helper):
                continue
            report(
                "PAT-SHUTDOWN-ORDER",
                "warning",
                helper.path,
                f"{main.name!r} drains for {drain:g}s at shutdown ({', '.join(parts)}) through localhost:{port} of "
                f"{helper.name!r}, but regular containers get SIGTERM together: {helper.name!r} stops at once "
                "and the drain loses its connections",
                f"make {helper.name!r} a native sidecar (stopped after the main)"
                if native_enabled(ctx)
                else f"give {helper.name!r} a preStop sleep as long as the main's drain",
                container=helper.name,
            )


def _check_grace(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    grace = _grace(ctx)
    for entry in all_entries:
        if entry.run_to_completion:
            continue
        drain, parts = _drain(entry)
        hook = _pre_stop(entry.container) or {}
        sleep = hook.get("sleep")
        sleep_seconds = sleep.get("seconds") if isinstance(sleep, dict) else None
        if isinstance(sleep_seconds, int) and sleep_seconds > grace:
            continue  # the API server rejects a preStop sleep longer than the grace period
        if drain >= grace and parts:
            report(
                "PAT-GRACE-SHORTER-THAN-DRAIN",
                "warning",
                f"{ctx.spec_path}.terminationGracePeriodSeconds",
                f"{entry.name!r} needs {drain:g}s to stop ({', '.join(parts)}), but the pod's grace period is "
                f"{grace}s{' (the default)' if 'terminationGracePeriodSeconds' not in ctx.spec else ''}; the "
                "kubelet kills it mid-drain",
                f"set terminationGracePeriodSeconds above {int(drain) + 5}, or shorten the drain",
                container=entry.name,
            )


# --- signals and the shared PID namespace -------------------------------------------------------


def _check_signals(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    share_pid = ctx.spec.get("shareProcessNamespace") is True
    for entry in all_entries:
        if not entry.concurrent or ctx.role(entry.name) == Role.MAIN:
            continue
        for field, text in _entry_texts(entry):
            if "kill" not in text and "SIG" not in text and "--signal" not in text:
                continue  # every _SIGNAL alternative holds one of these
            targets = [(m.group(1) or "").rstrip(";&|)'\"") for m in _SIGNAL.finditer(text)]
            # Its own children ($!, $pid, %1) are always visible; only other containers' are not.
            foreign = [t for t in targets if not t.startswith(("$", "%", "-"))]
            if not foreign:
                continue
            pid_one = "1" in foreign or bool(_PROC_ONE.search(text))
            if share_pid and pid_one:
                report(
                    "PAT-SHAREPID-PID1",
                    "warning",
                    f"{entry.path}.{field}",
                    f"{entry.name!r} signals PID 1, but with shareProcessNamespace PID 1 is the pod's pause "
                    "process, not the main",
                    "signal the main by name (pkill -HUP -x nginx) or through a PID file",
                    container=entry.name,
                )
            elif not share_pid:
                report(
                    "PAT-SHAREPID-SIGNAL",
                    "warning",
                    f"{ctx.spec_path}.shareProcessNamespace",
                    f"{entry.name!r} signals a process ({text.strip()[:50]!r}), but processes of other "
                    "containers are invisible without shareProcessNamespace"
                    + ("; PID 1 is its own process" if pid_one else ""),
                    "set spec.shareProcessNamespace: true (not together with hostPID)",
                    container=entry.name,
                )
            break


def _check_default_container(ctx: LintContext, all_entries: list[Entry], report: _Report) -> None:
    annotations = ctx.metadata.get("annotations")
    default = annotations.get(DEFAULT_CONTAINER_ANNOTATION) if isinstance(annotations, dict) else None
    target = next((e for e in all_entries if e.name == default), None)
    if target is None or target.group != "initContainers":
        return
    meta_path = ".".join(p for p in (template_path(ctx.kind), "metadata.annotations") if p)
    report(
        "PAT-DEFAULT-CONTAINER",
        "warning",
        f"{meta_path}[{DEFAULT_CONTAINER_ANNOTATION}]",
        f"{DEFAULT_CONTAINER_ANNOTATION} names init container {default!r}; kubectl logs/exec then land in "
        + ("a native sidecar" if target.native else "a container that has already exited"),
        "name the main container",
    )
