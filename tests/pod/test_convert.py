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
from designer.pod.workloads import convert_kind, pod_spec

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


def test_it_chooses_among_several_workloads_to_convert_and_passes_them_through_otherwise(
    tmp_path: Path, capsys: Any
) -> None:
    stream = "# two pods\n" + POD + "---\n" + POD.replace("name: web", "name: other") + "...\n"
    path = write(tmp_path, stream)
    assert run([path], capsys) == (0, stream, "")
    assert run([path, "--choose", "1"], capsys) == (0, stream, "")
    code, out, err = run([path, "--to", "Job"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: 2 workloads")
    assert "--choose" in err
    code, out, _ = run([path, "--choose", "1", "--to", "Job"], capsys)
    assert code == 0
    assert [d["metadata"]["name"] for d in load_stream(out).documents] == ["web", "other"]
    assert [d["kind"] for d in load_stream(out).documents] == ["Pod", "Job"]


MANIFESTS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "manifests").glob("*.*"))


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_it_writes_every_fixture_back_byte_for_byte(path: Path, capsys: Any) -> None:
    code, out, err = run([str(path)], capsys)
    assert (code, err) == (0, "")
    assert out.encode() == path.read_bytes()


def test_it_writes_json_and_other_kinds_canonically(tmp_path: Path, capsys: Any) -> None:
    commented = "# a pod\n" + POD.replace("image: nginx", "image: nginx  # pinned")
    path = write(tmp_path, commented)
    code, out, _ = run([path, "--format", "yaml"], capsys)
    assert (code, out) == (0, commented)
    code, out, _ = run([path, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["spec"]["containers"][0]["image"] == "nginx"
    code, out, _ = run([path, "--to", "Deployment"], capsys)
    assert code == 0 and "#" not in out and load_stream(out).documents[0]["kind"] == "Deployment"
    json_path = write(tmp_path, json.dumps(load_stream(POD).documents[0], indent=4) + "\n", "pod.json")
    code, out, _ = run([json_path, "--format", "yaml"], capsys)
    assert (code, out) == (0, POD)


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


# convert_kind on real manifests ---------------------------------------------------------------

# What `kubectl get statefulset db -o yaml` shows for a StatefulSet with two claim templates
# (server-set fields trimmed to the ones that matter here).
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
spec:
  serviceName: db
  replicas: 3
  minReadySeconds: 10
  selector:
    matchLabels:
      app.kubernetes.io/name: db
  template:
    metadata:
      labels:
        app.kubernetes.io/name: db
        app.kubernetes.io/version: "16.2"
    spec:
      containers:
      - name: postgres
        image: postgres:16.2
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
        - name: wal
          mountPath: /wal
        - name: scratch
          mountPath: /scratch
      volumes:
      - name: scratch
        emptyDir: {}
  volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
      creationTimestamp: null
      labels:
        backup: daily
      annotations:
        note: keep
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: fast
      resources:
        requests:
          storage: 10Gi
    status:
      phase: Pending
  - metadata:
      name: wal
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
  - metadata:
      name: scratch
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"""

CONTROLLED_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]
ALL_KINDS = ["Pod", "PodTemplate", *CONTROLLED_KINDS]


def doc(text: str) -> dict[str, Any]:
    document: dict[str, Any] = load_stream(text).documents[0]
    return document


def errors(document: dict[str, Any]) -> list[str]:
    from designer.pod.rules.lint import lint

    return [f"{f.rule} {f.path}: {f.message}" for f in lint(document) if f.severity == "error"]


def test_it_lints_the_sample_statefulset_without_errors() -> None:
    assert errors(doc(STATEFULSET)) == []


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if k != "StatefulSet"])
def test_it_turns_claim_templates_into_ephemeral_volumes(kind: str) -> None:
    converted = convert_kind(doc(STATEFULSET), kind)
    assert "volumeClaimTemplates" not in converted.get("spec", {})
    assert pod_spec(converted)["volumes"] == [
        {"name": "scratch", "emptyDir": {}},  # the pod's own volume wins over the template "scratch"
        {
            "name": "data",
            "ephemeral": {
                "volumeClaimTemplate": {
                    "metadata": {"labels": {"backup": "daily"}, "annotations": {"note": "keep"}},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "storageClassName": "fast",
                        "resources": {"requests": {"storage": "10Gi"}},
                    },
                }
            },
        },
        {
            "name": "wal",
            "ephemeral": {
                "volumeClaimTemplate": {
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
                }
            },
        },
    ]
    assert errors(converted) == []


def test_it_creates_the_volume_list_for_claim_templates_when_the_pod_has_none() -> None:
    sts = doc(STATEFULSET)
    del sts["spec"]["template"]["spec"]["volumes"]
    volumes = pod_spec(convert_kind(sts, "Deployment"))["volumes"]
    assert [v["name"] for v in volumes] == ["data", "wal", "scratch"]
    assert all("ephemeral" in v for v in volumes)


def test_it_leaves_a_statefulset_converted_to_itself_unchanged() -> None:
    sts = doc(STATEFULSET)
    assert convert_kind(sts, "StatefulSet") == sts
    assert list(convert_kind(sts, "StatefulSet")["spec"]) == list(sts["spec"])


def test_it_converts_ephemeral_volumes_back_to_a_statefulset_as_they_are() -> None:
    deployment = convert_kind(doc(STATEFULSET), "Deployment")
    sts = convert_kind(deployment, "StatefulSet")
    assert "volumeClaimTemplates" not in sts["spec"]
    assert pod_spec(sts)["volumes"] == pod_spec(deployment)["volumes"]
    assert errors(sts) == []


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 4
  minReadySeconds: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: web
    matchExpressions:
    - {key: tier, operator: In, values: [front, edge]}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/version: "1.4"
        tier: front
    spec:
      containers:
      - name: app
        image: nginx:1.27
"""

REPLICAS_KINDS = ["Deployment", "StatefulSet", "ReplicaSet"]
SELECTOR_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]
DEPLOYMENT_SELECTOR = {
    "matchLabels": {"app.kubernetes.io/name": "web"},
    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]}],
}


