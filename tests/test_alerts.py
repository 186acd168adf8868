"""Alert rules on hand-made frames: each rule fires on one side of its boundary and not on the other;
every date below is worked out in the comment beside it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cs_metrics import alerts as al

D = dt.date


def _customers(*rows: tuple) -> pd.DataFrame:
    """(customer_id, name, owner, signed_on, churned_on) rows."""
    return pd.DataFrame(list(rows), columns=["customer_id", "name", "owner", "signed_on", "churned_on"])


ONE = _customers((1, "Acme", "Olga", "2025-01-15", None))


# --- red band entered ------------------------------------------------------------------------------


def _bands(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["customer_id", "month", "band"])


def test_red_band_entered_since_the_first_month_of_the_current_run():
    bands = _bands((1, "2026-06-01", "red"), (1, "2026-07-01", "yellow"), (1, "2026-08-01", "red"),
                   (1, "2026-09-01", "red"))
    found = al.red_band_entered(bands, ONE, as_of=D(2026, 10, 15))
    # June red, July yellow breaks the run; August and September red: a run of 2 from 1 August.
    assert found[["rule", "subject", "customer_id", "who", "owner", "since"]].values.tolist() == [
        ["red_band", "1", 1, "Acme", "Olga", D(2026, 8, 1)]]
    assert found["why"].tolist() == ["In the red band for the last 2 scored months, since August 2026."]


def test_red_band_entered_counts_a_month_only_once_it_is_over():
    bands = _bands((1, "2026-09-01", "yellow"), (1, "2026-10-01", "red"))
    # On 30 October October is not over: the latest month is September, yellow: no alert.
    assert al.red_band_entered(bands, ONE, as_of=D(2026, 10, 30)).empty
    # On 31 October (its last day) October counts: red for 1 month, since 1 October.
    found = al.red_band_entered(bands, ONE, as_of=D(2026, 10, 31))
    assert found["since"].tolist() == [D(2026, 10, 1)]
    assert found["why"].tolist() == ["In the red band for the last scored month, since October 2026."]


def test_red_band_entered_not_when_the_latest_month_left_red_or_the_customer_churned():
    left = _bands((1, "2026-08-01", "red"), (1, "2026-09-01", "green"))
    assert al.red_band_entered(left, ONE, as_of=D(2026, 10, 15)).empty  # September green: out of red
    red = _bands((1, "2026-09-01", "red"))
    # Churned on 15 October, on or before as_of 15 October: no alert; churned the day after: alert.
    assert al.red_band_entered(red, _customers((1, "Acme", "Olga", "2025-01-15", "2026-10-15")),
                               as_of=D(2026, 10, 15)).empty
    assert len(al.red_band_entered(red, _customers((1, "Acme", "Olga", "2025-01-15", "2026-10-16")),
                                   as_of=D(2026, 10, 15))) == 1


def test_red_band_entered_skips_unscored_months_and_empty_input():
    bands = _bands((1, "2026-08-01", "red"), (1, "2026-09-01", None))
    # September has no band: the latest scored month is August, red, a run of one from 1 August.
    assert al.red_band_entered(bands, ONE, as_of=D(2026, 10, 15))["since"].tolist() == [D(2026, 8, 1)]
    assert al.red_band_entered(_bands(), ONE, as_of=D(2026, 10, 15)).columns.tolist() == al.ALERT_COLUMNS


# --- renewal in the red band -----------------------------------------------------------------------


def _ahead(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["customer_id", "name", "owner", "renewal_date", "days_left", "band"])


def test_renewal_in_red_fires_at_60_days_not_at_61():
    ahead = _ahead((1, "Acme", "Olga", "2026-12-30", 60, "red"), (2, "Beta", "Piet", "2026-12-31", 61, "red"),
                   (3, "Gamma", "Olga", "2026-11-30", 30, "yellow"), (4, "Delta", None, "2026-11-01", 1, "red"))
    found = al.renewal_in_red(ahead, days=60)
    # Acme: 60 days, red: fires; Beta: 61 days: not; Gamma: yellow: not; Delta: 1 day, red: fires.
    # since = renewal date - 60 days: 30 Dec 2026 - 60 = 31 Oct 2026; 1 Nov 2026 - 60 = 2 Sep 2026.
    assert found[["subject", "owner", "since"]].values.tolist() == [
        ["4", "", D(2026, 9, 2)], ["1", "Olga", D(2026, 10, 31)]]
    assert found["why"].tolist()[1] == "Renews on 2026-12-30, in 60 days, in the red band."
    # With 61 days Beta fires too, since 31 Dec 2026 - 61 days = 31 Oct 2026.
    assert al.renewal_in_red(ahead, days=61)["subject"].tolist() == ["4", "1", "2"]


# --- detractor follow-up overdue -------------------------------------------------------------------


def _answers(*rows: tuple) -> pd.DataFrame:
    """(customer_id, responded_on, score, follow_up_status, follow_up_due) rows."""
    frame = pd.DataFrame(list(rows), columns=["customer_id", "responded_on", "score", "follow_up_status",
                                              "follow_up_due"])
    return frame.assign(responded_on=pd.to_datetime(frame["responded_on"]),
                        follow_up_due=pd.to_datetime(frame["follow_up_due"]))


TWO = _customers((1, "Acme", "Olga", "2025-01-15", None), (2, "Beta", "Piet", "2025-02-01", None))


def test_detractor_overdue_due_yesterday_fires_due_today_does_not():
    answers = _answers((1, "2026-10-01", 3, "open", "2026-10-09"), (2, "2026-10-01", 5, None, "2026-10-10"))
    found = al.detractor_follow_up_overdue(answers, TWO, as_of=D(2026, 10, 10), days=0)
    # Acme due 9 October (yesterday): overdue since 10 October; Beta due 10 October (today): not yet.
    assert found[["subject", "since"]].values.tolist() == [["1", D(2026, 10, 10)]]
    assert found["why"].tolist() == ["A detractor's follow-up is waiting; the oldest was due 2026-10-09, 1 day ago."]


def test_detractor_overdue_without_due_date_is_due_seven_days_after_the_answer():
    answers = _answers((1, "2026-10-02", 3, None, None), (2, "2026-10-03", 3, None, None))
    # Acme answered 2 Oct: due 9 Oct, overdue on 10 Oct; Beta answered 3 Oct: due 10 Oct, not yet.
    found = al.detractor_follow_up_overdue(answers, TWO, as_of=D(2026, 10, 10))
    assert found[["subject", "since"]].values.tolist() == [["1", D(2026, 10, 10)]]


def test_detractor_overdue_by_days_counts_from_the_due_date():
    answers = _answers((1, "2026-10-01", 3, "open", "2026-10-06"), (2, "2026-10-01", 3, "open", "2026-10-07"))
    found = al.detractor_follow_up_overdue(answers, TWO, as_of=D(2026, 10, 10), days=3)
    # 3 days past due: Acme 6 Oct + 3 = 9 Oct < 10 Oct fires (since 6 + 3 + 1 = 10 Oct);
    # Beta 7 Oct + 3 = 10 Oct, not before 10 Oct: not yet.
    assert found[["subject", "since"]].values.tolist() == [["1", D(2026, 10, 10)]]


def test_detractor_overdue_one_row_per_customer_closed_passive_and_anonymous_left_out():
    answers = _answers((1, "2026-09-01", 2, "open", "2026-09-10"), (1, "2026-09-15", 4, "in_progress", "2026-09-20"),
                       (1, "2026-09-01", 1, "done", "2026-09-05"), (2, "2026-09-01", 7, None, "2026-09-05"),
                       (None, "2026-09-01", 0, None, "2026-09-05"), (2, "2026-09-01", 6, "not_needed", None))
    found = al.detractor_follow_up_overdue(answers, TWO, as_of=D(2026, 10, 10))
    # Acme: two waiting (due 10 and 20 Sep), oldest 10 Sep, 30 days before 10 Oct, since 11 Sep; the done
    # one is closed. Beta: a passive (7) and a not-needed follow-up: nothing. The anonymous answer: left out.
    assert found[["subject", "since"]].values.tolist() == [["1", D(2026, 9, 11)]]
    assert found["why"].tolist() == [
        "2 detractors' follow-ups are waiting; the oldest was due 2026-09-10, 30 days ago."]


# --- onboarding past its target --------------------------------------------------------------------


def _milestones(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["customer_id", "reached_on", "target_days"])


NEW = _customers((1, "Acme", "Olga", "2026-09-01", None), (2, "Beta", "Piet", "2026-09-01", None))


def test_onboarding_past_target_fires_the_day_after_the_target():
    ms = _milestones((1, None, 30), (2, None, 45))
    # Signed 1 Sep: 1 Oct is day 30, on Acme's target: no alert; 2 Oct is day 31: fires, since 2 Oct.
    assert al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 1)).empty
    found = al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 2))
    assert found[["subject", "since"]].values.tolist() == [["1", D(2026, 10, 2)]]
    assert found["why"].tolist() == ["No first value 31 days after signing (2026-09-01); the target is 30 days."]
    # Beta's target is 45 days: 16 Oct is day 45 (no), 17 Oct day 46 fires, since 1 Sep + 46 = 17 Oct.
    assert "2" not in al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 16))["subject"].tolist()
    assert al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 17))["since"].tolist() == [
        D(2026, 10, 2), D(2026, 10, 17)]


def test_onboarding_past_target_uses_the_parameter_without_a_milestone_target():
    ms = _milestones((1, None, None))
    # No target on the milestone: the parameter. 40 days: 11 Oct is day 40 (no), 12 Oct day 41 fires.
    assert al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 11), days=40).empty
    assert al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 12), days=40)["since"].tolist() == [D(2026, 10, 12)]


def test_onboarding_past_target_not_after_first_value_nor_without_a_milestone():
    # Acme reached first value on 20 Oct: on 20 Oct no alert, on 19 Oct (before it) an alert.
    ms = _milestones((1, "2026-10-20", 30))
    assert al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 20)).empty
    assert al.onboarding_past_target(NEW, ms, as_of=D(2026, 10, 19))["subject"].tolist() == ["1"]
    # Beta has no first-value milestone at all: its onboarding is not tracked, no alert.
    assert "2" not in al.onboarding_past_target(NEW, ms, as_of=D(2026, 12, 31))["subject"].tolist()


# --- maturity round short of answers ---------------------------------------------------------------


ROUNDS = pd.DataFrame({"id": [7], "name": ["Autumn"], "opened_on": ["2026-10-01"], "closed_on": [None]})
TEAMS = pd.DataFrame({"name": ["Sales", "Support", "Finance"], "department": ["Revenue", "Service", "Admin"]})
RESPONDENTS = pd.DataFrame({"round_id": [7, 7, 7, 7, 7, 6, 6, 6],
                            "team": ["Support", "Support", "Support", "Sales", "Sales", "Finance", "Finance",
                                     "Finance"],
                            "respondent": ["a", "b", "c", "d", "e", "f", "g", "h"]})


def test_maturity_round_fires_after_more_than_the_days_open():
    # Opened 1 Oct: 15 Oct is 14 days open, not more than 14: no alert.
    assert al.maturity_round_short(ROUNDS, RESPONDENTS, TEAMS, as_of=D(2026, 10, 15), days=14).empty
    found = al.maturity_round_short(ROUNDS, RESPONDENTS, TEAMS, as_of=D(2026, 10, 16), days=14)
    # 16 Oct: 15 days. Support has 3 respondents (enough); Sales 2 and Finance 0 in round 7 (its 3 are of
    # round 6): both fire, since 1 Oct + 15 = 16 Oct; the owner is the team's department.
    assert found[["subject", "team", "owner", "since"]].values.tolist() == [
        ["Finance", "Finance", "Admin", D(2026, 10, 16)], ["Sales", "Sales", "Revenue", D(2026, 10, 16)]]
    assert found["why"].tolist()[1] == "Round 'Autumn' open for 15 days with 2 of the 3 respondents needed."


def test_maturity_round_not_once_closed():
    closed = ROUNDS.assign(closed_on=["2026-10-16"])
    # Closed on 16 Oct: not open on 16 Oct, no alert; on 15 Oct still open, 14 days > 10: Finance and Sales.
    assert al.maturity_round_short(closed, RESPONDENTS, TEAMS, as_of=D(2026, 10, 16), days=10).empty
    assert len(al.maturity_round_short(closed, RESPONDENTS, TEAMS, as_of=D(2026, 10, 15), days=10)) == 2


# --- parameters and all rules together -------------------------------------------------------------


def test_check_parameter_defaults_and_ranges():
    assert [al.check_parameter(k, None) for k in al.RULES] == [None, 60, 0, 30, 14]  # the defaults
    assert al.check_parameter("renewal_red", 180) == 180  # the longest horizon of renewals ahead
    for bad in (0, 181, 1.5):
        with pytest.raises(al.AlertSettingError, match="whole number from 1 to 180"):
            al.check_parameter("renewal_red", bad)
    with pytest.raises(al.AlertSettingError, match="Unknown alert rule"):
        al.check_parameter("nothing", 3)


def test_all_alerts_applies_enabled_rules_with_their_parameters():
    empty = pd.DataFrame()
    frames = {"customers": TWO, "bands": _bands((1, "2026-09-01", "red")),
              "ahead": _ahead((2, "Beta", "Piet", "2026-12-31", 61, "red")), "detractors": empty,
              "milestones": empty, "rounds": ROUNDS, "respondents": RESPONDENTS, "teams": TEAMS}
    found = al.all_alerts(as_of=D(2026, 10, 31), **frames)
    # Red band: Acme since 1 Sep. Renewal: Beta at 61 days > 60: none. Round: open 30 days > 14: Finance
    # and Sales, since 16 Oct. Oldest first.
    assert found[["rule", "subject", "since"]].values.tolist() == [
        ["red_band", "1", D(2026, 9, 1)], ["maturity_round", "Finance", D(2026, 10, 16)],
        ["maturity_round", "Sales", D(2026, 10, 16)]]
    found = al.all_alerts(as_of=D(2026, 10, 31), **frames, parameters={"renewal_red": 61},
                          enabled={"renewal_red"})
    # Only the renewal rule, at 61 days: Beta, since 31 Dec - 61 days = 31 Oct.
    assert found[["rule", "subject", "since"]].values.tolist() == [["renewal_red", "2", D(2026, 10, 31)]]
    assert al.all_alerts(as_of=D(2026, 10, 31), **frames, enabled=()).empty
