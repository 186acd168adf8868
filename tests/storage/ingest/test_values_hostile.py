"""Values written to mislead: thousands that look like decimals, scores with separators or units,
times with an offset, health signals outside their natural range."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from cs_metrics.storage import ingest
from cs_metrics.storage import models as m
from cs_metrics.storage.ingest import values
from tests.storage.ingest.conftest import TODAY, commit_file, dry_file


def _problems(report: ingest.ImportReport) -> list[tuple[int | None, str | None, str, str]]:
    return [(p.row, p.column, p.value, p.kind) for p in report.problems]


class TestThousandsOrDecimals:
    """A column decides from all its values (then the file's other number columns, then a ``;``
    separator) whether ``.`` groups thousands; what nothing settles is refused row by row."""

    def test_italian_thousands_in_a_semicolon_file(self, engine):
        # "12.000" in a ";" file: the separator says Italian, so the dot groups thousands: 12 000.
        report = commit_file(engine, "revenue", "customer_id;month;mrr\nC1;01/2026;12.000\n")
        assert report.committed
        with engine.connect() as conn:
            assert conn.execute(select(m.RevenueMonth.mrr)).scalar_one() == 12000.0

    def test_a_value_with_both_marks_settles_the_column(self, engine):
        # "2.750,50" can only be Italian (comma after the dot is the decimal mark): 2750.5; so
        # "1.500" in the same column is one thousand five hundred, 1500.
        report = commit_file(engine, "revenue", "customer_id;month;mrr\nC1;01/2026;1.500\nC1;02/2026;2.750,50\n")
        assert report.committed
        with engine.connect() as conn:
            mrr = conn.execute(select(m.RevenueMonth.mrr).order_by(m.RevenueMonth.month)).scalars().all()
        assert mrr == [1500.0, 2750.5]

    def test_an_english_decimal_settles_the_column_of_a_comma_file(self, engine):
        # "0.25" has two decimals after its only dot: an English decimal, so "1.500" is 1.5.
        report = commit_file(engine, "revenue", "customer_id,month,mrr\nC1,01/2026,1.500\nC1,02/2026,0.25\n")
        assert report.committed
        with engine.connect() as conn:
            mrr = conn.execute(select(m.RevenueMonth.mrr).order_by(m.RevenueMonth.month)).scalars().all()
        assert mrr == [1.5, 0.25]

    def test_nothing_settles_it_so_each_ambiguous_row_is_refused(self, engine):
        # A "," file (no Italian hint) whose only numbers are 1.500 and 2.000: 1500 or 1.5, 2000 or 2.
        report = dry_file(engine, "revenue", "customer_id,month,mrr\nC1,01/2026,1.500\nC1,02/2026,2.000\nC1,03/2026,7\n")
        assert not report.ok
        # Rows 2 and 3 (the header is row 1); "7" reads one way only and is no problem.
        assert _problems(report) == [(2, "mrr", "1.500", "ambiguous number"), (3, "mrr", "2.000", "ambiguous number")]
        assert report.problems[0].reason == (
            "mrr is ambiguous: it reads as 1500 ('.' grouping thousands) or as 1.5 ('.' marking decimals), and no "
            "other number in the file tells which; write 1500 if it means 1500, or 1,5 (or 1.5) if it means 1.5.")

    def test_the_file_s_other_number_columns_settle_it(self):
        # item_minutes "2,5" (one digit after a lone comma) shows the file writes decimals with a comma,
        # so attendees "1.200" in the same file is one thousand two hundred, though the hint is ".".
        texts = pd.DataFrame({"item_minutes": ["2,5"], "attendees": ["1.200"]}, index=[2])
        cells = values.FieldTexts(texts, {"item_minutes": "Minuti", "attendees": "Presenti"}, decimal_hint=".")
        report = ingest.ImportReport("meetings", "m.csv")
        parsed = values.parse_table("meetings", cells, report, TODAY)
        assert report.ok
        assert parsed.values.loc[2].tolist() == [1200, 2.5]

    def test_a_column_showing_both_marks_refuses_what_it_cannot_settle(self):
        # "1,234.50" is English, "2.750,50" Italian: "1.500" could be either, so it is refused; the
        # two self-evident values are still read (1234.5 and 2750.5).
        assert values.column_convention(["1,234.50", "2.750,50", "1.500"], ",") is None
        assert values.column_convention(["1,234.50", "2.750,50"], ",") == ","  # nothing to settle: the hint

    @pytest.mark.parametrize(("text_", "evidence"), [
        ("2.750,50", ","), ("2,750.50", "."),   # both marks: the later one marks decimals
        ("12,5", ","), ("12.50", "."),          # not three digits after the only mark: a decimal
        ("1.234.567", ","), ("1,234,567", "."),  # two groups: thousands, so the other mark is the decimal
        ("0.500", "."), ("0,500", ","),         # a thousands group never follows a lone zero
        ("1.500", "?"), ("-1,500", "?"), ("€ 1.500", "?"),
        ("12", ""), ("dieci", ""),
    ])
    def test_evidence_of_single_values(self, text_, evidence):
        assert values.number_evidence(text_) == evidence

    def test_a_leading_zero_is_never_a_thousands_group(self):
        # Before: "0.500" in a comma-decimal column was read as 500.
        assert ingest.parse_number("0.500", ",") == 0.5
        assert ingest.parse_number("1.234.567", ".") == 1234567.0  # two dot groups can only be thousands


class TestWholeNumbers:
    """Scores (and every whole-number field) are digits only; ``7.0`` is 7 because it is exactly whole."""

    @pytest.mark.parametrize("score", ["1_0", "1 0", "5%", "EUR 7", "€7", "7 punti"])
    def test_separators_percent_and_currency_are_refused(self, engine, score):
        report = dry_file(engine, "nps_responses", f"responded_on,score\n2026-05-01,{score}\n")
        assert _problems(report) == [(2, "score", score, "wrong type")]
        assert report.problems[0].reason == ("score is not a whole number: write digits only (for example 7), "
                                             "without spaces, underscores, % or currency.")

    def test_plain_and_exactly_whole_scores_are_read(self, engine):
        report = commit_file(engine, "nps_responses", "responded_on,score\n2026-05-01,7\n2026-05-02,7.0\n"
                                                      "2026-05-03,\"9,0\"\n2026-05-04,7.5\n")
        # 7.5 is not whole (row 5); 7, 7.0 and 9,0 are.
        assert _problems(report) == [(5, "score", "7.5", "wrong type")]
        assert not report.committed

    def test_an_underscore_never_joins_digits(self):
        # Python's float("1_0") is 10.0; a file's "1_0" is a typing mistake, not ten.
        assert ingest.parse_number("1_0") is None
        assert ingest.parse_number("1_000,50", ",") is None

    def test_money_keeps_its_currency_sign(self):
        assert ingest.parse_number("€ 1.000,00", ",") == 1000.0
        assert ingest.parse_number("EUR 7") == 7.0


class TestTimeZones:
    """A time with an offset is converted to the company's time zone before its day is taken."""

    def test_an_offset_keeps_the_company_s_day(self, monkeypatch):
        monkeypatch.delenv("OUTSIDE_IN_TIME_ZONE", raising=False)
        # 01:00 at +02:00 is 01:00 in Rome in May (summer time is +02:00): still 10 May.
        assert values.parse_date("2025-05-10T01:00:00+02:00")[0] == dt.datetime(2025, 5, 10, 1, 0)
        # 23:30 UTC on 9 May is 01:30 on 10 May in Rome (+02:00).
        assert values.parse_date("2025-05-09T23:30:00Z")[0] == dt.datetime(2025, 5, 10, 1, 30)
        # 23:30 UTC on 9 January is 00:30 on 10 January in Rome (winter, +01:00).
        assert values.parse_date("2025-01-09T23:30:00Z")[0] == dt.datetime(2025, 1, 10, 0, 30)

    def test_the_setting_names_the_company_s_zone(self, monkeypatch):
        monkeypatch.setenv("OUTSIDE_IN_TIME_ZONE", "America/New_York")
        # 01:00 at +02:00 is 23:00 UTC on 9 May, 19:00 in New York (summer, -04:00): 9 May.
        assert values.parse_date("2025-05-10T01:00:00+02:00")[0] == dt.datetime(2025, 5, 9, 19, 0)

    def test_a_bad_zone_says_what_to_set(self, monkeypatch):
        monkeypatch.setenv("OUTSIDE_IN_TIME_ZONE", "Mars/Olympus")
        with pytest.raises(ValueError, match="OUTSIDE_IN_TIME_ZONE is 'Mars/Olympus', which is not a time zone"):
            values.company_time_zone()

    def test_a_time_without_offset_is_taken_as_written(self, monkeypatch):
        monkeypatch.setenv("OUTSIDE_IN_TIME_ZONE", "America/New_York")
        assert values.parse_date("2025-05-10 01:00")[0] == dt.datetime(2025, 5, 10, 1, 0)

    def test_the_stored_day_is_the_company_s(self, engine, monkeypatch):
        monkeypatch.delenv("OUTSIDE_IN_TIME_ZONE", raising=False)
        # Before: stored as 2025-05-09 (the UTC day of 01:00+02:00).
        report = commit_file(engine, "nps_responses", "responded_on,score\n2025-05-10T01:00:00+02:00,9\n")
        assert report.committed
        with engine.connect() as conn:
            assert conn.execute(select(m.NpsResponse.responded_on)).scalar_one() == dt.date(2025, 5, 10)


