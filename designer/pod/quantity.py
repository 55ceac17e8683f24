"""Kubernetes quantities (apimachinery `pkg/api/resource` Quantity), the project's one parser.

`500m`, `1Gi`, `2e3`, `0.5`, `128M` are exact decimal numbers here (Decimal, in a context wide
enough that no suffix or exponent rounds): the API server compares them exactly, and so must
every rule and the diagram.

- parse_quantity(value) -> Decimal, or QuantityError with kube-apiserver's decoding message;
- quantity_or_none(value) -> Decimal | None, for callers that report a bad value themselves;
- is_integer(value); readable(resource, value) ('600m', '384Mi', 'unbounded'); canonical(value)
  (Quantity.String()'s canonical form); as_written(value) (the text the user wrote, for messages).

Quantity.UnmarshalJSON trims Go white space (strings.TrimSpace) before parsing, and kubectl sends a
YAML number as encoding/json writes it (the shortest round-tripping decimal), so `cpu: 0.1` is
exactly 100m.
"""

from __future__ import annotations

import decimal
import functools
import re
from decimal import Decimal
from typing import Any

# Go's strings.TrimSpace (unicode.IsSpace, the White_Space property). Not str.strip(): Python's
# white space also has \x1c-\x1f, Go's does not.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# The message kube-apiserver's decoder gives for any text that is not a quantity.
QUANTITY_REGEX_MSG = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
_QUANTITY = re.compile(
    r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?\Z"
)
DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_MAX_TEXT = 64  # longer texts are refused, as before (no manifest needs them)
_MAX_EXPONENT = 40
# Exact arithmetic: 64 digits times 2^60 or 10^40 fits easily in 200 digits.
_CONTEXT = decimal.Context(prec=200, Emax=999, Emin=-999)


class QuantityError(ValueError):
    """The value is not a Kubernetes quantity; str() is kube-apiserver's message."""


def parse_quantity(value: Any) -> Decimal:
    """'500m' -> 0.5, '1Gi' -> 1073741824, '2e3' -> 2000, 3 -> 3; QuantityError if not a quantity."""
    if isinstance(value, bool) or value is None:
        raise QuantityError(f"{QUANTITY_REGEX_MSG} (got {value!r})")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise QuantityError(f"{QUANTITY_REGEX_MSG} (got {value!r})")
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise QuantityError(f"a quantity is a string or a number, not {type(value).__name__}")
    if len(value) > _MAX_TEXT:
        raise QuantityError(f"quantity too long ({len(value)} characters)")
    result = _parse_text(value.strip(GO_SPACE))
    if result is None:
        raise QuantityError(QUANTITY_REGEX_MSG)
    return result


def quantity_or_none(value: Any) -> Decimal | None:
    """parse_quantity, or None when the value is not a quantity."""
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


@functools.lru_cache(maxsize=4096)  # manifests repeat a handful of quantities; Decimals are immutable
def _parse_text(text: str) -> Decimal | None:
    match = _QUANTITY.match(text)
    if not match:
        return None
    number_text, exponent, suffix = match.groups()
    number = _CONTEXT.create_decimal(number_text)
    if exponent:
        power = int(exponent[1:])
        if abs(power) > _MAX_EXPONENT:
            return None
        return number.scaleb(power, _CONTEXT)
    suffix = suffix or ""
    if suffix in BINARY_SUFFIXES:
        return _CONTEXT.multiply(number, Decimal(2 ** BINARY_SUFFIXES[suffix]))
    return number.scaleb(DECIMAL_SUFFIXES[suffix], _CONTEXT)


def is_integer(value: Decimal) -> bool:
    """A whole number (1, 1k, 2Gi; not 0.5 or 1500m)."""
    return value == value.to_integral_value()


def readable(resource: str, value: Decimal | None) -> str:
    """For people: cpu in cores or millicores, memory-like in Ki/Mi/Gi when exact; None is 'unbounded'."""
    if value is None:
        return "unbounded"
    if resource == "cpu":
        if is_integer(value):
            return str(int(value))
        milli = value * 1000
        return f"{int(milli)}m" if is_integer(milli) else _plain(value)
    if is_integer(value) and value > 0:
        whole = int(value)
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            unit = 2 ** BINARY_SUFFIXES[suffix]
            if whole % unit == 0:
                return f"{whole // unit}{suffix}"
        return str(whole)
    return _plain(value)


def canonical(value: Decimal, binary: bool = False) -> str:
    """Quantity.String()'s canonical form: the largest suffix that keeps an integer mantissa.

    binary: the value was written with a binary suffix (BinarySI), so 1Gi stays '1Gi'; a value that is
    not a whole multiple of 1Ki falls back to decimal SI, as CanonicalizeBytes does. A value written
    with an exponent (DecimalExponent, '2e3') is shown in decimal SI here ('2k'), the same number.
    """
    if binary and is_integer(value) and value != 0 and abs(int(value)) >= 1024:
        whole = int(value)
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            unit = 2 ** BINARY_SUFFIXES[suffix]
            if whole % unit == 0:
                return f"{whole // unit}{suffix}"
    if value == 0:
        return "0"
    for suffix, power in sorted(DECIMAL_SUFFIXES.items(), key=lambda item: -item[1]):
        if power % 3:
            continue
        mantissa = value.scaleb(-power, _CONTEXT)
        if is_integer(mantissa):
            return f"{int(mantissa)}{suffix}"
    # Finer than a nano: Quantity rounds up to 1n.
    nanos = value.scaleb(9, _CONTEXT).to_integral_value(rounding=decimal.ROUND_CEILING)
    return f"{int(nanos)}n"


def as_written(value: Any) -> str:
    """The quantity as the user wrote it (for messages): text as is, a number as its text."""
    return value if isinstance(value, str) else str(value)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
