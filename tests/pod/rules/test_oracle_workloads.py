"""Every case of the workloads/ oracle folder: the project's verdict and error path are kube-apiserver's."""

from __future__ import annotations

import pytest

from tests.pod.rules.oracle import case_names, disagreement, gap_marked, lint_case


@pytest.mark.parametrize("case", [gap_marked("workloads", case) for case in case_names("workloads")])
def test_it_agrees_with_kube_apiserver(case: str) -> None:
    assert disagreement("workloads", case, lint_case("workloads", case)) is None
