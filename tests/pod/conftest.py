"""Fixtures of the core's tests: every installed graphviz engine, each test once per engine."""

from __future__ import annotations

import os
from typing import Any

import pytest

from designer.pod.render import clear_cache, installed_engines

ENGINES = installed_engines()
if os.environ.get("CI") == "true":
    # CI installs both (make test): a missing one would silently halve what is drawn and checked.
    assert {os.path.basename(e) for e in ENGINES} == {"dot", "graphviz-pure"}, ENGINES


@pytest.fixture(params=ENGINES if ENGINES else [None], ids=lambda e: os.path.basename(e) if e else "none")
def engine(request: Any) -> str:
    """The path of one installed engine, with an empty render cache."""
    if request.param is None:
        pytest.skip("no graphviz engine installed")
    clear_cache()
    return str(request.param)
