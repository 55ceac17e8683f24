"""designer.pod.quantity: Kubernetes quantities as exact decimals, the project's one parser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from designer.pod.quantity import (
    QUANTITY_REGEX_MSG,
    QuantityError,
    as_written,
    canonical,
    is_integer,
    parse_quantity,
    quantity_or_none,
    readable,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Decimal("0.5")), ("1Gi", Decimal(2**30)), ("2e3", Decimal(2000)), ("1.5", Decimal("1.5")),
        ("128M", Decimal(128_000_000)), ("100n", Decimal("1e-7")), (".5", Decimal("0.5")), ("1.", Decimal(1)),
        ("+1k", Decimal(1000)), ("-2Ki", Decimal(-2048)), (" 100m\t", Decimal("0.1")), ("1E-3", Decimal("0.001")),
        (2, Decimal(2)), (0.1, Decimal("0.1")), ("1Ei", Decimal(2**60)), ("999999999999999999999Ei", Decimal(999999999999999999999 * 2**60)),
    ],
)  # fmt: skip
def test_it_parses_quantities_exactly(text: object, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("bad", ["", "1GB", "1 Gi", "abc", "1..2", "Mi", "9" * 65, "1e", "1m1"])
def test_it_refuses_what_is_not_a_quantity(bad: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(bad)
    assert quantity_or_none(bad) is None


def test_the_error_is_kube_apiservers_decoding_message() -> None:
    with pytest.raises(QuantityError, match="quantities must match the regular expression"):
        parse_quantity("1 GiB")
    assert "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" in QUANTITY_REGEX_MSG
    bad: object
    for bad in (None, True, [], float("nan")):
        assert quantity_or_none(bad) is None


def test_integers_and_formats() -> None:
    assert is_integer(parse_quantity("2Gi")) and not is_integer(parse_quantity("1500m"))
    assert readable("cpu", Decimal("0.6")) == "600m"
    assert readable("memory", Decimal(384 * 2**20)) == "384Mi"
    assert readable("memory", None) == "unbounded"
    assert readable("memory", Decimal("0.5")) == "0.5"
    assert canonical(parse_quantity("1.5")) == "1500m"
    assert canonical(parse_quantity("3Mi"), binary=True) == "3Mi"
    assert canonical(parse_quantity("1536Ki"), binary=True) == "1536Ki"
    assert canonical(Decimal(0)) == "0"
    assert canonical(Decimal("1e-10")) == "1n"  # rounded up to the smallest unit
    assert as_written("1Gi") == "1Gi" and as_written(2) == "2"