def as_kind(text: str, kind: str) -> dict[str, Any]:
    """A sample manifest first converted to `kind` (itself when it is that kind already)."""
    return convert_kind(doc(text), kind)


@pytest.mark.parametrize("source", REPLICAS_KINDS)
@pytest.mark.parametrize("target", REPLICAS_KINDS)
def test_it_carries_replicas_between_kinds_that_have_them(source: str, target: str) -> None:
    converted = convert_kind(as_kind(DEPLOYMENT, source), target)
    assert converted["spec"]["replicas"] == 4
    assert errors(converted) == []


@pytest.mark.parametrize("source", SELECTOR_KINDS)
@pytest.mark.parametrize("target", SELECTOR_KINDS)
def test_it_carries_min_ready_seconds_between_kinds_that_have_it(source: str, target: str) -> None:
    converted = convert_kind(as_kind(DEPLOYMENT, source), target)
    assert converted["spec"]["minReadySeconds"] == 5
    assert ("replicas" in converted["spec"]) == (target in REPLICAS_KINDS and source in REPLICAS_KINDS)
    assert errors(converted) == []


@pytest.mark.parametrize("source", SELECTOR_KINDS)
@pytest.mark.parametrize("target", SELECTOR_KINDS)
def test_it_keeps_the_selector_of_the_source(source: str, target: str) -> None:
    converted = convert_kind(as_kind(DEPLOYMENT, source), target)
    assert converted["spec"]["selector"] == DEPLOYMENT_SELECTOR
    assert converted["spec"]["template"]["metadata"]["labels"] == {
        "app.kubernetes.io/name": "web",
        "app.kubernetes.io/version": "1.4",
        "tier": "front",
    }
    assert errors(converted) == []


@pytest.mark.parametrize("target", ["Pod", "PodTemplate", "Job", "CronJob"])
def test_it_puts_no_replica_fields_on_kinds_without_them(target: str) -> None:
    converted = convert_kind(doc(DEPLOYMENT), target)
    found = [
        key
        for node in (
            converted,
            converted.get("spec"),
            converted.get("spec", {}).get("jobTemplate", {}).get("spec"),
        )
        if isinstance(node, dict)
        for key in ("replicas", "minReadySeconds", "selector")
        if key in node
    ]
    assert found == []
    assert errors(converted) == []


def test_it_orders_the_carried_fields_like_a_hand_written_manifest() -> None:
    assert list(convert_kind(doc(DEPLOYMENT), "StatefulSet")["spec"]) == [
        "serviceName",
        "replicas",
        "minReadySeconds",
        "selector",
        "template",
    ]
    assert list(convert_kind(doc(STATEFULSET), "ReplicaSet")["spec"]) == [
        "replicas",
        "minReadySeconds",
        "selector",
        "template",
    ]


