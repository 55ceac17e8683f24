"""PodSecurity admission (designer/pod/rules/pss.py): each check, its wording and its versions."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.pod.findings import Finding
from designer.pod.rules.lint import lint
from designer.pod.rules.pss import CHECKS, checks_for, rule_id, safe_sysctls

ROOT = Path(__file__).resolve().parents[3]

# A pod the restricted level admits at every supported version.
HARDENED: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {
                "name": "app",
                "image": "nginx:1.27",
                "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
            }
        ],
    },
}


def pod(**spec: Any) -> dict[str, Any]:
    """The hardened pod with spec keys replaced."""
    document = copy.deepcopy(HARDENED)
    document["spec"].update(spec)
    return document


def app(**security: Any) -> dict[str, Any]:
    """The hardened pod with its container's securityContext fields replaced (None removes)."""
    document = copy.deepcopy(HARDENED)
    context = document["spec"]["containers"][0]["securityContext"]
    for name, value in security.items():
        if value is None:
            context.pop(name, None)
        else:
            context[name] = value
    return document


def pss(document: dict[str, Any], level: str = "restricted", version: str = "1.33") -> list[Finding]:
    return [f for f in lint(document, version=version, pss=level) if f.rule.startswith("K8S-PSS-")]


def messages(document: dict[str, Any], level: str = "restricted", version: str = "1.33") -> dict[str, str]:
    return {f.rule: f.message for f in pss(document, level, version)}


def test_the_hardened_pod_passes_every_level_and_version() -> None:
    for version in ("1.25", "1.30", "1.33", "1.35", "1.37"):
        for level in ("privileged", "baseline", "restricted"):
            assert pss(HARDENED, level, version) == []


def test_no_level_means_no_check() -> None:
    bad = pod(hostPID=True)
    assert not [f for f in lint(bad, version="1.33") if f.rule.startswith("K8S-PSS-")]
    assert pss(bad, "privileged") == []


def test_an_unknown_level_is_a_warning_not_a_check() -> None:
    found = [f for f in lint(pod(hostPID=True), pss="strict") if "PSS" in f.rule]
    assert [(f.rule, f.severity) for f in found] == [("LINT-PSS-LEVEL-INVALID", "warning")]


def test_rule_ids_are_the_upstream_check_ids() -> None:
    assert rule_id("allowPrivilegeEscalation") == "K8S-PSS-ALLOW-PRIVILEGE-ESCALATION"
    assert rule_id("capabilities_baseline") == "K8S-PSS-CAPABILITIES-BASELINE"
    assert rule_id("seccompProfile_restricted") == "K8S-PSS-SECCOMP-PROFILE-RESTRICTED"
    assert rule_id("windowsHostProcess") == "K8S-PSS-WINDOWS-HOST-PROCESS"
    assert len({rule_id(c.id) for c in CHECKS}) == len(CHECKS)


def test_restricted_replaces_the_baseline_variants() -> None:
    ids = {c.id for c in checks_for("restricted", (1, 33))}
    assert "capabilities_restricted" in ids and "capabilities_baseline" not in ids
    assert "seccompProfile_restricted" in ids and "seccompProfile_baseline" not in ids
    assert "restrictedVolumes" in ids and "hostPathVolumes" not in ids
    assert {c.id for c in checks_for("baseline", (1, 33))} < ids | {
        "capabilities_baseline",
        "seccompProfile_baseline",
        "hostPathVolumes",
    }


def test_host_namespaces() -> None:
    found = messages(pod(hostPID=True, hostIPC=True), "baseline")
    assert found == {"K8S-PSS-HOST-NAMESPACES": "host namespaces (hostPID=true, hostIPC=true)"}


def test_host_network_defaults_host_ports_before_admission() -> None:
    document = pod(hostNetwork=True)
    document["spec"]["containers"][0]["ports"] = [{"containerPort": 9100}]
    found = messages(document, "baseline")
    assert found["K8S-PSS-HOST-PORTS"] == 'hostPort (container "app" uses hostPort 9100)'


