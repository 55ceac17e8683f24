"""Fuzz: lint never raises and never reports INTERNAL, whatever the scheduling/quantity fields hold."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.pod.rules.lint import lint

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["Exists", "Equal", "In", "NotIn", "Gt", "Lt", "DoesNotExist", "NoSchedule", "NoExecute",
                     "DoNotSchedule", "ScheduleAnyway", "Honor", "1Gi", "500m", "1e3", "1 GiB", "hugepages-2Mi",
                     "metadata.name", "kubernetes.io/hostname", "a/b/c", ""]),
)  # fmt: skip
KEYS = st.sampled_from(
    ["key", "operator", "value", "values", "effect", "tolerationSeconds", "weight", "topologyKey", "maxSkew",
     "whenUnsatisfiable", "minDomains", "labelSelector", "matchLabels", "matchExpressions", "matchFields",
     "matchLabelKeys", "mismatchLabelKeys", "nodeSelectorTerms", "preference", "podAffinityTerm", "namespaces",
     "namespaceSelector", "nodeAffinityPolicy", "nodeTaintsPolicy", "conditionType", "name", "ip", "hostnames",
     "nameservers", "searches", "options", "cpu", "memory", "podFixed"]
)  # fmt: skip
JUNK: Any = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "tolerations": JUNK,
        "affinity": st.fixed_dictionaries(
            {}, optional={"nodeAffinity": JUNK, "podAffinity": JUNK, "podAntiAffinity": JUNK}
        ),
        "topologySpreadConstraints": JUNK,
        "nodeSelector": JUNK,
        "readinessGates": JUNK,
        "schedulingGates": JUNK,
        "dnsConfig": JUNK,
        "hostAliases": JUNK,
        "overhead": JUNK,
        "os": JUNK,
        "priority": JUNK,
        "preemptionPolicy": JUNK,
        "resources": JUNK,
        "resourceClaims": JUNK,
        "volumes": st.lists(
            st.fixed_dictionaries({"name": st.just("v")}, optional={"emptyDir": JUNK, "downwardAPI": JUNK}),
            max_size=2,
        ),
    },
)
META = st.fixed_dictionaries({"name": st.just("p")}, optional={"labels": JUNK, "annotations": JUNK})
CONTAINER = st.fixed_dictionaries(
    {"name": st.just("app"), "image": st.just("a:1")},
    optional={"resources": JUNK, "resizePolicy": JUNK, "env": JUNK},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=FIELDS,
    meta=META,
    container=CONTAINER,
    kind=st.sampled_from(["Pod", "Deployment"]),
    version=st.sampled_from(["1.25", "1.29", "1.33", "1.34", "1.37"]),
)
def test_lint_survives_any_scheduling_and_quantity_field(
    fields: dict[str, Any], meta: dict[str, Any], container: dict[str, Any], kind: str, version: str
) -> None:
    spec = {"containers": [container], **fields}
    if kind == "Pod":
        doc = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    else:
        doc = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": meta, "spec": spec}},
        }
    findings = lint(doc, version=version)
    assert [f for f in findings if f.rule == "INTERNAL"] == []