def test_it_builds_the_selector_from_the_labels_when_the_source_one_does_not_match_them() -> None:
    deployment = doc(DEPLOYMENT)
    deployment["spec"]["selector"] = {"matchLabels": {"app.kubernetes.io/name": "other"}}
    converted = convert_kind(deployment, "DaemonSet")
    labels = converted["spec"]["template"]["metadata"]["labels"]
    assert converted["spec"]["selector"] == {"matchLabels": labels}
    deployment["spec"]["selector"] = {
        "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]
    }
    assert convert_kind(deployment, "ReplicaSet")["spec"]["selector"] == {"matchLabels": labels}
    deployment["spec"]["selector"] = "junk"
    assert convert_kind(deployment, "ReplicaSet")["spec"]["selector"] == {"matchLabels": labels}
    deployment["spec"]["selector"] = {"matchExpressions": [{"key": ["junk"], "operator": "Exists"}]}
    assert convert_kind(deployment, "ReplicaSet")["spec"]["selector"] == {"matchLabels": labels}


def test_it_keeps_a_selector_with_exists_and_not_in_expressions_that_match() -> None:
    deployment = doc(DEPLOYMENT)
    selector = {
        "matchExpressions": [
            {"key": "tier", "operator": "Exists"},
            {"key": "track", "operator": "DoesNotExist"},
            {"key": "tier", "operator": "NotIn", "values": ["back"]},
        ]
    }
    deployment["spec"]["selector"] = selector
    assert convert_kind(deployment, "StatefulSet")["spec"]["selector"] == selector


def test_it_does_not_keep_an_empty_selector() -> None:
    deployment = doc(DEPLOYMENT)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    empties: list[dict[str, Any]] = [{}, {"matchLabels": {}}, {"matchLabels": None, "matchExpressions": []}]
    for empty in empties:
        deployment["spec"]["selector"] = empty
        assert convert_kind(deployment, "StatefulSet")["spec"]["selector"] == {"matchLabels": labels}


# What `kubectl get pod web-7c5ddbdf54-x2x8k -o yaml` shows for a pod of a Deployment.
LIVE_POD = """\
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/restartedAt: "2024-05-01T10:00:00Z"
  creationTimestamp: "2024-05-02T08:11:42Z"
  generateName: web-7c5ddbdf54-
  generation: 1
  labels:
    app: web
    pod-template-hash: 7c5ddbdf54
    tier: front
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:generateName: {}
    manager: kube-controller-manager
    operation: Update
    time: "2024-05-02T08:11:42Z"
  name: web-7c5ddbdf54-x2x8k
  namespace: shop
  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: ReplicaSet
    name: web-7c5ddbdf54
    uid: 0a4f6f8e-3c1e-4a59-9d5b-2f1b8a1c7e11
  resourceVersion: "918273"
  selfLink: /api/v1/namespaces/shop/pods/web-7c5ddbdf54-x2x8k
  uid: 5d0c7a52-8a39-4b43-a4b4-6f6d2e7b9c01
spec:
  containers:
  - image: nginx:1.27
    imagePullPolicy: IfNotPresent
    name: app
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: worker-2
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
status:
  phase: Running
  podIP: 10.244.1.17
  qosClass: BestEffort
"""

SERVER_SET = [
    "creationTimestamp",
    "generateName",
    "managedFields",
    "ownerReferences",
    "resourceVersion",
    "uid",
    "selfLink",
    "generation",
]


def template_of(document: dict[str, Any]) -> dict[str, Any]:
    from designer.pod.workloads import pod_template

    return pod_template(document)


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if k != "Pod"])
def test_it_drops_server_set_metadata_when_a_live_pod_becomes_a_template(kind: str) -> None:
    converted = convert_kind(doc(LIVE_POD), kind)
    assert template_of(converted)["metadata"] == {
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"},
        "labels": {"app": "web", "tier": "front"},
    }
    assert list(template_of(converted)["metadata"]) == ["annotations", "labels"]  # the pod's order
    assert converted["metadata"] == {
        "name": "web-7c5ddbdf54-x2x8k",
        "namespace": "shop",
        "labels": {"app": "web", "tier": "front"},
    }
    assert "status" not in converted
    assert errors(converted) == []


