"""Default feature gates per target Kubernetes version, and the fields they drop before validation.

A cluster runs with its version's default gates. A pod field whose gate is off is not an error:
kube-apiserver silently clears it before validation (pkg/api/pod/util.go, dropDisabledFields, for a
new object nothing is "in use"), so `resources.claims` on v1.33 (DynamicResourceAllocation beta,
off) is dropped, and its claim name is never looked up. drop_disabled_fields() does the same to a
copy of the defaulted spec, and enabled() lets rules switch on what a version's gates allow.

Sources (versioned specs, `defaultVersionedKubernetesFeatureGates`):
- kubernetes/kubernetes pkg/features/kube_features.go at release-1.33 and release-1.35 (the
  VersionedSpecs lists: each entry is the default from that version on);
- StrictIPCIDRValidation beta and on in v1.36: KEP-4858 and the project's v1.36.2 oracle verdicts;
- gates not in those files for 1.36/1.37 keep their last listed default (no newer source here).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from designer.pod.model import ALL_GROUPS, PodView

Version = tuple[int, int]

# gate -> [(first version, default from then on)], oldest first; before the first entry: off.
GATES: dict[str, list[tuple[Version, bool]]] = {
    "AppArmorFields": [((1, 30), True)],
    "ClusterTrustBundleProjection": [((1, 29), False)],
    "ContainerRestartRules": [((1, 34), False), ((1, 35), True)],
    "ContainerStopSignals": [((1, 33), False)],
    "DynamicResourceAllocation": [((1, 26), False), ((1, 34), True)],
    "EnvFiles": [((1, 34), False), ((1, 35), True)],
    "HostnameOverride": [((1, 34), False), ((1, 35), True)],
    "ImageVolume": [((1, 31), False), ((1, 35), True)],
    "InPlacePodVerticalScaling": [((1, 27), False), ((1, 33), True)],
    # Job fields the job strategy's PrepareForCreate clears while their gate is off (batch rules).
    "JobBackoffLimitPerIndex": [((1, 28), False), ((1, 29), True)],
    "JobManagedBy": [((1, 30), False), ((1, 32), True)],
    "JobPodFailurePolicy": [((1, 25), False), ((1, 26), True)],
    "JobPodReplacementPolicy": [((1, 28), False), ((1, 29), True)],
    "JobSuccessPolicy": [((1, 30), False), ((1, 31), True)],
    "MatchLabelKeysInPodAffinity": [((1, 29), False), ((1, 31), True)],
    "MatchLabelKeysInPodTopologySpread": [((1, 25), False), ((1, 27), True)],
    "MatchLabelKeysInPodTopologySpreadSelectorMerge": [((1, 34), True)],
    # A StatefulSet's updateStrategy.rollingUpdate.maxUnavailable (dropped, or validated: apps rules).
    # A kube_features.go on the main branch lists it beta and on from 1.35, but v1.36.2 accepts
    # maxUnavailable 0 and 120% (the oracle's verdicts): off for every version listed here.
    "MaxUnavailableStatefulSet": [((1, 24), False)],
    "MinDomainsInPodTopologySpread": [((1, 24), False), ((1, 27), True)],
    "NodeInclusionPolicyInPodTopologySpread": [((1, 25), False), ((1, 26), True)],
    # A PodDisruptionBudget's unhealthyPodEvictionPolicy (companion rules).
    "PDBUnhealthyPodEvictionPolicy": [((1, 26), False), ((1, 27), True)],
    "PodCertificateRequest": [((1, 34), False)],
    "PodLevelResources": [((1, 32), False), ((1, 34), True)],
    "PodLifecycleSleepAction": [((1, 29), False), ((1, 30), True)],
    "PodLifecycleSleepActionAllowZero": [((1, 32), False), ((1, 33), True)],
    "PodSchedulingReadiness": [((1, 26), False), ((1, 27), True)],
    "ProcMountType": [((1, 12), False), ((1, 33), True)],
    "RecursiveReadOnlyMounts": [((1, 30), False), ((1, 31), True)],
    "RelaxedDNSSearchValidation": [((1, 32), False), ((1, 33), True)],
    "RelaxedEnvironmentVariableValidation": [((1, 30), False), ((1, 32), True)],
    "SELinuxChangePolicy": [((1, 32), False), ((1, 33), True)],
    "SidecarContainers": [((1, 28), False), ((1, 29), True)],
    # A StatefulSet's persistentVolumeClaimRetentionPolicy and ordinals, dropped while off (apps rules).
    "StatefulSetAutoDeletePVC": [((1, 23), False), ((1, 27), True)],
    "StatefulSetStartOrdinal": [((1, 26), False), ((1, 27), True)],
    "StrictIPCIDRValidation": [((1, 33), False), ((1, 36), True)],
    "SupplementalGroupsPolicy": [((1, 31), False), ((1, 33), True)],
    "TaintTolerationComparisonOperators": [((1, 35), False)],
    "UserNamespacesSupport": [((1, 25), False), ((1, 33), True)],
}


def enabled(gate: str, version: Version) -> bool:
    """The gate's default at the version (a gate this module does not list raises KeyError)."""
    state = False
    for since, default in GATES[gate]:
        if version >= since:
            state = default
    return state


