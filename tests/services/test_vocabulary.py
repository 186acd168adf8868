"""The vocabulary service: edits validated with messages that say what to fix, made by admins only
and recorded in the audit trail (before -> after), and a company's own
churn reasons and currency carried into tiles, figures and the board pack.

The company (period 1 Jan - 31 Mar 2026), in US dollars, with one reason of its own,
"cheaper_plan" ("Moved to cheaper plan", category "price", controllable), beside the consumer
reason "moved" (not controllable):

* six SMB customers signed on 1 Jan 2025; MRR in December 2025: #1 1,000, #2 500, #3 200, #4 150,
  #5 300, #6 500 (2,650 in all); in March 2026 only #1 (1,000) and #2 (500) still pay;
* lost in the period: #3 on 10 Feb (cheaper_plan, ARR lost 2,400), #4 on 5 Mar (cheaper_plan,
  1,800), #5 on 12 Mar (moved, 3,600), #6 on 20 Feb (price, 6,000); the churn rows leave category
  and controllable empty, so the company's reasons classify them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cs_metrics import churn, report
from cs_metrics.access import LOCAL, Actor, Refused
from cs_metrics.errors import DataError
from cs_metrics.period import Period
from cs_metrics.services import boardpack, figures, overview, vocabulary
from cs_metrics.services import churn as churn_service
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.queries import access as qa

D = dt.date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31))
CHEAPER = "Moved to cheaper plan"
MOVED = "Customer moved away"
PRICE = "Price too high for the value"


@pytest.fixture()
def usd(engine):
    """The company above, on SQLite and on PostgreSQL."""
    december = {1: 1000.0, 2: 500.0, 3: 200.0, 4: 150.0, 5: 300.0, 6: 500.0}
    lost = {3: (D(2026, 2, 10), "cheaper_plan", 2400.0), 4: (D(2026, 3, 5), "cheaper_plan", 1800.0),
            5: (D(2026, 3, 12), "moved", 3600.0), 6: (D(2026, 2, 20), "price", 6000.0)}
    with db.session_scope(engine) as s:
        s.add_all([m.Customer(id=i, external_id=f"c{i}", name=f"Customer {i}", segment="SMB", region="Italy",
                              signed_on=D(2025, 1, 1), arr=12 * mrr, status="churned" if i in lost else "active",
                              churned_on=lost[i][0] if i in lost else None) for i, mrr in december.items()])
        s.flush()
        s.add_all([m.RevenueMonth(customer_id=i, month=D(2025, 12, 1), mrr=mrr) for i, mrr in december.items()])
        s.add_all([m.RevenueMonth(customer_id=i, month=D(2026, 3, 1), mrr=december[i]) for i in (1, 2)])
        s.add_all([m.ChurnEvent(customer_id=i, churned_on=day, primary_reason=reason, arr_lost=arr)
                   for i, (day, reason, arr) in lost.items()])
    vocabulary.add_term(engine, "churn_reason", "cheaper_plan", label=CHEAPER, category="price", controllable=True,
                        actor=LOCAL)
    vocabulary.set_currency(engine, "usd", actor=LOCAL)
    return engine


# --- edits -----------------------------------------------------------------------------------------


def test_add_relabel_recategorise_remove_with_messages(engine):
    done = vocabulary.add_term(engine, "churn_reason", "cheaper_plan", label=CHEAPER, category="price",
                               controllable=True, actor=LOCAL)
    assert done == f"Added '{CHEAPER}' (cheaper_plan) to Churn reasons."
    reasons = vocabulary.churn_reasons(engine).set_index("key")
    assert reasons.loc["cheaper_plan"].tolist() == [CHEAPER, "price", True]
    assert vocabulary.update_term(engine, "churn_reason", "cheaper_plan", label="Downgraded",
                                  category="pricing", controllable=False,
                                  actor=LOCAL) == "Saved 'cheaper_plan' in Churn reasons."
    assert vocabulary.churn_reasons(engine).set_index("key").loc["cheaper_plan"].tolist() == [
        "Downgraded", "pricing", False]
    assert vocabulary.add_term(engine, "segment", "Consumer", actor=LOCAL) == "Added 'Consumer' (Consumer) to Segments."
    terms = vocabulary.terms(engine, "segment")
    assert terms["key"].tolist() == ["SMB", "Mid-Market", "Enterprise", "Consumer"]
    assert terms["rows"].tolist() == [0, 0, 0, 0]  # no customer yet
    assert vocabulary.remove_term(engine, "segment", "Consumer", actor=LOCAL) == "Removed 'Consumer' from Segments."
    assert "Consumer" not in vocabulary.terms(engine, "segment")["key"].tolist()


@pytest.mark.parametrize(("kind", "key", "options", "message"), [
    ("colour", "red", {}, "There is no vocabulary 'colour'; choose one of: Segments, Regions"),
    ("segment", "  ", {}, "Type the value to add to Segments."),
    ("segment", "x" * 41, {}, "has 41 characters; Segments keys can have at most 40"),
    ("segment", "SMB", {}, "Segments already has 'SMB'; relabel it instead"),
    ("segment", "smb", {}, "'smb' differs from the existing 'SMB' only in capitals"),
    ("segment", "Consumer", {"category": "people"}, "Only churn reasons have a category and a controllability"),
    ("churn_reason", "late", {"category": "c" * 41}, "The category has 41 characters; shorten it to 40"),
    ("region", "LATAM", {"label": "L" * 121}, "The label has 121 characters; shorten it to 120"),
])
def test_add_term_refusals_say_what_to_fix(engine, kind, key, options, message):
    with pytest.raises(vocabulary.VocabularyError, match=message.replace("(", r"\(")):
        vocabulary.add_term(engine, kind, key, **options, actor=LOCAL)
    assert vocabulary.terms(engine, "segment")["key"].tolist() == ["SMB", "Mid-Market", "Enterprise"]


def test_update_and_remove_refuse_unknown_values(engine):
    with pytest.raises(DataError, match="Regions has no value 'Atlantis'; pick one of the listed values"):
        vocabulary.update_term(engine, "region", "Atlantis", label="Lost city", actor=LOCAL)
    with pytest.raises(DataError, match="Nothing to change for 'Italy'"):
        vocabulary.update_term(engine, "region", "Italy", actor=LOCAL)
    with pytest.raises(DataError, match="Regions has no value 'Atlantis'"):
        vocabulary.remove_term(engine, "region", "Atlantis", actor=LOCAL)


def test_removed_values_stay_in_the_rows_that_hold_them(usd):
    assert vocabulary.terms(usd, "churn_reason").set_index("key").loc["cheaper_plan", "rows"] == 2  # #3 and #4
    done = vocabulary.remove_term(usd, "churn_reason", "cheaper_plan", actor=LOCAL)
    assert done == "Removed 'cheaper_plan' from Churn reasons. 2 data rows still hold it and keep it."
    lost = churn_service.churn_in_period(usd, period=PERIOD)
    assert sorted(lost["primary_reason"]) == ["cheaper_plan", "cheaper_plan", "moved", "price"]
    # Without its entry the key is its own label, and its controllability is not known.
    split = churn.controllable_split(lost, reasons=vocabulary.churn_reasons(usd)).set_index("group")
    assert split["count"].tolist() == [1, 1, 2]  # price; moved; the two cheaper_plan


def test_currency_is_checked_and_previewed(engine):
    assert vocabulary.currency(engine) == "EUR"  # a new company's
    with pytest.raises(vocabulary.VocabularyError, match="three-letter ISO 4217 code"):
        vocabulary.set_currency(engine, "US$", actor=LOCAL)
    # 1,234,567 in millions with two decimals: 1.23M (formatting.fmt_value)
    assert vocabulary.money_preview("gbp") == "£1.23M (tables: £1,234,567)"
    assert vocabulary.money_preview("CHF") == "CHF 1.23M (tables: CHF 1,234,567)"
    assert vocabulary.set_currency(engine, " usd ", actor=LOCAL).startswith(
        "The currency is now USD: amounts read like $1.23M")
    assert vocabulary.currency(engine) == "USD"


EDITH = Actor("edith@example.com", "Edith Editor", "editor")
ADA = Actor("ada@example.com", "Ada Admin", "admin")


def _trail(engine) -> list[tuple]:
    """The audit trail, oldest first: (actor, action, outcome, records, summary)."""
    rows = qa.audit_events(engine).iloc[::-1]
    return list(rows[["actor", "action", "outcome", "records", "summary"]].itertuples(index=False, name=None))


def test_an_editor_may_not_change_vocabularies_and_nothing_changes(engine):
    refusal = "Only an admin may change the company's vocabularies and currency; you are signed in as an editor."
    with pytest.raises(Refused, match=refusal):
        vocabulary.add_term(engine, "segment", "Consumer", actor=EDITH)
    with pytest.raises(Refused, match=refusal):
        vocabulary.update_term(engine, "segment", "SMB", label="Small business", actor=EDITH)
    with pytest.raises(Refused, match=refusal):
        vocabulary.remove_term(engine, "segment", "SMB", actor=EDITH)
    with pytest.raises(Refused, match=refusal):
        vocabulary.set_currency(engine, "USD", actor=EDITH)
    terms = vocabulary.terms(engine, "segment")
    assert terms["key"].tolist() == ["SMB", "Mid-Market", "Enterprise"] and terms["label"].tolist()[0] == "SMB"
    assert vocabulary.currency(engine) == "EUR"
    assert [row[:4] for row in _trail(engine)] == [
        ("edith@example.com", "data.vocabulary", "refused", "Segments: 'Consumer'"),
        ("edith@example.com", "data.vocabulary", "refused", "Segments: 'SMB'"),
        ("edith@example.com", "data.vocabulary", "refused", "Segments: 'SMB'"),
        ("edith@example.com", "data.vocabulary", "refused", "currency"),
    ]
    assert all(row[4].startswith(refusal) for row in _trail(engine))


def test_an_admins_edits_are_recorded_before_and_after(engine):
    vocabulary.add_term(engine, "churn_reason", "cheaper_plan", label=CHEAPER, category="price", controllable=True,
                        actor=ADA)
    vocabulary.update_term(engine, "churn_reason", "cheaper_plan", label="Downgraded", category="price",
                           controllable=False, actor=ADA)
    vocabulary.update_term(engine, "segment", "SMB", label="Small business", actor=ADA)
    vocabulary.remove_term(engine, "segment", "SMB", actor=ADA)
    vocabulary.set_currency(engine, "usd", actor=ADA)
    # A failed edit (unknown value) leaves no row.
    with pytest.raises(DataError, match="has no value 'Atlantis'"):
        vocabulary.remove_term(engine, "region", "Atlantis", actor=ADA)
    assert _trail(engine) == [
        ("ada@example.com", "data.vocabulary", "done", "Churn reasons: 'cheaper_plan'",
         f"added: label '{CHEAPER}', category price, controllable yes"),
        # The category stays "price", so only the label and the controllability are listed.
        ("ada@example.com", "data.vocabulary", "done", "Churn reasons: 'cheaper_plan'",
         f"label '{CHEAPER}' -> 'Downgraded'; controllable yes -> no"),
        ("ada@example.com", "data.vocabulary", "done", "Segments: 'SMB'", "label 'SMB' -> 'Small business'"),
        # No customer yet: no data row holds SMB.
        ("ada@example.com", "data.vocabulary", "done", "Segments: 'SMB'",
         "label 'Small business' -> removed; 0 data rows keep the value"),
        # A new company's currency is EUR (test_currency_is_checked_and_previewed).
        ("ada@example.com", "data.vocabulary", "done", "currency", "currency EUR -> USD"),
    ]


# --- the company's reasons and currency where they are shown ------------------------------------------


def test_tiles_carry_the_currency(usd):
    arr = next(t for t in overview.customers_tiles(usd, period=PERIOD) if t.key == "arr")
    # ARR = 12 x March MRR = 12 x (1,000 + 500) = 18,000
    assert (arr.value, arr.currency) == (18_000.0, "USD")
    grr = next(t for t in overview.retention_tiles(usd, period=PERIOD) if t.key == "grr")
    # December ARR 12 x 2,650 = 31,800 ("$32k"); lost to churn 12 x (200 + 150 + 300 + 500) = 13,800 ("$14k")
    assert grr.currency == "USD"
    assert "of $32k ARR, $0 lost to contraction and $14k to churn (4 of 6 paying customers gone)" in grr.detail


def test_churn_reasons_figure_labels_and_writes_amounts_in_the_company_currency(usd):
    fig = figures.churn_reasons_figure(usd, period=PERIOD, weight="arr_lost")
    bars = fig.data[0]
    # ARR lost: price 6,000; cheaper_plan 2,400 + 1,800 = 4,200; moved 3,600
    assert list(bars.x) == [PRICE, CHEAPER, MOVED]
    assert list(bars.y) == [6000.0, 4200.0, 3600.0]
    assert list(bars.text) == ["$6k", "$4k", "$4k"]
    assert fig.layout.yaxis.title.text == "ARR lost ($)"
    by_count = figures.churn_reasons_figure(usd, period=PERIOD)
    # cheaper_plan 2; moved 1, price 1 (ties by key); moved is not controllable: grey
    assert list(by_count.data[0].x) == [CHEAPER, MOVED, PRICE]
    assert list(by_count.data[0].marker.color) == ["#0072B2", "#999999", "#0072B2"]


def test_early_churn_and_follow_up_use_the_company_labels(usd):
    reasons = vocabulary.churn_reasons(usd)
    follow = churn.follow_up_status(churn_service.all_churn(usd), reasons=reasons)
    # Nobody was called: all four churns are in the queue, newest first (12 Mar, 5 Mar, 20 Feb, 10 Feb).
    assert follow.queue["reason"].tolist() == [MOVED, CHEAPER, PRICE, CHEAPER]


def test_the_pack_records_and_writes_the_company_currency(usd):
    pack = boardpack.build_pack(usd, period=PERIOD, sections=("retention",), figures=False,
                                generated_at=dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC))
    assert pack.currency == "USD" and pack.numbers["currency"] == "USD"
    page = report.render_html(pack).decode("utf-8")
    # The cover's ARR row: 12 x March MRR = 18,000 ("$18k") against the comparison period's last month,
    # December 2025: 12 x 2,650 = 31,800 ("$32k"); change -13,800 (formatting.fmt_change: "$-14k").
    assert "<td>ARR</td><td>$18k</td><td>$32k</td><td>$-14k</td>" in page
    assert "€" not in page
