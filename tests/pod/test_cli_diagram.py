"""`python -m designer.pod diagram`: formats, stdin, lifecycle, engines and exit codes."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from designer.pod.cli.diagram import main

ROOT = Path(__file__).resolve().parents[2]

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: log-agent
    image: fluent/fluent-bit:3
    restartPolicy: Always
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80
"""


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "pod.yaml"
    path.write_text(POD)
    return path


def ids_of(svg: bytes) -> set[str]:
    return {g.get("id") for g in ET.fromstring(svg).iter() if g.get("id")}  # type: ignore[misc]


def test_it_writes_inline_safe_svg_to_stdout(engine: str, manifest: Path, capsysbinary: Any) -> None:
    assert main([str(manifest), "--engine", engine]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"<svg")
    assert {"container-app", "init-log-agent", "port-app-80"} <= ids_of(out)


@pytest.mark.parametrize("extension", ["svg", "png", "dot"])
def test_it_picks_the_format_from_the_output_extension(
    engine: str, manifest: Path, tmp_path: Path, extension: str
) -> None:
    out = tmp_path / f"pod.{extension}"
    assert main([str(manifest), "-o", str(out), "--engine", engine]) == 0
    data = out.read_bytes()
    expected = {"svg": b"<svg", "png": b"\x89PNG", "dot": b"digraph pod {"}[extension]
    assert data.startswith(expected)


def test_it_draws_the_lifecycle(engine: str, manifest: Path, capsysbinary: Any) -> None:
    assert main([str(manifest), "--lifecycle", "--engine", engine]) == 0
    assert {"lifecycle-up-log-agent", "lifecycle-down-log-agent", "lifecycle-up-app"} <= ids_of(
        capsysbinary.readouterr().out
    )


def test_it_reads_stdin_in_a_real_process(engine: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "designer.pod", "diagram", "-", "--engine", engine, "--format", "dot"],
        input=POD.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert b'id="container-app"' in result.stdout


def test_it_exits_2_on_an_unreadable_file(tmp_path: Path, capsys: Any) -> None:
    assert main([str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_it_exits_2_on_a_broken_manifest(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("kind: Pod\nspec: [unclosed\n")
    assert main([str(path)]) == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_it_exits_2_when_the_engine_fails(manifest: Path, tmp_path: Path, capsys: Any) -> None:
    broken = tmp_path / "broken-engine"
    broken.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    broken.chmod(0o755)
    assert main([str(manifest), "--engine", str(broken)]) == 2
    assert "cannot draw" in capsys.readouterr().err


def test_it_exits_2_on_an_unknown_extension(manifest: Path, tmp_path: Path) -> None:
    assert main([str(manifest), "-o", str(tmp_path / "pod.pdf")]) == 2


# Start-up is most of a CLI run (bench/diagram.py (c)): after a whole drawing, none of these may
# have been imported. The schema validators and Django are the big ones; dataclasses (via
# inspect) and hashlib (OpenSSL) cost a few milliseconds each and only the web process needs them.
HEAVY_MODULES = ("jsonschema", "kubernetes_validate", "django", "dataclasses", "hashlib")


def test_it_keeps_its_imports_lean(engine: str, manifest: Path) -> None:
    code = (
        "import sys; from designer.pod.cli import diagram; "
        f"code = diagram.main([{str(manifest)!r}, '--engine', {engine!r}, '-o', {str(manifest)!r} + '.svg']); "
        f"print(code, ','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=30, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
    assert b"<svg" in manifest.with_suffix(".yaml.svg").read_bytes()


def test_it_draws_many_pods_into_a_directory_in_one_process(engine: str, tmp_path: Path) -> None:
    sources = []
    for name in ("web", "api", "worker"):
        path = tmp_path / "in" / f"{name}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(POD.replace("name: web", f"name: {name}").replace("name: app", f"name: {name}-app"))
        sources.append(str(path))
    out = tmp_path / "out"
    assert main([*sources, "-o", f"{out}/", "--engine", engine, "-j", "2"]) == 0
    drawn = sorted(p.name for p in out.iterdir())
    assert drawn == ["api.svg", "web.svg", "worker.svg"]
    assert f"container-{'api'}-app" in ids_of((out / "api.svg").read_bytes())


def test_it_draws_the_rest_of_a_batch_when_one_file_is_broken(
    engine: str, manifest: Path, tmp_path: Path, capsys: Any
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: [unclosed\n")
    out = tmp_path / "out"
    assert main([str(broken), str(manifest), "-o", f"{out}/", "--engine", engine, "--format", "dot"]) == 2
    assert [p.name for p in out.iterdir()] == ["pod.dot"]
    assert "broken.yaml" in capsys.readouterr().err


def test_it_names_same_stem_outputs_apart(manifest: Path, tmp_path: Path) -> None:
    other = tmp_path / "b" / "pod.yaml"
    other.parent.mkdir()
    other.write_text(POD)
    out = tmp_path / "out"
    assert main([str(manifest), str(other), "-o", f"{out}/", "--format", "dot"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["pod-2.dot", "pod.dot"]


def test_it_refuses_several_files_without_a_directory(manifest: Path, tmp_path: Path, capsys: Any) -> None:
    assert main([str(manifest), str(manifest)]) == 2
    assert main([str(manifest), str(manifest), "-o", str(tmp_path / "x.svg")]) == 2
    assert "directory" in capsys.readouterr().err


def test_it_hands_a_batch_to_one_engine_process(engine: str, manifest: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "counting-engine"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {engine} "$@"\n')
    wrapper.chmod(0o755)
    copies = []
    for k in range(4):
        copy = tmp_path / f"pod{k}.yaml"
        copy.write_text(POD)
        copies.append(str(copy))
    out = tmp_path / "out"
    assert main([*copies, "-o", f"{out}/", "--engine", str(wrapper)]) == 0
    assert len(calls.read_text().splitlines()) == 1
    assert len(list(out.iterdir())) == 4
    calls.unlink()
    assert main([*copies, "-o", f"{out}/", "--engine", str(wrapper), "-j", "2"]) == 0
    assert len(calls.read_text().splitlines()) == 2


def test_it_exits_2_when_the_engine_fails_on_a_batch(manifest: Path, tmp_path: Path, capsys: Any) -> None:
    broken = tmp_path / "broken-engine"
    broken.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    broken.chmod(0o755)
    out = tmp_path / "out"
    assert main([str(manifest), str(manifest), "-o", f"{out}/", "--engine", str(broken)]) == 2
    assert list(out.iterdir()) == []
    assert "cannot draw" in capsys.readouterr().err
