"""A CronJob's schedule and time zone, as kube-apiserver checks them.

The schedule goes through robfig/cron/v3's ParseStandard (5 fields: minute, hour, day of month,
month, day of week; month and weekday names; `*`, `?`, ranges, steps, lists; the @yearly ...
@hourly descriptors and `@every <duration>`); its error texts are reproduced so a finding reads
like kube-apiserver's. The time zone must be a name Go's time.LoadLocation finds in the IANA
database (pkg/apis/batch/validation validateTimeZone).
"""

from __future__ import annotations

import functools
import re
import zoneinfo

_BOUNDS = {  # field -> (min, max, names)
    "minute": (0, 59, {}),
    "hour": (0, 23, {}),
    "dom": (1, 31, {}),
    "month": (
        1,
        12,
        {
            m: i + 1
            for i, m in enumerate(
                ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            )
        },
    ),
    "dow": (0, 6, {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}),
}
_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
# Go's time.ParseDuration units, in nanoseconds.
_UNITS = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,
    "μs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_MAX_DURATION = 2**63
# validTimeZoneCharacters: each '/'-separated part of a time zone name.
_TZ_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}\Z")
_GO_SPACE = " \t\n\v\f\r\x85\xa0"


class ScheduleError(ValueError):
    pass


def _atoi(text: str) -> int:
    """strconv.Atoi as cron's mustParseInt uses it (a sign is allowed, then decimal digits)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ScheduleError(
            f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
        )
    number = int(text)
    if not -(2**63) <= number < 2**63:
        raise ScheduleError(
            f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": value out of range'
        )
    if number < 0:
        raise ScheduleError(f"negative number ({number}) not allowed: {text}")
    return number


def _int_or_name(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    return _atoi(text)


def _check_range(expr: str, field: str) -> None:
    """getRange: `*`/`?`, N, N-M, each with an optional /step, within the field's bounds."""
    low, high, names = _BOUNDS[field]
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise ScheduleError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if len(low_and_high) == 1:  # "N/step" means "N-max/step"
            end = high
    elif len(range_and_step) > 2:
        raise ScheduleError(f"too many slashes: {expr}")
    if start < low:
        raise ScheduleError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise ScheduleError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise ScheduleError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ScheduleError(f"step of range should be a positive number: {expr}")


def schedule_error(spec: str) -> str | None:
    """The error cron.ParseStandard returns for a schedule, or None when it parses."""
    try:
        _parse_standard(spec)
    except ScheduleError as error:
        return str(error)
    return None


def _parse_standard(spec: str) -> None:
    if not spec:
        raise ScheduleError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        location = spec[spec.find("=") + 1 : space if space >= 0 else len(spec)]
        if time_zone_error(location, allow_local=True):
            raise ScheduleError(f"provided bad location {location}: unknown time zone {location}")
        spec = spec[space:].strip(_GO_SPACE) if space >= 0 else ""
    if spec.startswith("@"):
        _parse_descriptor(spec)
        return
    fields = spec.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for text, field in zip(fields, ("minute", "hour", "dom", "month", "dow"), strict=True):
        for expr in (part for part in text.split(",") if part):
            _check_range(expr, field)


def _parse_descriptor(spec: str) -> None:
    if spec in _DESCRIPTORS:
        return
    every = "@every "
    if spec.startswith(every):
        duration = spec[len(every) :]
        error = duration_error(duration)
        if error:
            raise ScheduleError(f"failed to parse duration {spec}: {error}")
        return
    raise ScheduleError(f"unrecognized descriptor: {spec}")


def duration_error(text: str) -> str | None:
    """time.ParseDuration's error for a text (None when it parses): a signed sequence of
    decimal numbers, each with a unit, or "0"."""
    invalid = f'time: invalid duration "{text}"'
    rest = text[1:] if text[:1] in ("-", "+") else text
    if rest == "0":
        return None
    if not rest:
        return invalid
    total = 0
    while rest:
        if not (rest[0] == "." or rest[0].isascii() and rest[0].isdigit()):
            return invalid
        digits = len(rest) - len(rest.lstrip("0123456789"))
        whole, rest = rest[:digits], rest[digits:]
        fraction = ""
        if rest[:1] == ".":
            rest = rest[1:]
            count = len(rest) - len(rest.lstrip("0123456789"))
            fraction, rest = rest[:count], rest[count:]
        if not whole and not fraction:
            return invalid  # no digits, e.g. ".s"
        end = next((i for i, c in enumerate(rest) if c == "." or c in "0123456789"), len(rest))
        if end == 0:
            return f'time: missing unit in duration "{text}"'
        unit, rest = rest[:end], rest[end:]
        if unit not in _UNITS:
            return f'time: unknown unit "{unit}" in duration "{text}"'
        value = int(whole or "0") * _UNITS[unit]
        if fraction:
            value += int(int(fraction) * (_UNITS[unit] / 10 ** len(fraction)))
        total += value
        if int(whole or "0") > _MAX_DURATION or total > _MAX_DURATION:
            return invalid
    if text[:1] != "-" and total > _MAX_DURATION - 1:
        return invalid
    return None


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_error(name: str, *, allow_local: bool = False) -> str | None:
    """time.LoadLocation's verdict on a name: None when Go finds it ("UTC" and "" are built in)."""
    if name in ("", "UTC") or (allow_local and name == "Local"):
        return None
    zones = _zones()
    if not zones or name in zones:  # no IANA database on this host: no verdict rather than a false one
        return None
    return f"unknown time zone {name}"


def validate_time_zone(name: str) -> list[str]:
    """validateTimeZone's messages for a set timeZone field, in kube-apiserver's order."""
    if not name:
        return ["timeZone must be nil or non-empty string"]
    for part in name.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return [f"unknown time zone {name}"]
    out = []
    if name.lower() == "local":
        out.append("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")
    error = time_zone_error(name, allow_local=True)
    if error:
        out.append(error)
    return out
