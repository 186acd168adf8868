"""Values: numbers and dates written the Italian, the English and the US way."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cs_metrics.storage import ingest
from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import commit_file


@pytest.mark.parametrize(("text_", "decimal", "expected"), [
    ("1.234,50", ",", 1234.5),     # Italian: dot thousands, comma decimals
    ("1,234.50", ".", 1234.5),     # English
    ("12,5", ",", 12.5),
    ("12,5", ".", 12.5),           # a lone comma followed by one digit can only be a decimal comma
    ("1,234", ".", 1234.0),        # English thousands
    ("1.234", ",", 1234.0),        # Italian thousands in a comma-decimal column
    ("€ 1.000,00", ",", 1000.0),
    ("-3", ".", -3.0),
    ("(3)", ".", -3.0),            # accounting negative
    ("", ".", None),
    ("dieci", ".", None),
    ("nan", ".", None),
    ("inf", ".", None),
])
def test_parse_number_italian_and_english(text_, decimal, expected):
    assert ingest.parse_number(text_, decimal) == expected


@pytest.mark.parametrize(("text_", "expected"), [
    ("2026-03-31", dt.date(2026, 3, 31)),
    ("2026-03-31T14:05:00Z", dt.date(2026, 3, 31)),
    ("31/03/2026", dt.date(2026, 3, 31)),
    ("31.03.2026", dt.date(2026, 3, 31)),
    ("31-03-2026", dt.date(2026, 3, 31)),
    ("1/2/2026", dt.date(2026, 2, 1)),   # day first, the European default
    ("31/03/26", dt.date(2026, 3, 31)),
    ("2026/03/31", dt.date(2026, 3, 31)),
    # Excel serial: 2026-01-01 is 46023 (45658 = 2025-01-01, + 365); 31 March is day 90, so 46023 + 89.
    ("46112", dt.date(2026, 3, 31)),
])
def test_parse_date_formats(text_, expected):
    value, reason = ingest.parse_date(text_)
    assert reason == "" and value.date() == expected


def test_parse_date_rejects_impossible_days_and_text():
    assert ingest.parse_date("31/02/2026")[1] == "is not a real calendar date (check day and month)"
    assert "is not a date" in ingest.parse_date("yesterday")[1]
    assert ingest.parse_date("2026-03", month=True)[0] == dt.datetime(2026, 3, 1)
    assert ingest.parse_date("03/2026", month=True)[0] == dt.datetime(2026, 3, 1)


def test_day_first_is_detected_from_the_column():
    assert ingest.day_first(["01/02/2026", "25/02/2026"])
    assert not ingest.day_first(["02/25/2026", "03/01/2026"])  # US export: the second part exceeds 12
    assert ingest.day_first(["01/02/2026"])  # ambiguous: European reading


def test_us_dates_in_a_column_are_read_month_first(engine):
    report = commit_file(engine, "revenue", "customer_id,month,mrr\nC1,02/25/2026,10\nC1,03/01/2026,10\n")
    assert report.committed
    with engine.connect() as conn:
        months = conn.execute(select(m.RevenueMonth.month).order_by(m.RevenueMonth.month)).scalars().all()
    assert months == [dt.date(2026, 2, 1), dt.date(2026, 3, 1)]


@pytest.mark.parametrize(("text_", "expected"), [
    ("14:05", dt.time(14, 5)),
    ("14.05", dt.time(14, 5)),
    ("09:30:15", dt.time(9, 30, 15)),
    ("2:05 PM", dt.time(14, 5)),
    ("12:10 am", dt.time(0, 10)),
    ("0.75", dt.time(18, 0)),                     # an Excel time: three quarters of a day
    ("2026-03-31 14:05", dt.time(14, 5)),        # the time of a date with time
    ("25:00", None), ("13:00 pm", None), ("noon", None), ("14:65", None),
])
def test_parse_time(text_, expected):
    value, reason = ingest.parse_time(text_)
    assert value == expected and (reason == "") == (expected is not None)


@pytest.mark.parametrize(("text_", "expected"), [
    ("2026-03-31 14:05", True), ("2026-03-31T14:05:00Z", True), ("31/03/2026 9.30", True), ("46112.5", True),
    ("2026-03-31", False), ("31/03/2026", False), ("46112", False),
])
def test_has_time(text_, expected):
    assert ingest.has_time(text_) is expected
