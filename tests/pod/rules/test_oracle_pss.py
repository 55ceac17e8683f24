"""Every case of the pss/ oracle folder at each level: PodSecurity admission's verdict and checks."""

from __future__ import annotations

import pytest

from tests.pod.rules.oracle import case_names, gap_marked, lint_case, pss_disagreement

LEVELS = ("privileged", "baseline", "restricted")


@pytest.mark.parametrize(
    ("case", "level"), [gap_marked("pss", case, level) for case in case_names("pss") for level in LEVELS]
)
def test_it_agrees_with_pod_security_admission(case: str, level: str) -> None:
    assert pss_disagreement(case, level, lint_case("pss", case, pss=level)) is None