class TestSignalRanges:
    """Health signals with a natural range (shares and flags 0 to 1, counts never negative) are
    checked in the dry run, row by row, with the allowed range."""

    FILE = ("customer_id,month,signal,value\n"
            "C1,2026-03,usage,75\n"               # row 2: a share written as a percentage
            "C1,2026-03,tickets_opened,-3\n"      # row 3: a negative count
            "C1,2026-03,expansion,2\n"            # row 4: a flag above 1
            "C1,2026-03,resolution_hours,-0.5\n"  # row 5: negative hours
            "C1,2026-04,usage,1\n"                # row 6: the whole range's top, fine
            "C1,2026-04,billing_issue,0\n"        # row 7: zero, fine
            "C1,2026-04,services_purchased,25000\n")  # row 8: no upper bound on money

    def test_out_of_range_rows_are_reported_with_their_range(self, engine):
        report = dry_file(engine, "health_signals", self.FILE)
        assert not report.ok
        assert _problems(report) == [(2, "value", "75", "out of range"), (3, "value", "-3", "out of range"),
                                     (4, "value", "2", "out of range"), (5, "value", "-0.5", "out of range")]
        reasons = [p.reason for p in report.problems]
        assert reasons[0] == ("value is out of range for signal usage, the share of licensed seats active in the "
                              "month (0-1): allowed from 0 to 1 (75% is 0.75).")
        assert reasons[1].endswith("allowed 0 or more.")
        assert reasons[2].endswith("allowed from 0 to 1.")

    def test_values_in_range_are_kept(self, engine):
        lines = self.FILE.splitlines()
        report = commit_file(engine, "health_signals", "\n".join([lines[0], *lines[5:]]) + "\n")
        assert report.committed
        with engine.connect() as conn:
            rows = conn.execute(select(m.HealthSignal.signal, m.HealthSignal.value)
                                .order_by(m.HealthSignal.signal)).all()
        assert [tuple(r) for r in rows] == [("billing_issue", 0.0), ("services_purchased", 25000.0), ("usage", 1.0)]
