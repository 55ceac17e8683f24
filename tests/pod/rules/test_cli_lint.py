"""`python -m designer.pod lint`: the real module in a subprocess, exit codes and formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
CLEAN = FIXTURES / "manifests" / "envoy-egress-ambassador-pod.yaml"

CLASH = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      ports:
        - containerPort: 8080
    - name: proxy
      image: envoy:1.30
      ports:
        - containerPort: 8080
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "designer.pod", "lint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_it_exits_0_on_a_clean_manifest_with_a_summary() -> None:
    result = run(str(CLEAN), "--k8s-version", "1.33")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("1 file: 0 error(s), ")
    assert all(line.startswith(f"{CLEAN}:") for line in lines[:-1])


def test_it_exits_1_with_file_line_severity_path_message_rule(tmp_path: Path) -> None:
    manifest = tmp_path / "clash.yaml"
    manifest.write_text(CLASH)
    result = run(str(manifest))
    assert result.returncode == 1
    expected = f"{manifest}:14: ERROR spec.containers[1].ports[0].containerPort: "
    line = next(line for line in result.stdout.splitlines() if "[PAT-PORT-CONFLICT]" in line)
    assert line.startswith(expected)


def test_it_reads_stdin_and_marks_waived_findings() -> None:
    waived = CLASH.replace(
        "  name: web\n",
        '  name: web\n  annotations:\n    pod-designer/waivers: \'[{"rule":"PAT-PORT-CONFLICT","container":"proxy",'
        '"reason":"replaced at deploy"}]\'\n',
    )
    result = run("-", stdin=waived)
    line = next(line for line in result.stdout.splitlines() if "[PAT-PORT-CONFLICT]" in line)
    assert line.startswith("<stdin>:") and line.endswith("(waived: replaced at deploy)")
    assert "[PAT-PORT-CONFLICT]" in line


def test_it_exits_2_when_an_input_cannot_be_read(tmp_path: Path) -> None:
    result = run(str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and "missing.yaml" in result.stderr
    result = run(str(FIXTURES / "broken" / "bad-indentation.yaml"))
    assert result.returncode == 2 and "bad-indentation.yaml" in result.stderr
    result = run(str(CLEAN), "--k8s-version", "banana")
    assert result.returncode == 2


def test_it_prints_json_per_file(tmp_path: Path) -> None:
    manifest = tmp_path / "clash.yaml"
    manifest.write_text(CLASH)
    result = run(str(manifest), str(CLEAN), "--format", "json")
    data = json.loads(result.stdout)
    assert [entry["file"] for entry in data] == [str(manifest), str(CLEAN)]
    rules = {f["rule"] for f in data[0]["findings"]}
    assert "PAT-PORT-CONFLICT" in rules
    assert set(data[0]["findings"][0]) >= {
        "rule",
        "severity",
        "path",
        "message",
        "line",
        "container",
        "waived",
    }
    assert result.returncode == 1


def test_it_prints_valid_sarif(tmp_path: Path) -> None:
    manifest = tmp_path / "clash.yaml"
    manifest.write_text(CLASH)
    result = run(str(manifest), "--format", "sarif")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run0 = log["runs"][0]
    rule_ids = [rule["id"] for rule in run0["tool"]["driver"]["rules"]]
    assert "PAT-PORT-CONFLICT" in rule_ids
    for item in run0["results"]:
        assert item["ruleId"] in rule_ids
        assert rule_ids[item["ruleIndex"]] == item["ruleId"]
        assert item["level"] in ("error", "warning", "note")
        assert item["message"]["text"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == str(manifest)
        assert location["region"]["startLine"] >= 1
    conflict = next(r for r in run0["results"] if r["ruleId"] == "PAT-PORT-CONFLICT")
    assert (
        conflict["level"] == "error"
        and conflict["locations"][0]["physicalLocation"]["region"]["startLine"] == 14
    )


def test_it_chooses_a_workload_in_a_multi_document_stream() -> None:
    stream = FIXTURES / "manifests" / "multi-document-deployment-configmap-service.yaml"
    result = run(str(stream), "--format", "json")
    assert result.returncode in (0, 1)
    assert json.loads(result.stdout)[0]["findings"]


def test_it_needs_choose_when_a_stream_holds_several_workloads(tmp_path: Path) -> None:
    other = CLASH.replace("name: web", "name: other").replace(
        "- containerPort: 8080\n", "- containerPort: 9090\n", 1
    )
    stream = tmp_path / "two.yaml"
    stream.write_text(CLASH + "---\n" + other)
    result = run(str(stream))
    assert result.returncode == 2 and "choose" in result.stderr
    result = run(str(stream), "--choose", "1", "--format", "json")
    findings = json.loads(result.stdout)[0]["findings"]
    assert result.returncode == 0
    assert "PAT-PORT-CONFLICT" not in {f["rule"] for f in findings}