def test_host_ports_are_listed_as_upstream_sorts_them() -> None:
    document = copy.deepcopy(HARDENED)
    document["spec"]["containers"][0]["ports"] = [
        {"containerPort": 80, "hostPort": 8080},
        {"containerPort": 443, "hostPort": 31443},
    ]
    document["spec"]["containers"].append(
        {"name": "b", "image": "x", "ports": [{"containerPort": 1, "hostPort": 9}]}
    )
    found = messages(document, "baseline")
    assert found["K8S-PSS-HOST-PORTS"] == 'hostPort (containers "app", "b" use hostPorts 31443, 8080, 9)'


def test_privileged_names_the_container_and_marks_it() -> None:
    found = pss(app(privileged=True), "baseline")
    assert [(f.rule, f.container, f.path) for f in found] == [
        ("K8S-PSS-PRIVILEGED", "app", "spec.containers[0].securityContext.privileged")
    ]
    assert found[0].message == 'privileged (container "app" must not set securityContext.privileged=true)'


def test_capabilities_differ_by_level() -> None:
    document = app(capabilities={"drop": ["ALL"], "add": ["NET_ADMIN", "CHOWN"]})
    assert messages(document, "baseline") == {
        "K8S-PSS-CAPABILITIES-BASELINE": 'non-default capabilities (container "app" must not include "NET_ADMIN" '
        "in securityContext.capabilities.add)"
    }
    assert messages(document, "restricted") == {
        "K8S-PSS-CAPABILITIES-RESTRICTED": 'unrestricted capabilities (container "app" must not include "CHOWN", '
        '"NET_ADMIN" in securityContext.capabilities.add)'
    }


def test_restricted_capabilities_need_drop_all_in_upper_case() -> None:
    found = messages(app(capabilities={"drop": ["all"]}))
    assert found == {
        "K8S-PSS-CAPABILITIES-RESTRICTED": 'unrestricted capabilities (container "app" must set '
        'securityContext.capabilities.drop=["ALL"])'
    }
    assert messages(app(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})) == {}


def test_host_path_volumes_at_baseline_restricted_volume_types_at_restricted() -> None:
    document = pod(volumes=[{"name": "logs", "hostPath": {"path": "/var/log"}}, {"name": "nfs", "nfs": {}}])
    assert messages(document, "baseline") == {"K8S-PSS-HOST-PATH-VOLUMES": 'hostPath volumes (volume "logs")'}
    assert messages(document, "restricted") == {
        "K8S-PSS-RESTRICTED-VOLUMES": 'restricted volume types (volumes "logs", "nfs" use restricted volume '
        'types "hostPath", "nfs")'
    }


def test_image_volumes_are_allowed_by_restricted_from_1_33() -> None:
    document = pod(volumes=[{"name": "model", "image": {"reference": "registry/model:1"}}])
    assert "K8S-PSS-RESTRICTED-VOLUMES" not in messages(document, version="1.33")
    found = messages(document, version="1.32")
    assert found["K8S-PSS-RESTRICTED-VOLUMES"] == (
        'restricted volume types (volume "model" uses restricted volume type "unknown")'
    )


