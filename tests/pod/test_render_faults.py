"""A broken engine: the timeout kills the engine's whole process group; failures are remembered briefly."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from designer.pod import render as render_module
from designer.pod.render import RenderError, render
from tests.pod.render_helpers import fresh_cache, script  # noqa: F401 - fresh_cache is autouse

DOT = "digraph { a -> b }\n"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purpose once its state says so.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def wait_gone(pid: int, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_the_timeout_kills_the_engine_and_the_child_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    engine = script(tmp_path, "forking-engine", f"sleep 30 & echo $! > {pid_file}; wait")
    started = time.monotonic()
    with pytest.raises(RenderError, match="longer than 0.5 s"):
        render(DOT, "svg", engine=engine, timeout=0.5)
    assert time.monotonic() - started < 2.0
    assert wait_gone(int(pid_file.read_text()))


def test_a_child_left_holding_the_output_does_not_outlive_the_timeout(tmp_path: Path) -> None:
    # The engine itself exits at once, but its child keeps stdout open: without the process
    # group, reading the output would wait for the child's 30 s.
    pid_file = tmp_path / "child.pid"
    engine = script(
        tmp_path, "leaky-engine", f"cat >/dev/null; sleep 30 & echo $! > {pid_file}; echo '<svg/>'"
    )
    started = time.monotonic()
    with pytest.raises(RenderError, match="longer than 0.5 s"):
        render(DOT, "svg", engine=engine, timeout=0.5)
    assert time.monotonic() - started < 2.0
    assert wait_gone(int(pid_file.read_text()))


def test_the_engine_runs_in_a_process_group_of_its_own(tmp_path: Path) -> None:
    engine = script(tmp_path, "group-engine", 'cat >/dev/null; echo "<svg>$(ps -o pgid= -p $$)</svg>"')
    group = int(render(DOT, "svg", engine=engine, cache=False).strip()[5:-6])
    assert group != os.getpgrp()


def test_a_failed_drawing_is_not_tried_again_for_a_while(tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    engine = script(tmp_path, "hanging-engine", f"echo run >> {counter}; sleep 30")
    with pytest.raises(RenderError, match="longer than 0.3 s"):
        render(DOT, "svg", engine=engine, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(RenderError, match="longer than 0.3 s"):
        render(DOT, "svg", engine=engine, timeout=0.3)
    assert time.monotonic() - started < 0.1
    assert counter.read_text().count("run") == 1
    # Another drawing is another key: it gets its own attempt.
    with pytest.raises(RenderError):
        render(DOT + " ", "svg", engine=engine, timeout=0.3)
    assert counter.read_text().count("run") == 2


def test_the_failure_is_forgotten_after_failure_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = tmp_path / "fixed"
    engine = script(
        tmp_path, "flaky-engine", f"cat >/dev/null; if [ -e {flag} ]; then echo '<svg/>'; else exit 3; fi"
    )
    now = [1000.0]
    monkeypatch.setattr(render_module, "_clock", lambda: now[0])
    with pytest.raises(RenderError, match="exit 3"):
        render(DOT, "svg", engine=engine)
    flag.touch()
    with pytest.raises(RenderError, match="exit 3"):
        render(DOT, "svg", engine=engine)
    now[0] += render_module.FAILURE_SECONDS
    assert render(DOT, "svg", engine=engine) == b"<svg/>\n"
