"""Pod and container resource claims (validatePodResourceClaims, validateResourceClaimNames)."""

from __future__ import annotations

from typing import Any

from designer.pod.rules import apiserver
from designer.pod.rules.context import LintContext


def claims(spec: dict[str, Any], version: tuple[int, int] = (1, 34)) -> list[tuple[str, str]]:
    body = {"containers": [{"name": "app", "image": "a:1"}], **spec}
    doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": body}
    return [(f.path, f.message) for f in apiserver.check(LintContext(doc, version=version))
            if f.rule == "K8S-RES-CLAIMS"]  # fmt: skip


def test_a_pod_claim_names_exactly_one_source() -> None:
    assert claims({"resourceClaims": [{"name": "gpu"}]}) == [
        ("spec.resourceClaims[0]",
         'Invalid value: core.PodResourceClaim{Name:"gpu", ResourceClaimName:(*string)(nil), '
         "ResourceClaimTemplateName:(*string)(nil)}: must specify one of: `resourceClaimName`, "
         "`resourceClaimTemplateName`"),
    ]  # fmt: skip
    both = {"name": "gpu", "resourceClaimName": "a", "resourceClaimTemplateName": "b"}
    assert [m.rsplit(": ", 1)[1] for _, m in claims({"resourceClaims": [both]})] == [
        "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"
    ]
    assert claims({"resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "gpu-template"}]}) == []


def test_pod_claim_names_are_unique_dns_labels() -> None:
    got = claims({"resourceClaims": [{"name": "GPU", "resourceClaimName": "a"},
                                     {"name": "x", "resourceClaimName": "a"},
                                     {"name": "x", "resourceClaimName": "Bad_Name"}]})  # fmt: skip
    assert [p for p, _ in got] == [
        "spec.resourceClaims[0].name",
        "spec.resourceClaims[2].name",
        "spec.resourceClaims[2].resourceClaimName",
    ]
    assert got[1] == ("spec.resourceClaims[2].name", 'Duplicate value: "x"')


def test_container_claims_are_unique_and_declared() -> None:
    ctr = {
        "name": "app",
        "image": "a:1",
        "resources": {"claims": [{"name": "gpu"}, {"name": "gpu"}, {"name": "fpga"}, {}]},
    }
    got = claims({"containers": [ctr], "resourceClaims": [{"name": "gpu", "resourceClaimName": "a"},
                                                          {"name": "nic", "resourceClaimName": "b"}]})  # fmt: skip
    assert got == [
        ("spec.containers[0].resources.claims[1]", 'Duplicate value: "gpu"'),
        ("spec.containers[0].resources.claims[2]",
         'Not found: "fpga": must be one of the names in pod.spec.resourceClaims: gpu, nic'),
        ("spec.containers[0].resources.claims[3]", "Required value"),
    ]  # fmt: skip
    # two requests of one claim are distinct entries
    ctr = {"name": "app", "image": "a:1",
           "resources": {"claims": [{"name": "gpu", "request": "a"}, {"name": "gpu", "request": "b"}]}}  # fmt: skip
    assert claims({"containers": [ctr], "resourceClaims": [{"name": "gpu", "resourceClaimName": "a"}]}) == []


def test_claims_are_dropped_where_dynamic_resource_allocation_is_off() -> None:
    assert claims({"resourceClaims": [{"name": "gpu"}]}, version=(1, 33)) == []