def defaults(version: Version) -> dict[str, bool]:
    """Every listed gate's default at the version."""
    return {gate: enabled(gate, version) for gate in GATES}


@functools.cache
def _disabled(version: Version) -> frozenset[str]:
    return frozenset(gate for gate in GATES if not enabled(gate, version))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def drop_disabled_fields(spec: dict[str, Any], version: Version) -> dict[str, Any]:
    """The spec as kube-apiserver validates it: fields of disabled gates cleared (a copy if any).

    The fields cleared are the ones dropDisabledFields clears for a new Pod; only what the
    project's rules read is listed. The spec is copied only when something is to be dropped.
    """
    if not isinstance(spec, dict):
        return spec  # type: ignore[unreachable]
    off = _disabled(version)
    if not off or not _drop(spec, off, apply=False):
        return spec
    out = copy.deepcopy(spec)
    _drop(out, off, apply=True)
    return out


def _drop(out: dict[str, Any], off: frozenset[str], apply: bool) -> bool:
    """Clear (apply) or just look for (not apply) the fields of the disabled gates."""
    changed = False

    def pop(node: Any, key: str) -> None:
        nonlocal changed
        if isinstance(node, dict) and key in node:
            if apply:
                del node[key]
            changed = True

    if "PodLevelResources" in off:
        pop(out, "resources")
    if "DynamicResourceAllocation" in off:
        pop(out, "resourceClaims")
        for ctr in PodView(out).containers(*ALL_GROUPS):
            pop(ctr.get("resources"), "claims")
    if "InPlacePodVerticalScaling" in off:
        for ctr in PodView(out).containers():
            pop(ctr, "resizePolicy")
    # SidecarContainers off also clears an init container's restartPolicy upstream; the project
    # keeps it and says so instead (K8S-INIT-RESTARTPOLICY-VALUE names the gate and the version),
    # since a sidecar that silently becomes a run-once init container is what the user must hear.
    if "PodSchedulingReadiness" in off:
        pop(out, "schedulingGates")
    if "UserNamespacesSupport" in off:
        pop(out, "hostUsers")
    if "HostnameOverride" in off:
        pop(out, "hostnameOverride")
    if "PodLifecycleSleepAction" in off:  # dropPodLifecycleSleepAction / adjustLifecycle
        for ctr in PodView(out).containers(*ALL_GROUPS):
            lifecycle = ctr.get("lifecycle")
            for hook in ("preStop", "postStart"):
                handler = _mapping(lifecycle).get(hook)
                if isinstance(handler, dict) and "sleep" in handler:
                    pop(handler, "sleep")
                    if apply and not any(
                        handler.get(k) is not None for k in ("exec", "httpGet", "tcpSocket")
                    ):
                        pop(lifecycle, hook)  # a handler left empty goes too: no error
    if "ContainerStopSignals" in off:
        for ctr in PodView(out).containers(*ALL_GROUPS):
            pop(ctr.get("lifecycle"), "stopSignal")
    if "SupplementalGroupsPolicy" in off:
        pop(out.get("securityContext"), "supplementalGroupsPolicy")
    if "SELinuxChangePolicy" in off:
        pop(out.get("securityContext"), "seLinuxChangePolicy")
    if "AppArmorFields" in off:
        pop(out.get("securityContext"), "appArmorProfile")
        for ctr in PodView(out).containers(*ALL_GROUPS):
            pop(ctr.get("securityContext"), "appArmorProfile")
    if "ProcMountType" in off:
        for ctr in PodView(out).containers(*ALL_GROUPS):
            pop(ctr.get("securityContext"), "procMount")
    if "RecursiveReadOnlyMounts" in off:
        for ctr in PodView(out).containers(*ALL_GROUPS):
            for mount in _items(ctr.get("volumeMounts")):
                pop(mount, "recursiveReadOnly")
    if "ImageVolume" in off and isinstance(out.get("volumes"), list):
        kept = [v for v in out["volumes"] if not (isinstance(v, dict) and v.get("image") is not None)]
        if len(kept) != len(out["volumes"]):  # dropImageVolumes: the volume goes, its mounts stay
            if apply:
                out["volumes"] = kept
            changed = True
    affinity = _mapping(out.get("affinity"))
    if "MatchLabelKeysInPodAffinity" in off:
        for key in ("podAffinity", "podAntiAffinity"):
            terms = _mapping(affinity.get(key))
            for term in _items(terms.get("requiredDuringSchedulingIgnoredDuringExecution")):
                pop(term, "matchLabelKeys")
                pop(term, "mismatchLabelKeys")
            for weighted in _items(terms.get("preferredDuringSchedulingIgnoredDuringExecution")):
                term = weighted.get("podAffinityTerm") if isinstance(weighted, dict) else None
                pop(term, "matchLabelKeys")
                pop(term, "mismatchLabelKeys")
    for constraint in _items(out.get("topologySpreadConstraints")):
        if "MatchLabelKeysInPodTopologySpread" in off:
            pop(constraint, "matchLabelKeys")
        if "MinDomainsInPodTopologySpread" in off:
            pop(constraint, "minDomains")
        if "NodeInclusionPolicyInPodTopologySpread" in off:
            pop(constraint, "nodeAffinityPolicy")
            pop(constraint, "nodeTaintsPolicy")
    return changed
