"""Tests of the demo's survey tables (``cs_metrics.storage.demo.surveys``): NPS sends and
responses, and the maturity self-assessment.

The relationship tests are property checks of the demo's causal design (documented in the
package docstring of ``cs_metrics.storage.demo``), never a hard-coded number copied from a run.
"""

from __future__ import annotations

import numpy as np

from cs_metrics import vocab
from cs_metrics.storage.demo import customer_texts


def test_generate_nps_responses_match_their_sends(company):
    sends = company["nps_survey_send"].set_index("id")
    r = company["nps_response"]
    linked = r[r["send_id"].notna()]
    assert (linked["customer_id"].to_numpy() == sends.loc[linked["send_id"], "customer_id"].to_numpy()).all()
    assert (linked["responded_on"].to_numpy() >= sends.loc[linked["send_id"], "sent_on"].to_numpy()).all()
    assert linked["send_id"].is_unique
    # Anonymous answers carry neither customer nor send.
    anonymous = r["customer_id"].isna()
    assert anonymous.any() and r.loc[anonymous, "send_id"].isna().all()
    # Response rate: between a quarter and two fifths of invitations (the design's ~25-40%).
    assert 0.25 <= len(linked) / len(sends) <= 0.40
    # A comment's tone matches its score (detractor 0-6, passive 7-8, promoter 9-10).
    tone_of = {}
    for (_lang, tone, _theme), texts in customer_texts.NPS_COMMENTS.items():
        for t in texts:
            tone_of[t] = tone
    with_comment = r[r["comment"].notna()]
    expected = np.where(with_comment["score"] <= 6, "detractor", np.where(with_comment["score"] <= 8, "passive", "promoter"))
    assert (with_comment["comment"].map(tone_of).to_numpy() == expected).all()


def test_overall_nps_is_positive_with_a_detractor_tail(company):
    # Designed around NPS +20..+35: most answers 8-10, a real tail of detractors.
    score = company["nps_response"]["score"]
    nps = 100 * ((score >= 9).mean() - (score <= 6).mean())
    assert 10 < nps < 45
    assert (score <= 6).mean() > 0.1 and (score <= 3).any()


def test_comments_in_italian_and_english(company):
    # Italian customers mostly answer in Italian; everyone else in English.
    r = company["nps_response"].join(company["customer"].set_index("id")["region"], on="customer_id")
    commented = r[r["comment"].notna()]
    assert set(commented["language"]) == {"it", "en"}
    assert (commented.loc[commented["region"] == "Italy", "language"] == "it").mean() > 0.5
    assert (commented.loc[commented["region"].notna() & (commented["region"] != "Italy"), "language"] == "en").all()


def test_second_assessment_round_moves_up(company):
    # The second round shows progress (notably customer involvement) on at least one dimension;
    # a small team exists so privacy suppression (fewer than 3 respondents) has something to hide.
    answers = company["assessment_answer"].join(
        company["assessment"].set_index("id")[["round_id", "team_id", "role"]], on="assessment_id"
    )
    median = answers.groupby(["round_id", "dimension"])["stage"].median().unstack()
    assert (median.loc[2] > median.loc[1]).any()
    per_team = company["assessment"].groupby(["round_id", "team_id"]).size()
    assert per_team.min() == 2 and per_team.max() <= 8
    rounds = company["assessment_round"].set_index("id")
    assert list(rounds["status"]) == ["closed", "open"]
    submitted = company["assessment"].join(rounds[["opened_on"]], on="round_id")
    in_window = submitted["submitted_at"].dt.tz_convert(None).dt.normalize() >= submitted["opened_on"]
    assert in_window.all()
    # Executives see the company a little more rosily than individual contributors.
    by_role = answers.groupby("role")["stage"].mean()
    assert by_role["executive"] > by_role["individual_contributor"]
    targets = company["maturity_target"]
    company_wide = targets[targets["team_id"].isna()]
    assert set(company_wide["dimension"]) == set(vocab.MATURITY_DIMENSIONS)
