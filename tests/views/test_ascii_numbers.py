"""Numbers in URLs, query strings and forms are ASCII digits (designer/numbers.py): int() would
read "٣" as 3 and "３" as 3, so a number that shows as nothing familiar could pick a page or a
revision, or skip a check."""

from __future__ import annotations

from typing import Any

import pytest

from designer.forms import ImportForm
from designer.library_search import LibraryFilterForm
from designer.numbers import MAX_NUMBER, ascii_int
from designer.revisions import Content, save_revision

pytestmark = pytest.mark.django_db

NOT_ASCII = ["٣", "３", "²", "߃", "1٣"]


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), (str(MAX_NUMBER), MAX_NUMBER), (str(MAX_NUMBER + 1), None), ("9" * 40, None)]
    + [(t, None) for t in [*NOT_ASCII, "", None, "-1", "+1", " 1", "1 ", "1e3", "1_000", "0x1"]],
)
def test_ascii_int(text: str | None, number: int | None) -> None:
    assert ascii_int(text) == number


@pytest.mark.parametrize("number", NOT_ASCII)
def test_url_converters_take_ascii_digits_only(alice_client: Any, make_design: Any, number: str) -> None:
    make_design()
    assert alice_client.get(f"/designs/{number}/").status_code == 404
    assert alice_client.get(f"/designs/1/revisions/{number}/").status_code == 404


@pytest.mark.parametrize("number", NOT_ASCII)
def test_page_and_revision_parameters_take_ascii_digits_only(
    alice_client: Any, alice: Any, make_design: Any, number: str
) -> None:
    design = make_design()
    for _ in range(3):
        save_revision(design, Content.of(design.latest), alice, "again")
    compare = alice_client.get(f"/designs/{design.pk}/history/compare?a={number}&b=1")
    assert compare.status_code == 302
    assert compare["Location"] == f"/designs/{design.pk}/history/"
    assert alice_client.get(f"/designs/{design.pk}/history/compare?a=3&b=1")["Location"].endswith(
        "/diff/1/3/"
    )
    assert alice_client.get(f"/?page={number}").status_code == 200
    assert alice_client.get(f"/designs/{design.pk}/history/?page={number}").status_code == 200


@pytest.mark.parametrize("number", NOT_ASCII)
def test_forms_take_ascii_digits_only(number: str) -> None:
    assert "team" not in LibraryFilterForm({"team": number}).query()
    assert LibraryFilterForm({"team": "3"}).query()["team"] == 3
    form = ImportForm({"text": "kind: Pod", "choose": number, "k8s_version": "1.33"})
    assert not form.is_valid() and "choose" in form.errors
