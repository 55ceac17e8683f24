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


def test_it_lints_every_workload_of_a_stream_and_choose_narrows_it(tmp_path: Path) -> None:
    other = CLASH.replace("name: web", "name: other").replace(
        "- containerPort: 8080\n", "- containerPort: 9090\n", 1
    )
    stream = tmp_path / "two.yaml"
    stream.write_text(CLASH + "---\n" + other)
    result = run(str(stream), "--format", "json")
    entries = json.loads(result.stdout)
    assert result.returncode == 1
    assert [(e["document"], e["kind"], e["name"]) for e in entries] == [
        (0, "Pod", "web"),
        (1, "Pod", "other"),
    ]
    assert "PAT-PORT-CONFLICT" in {f["rule"] for f in entries[0]["findings"]}
    assert "PAT-PORT-CONFLICT" not in {f["rule"] for f in entries[1]["findings"]}
    result = run(str(stream), "--choose", "1", "--format", "json")
    entries = json.loads(result.stdout)
    assert result.returncode == 0 and [e["document"] for e in entries] == [1]


HELM_TEST_POD = """\
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-test
  annotations: {helm.sh/hook: test}
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox:1.36
      command: [wget, "web:80"]
      imagePullPolicy: always
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports: [{containerPort: 8080}]
        - name: proxy
          image: envoy:1.30
          ports: [{containerPort: 8080}]
"""


def test_it_names_each_document_of_a_helm_stream_in_text_json_and_sarif(tmp_path: Path) -> None:
    stream = tmp_path / "helm.yaml"
    stream.write_text(DEPLOYMENT + HELM_TEST_POD)
    text = run(str(stream))
    assert text.returncode == 1
    conflict = next(line for line in text.stdout.splitlines() if "[PAT-PORT-CONFLICT]" in line)
    assert conflict.startswith(f"{stream}:16: #0 Deployment/web ERROR spec.template.spec.containers[1]")
    policy = next(line for line in text.stdout.splitlines() if "[K8S-CTR-PULL-POLICY]" in line)
    assert policy.startswith(f"{stream}:36: #2 Pod/web-test ERROR spec.containers[0].imagePullPolicy")
    assert text.stdout.splitlines()[-1].startswith("1 file (2 workloads): ")

    entries = json.loads(run(str(stream), "--format", "json").stdout)
    assert [(e["document"], e["kind"], e["name"]) for e in entries] == [
        (0, "Deployment", "web"),
        (2, "Pod", "web-test"),
    ]

    log = json.loads(run(str(stream), "--format", "sarif").stdout)
    results = log["runs"][0]["results"]
    pod = next(r for r in results if r["ruleId"] == "K8S-CTR-PULL-POLICY")
    assert pod["properties"] == {"document": 2, "kind": "Pod", "name": "web-test"}
    assert pod["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "documents[2]"
    assert pod["locations"][0]["physicalLocation"]["region"]["startLine"] == 36


def test_a_directory_lints_every_manifest_under_it(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates" / "tests").mkdir(parents=True)
    (chart / "values.yaml").write_text("replicaCount: 2\n")  # no Kubernetes object: skipped
    (chart / "templates" / "deployment.yml").write_text(DEPLOYMENT)
    (chart / "templates" / "tests" / "test.yaml").write_text(HELM_TEST_POD)
    (chart / "templates" / "pod.json").write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "j"},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
            }
        )
    )
    (chart / "README.md").write_text("kind: Pod\n")
    result = run(str(chart), "--format", "json")
    files = [Path(e["file"]).relative_to(chart).as_posix() for e in json.loads(result.stdout)]
    assert files == ["templates/deployment.yml", "templates/pod.json", "templates/tests/test.yaml"]
    assert "values.yaml: skipped" in result.stderr
    assert result.returncode == 1


def test_a_named_file_without_a_workload_is_unreadable(tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("replicaCount: 2\n")
    result = run(str(values))
    assert result.returncode == 2 and "no workload found" in result.stderr


def test_base_url_links_each_rule_to_its_web_page(tmp_path: Path) -> None:
    manifest = tmp_path / "clash.yaml"
    manifest.write_text(CLASH)
    log = json.loads(
        run(str(manifest), "--format", "sarif", "--base-url", "https://pods.example.org/").stdout
    )
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["PAT-PORT-CONFLICT"]["helpUri"] == "https://pods.example.org/rules/PAT-PORT-CONFLICT/"
    assert rules["PAT-PORT-CONFLICT"]["shortDescription"]["text"]
    entries = json.loads(
        run(str(manifest), "--format", "json", "--base-url", "https://pods.example.org").stdout
    )
    finding = next(f for f in entries[0]["findings"] if f["rule"] == "PAT-PORT-CONFLICT")
    assert finding["help_uri"] == "https://pods.example.org/rules/PAT-PORT-CONFLICT/"


def test_it_ends_quietly_when_the_reader_goes_away(tmp_path: Path) -> None:
    # Far more output than a pipe buffers (64 KiB), so lint is still writing when `head` leaves.
    stream = tmp_path / "many.yaml"
    stream.write_text("---\n".join(CLASH.replace("name: web", f"name: web-{i}") for i in range(150)))
    lint = subprocess.Popen(
        [sys.executable, "-m", "designer.pod", "lint", str(stream)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = subprocess.run(["head", "-1"], stdin=lint.stdout, capture_output=True, timeout=120)
    assert lint.stdout is not None
    lint.stdout.close()  # only head holds the read end now; it has exited, so the pipe is broken
    _, stderr = lint.communicate(timeout=120)
    assert head.stdout.decode().count("\n") == 1
    assert stderr.decode() == ""
    assert lint.returncode == 141
