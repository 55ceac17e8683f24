"""`python -m designer.pod convert`: kinds, formats, stdin, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from designer.pod.cli.convert import main
from designer.pod.manifest import load_stream

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx\n"
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str | bytes, name: str = "pod.yaml") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_writes_the_same_pod_when_no_kind_is_given(tmp_path: Path, capsys: Any) -> None:
    code, out, err = run([write(tmp_path, POD)], capsys)
    assert (code, out, err) == (0, POD, "")


def test_it_converts_to_another_kind_and_keeps_companions(tmp_path: Path, capsys: Any) -> None:
    code, out, _ = run([write(tmp_path, POD + "---\n" + SERVICE), "--to", "Deployment"], capsys)
    assert code == 0
    docs = load_stream(out).documents
    assert [d["kind"] for d in docs] == ["Deployment", "Service"]
    assert docs[0]["spec"]["template"]["spec"]["containers"] == [{"name": "app", "image": "nginx"}]


def test_it_writes_json(tmp_path: Path, capsys: Any) -> None:
    code, out, _ = run(
        [write(tmp_path, POD), "--format", "json", "--to", "CronJob", "--schedule", "5 4 * * *"], capsys
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["kind"] == "CronJob"
    assert doc["spec"]["schedule"] == "5 4 * * *"


def test_it_chooses_among_several_workloads(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, POD + "---\n" + POD.replace("name: web", "name: other"))
    code, out, err = run([path], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: 2 workloads")
    assert "--choose" in err
    code, out, _ = run([path, "--choose", "1"], capsys)
    assert code == 0
    assert load_stream(out).documents[0]["metadata"]["name"] == "other"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("a: [1\n", "invalid YAML"),
        (b"\x00\x01binary", "binary"),
        ("kind: Gadget\n", "supported kinds"),
        ("", "empty input"),
    ],
)
def test_it_exits_2_with_the_file_name_on_unreadable_input(
    tmp_path: Path, capsys: Any, content: str | bytes, fragment: str
) -> None:
    path = write(tmp_path, content)
    code, out, err = run([path], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: ")
    assert fragment in err


def test_it_exits_2_on_a_missing_file(tmp_path: Path, capsys: Any) -> None:
    missing = str(tmp_path / "nope.yaml")
    code, _, err = run([missing], capsys)
    assert code == 2
    assert err.startswith(f"{missing}: cannot read")


def test_it_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(POD.encode())))
    code, out, _ = run(["-", "--to", "Job"], capsys)
    assert code == 0
    assert load_stream(out).documents[0]["kind"] == "Job"


def test_it_runs_as_a_module_without_heavy_imports(tmp_path: Path) -> None:
    # The module's own entry point, minus its final os._exit, so the probe can look afterwards.
    probe = (
        "import sys; from designer.pod.__main__ import main\n"
        "code = main(['convert', '-', '--to', 'DaemonSet'])\n"
        "heavy = sorted(m for m in ('jsonschema', 'graphviz', 'django') if m in sys.modules)\n"
        "print('HEAVY', heavy, 'EXIT', code, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], input=POD, capture_output=True, text=True, timeout=60, check=False
    )
    assert "kind: DaemonSet" in result.stdout
    assert "HEAVY [] EXIT 0" in result.stderr
    failed = subprocess.run(
        [sys.executable, "-m", "designer.pod", "convert", "-"],
        input="- a\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("<stdin>: line 1, column 1: ")


def test_it_puts_the_workload_back_between_its_companions() -> None:
    from designer.pod.manifest import export_text, load_manifest, load_stream

    text = (
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n---\n"
        + ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: i}\n")
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
    )
    manifest = load_manifest(text)
    assert manifest.position == 1
    out = export_text(manifest.document, manifest.companions, position=manifest.position)
    assert [d["kind"] for d in load_stream(out).documents] == ["ConfigMap", "Pod", "Service"]
    assert load_stream(out).documents == load_stream(text).documents