def test_apparmor_annotation_and_field() -> None:
    document = copy.deepcopy(HARDENED)
    document["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}
    # From 1.30 the apiserver copies the annotation into the container's field before admission.
    assert messages(document, "baseline", "1.33") == {
        "K8S-PSS-APP-ARMOR-PROFILE": 'forbidden AppArmor profiles (container "app" and annotation must not set '
        'AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")'
    }
    assert messages(document, "baseline", "1.29") == {
        "K8S-PSS-APP-ARMOR-PROFILE": "forbidden AppArmor profile (annotation must not set AppArmor profile type to "
        '"container.apparmor.security.beta.kubernetes.io/app="unconfined"")'
    }
    document["metadata"]["annotations"] = {
        "container.apparmor.security.beta.kubernetes.io/app": "localhost/x"
    }
    assert messages(document, "baseline") == {}


def test_apparmor_pod_field_is_synced_to_annotations() -> None:
    document = copy.deepcopy(HARDENED)
    document["spec"]["securityContext"]["appArmorProfile"] = {"type": "Unconfined"}
    found = messages(document, "baseline")
    assert found["K8S-PSS-APP-ARMOR-PROFILE"] == (
        'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", '
        '"container.apparmor.security.beta.kubernetes.io/app="unconfined"")'
    )


def test_selinux_type_user_and_role() -> None:
    document = app(seLinuxOptions={"type": "spc_t", "user": "u", "role": "r"})
    assert messages(document, "baseline") == {
        "K8S-PSS-SE-LINUX-OPTIONS": 'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: '
        'type "spc_t"; user may not be set; role may not be set)'
    }


def test_selinux_container_engine_t_is_allowed_from_1_31() -> None:
    document = pod(
        securityContext={
            **HARDENED["spec"]["securityContext"],
            "seLinuxOptions": {"type": "container_engine_t"},
        }
    )
    assert messages(document, "baseline", "1.31") == {}
    assert messages(document, "baseline", "1.30") == {
        "K8S-PSS-SE-LINUX-OPTIONS": "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "
        '"container_engine_t")'
    }


def test_proc_mount_and_its_user_namespace_relaxation_from_1_35() -> None:
    document = app(procMount="Unmasked")
    expected = 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'
    assert messages(document, "baseline") == {"K8S-PSS-PROC-MOUNT": expected}
    document["spec"]["hostUsers"] = False
    assert messages(document, "baseline", "1.34") == {"K8S-PSS-PROC-MOUNT": expected}
    assert messages(document, "baseline", "1.35") == {}
    assert messages(document, "restricted", "1.35") == {"K8S-PSS-PROC-MOUNT-RESTRICTED": expected}


def test_seccomp_unconfined_at_baseline_missing_at_restricted() -> None:
    document = app(seccompProfile={"type": "Unconfined"})
    expected = (
        'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")'
    )
    assert messages(document, "baseline") == {"K8S-PSS-SECCOMP-PROFILE-BASELINE": expected}
    assert messages(document, "restricted") == {"K8S-PSS-SECCOMP-PROFILE-RESTRICTED": expected}
    missing = pod(securityContext={"runAsNonRoot": True})
    assert messages(missing) == {
        "K8S-PSS-SECCOMP-PROFILE-RESTRICTED": 'seccompProfile (pod or container "app" must set '
        'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'
    }


def test_sysctls_safe_list_grows_with_the_version() -> None:
    assert "net.ipv4.ip_local_reserved_ports" not in safe_sysctls((1, 26))
    assert "net.ipv4.ip_local_reserved_ports" in safe_sysctls((1, 27))
    assert "net.ipv4.tcp_keepalive_time" in safe_sysctls((1, 29))
    assert "net.ipv4.tcp_rmem" not in safe_sysctls((1, 31)) and "net.ipv4.tcp_rmem" in safe_sysctls((1, 32))
    assert "net.ipv4.tcp_notsent_lowat" in safe_sysctls((1, 37))
    context = {
        **HARDENED["spec"]["securityContext"],
        "sysctls": [{"name": "net.ipv4.tcp_rmem", "value": "1 2 3"}],
    }
    document = pod(securityContext=context)
    assert messages(document, "baseline", "1.32") == {}
    assert messages(document, "baseline", "1.31") == {
        "K8S-PSS-SYSCTLS": "forbidden sysctls (net.ipv4.tcp_rmem)"
    }


def test_host_probes_and_lifecycle_hosts_from_1_34() -> None:
    document = copy.deepcopy(HARDENED)
    document["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"port": 80, "host": "10.0.0.1"}}
    assert messages(document, "baseline", "1.33") == {}
    assert messages(document, "baseline", "1.34") == {
        "K8S-PSS-HOST-PROBES-AND-HOST-LIFECYCLE": 'probe or lifecycle host (container "app" uses probe or '
        'lifecycle host "10.0.0.1")'
    }


def test_allow_privilege_escalation() -> None:
    assert messages(app(allowPrivilegeEscalation=None)) == {
        "K8S-PSS-ALLOW-PRIVILEGE-ESCALATION": 'allowPrivilegeEscalation != false (container "app" must set '
        "securityContext.allowPrivilegeEscalation=false)"
    }


def test_run_as_non_root_pod_false_is_flagged_even_when_containers_override() -> None:
    document = app(runAsNonRoot=True)
    document["spec"]["securityContext"]["runAsNonRoot"] = False
    assert messages(document) == {
        "K8S-PSS-RUN-AS-NON-ROOT": "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)"
    }


def test_run_as_user_zero_and_user_namespaces_from_1_35() -> None:
    document = app(runAsUser=0)
    expected = {"K8S-PSS-RUN-AS-USER": 'runAsUser=0 (container "app" must not set runAsUser=0)'}
    assert messages(document) == expected
    document["spec"]["hostUsers"] = False
    assert messages(document, version="1.34") == expected
    assert messages(document, version="1.35") == {}


def test_windows_pods_are_exempt_from_the_linux_only_restricted_checks() -> None:
    document = copy.deepcopy(HARDENED)
    document["spec"] = {
        "os": {"name": "windows"},
        "securityContext": {"runAsNonRoot": True},
        "containers": [{"name": "iis", "image": "iis"}],
    }
    assert messages(document) == {}


def test_host_process_pod_and_containers() -> None:
    document = pod(os={"name": "windows"})
    document["spec"]["securityContext"]["windowsOptions"] = {"hostProcess": True}
    document["spec"]["containers"][0]["securityContext"]["windowsOptions"] = {"hostProcess": True}
    assert messages(document, "baseline")["K8S-PSS-WINDOWS-HOST-PROCESS"] == (
        'hostProcess (pod and container "app" must not set securityContext.windowsOptions.hostProcess=true)'
    )


def test_a_workload_template_is_judged_as_its_pods() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": app(privileged=True)["spec"]},
        },
    }
    found = pss(deployment, "baseline")
    assert [f.path for f in found] == ["spec.template.spec.containers[0].securityContext.privileged"]


