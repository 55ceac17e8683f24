"""Every case of the pods/ oracle folder: the project's verdict and error path are kube-apiserver's.

The folder has verdicts of two servers: v1.33.5 (verdicts.json) and v1.36.2 (verdicts-v1.36.2.json);
each is compared at its own target version, with its own list of known gaps.
"""

from __future__ import annotations

import pytest

from tests.pod.rules.oracle import case_names, disagreement, gap_marked, lint_case


@pytest.mark.parametrize("case", [gap_marked("pods", case) for case in case_names("pods")])
def test_it_agrees_with_kube_apiserver(case: str) -> None:
    assert disagreement("pods", case, lint_case("pods", case)) is None


@pytest.mark.parametrize("case", [gap_marked("pods-v1.36.2", case) for case in case_names("pods")])
def test_it_agrees_with_kube_apiserver_v1_36(case: str) -> None:
    """The same pods judged by a v1.36.2 server (verdicts-v1.36.2.json), linted at 1.36."""
    findings = lint_case("pods", case, version="1.36")
    assert disagreement("pods", case, findings, version="1.36.2") is None
