"""CronJob schedules (robfig/cron ParseStandard) and time zones (time.LoadLocation)."""

from __future__ import annotations

import pytest

from designer.pod.rules import cron


@pytest.mark.parametrize(
    "schedule",
    [
        "*/5 * * * *",
        "0 0 * * MON-FRI",
        "30 2 1,15 jan-jun *",
        "0 0 ? * sun",
        "@hourly",
        "@every 1h30m",
        "0 9-17/2 * * 1-5",
        "TZ=UTC 0 0 * * *",
    ],
)
def test_valid_schedules_parse(schedule: str) -> None:
    assert cron.schedule_error(schedule) is None


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        ("30 2 * *", "expected exactly 5 fields, found 4: [30 2 * *]"),
        ("0 30 2 * * *", "expected exactly 5 fields, found 6: [0 30 2 * * *]"),
        ("0 0 32 * *", "end of range (32) above maximum (31): 32"),
        ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("0 0 * * MON-XYZ", 'failed to parse int from XYZ: strconv.Atoi: parsing "XYZ": invalid syntax'),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("@reboot", "unrecognized descriptor: @reboot"),
        ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
        ("TZ=Mars/Base 0 0 * * *", "provided bad location Mars/Base: unknown time zone Mars/Base"),
    ],
)
def test_invalid_schedules_get_crons_error(schedule: str, error: str) -> None:
    assert cron.schedule_error(schedule) == error


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Etc/GMT-5"])
def test_iana_zones_are_valid(zone: str) -> None:
    assert cron.validate_time_zone(zone) == []


@pytest.mark.parametrize(
    ("zone", "messages"),
    [
        ("", ["timeZone must be nil or non-empty string"]),
        ("Local", ["timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"]),
        (
            "local",
            [
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                "unknown time zone local",
            ],
        ),
        ("utc", ["unknown time zone utc"]),
        ("America/New York", ["unknown time zone America/New York"]),
        ("GMT-5", ["unknown time zone GMT-5"]),
        ("../etc/passwd", ["unknown time zone ../etc/passwd"]),
    ],
)
def test_unknown_zones_are_rejected(zone: str, messages: list[str]) -> None:
    assert cron.validate_time_zone(zone) == messages


@pytest.mark.parametrize(
    ("duration", "error"),
    [
        ("1h30m", None),
        ("0", None),
        ("-1.5h", None),
        (".5s", None),
        ("1.s", None),
        ("300ms", None),
        ("2µs", None),
        ("", 'time: invalid duration ""'),
        ("1", 'time: missing unit in duration "1"'),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
        ("1h 30m", 'time: unknown unit "h " in duration "1h 30m"'),
        (".s", 'time: invalid duration ".s"'),
        ("soon", 'time: invalid duration "soon"'),
        ("9999999999999999999h", 'time: invalid duration "9999999999999999999h"'),
    ],
)
def test_every_durations_parse_as_go_does(duration: str, error: str | None) -> None:
    assert cron.duration_error(duration) == error
