"""NPS queries on a small hand-made dataset, on SQLite and PostgreSQL: every expected number is
counted by hand from the rows below."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import CustomerFilter
from cs_metrics.storage.queries import nps as qn

D = dt.date
JAN = {"start": D(2026, 1, 1), "end": D(2026, 2, 1)}
SMB = CustomerFilter(segments=("SMB",))


@pytest.fixture()
def engine(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        s.add_all([
            m.Customer(id=1, external_id="C1", name="Alfa", segment="SMB", region="Italy", owner="Anna", signed_on=D(2025, 1, 1)),
            m.Customer(id=2, external_id="C2", name="Beta", segment="Enterprise", region="DACH", owner="Ben", signed_on=D(2025, 1, 1)),
        ])
        s.flush()
        s.add_all([
            m.NpsSurveySend(id=1, customer_id=1, sent_on=D(2026, 1, 5)),
            m.NpsSurveySend(id=2, customer_id=1, sent_on=D(2026, 1, 6)),
            m.NpsSurveySend(id=3, customer_id=2, sent_on=D(2026, 1, 7)),
            m.NpsSurveySend(id=4, customer_id=2, sent_on=D(2026, 1, 8)),  # never answered
            m.NpsSurveySend(id=5, customer_id=2, sent_on=D(2025, 12, 20)),  # sent before the period
        ])
        s.flush()
        s.add_all([
            m.NpsResponse(id=1, customer_id=1, send_id=1, responded_on=D(2026, 1, 10), score=2, language="it",
                          comment="Fattura sbagliata, 100% errata", follow_up_status="open", follow_up_owner="Anna",
                          follow_up_due=D(2026, 1, 17)),
            m.NpsResponse(id=2, customer_id=1, send_id=2, responded_on=D(2026, 1, 12), score=9, language="en",
                          comment="Great support", touchpoint="onboarding"),
            m.NpsResponse(id=3, customer_id=2, send_id=3, responded_on=D(2026, 1, 15), score=7, language="en", comment="  "),
            m.NpsResponse(id=4, customer_id=2, responded_on=D(2026, 1, 20), score=10),
            m.NpsResponse(id=5, customer_id=None, responded_on=D(2026, 1, 25), score=0, language="en", comment="slow_support"),
            m.NpsResponse(id=6, customer_id=2, responded_on=D(2026, 1, 26), score=11, comment="invalid"),  # out of range
            m.NpsResponse(id=7, customer_id=1, responded_on=D(2026, 2, 3), score=5),  # after the period
            m.NpsResponse(id=8, customer_id=2, send_id=5, responded_on=D(2026, 1, 2), score=8),
        ])
    yield engine
    engine.dispose()


def _score_counts_skip_invalid_and_out_of_period(engine):
    # In January: scores 2 (r1), 9 (r2), 7 (r3), 10 (r4), 0 (r5), 8 (r8); r6 (11) is invalid, r7 is February.
    counts = qn.score_counts(engine, **JAN)
    assert dict(zip(counts["score"], counts["n"])) == {0: 1, 2: 1, 7: 1, 8: 1, 9: 1, 10: 1}
    # SMB = customer 1 only (r1, r2); the anonymous answer r5 drops out under a customer filter.
    smb = qn.score_counts(engine, **JAN, flt=SMB)
    assert dict(zip(smb["score"], smb["n"])) == {2: 1, 9: 1}


def _counts_by_segment_and_touchpoint(engine):
    t = qn.counts_by(engine, by="segment", **JAN).set_index("segment")
    # SMB: r1 detractor, r2 promoter; Enterprise: r3, r8 passives, r4 promoter; anonymous r5 detractor.
    assert t.loc["SMB"].tolist() == [1, 0, 1]
    assert t.loc["Enterprise"].tolist() == [0, 2, 1]
    assert t.loc[qn.NO_VALUE].tolist() == [1, 0, 0]
    tp = qn.counts_by(engine, by="touchpoint", **JAN).set_index("touchpoint")
    assert tp.loc["onboarding"].tolist() == [0, 0, 1]
    assert tp.loc["relationship"].tolist() == [2, 2, 1]
    with pytest.raises(ValueError, match="weather"):
        qn.counts_by(engine, by="weather", **JAN)


def _counts_by_is_empty_for_a_period_without_answers(engine):
    assert qn.counts_by(engine, by="region", start=D(2020, 1, 1), end=D(2020, 2, 1)).empty
    assert qn.score_counts(engine, start=D(2020, 1, 1), end=D(2020, 2, 1)).empty


def _invalid_scores_are_listed(engine):
    n, rows = qn.invalid_scores(engine)
    assert n == 1 and rows["score"].tolist() == [11] and rows["customer"].tolist() == ["Beta"]
    assert qn.invalid_scores(engine, flt=SMB)[0] == 0


def _survey_counts(engine):
    # Sends in January: 1-4; answered: 1, 2, 3 (send 4 never, send 5 is December's).
    # Valid answers in January: r1, r2, r3, r4, r5, r8 = 6; with a non-blank comment: r1, r2, r5 = 3.
    assert qn.survey_counts(engine, **JAN) == qn.SurveyCounts(sends=4, answered=3, responses=6, commented=3)
    assert qn.survey_counts(engine, **JAN, flt=SMB) == qn.SurveyCounts(sends=2, answered=2, responses=2, commented=2)
    assert qn.survey_counts(engine, start=D(2020, 1, 1), end=D(2020, 2, 1)) == qn.SurveyCounts(0, 0, 0, 0)


def _verbatims_search_and_filters(engine):
    all_ = qn.verbatims(engine, **JAN)
    assert all_["id"].tolist() == [5, 2, 1]  # newest first; blank comment r3 and invalid r6 left out
    assert all_.set_index("id").loc[1, "group"] == "detractor" and all_.set_index("id").loc[1, "customer"] == "Alfa"
    assert qn.verbatims(engine, **JAN, search="FATTURA")["id"].tolist() == [1]  # case-insensitive
    assert qn.verbatims(engine, **JAN, search="100%")["id"].tolist() == [1]  # % is literal
    assert qn.verbatims(engine, **JAN, search="_")["id"].tolist() == [5]  # _ is literal
    assert qn.verbatims(engine, **JAN, languages=("en",))["id"].tolist() == [5, 2]
    assert qn.verbatims(engine, **JAN, groups=("promoter",))["id"].tolist() == [2]
    assert qn.verbatims(engine, **JAN, flt=SMB)["id"].tolist() == [2, 1]
    assert qn.verbatims(engine, **JAN, search="nothing like this").empty
    with pytest.raises(ValueError, match="fan"):
        qn.verbatims(engine, **JAN, groups=("fan",))


def _verbatims_in_pages_counted_and_by_id(engine):
    # The January comments newest first are r5, r2, r1 (see above): pages of 2 are [5, 2] and [1].
    assert qn.verbatims(engine, **JAN, limit=2)["id"].tolist() == [5, 2]
    assert qn.verbatims(engine, **JAN, limit=2, offset=2)["id"].tolist() == [1]
    assert qn.verbatims(engine, **JAN, offset=1)["id"].tolist() == [2, 1]
    assert qn.verbatims(engine, **JAN, languages=("en",), limit=1, offset=1)["id"].tolist() == [2]
    # Counts: 3 comments; 2 in English (r5, r2); 1 promoter (r2); SMB: r2, r1; "fattura": r1.
    assert qn.verbatim_count(engine, **JAN) == 3
    assert qn.verbatim_count(engine, **JAN, languages=("en",)) == 2
    assert qn.verbatim_count(engine, **JAN, groups=("promoter",)) == 1
    assert qn.verbatim_count(engine, **JAN, flt=SMB) == 2
    assert qn.verbatim_count(engine, **JAN, search="FATTURA") == 1
    assert qn.verbatim_count(engine, start=D(2020, 1, 1), end=D(2020, 2, 1)) == 0
    # By id: the same columns as the list, newest first whatever the order asked; r5 is anonymous.
    picked = qn.verbatims_by_id(engine, ids=[1, 5])
    assert picked["id"].tolist() == [5, 1] and list(picked.columns) == list(qn.verbatims(engine, **JAN).columns)
    assert picked["customer"].isna().tolist() == [True, False] and qn.verbatims_by_id(engine, ids=[]).empty
    # The text only, for the word counts: id, score, group, language, comment of the same three.
    texts = qn.comment_texts(engine, **JAN)
    assert texts.to_dict("list") == {"id": [5, 2, 1], "score": [0, 9, 2], "group": ["detractor", "promoter", "detractor"],
                                     "language": ["en", "en", "it"],
                                     "comment": ["slow_support", "Great support", "Fattura sbagliata, 100% errata"]}
    assert qn.comment_texts(engine, **JAN, flt=SMB)["id"].tolist() == [2, 1]


def _follow_up_queue(engine):
    queue = qn.follow_up_queue(engine, **JAN)
    assert queue["id"].tolist() == [1, 5]  # detractors of January, oldest first
    assert queue.set_index("id").loc[1, "csm"] == "Anna"
    assert qn.follow_up_queue(engine, **JAN, flt=SMB)["id"].tolist() == [1]


def _reads(engine):
    for check in (_score_counts_skip_invalid_and_out_of_period, _counts_by_segment_and_touchpoint,
                  _counts_by_is_empty_for_a_period_without_answers, _invalid_scores_are_listed, _survey_counts,
                  _verbatims_search_and_filters, _verbatims_in_pages_counted_and_by_id, _follow_up_queue):
        check(engine)


def _follow_up(engine, response_id: int):
    with engine.connect() as conn:
        return conn.execute(select(m.NpsResponse).where(m.NpsResponse.id == response_id)).one()


def _save_follow_up_persists_and_closes(engine):
    qn.save_follow_up(engine, qn.FollowUpEdit(1, "done", owner=" Anna ", due=D(2026, 1, 17), note="Credit note sent"),
                      today=D(2026, 1, 20))
    row = _follow_up(engine, 1)
    assert (row.follow_up_status, row.follow_up_owner, row.follow_up_note) == ("done", "Anna", "Credit note sent")
    assert row.follow_up_done_on == D(2026, 1, 20)  # done today when no date is given
    assert qn.follow_up_queue(engine, **JAN, include_closed=False)["id"].tolist() == [5]
    # Reopening clears the done date.
    qn.save_follow_up(engine, qn.FollowUpEdit(1, "in_progress", owner="Anna"), today=D(2026, 1, 21))
    assert _follow_up(engine, 1).follow_up_done_on is None


BAD_EDITS = [
    (qn.FollowUpEdit(1, "closed", owner="Anna"), "status"),
    (qn.FollowUpEdit(1, "open", owner="  "), "owner"),
    (qn.FollowUpEdit(1, "open", owner="Anna", due=D(2026, 1, 1)), "before the answer"),
    (qn.FollowUpEdit(1, "done", owner="Anna", done_on=D(2026, 3, 1)), "future"),
    (qn.FollowUpEdit(1, "done", owner="Anna", done_on=D(2026, 1, 9)), "before the answer"),
    (qn.FollowUpEdit(1, "open", owner="A" * 121), "longer"),
    (qn.FollowUpEdit(1, "open", owner="Anna", note="x" * 2001), "longer"),
    (qn.FollowUpEdit(999, "open", owner="Anna"), "does not exist"),
]


def _save_follow_up_rejects_bad_edits_and_writes_nothing(engine):
    for edit, message in BAD_EDITS:
        with pytest.raises(qn.FollowUpError, match=message):
            qn.save_follow_up(engine, edit, today=D(2026, 1, 20))
        row = _follow_up(engine, 1)
        assert (row.follow_up_status, row.follow_up_owner, row.follow_up_due) == ("open", "Anna", D(2026, 1, 17))


def _save_follow_ups_is_all_or_nothing(engine):
    good = qn.FollowUpEdit(5, "not_needed", note="Anonymous answer")
    bad = qn.FollowUpEdit(1, "done", owner="", note="")
    with pytest.raises(qn.FollowUpError):
        qn.save_follow_ups(engine, [good, bad], today=D(2026, 1, 20))
    assert _follow_up(engine, 5).follow_up_status is None  # the good edit was not written either
    with pytest.raises(qn.FollowUpError, match="twice"):
        qn.save_follow_ups(engine, [good, good])
    assert qn.save_follow_ups(engine, []) == 0
    assert qn.save_follow_ups(engine, [good], today=D(2026, 1, 20)) == 1
    assert _follow_up(engine, 5).follow_up_status == "not_needed"


def _an_invitation_answered_twice_counts_once(engine):
    # A second answer to send 1 (January): still 3 of the 4 January invitations answered.
    with db.session_scope(engine) as s:
        s.add(m.NpsResponse(id=9, customer_id=1, send_id=1, responded_on=D(2026, 1, 11), score=6))
    assert qn.survey_counts(engine, **JAN).answered == 3
    assert qn.survey_counts(engine, **JAN, flt=SMB).answered == 2


def _invalid_scores_under_a_filter(engine):
    # r6 (score 11) belongs to Beta (Enterprise): counted for Enterprise, not for SMB, listed with its customer.
    n, rows = qn.invalid_scores(engine, flt=CustomerFilter(segments=("Enterprise",)))
    assert n == 1 and rows["id"].tolist() == [6]
    n, rows = qn.invalid_scores(engine, flt=SMB)
    assert n == 0 and rows.empty and list(rows.columns) == ["id", "external_id", "responded_on", "score", "customer"]
    with engine.begin() as conn:  # with no invalid answer at all, no filter finds one either
        conn.execute(m.NpsResponse.__table__.delete().where(m.NpsResponse.id == 6))
    assert qn.invalid_scores(engine)[0] == 0 and qn.invalid_scores(engine, flt=SMB)[0] == 0


def test_reads_then_follow_up_writes(engine):
    """Everything on one database per backend (creating a PostgreSQL database is the slow part)."""
    _reads(engine)
    # Rejections first (the fixture's rows untouched), then edits that stick, then the all-or-nothing batch.
    _save_follow_up_rejects_bad_edits_and_writes_nothing(engine)
    _save_follow_up_persists_and_closes(engine)
    _save_follow_ups_is_all_or_nothing(engine)
    # Last, as they change the rows: a twice-answered invitation, an invalid answer removed.
    _an_invitation_answered_twice_counts_once(engine)
    _invalid_scores_under_a_filter(engine)