@pytest.mark.parametrize("kind", SELECTOR_KINDS)
def test_it_keeps_pod_template_hash_out_of_the_selector(kind: str) -> None:
    assert convert_kind(doc(LIVE_POD), kind)["spec"]["selector"] == {
        "matchLabels": {"app": "web", "tier": "front"}
    }


@pytest.mark.parametrize("kind", SELECTOR_KINDS)
def test_it_drops_pod_template_hash_from_a_replica_set_selector(kind: str) -> None:
    # `kubectl get rs -o yaml`: the Deployment controller put the hash in selector and template.
    rs = doc(DEPLOYMENT)
    rs["kind"] = "ReplicaSet"
    rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] = "7c5ddbdf54"
    rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] = "7c5ddbdf54"
    converted = convert_kind(rs, kind)
    if kind == "ReplicaSet":  # the same kind: unchanged
        assert converted == rs
        return
    assert converted["spec"]["selector"] == DEPLOYMENT_SELECTOR
    assert "pod-template-hash" not in converted["spec"]["template"]["metadata"]["labels"]
    assert errors(converted) == []


CONTROLLER_LABELLED_PODS = {
    "statefulset": {
        "controller-revision-hash": "db-6d9f7c8b5",
        "statefulset.kubernetes.io/pod-name": "db-0",
        "apps.kubernetes.io/pod-index": "0",
    },
    "daemonset": {"controller-revision-hash": "agent-5f7d", "pod-template-generation": "3"},
    "job": {
        "controller-uid": "0b1c2d3e-aaaa-bbbb-cccc-000000000001",
        "job-name": "migrate",
        "batch.kubernetes.io/controller-uid": "0b1c2d3e-aaaa-bbbb-cccc-000000000001",
        "batch.kubernetes.io/job-name": "migrate",
        "batch.kubernetes.io/job-completion-index": "0",
    },
}


@pytest.mark.parametrize("kind", SELECTOR_KINDS + ["Job"])
@pytest.mark.parametrize("owner", sorted(CONTROLLER_LABELLED_PODS))
def test_it_leaves_the_labels_a_controller_put_on_a_live_pod(kind: str, owner: str) -> None:
    # A pod of a StatefulSet, DaemonSet or Job: its controller's labels would tie the new
    # workload's selector to one pod or one revision (and a Job refuses a foreign controller-uid).
    pod = doc(LIVE_POD)
    pod["metadata"]["labels"].update(CONTROLLER_LABELLED_PODS[owner])
    converted = convert_kind(pod, kind)
    template_labels = converted["spec"]["template"]["metadata"]["labels"]
    assert template_labels == {"app": "web", "tier": "front"}
    if kind != "Job":
        assert converted["spec"]["selector"] == {"matchLabels": {"app": "web", "tier": "front"}}
    assert errors(converted) == []


@pytest.mark.parametrize("kind", CONTROLLED_KINDS)
def test_it_unpins_a_live_pod_from_its_node_when_a_controller_makes_the_pods(kind: str) -> None:
    converted = convert_kind(doc(LIVE_POD), kind)
    spec = pod_spec(converted)
    assert "nodeName" not in spec
    expected = {k: v for k, v in doc(LIVE_POD)["spec"].items() if k != "nodeName"}
    if kind in ("Job", "CronJob"):
        expected["restartPolicy"] = "OnFailure"
    assert list(spec.items()) == list(expected.items())  # everything else, in the same order


def test_it_keeps_the_node_name_of_a_pod_template_and_a_pod() -> None:
    assert pod_spec(convert_kind(doc(LIVE_POD), "PodTemplate"))["nodeName"] == "worker-2"
    assert convert_kind(doc(LIVE_POD), "Pod") == doc(LIVE_POD)


def test_it_keeps_the_node_name_a_user_put_in_a_workload_template() -> None:
    deployment = doc(DEPLOYMENT)
    deployment["spec"]["template"]["spec"]["nodeName"] = "edge-1"
    assert pod_spec(convert_kind(deployment, "StatefulSet"))["nodeName"] == "edge-1"


def test_it_leaves_the_status_of_a_workload_behind() -> None:
    deployment = doc(DEPLOYMENT)
    deployment["status"] = {"replicas": 4, "readyReplicas": 4}
    for kind in ALL_KINDS:
        if kind != "Deployment":
            assert "status" not in convert_kind(deployment, kind)
