"""Every case of the pss/ oracle folder at each level: PodSecurity admission's verdict and checks."""

from __future__ import annotations

import pytest

from tests.pod.rules.oracle import case_names, lint_case, pss_disagreement

LEVELS = ("privileged", "baseline", "restricted")


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("case", case_names("pss"))
def test_it_agrees_with_pod_security_admission(case: str, level: str) -> None:
    assert pss_disagreement(case, level, lint_case("pss", case, pss=level)) is None
