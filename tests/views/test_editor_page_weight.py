"""Issue 14: the editor page of the 12-container, 10-volume fixture weighs at most 150 KB of HTML.

The fixture is a realistic pod with 84 findings. What keeps it light: fields drawn when their
section opens (panels.LAZY_ABOVE), one waiver form for the findings panel, hints said once, the
findings panel doubling as the YAML editor's diagnostics, the DOT in a single-quoted attribute and
the start/stop drawing sent when opened. Bytes, not time: the same page always weighs the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db
SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "diagram" / "shop-twelve-containers.yaml"


def test_the_twelve_container_editor_page_is_at_most_150_kb(alice_client: Any, make_design: Any) -> None:
    design = make_design(SHOP.read_text(), name="shop")
    html = alice_client.get(f"/designs/{design.pk}/").content
    print(f"editor page of the 12-container fixture: {len(html) / 1000:.1f} KB")
    assert b'<span class="badge badge-warning">57 warnings</span>' in html  # the findings are all there
    assert html.count(b"data-diagnostic=") >= 50 and b"data-dot='digraph pod {" in html
    assert len(html) <= 150_000, len(html)