def test_a_container_waiver_exempts_only_that_container() -> None:
    document = app(privileged=True)
    document["spec"]["containers"].append(
        {"name": "b", "image": "x", "securityContext": {"privileged": True}}
    )
    from designer.pod.rules.waivers import Waiver

    found = lint(
        document,
        version="1.33",
        pss="baseline",
        waivers=[Waiver(rule="K8S-PSS-PRIVILEGED", container="b", reason="node agent")],
    )
    privileged = [f for f in found if f.rule == "K8S-PSS-PRIVILEGED"]
    assert {(f.container, f.waived is None) for f in privileged} == {("app", True), ("b", False)}


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_the_cli_takes_a_level(level: str, tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "pod.yaml"
    path.write_text(yaml.safe_dump(app(privileged=True)), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "designer.pod", "lint", "--pss", level, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "[K8S-PSS-PRIVILEGED]" in run.stdout
    clean = subprocess.run(
        [sys.executable, "-m", "designer.pod", "lint", "--pss", "privileged", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "K8S-PSS-" not in clean.stdout


_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_SPOTS = st.sampled_from(
    [
        ("spec", "securityContext"),
        ("spec", "hostNetwork"),
        ("spec", "volumes"),
        ("spec", "os"),
        ("spec", "hostUsers"),
        ("metadata", "annotations"),
        ("container", "securityContext"),
        ("container", "ports"),
        ("container", "readinessProbe"),
        ("container", "lifecycle"),
        ("context", "capabilities"),
        ("context", "seccompProfile"),
        ("context", "appArmorProfile"),
        ("context", "seLinuxOptions"),
        ("context", "windowsOptions"),
        ("context", "runAsUser"),
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spots=st.lists(st.tuples(_SPOTS, _JUNK), min_size=1, max_size=4),
    level=st.sampled_from(["baseline", "restricted"]),
)
def test_junk_never_breaks_the_layer(spots: list[tuple[tuple[str, str], Any]], level: str) -> None:
    document = copy.deepcopy(HARDENED)
    for (where, name), value in spots:
        target = {
            "spec": document["spec"],
            "metadata": document["metadata"],
            "container": document["spec"]["containers"][0],
        }.get(where)
        if target is None:
            target = document["spec"]["containers"][0].setdefault("securityContext", {})
            if not isinstance(target, dict):
                continue
        target[name] = value
    for version in ("1.25", "1.33", "1.37"):
        found = lint(document, version=version, pss=level, layers=("pss",))
        assert not [f for f in found if f.rule == "INTERNAL"], found
        assert all(f.rule.startswith("K8S-PSS-") and f.severity == "error" for f in found)
