"""Every case of the workloads/ oracle folder: the project's verdict and error path are kube-apiserver's.

The folder has verdicts of two servers: v1.33.5 (verdicts.json) and v1.36.2 (verdicts-v1.36.2.json);
each is compared at its own target version, with its own list of known gaps.
"""

from __future__ import annotations

import pytest

from tests.pod.rules.oracle import case_names, disagreement, gap_marked, lint_case


@pytest.mark.parametrize("case", [gap_marked("workloads", case) for case in case_names("workloads")])
def test_it_agrees_with_kube_apiserver(case: str) -> None:
    assert disagreement("workloads", case, lint_case("workloads", case)) is None


@pytest.mark.parametrize("case", [gap_marked("workloads-v1.36.2", case) for case in case_names("workloads")])
def test_it_agrees_with_kube_apiserver_v1_36(case: str) -> None:
    findings = lint_case("workloads", case, version="1.36")
    assert disagreement("workloads", case, findings, version="1.36.2") is None
