"""Date and date-time checks: real calendar dates, times with a zone."""

from __future__ import annotations

import datetime as dt

import pytest

from tillid.competence.events.formats import is_date, is_date_time, parse_date, parse_date_time, render_date_time


@pytest.mark.parametrize("text", ["2026-11-23", "2024-02-29", "0001-01-01"])
def test_real_dates_pass(text):
    assert is_date(text)
    assert parse_date(text) == dt.date.fromisoformat(text)


@pytest.mark.parametrize("text", ["2026-02-29", "2026-02-30", "2026-13-01", "2026-1-5", "20261123",
                                  "2026-11-23T10:00:00Z", " 2026-11-23", "2026-W48-1", "٢٠٢٦-١١-٢٣"])
def test_non_dates_fail(text):
    assert not is_date(text)


@pytest.mark.parametrize("text, offset_hours", [
    ("2026-11-23T10:00:00Z", 0), ("2026-11-23t10:00:00z", 0), ("2026-11-23T10:00:00.123456+01:00", 1),
    ("2026-11-23T10:00:00-05:00", -5), ("2026-11-23T10:00:00.5Z", 0),
])
def test_times_with_zone_pass(text, offset_hours):
    assert is_date_time(text)
    assert parse_date_time(text).utcoffset() == dt.timedelta(hours=offset_hours)


@pytest.mark.parametrize("text", ["2026-11-23T10:00:00", "2026-11-23 10:00:00Z", "2026-11-23T24:00:00Z",
                                  "2026-02-30T10:00:00Z", "2026-11-23T10:00Z", "2026-11-23T10:00:60Z",
                                  "2026-11-23T10:00:00+0100", "2026-11-23"])
def test_times_without_zone_or_impossible_fail(text):
    assert not is_date_time(text)


def test_non_strings_are_left_to_the_type_check():
    assert is_date(5) and is_date_time(None)


def test_render_writes_utc_as_z():
    assert render_date_time(dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc)) == "2026-11-23T10:00:00Z"
    plus_one = dt.timezone(dt.timedelta(hours=1))
    assert render_date_time(dt.datetime(2026, 11, 23, 10, tzinfo=plus_one)) == "2026-11-23T10:00:00+01:00"
