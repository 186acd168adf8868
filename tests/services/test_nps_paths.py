"""The NPS page's faster reads against the slower ones they replaced, on a demo company, once on
SQLite and once on PostgreSQL (``any_db_url``): the months summed from the days against the months
grouped in SQL, the invitations answered against a count in pandas of the raw rows, comments in
pages and by id against the whole list filtered in pandas, the word and theme analysis of the
comments' text against the per-comment loop, the waiting queue cut from the whole one against
the database's own. Every expected value comes from the old path or the raw rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import nps, text
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services import nps as data
from cs_metrics.storage import db, demo
from cs_metrics.storage.queries import nps as qn
from cs_metrics.storage.queries import nps_monthly_counts
from tests.test_text import reference_distinguishing_words

AS_OF = dt.date(2026, 10, 31)
PERIOD = Period(dt.date(2025, 11, 1), AS_OF)
SMB = CustomerFilter(segments=("SMB",))
FILTERS = (ALL, SMB)


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    demo.load_demo(engine, customers=300, seed=7, as_of=AS_OF)
    yield engine
    engine.dispose()


def _raw(engine, table: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(f"SELECT * FROM {table}", conn)


def _months_summed_from_days_equal_the_months_grouped_in_sql(engine):
    for flt in FILTERS:
        prev = PERIOD.previous()
        mine = data.monthly_counts(engine, period=PERIOD, previous=prev, flt=flt)
        pd.testing.assert_frame_equal(mine, nps_monthly_counts(engine, start=prev.start, end=PERIOD.end, flt=flt),
                                      check_exact=True)
        assert len(mine) == 24  # every month of the two periods has answers in the demo
    empty = Period(dt.date(2001, 1, 1), dt.date(2001, 3, 31))
    pd.testing.assert_frame_equal(data.monthly_counts(engine, period=empty),
                                  nps_monthly_counts(engine, start=empty.previous().start, end=empty.end))


def _invitations_answered_equal_a_count_of_the_raw_rows(engine):
    sends, answers, customers = _raw(engine, "nps_survey_send"), _raw(engine, "nps_response"), _raw(engine, "customer")
    smb_ids = set(customers.loc[customers["segment"] == "SMB", "id"])
    sent_on = pd.to_datetime(sends["sent_on"])
    in_period = sends[(sent_on >= pd.Timestamp(PERIOD.start)) & (sent_on < pd.Timestamp(PERIOD.end))]
    for flt, rows in ((ALL, in_period), (SMB, in_period[in_period["customer_id"].isin(smb_ids)])):
        answered = int(rows["id"].isin(answers["send_id"].dropna().astype(int)).sum())
        counts = qn.survey_counts(engine, start=PERIOD.start, end=PERIOD.end, flt=flt)
        assert (counts.sends, counts.answered) == (len(rows), answered) and 0 < answered < len(rows)


def _pages_and_counts_equal_the_whole_list(engine):
    for flt in FILTERS:
        for languages, groups in (((), ()), (("it",), ()), ((), ("detractor", "passive")), (("en",), ("promoter",))):
            every = data.verbatims(engine, period=PERIOD, flt=flt, languages=languages, groups=groups)
            assert data.comment_count(engine, period=PERIOD, flt=flt, languages=languages, groups=groups) == len(every)
            for first in sorted({0, 50, len(every) - 7} & set(range(max(len(every), 1)))):  # pages that exist
                page = data.verbatims(engine, period=PERIOD, flt=flt, languages=languages, groups=groups,
                                      offset=first, limit=50)
                pd.testing.assert_frame_equal(page, every.iloc[first:first + 50].reset_index(drop=True))


def _search_and_theme_pages_equal_the_whole_list_filtered(engine):
    for flt in FILTERS:
        every = data.verbatims(engine, period=PERIOD, flt=flt)
        texts = data.comment_texts(engine, period=PERIOD, flt=flt)
        assert texts["id"].tolist() == every["id"].tolist()
        for search, theme, groups in (("fattur", None, ()), ("", "billing", ()), ("SUPPORT", "support", ("detractor",)),
                                      ("no such words", None, ())):
            expected = text.filter_comments(every, search=search, groups=groups, theme=theme)
            ids = data.comment_ids(texts, search=search, groups=groups, theme=theme)
            assert list(ids) == expected["id"].tolist()
            page = data.comments_by_id(engine, ids=ids[:50])
            pd.testing.assert_frame_equal(page, expected.iloc[:50].reset_index(drop=True),
                                          check_dtype=len(expected) > 0)  # nothing found: no rows to type


def _analysis_of_the_texts_equals_the_per_comment_loop(engine):
    for flt in FILTERS:
        every = data.verbatims(engine, period=PERIOD, flt=flt)
        found = data.comment_analysis(data.comment_texts(engine, period=PERIOD, flt=flt), languages=("en", "it", None))
        for code in ("en", "it", None):
            expected = reference_distinguishing_words(every, language=code, top=8)
            assert len(expected) > 0
            pd.testing.assert_frame_equal(found.words[code], expected, check_exact=True)
        # The themes as counted before: the regular expression of each theme on every comment.
        pd.testing.assert_frame_equal(found.themes, text.theme_table(every), check_exact=True)
        hits = pd.DataFrame({t.key: text.mentions_theme(every["comment"], t) for t in text.THEMES})
        by_group = hits.groupby(every["group"]).sum()
        themes = found.themes.set_index("theme")
        for key in hits.columns:
            assert themes.loc[key, ["detractors", "passives", "promoters"]].tolist() == [
                int(by_group.loc[g, key]) if g in by_group.index else 0 for g in ("detractor", "passive", "promoter")]


def _waiting_queue_cut_from_the_whole_one_equals_the_database_s(engine):
    for flt in FILTERS:
        whole = qn.follow_up_queue(engine, start=PERIOD.start, end=PERIOD.end, flt=flt)
        waiting = qn.follow_up_queue(engine, start=PERIOD.start, end=PERIOD.end, flt=flt, include_closed=False)
        assert 0 < len(waiting) < len(whole)
        # The same rows and values; a column empty in every waiting row (e.g. the note) keeps the
        # type it has in the whole queue, so a missing value is NaN there and None here (the
        # table, the CSV and the editor show both as empty).
        def plain(frame):
            return frame.astype(object).where(frame.notna(), None)

        pd.testing.assert_frame_equal(plain(nps.follow_up_waiting(whole)), plain(waiting), check_dtype=False)


def test_faster_nps_reads_equal_the_slower_ones_on_the_demo(engine):
    """One demo company per backend (loading it is the slow part), every check on it."""
    _months_summed_from_days_equal_the_months_grouped_in_sql(engine)
    _invitations_answered_equal_a_count_of_the_raw_rows(engine)
    _pages_and_counts_equal_the_whole_list(engine)
    _search_and_theme_pages_equal_the_whole_list_filtered(engine)
    _analysis_of_the_texts_equals_the_per_comment_loop(engine)
    _waiting_queue_cut_from_the_whole_one_equals_the_database_s(engine)
