"""Survey tables of the demo company: NPS sends and responses, and the maturity self-assessment.

NPS scores follow each customer's engagement, sentiment and pre-churn decline; comments follow the
respondent's circumstances; owners follow detractors up. The maturity self-assessment has two
rounds, the second showing progress, most on customer involvement.
"""

from __future__ import annotations

import datetime as dt
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from cs_metrics import vocab
from cs_metrics.storage.demo import customer_texts as tx
from cs_metrics.storage.demo import team_texts
from cs_metrics.storage.demo.arrays import (
    NEVER,
    add_months_to_day_numbers,
    categorical_draws,
    coded_texts,
    date_of_day_number,
    day_number,
    day_numbers_to_datetimes,
    ids,
    month_label,
    numbered,
    pick,
    sigmoid,
)
from cs_metrics.storage.demo.settings import ADOPTION_MONTHS
from cs_metrics.storage.demo.simulation import Customers, decline

#: Target distribution of NPS scores 0..10 for an average respondent; the score is the bucket of
#: a normal latent variable (sd 1.35) whose cut points reproduce these shares.
_SCORE_SHARES = (0.015, 0.01, 0.017, 0.028, 0.035, 0.055, 0.075, 0.11, 0.2, 0.2, 0.255)
_SCORE_CUTS = np.array(
    [NormalDist(0.0, 1.35).inv_cdf(p) for p in np.cumsum(_SCORE_SHARES)[:-1]], dtype=float
)


# ============================================================================================
# NPS
# ============================================================================================


def nps_frames(
    c: Customers, rng: np.random.Generator, *, per_customer: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``nps_survey_send`` and ``nps_response`` tables.

    ``per_customer``: about this many answers per customer, by surveying more contacts at each
    account (None: one contact at SMB accounts, one or two at Mid-Market, two to four at
    Enterprise).
    """
    n, A = c.n, c.as_of
    end = np.where(c.churned, c.churn_day - 1, A)
    contacts = np.where(
        c.segment == 0, 1, np.where(c.segment == 1, 1 + (rng.random(n) < 0.5), 2 + rng.integers(0, 3, n))
    )
    # Onboarding survey ~60 days after signing; relationship surveys every ~6 months.
    waves_cust, waves_day, waves_tp = [], [], []
    onb_day = c.signed + 60 + rng.integers(0, 8, n)
    ok = (onb_day <= end) & (onb_day >= c.history_start)
    waves_cust.append(np.flatnonzero(ok))
    waves_day.append(onb_day[ok])
    waves_tp.append(np.full(int(ok.sum()), 1))
    n_rel = np.maximum((end - c.signed + 10) // 182, 0)
    rel_cust = np.repeat(np.arange(n), n_rel)
    rel_k = np.arange(len(rel_cust)) - np.repeat(np.concatenate([[0], np.cumsum(n_rel)[:-1]]), n_rel) + 1
    rel_day = c.signed[rel_cust] + 182 * rel_k + rng.integers(-10, 11, len(rel_cust))
    ok = (rel_day <= end[rel_cust]) & (rel_day >= c.history_start)
    waves_cust.append(rel_cust[ok])
    waves_day.append(rel_day[ok])
    waves_tp.append(np.full(int(ok.sum()), 0))
    w_cust = np.concatenate(waves_cust)
    w_day = np.concatenate(waves_day)
    w_tp = np.concatenate(waves_tp)
    if per_customer is not None:
        contacts = _contacts_for(per_customer, contacts, c, w_cust, w_day, rng)
    # One send per contact.
    per = contacts[w_cust]
    s_cust = np.repeat(w_cust, per)
    s_day = np.repeat(w_day, per) + rng.integers(0, 3, int(per.sum()))
    s_day = np.minimum(s_day, A)
    s_tp = np.repeat(w_tp, per)
    order = np.lexsort((s_cust, s_day))
    s_cust, s_day, s_tp = s_cust[order], s_day[order], s_tp[order]
    touchpoints = np.array(["relationship", "onboarding"], dtype=object)
    sends = pd.DataFrame(
        {
            "id": ids(len(s_cust)),
            "customer_id": pd.array(s_cust + 1, dtype="Int64"),
            "sent_on": day_numbers_to_datetimes(s_day),
            "touchpoint": coded_texts(s_tp, touchpoints),
        }
    )

    # Responses: about a third answer, fewer among customers drifting away.
    m = len(s_cust)
    e = c.engagement[s_cust]
    p_resp = sigmoid(np.log(0.34 / 0.66) + 0.25 * e - 0.5 * decline(c, s_cust, s_day))
    resp_day = s_day + rng.geometric(0.35, m) - 1
    answered = (rng.random(m) < p_resp) & (resp_day <= A)
    ri = np.flatnonzero(answered)
    r_cust, r_day, r_tp = s_cust[ri], resp_day[ri], s_tp[ri]
    k = len(ri)
    latent = (
        c.engagement[r_cust]
        + c.sentiment[r_cust]
        + 0.7 * rng.normal(size=k)
        - decline(c, r_cust, r_day)
        + np.where(r_tp == 1, np.where(c.fv_day[r_cust] > r_day, -0.8, np.where(c.late[r_cust], -0.3, 0.3)), 0.0)
    )
    score = np.searchsorted(_SCORE_CUTS, latent).astype("int64")
    tone = np.where(score <= 6, 0, np.where(score <= 8, 1, 2))  # detractor, passive, promoter
    italy = c.italy[r_cust]
    lang = np.where(italy & (rng.random(k) < 0.9), "it", "en").astype(object)

    # Comments: about half, detractors more often; themes follow the customer's circumstances.
    has_comment = rng.random(k) < np.array([0.68, 0.42, 0.45])[tone]
    seg = c.segment[r_cust]
    f = c.friction[r_cust]
    onb = (r_tp == 1).astype(float)
    late = c.late[r_cust].astype(float) + 2.0 * c.stalled[r_cust]
    billing_trouble = (c.bill_amp[r_cust] * decline(c, r_cust, r_day) / np.maximum(c.amp[r_cust], 1e-9)) > 0.3
    det, pas, pro = tone == 0, tone == 1, tone == 2
    weights = np.column_stack(
        [
            1.0 + 2.0 * onb + np.where(pro, 1.2 * (1 - np.minimum(late, 1)), 1.5 * late),  # onboarding
            1.0 + np.where(pro, 1.2 * np.maximum(-f, 0), 1.5 * np.maximum(f, 0)),  # support
            np.where(pro, 0.5, np.where(seg == 0, 2.0, 0.8)),  # price
            np.full(k, 1.0),  # reporting
            np.where(seg > 0, 1.4, 0.7),  # integrations
            0.8 + 0.6 * onb,  # training
            np.where(det, 0.4 + 4.0 * billing_trouble, 0.5),  # billing
            np.where(pro, 1.6, 1.0),  # csm
        ]
    )
    theme = categorical_draws(rng, weights)
    pick_u = rng.random(k)
    tone_names = ("detractor", "passive", "promoter")
    comments = np.full(k, None, dtype=object)
    themes = len(tx.NPS_THEMES)
    group = np.where(has_comment, ((lang == "it") * 3 + tone) * themes + theme, -1)
    for (language, tone_name, theme_name), options in tx.NPS_COMMENTS.items():
        key = ((language == "it") * 3 + tone_names.index(tone_name)) * themes + tx.NPS_THEMES.index(theme_name)
        rows = np.flatnonzero(group == key)
        comments[rows] = _choose(options, pick_u[rows])

    # A few respondents answered anonymously: no customer, no send.
    anonymous = rng.random(k) < 0.03
    customer_id = pd.array(r_cust + 1, dtype="Int64")
    customer_id[anonymous] = pd.NA
    send_id = pd.array(ri + 1, dtype="Int64")
    send_id[anonymous] = pd.NA

    # Closed loop: owners follow detractors up; older ones are mostly done.
    owners = np.asarray([o[0] for o in tx.CSM_OWNERS], dtype=object)[c.owner[r_cust]]
    age = A - r_day
    u = rng.random(k)
    status = np.full(k, None, dtype=object)
    old = age > 30
    older, recent = det & old, det & ~old
    status[older] = np.where(u[older] < 0.86, "done", np.where(u[older] < 0.92, "not_needed", "open"))
    status[recent] = np.where(u[recent] < 0.45, "open", np.where(u[recent] < 0.8, "in_progress", "done"))
    status[pas & (u < 0.08)] = "done"
    status[pro & (u < 0.06)] = "done"
    status[anonymous & det] = "not_needed"
    status[anonymous & ~det] = None
    done = status == "done"
    done_day = np.where(done, r_day + np.minimum(rng.integers(1, 21, k), np.maximum(age, 0)), NEVER)
    due_day = np.where(np.isin(status, ["open", "in_progress", "done"]), r_day + 7, NEVER)
    owner_out = np.where(pd.isna(status) | anonymous, None, owners)
    notes = np.full(k, None, dtype=object)
    note_pick = rng.random(k)
    noted = done | (status == "not_needed")
    notes[noted & anonymous] = tx.ANONYMOUS_FOLLOW_UP_NOTE
    for t, tone_name in enumerate(tone_names):
        rows = np.flatnonzero(noted & ~anonymous & (tone == t))
        notes[rows] = _choose(tx.NPS_FOLLOW_UP_NOTES[tone_name], note_pick[rows])

    order = np.lexsort((ri, r_day))
    row_ids = ids(k)
    responses = pd.DataFrame(
        {
            "id": row_ids,
            "external_id": numbered("R", row_ids, 7),
            "customer_id": customer_id[order],
            "send_id": send_id[order],
            "responded_on": day_numbers_to_datetimes(r_day[order]),
            "score": score[order],
            "comment": pd.Series(comments[order], dtype="str"),
            "language": pd.Series(lang[order], dtype="str"),
            "touchpoint": pd.Series(touchpoints[r_tp[order]], dtype="str"),
            "follow_up_status": pd.Series(status[order], dtype="str"),
            "follow_up_owner": pd.Series(owner_out[order], dtype="str"),
            "follow_up_due": day_numbers_to_datetimes(due_day[order]),
            "follow_up_done_on": day_numbers_to_datetimes(done_day[order]),
            "follow_up_note": pd.Series(notes[order], dtype="str"),
        }
    )
    return sends, responses


def _choose(options: tuple[str, ...], u: np.ndarray) -> np.ndarray:
    """The option at ``u`` (uniform in [0, 1)) along ``options``, for each ``u``."""
    return np.asarray(options, dtype=object)[(u * len(options)).astype("int64")]


def _contacts_for(
    per_customer: float,
    contacts: np.ndarray,
    c: Customers,
    w_cust: np.ndarray,
    w_day: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Contacts per account scaled so that the expected answers come to ``per_customer`` per
    customer: the standard contacts times one factor, rounded at random, at least one."""
    p_answer = sigmoid(np.log(0.34 / 0.66) + 0.25 * c.engagement[w_cust] - 0.5 * decline(c, w_cust, w_day))
    expected = float((contacts[w_cust] * p_answer).sum())
    if expected <= 0.0:  # no survey wave falls inside the history
        return contacts
    scaled = contacts * (per_customer * c.n / expected)
    return np.maximum(np.floor(scaled + rng.random(c.n)), 1).astype("int64")


# ============================================================================================
# Maturity self-assessment
# ============================================================================================


def maturity_frames(as_of: dt.date, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The ``team``, ``assessment_round``, ``assessment``, ``assessment_answer`` and
    ``maturity_target`` tables: two rounds, the second still open at ``as_of``."""
    A = day_number(as_of)
    teams = pd.DataFrame(
        {
            "id": ids(len(team_texts.TEAMS)),
            "name": pd.Series([t[0] for t in team_texts.TEAMS], dtype="str"),
            "department": pd.Series([t[1] for t in team_texts.TEAMS], dtype="str"),
            "kind": pd.Series([t[2] for t in team_texts.TEAMS], dtype="str"),
        }
    )
    r1_open = int(add_months_to_day_numbers(np.array([A]), -(ADOPTION_MONTHS + 1))[0])
    r1_close = r1_open + 24
    r2_open = A - 18
    rounds = pd.DataFrame(
        {
            "id": ids(2),
            "name": pd.Series(
                [f"Maturity check {month_label(r1_open, 'en')}", f"Maturity check {month_label(r2_open, 'en')}"],
                dtype="str",
            ),
            "opened_on": day_numbers_to_datetimes(np.array([r1_open, r2_open])),
            "closed_on": day_numbers_to_datetimes(np.array([r1_close, NEVER])),
            "status": pd.Series(["closed", "open"], dtype="str"),
            "instrument_version": pd.Series(["1", "1"], dtype="str"),
        }
    )
    base_by_kind = {"customer_facing": 2.4, "internal": 1.8, "leadership": 2.0}
    dim_offset = {"culture": 0.15, "organization": -0.1, "customer_involvement": -0.3, "technology": 0.0}
    # Movement between the rounds: the customer-involvement push shows most.
    dim_gain = {"culture": 0.2, "organization": 0.1, "customer_involvement": 0.55, "technology": 0.15}
    role_offset = {"executive": 0.25, "manager": 0.1, "individual_contributor": 0.0}
    team_effect = rng.normal(0.0, 0.2, len(team_texts.TEAMS))

    a_rows: list[dict[str, Any]] = []
    ans_rows: list[dict[str, Any]] = []
    for r, (opened, closes) in enumerate(((r1_open, r1_close), (r2_open, A))):
        for t, (name, _dept, kind, size) in enumerate(team_texts.TEAMS):
            slug = "".join(w[0] for w in name.lower().split()) + f"{t + 1:02d}"
            for j in range(size):
                if kind == "leadership":
                    role = "executive" if j < size - 1 else "manager"
                elif j == 0:
                    role = "manager"
                elif j == 1 and name in ("Sales", "Customer Success Italy"):
                    role = "executive"
                else:
                    role = "individual_contributor"
                span = max(closes - opened, 1)
                day = opened + int(rng.integers(0, span + 1))
                minute = int(rng.integers(8 * 60, 17 * 60))  # office hours in Italy, in UTC
                submitted = dt.datetime.combine(
                    date_of_day_number(day), dt.time(minute // 60, minute % 60), tzinfo=dt.UTC
                )
                a_rows.append(
                    {"round_id": r + 1, "team_id": t + 1, "respondent": f"{slug}-{j + 1:02d}",
                     "role": role, "submitted_at": submitted, "instrument_version": "1"}
                )
                person = rng.normal(0.0, 0.25)
                for dim in vocab.MATURITY_DIMENSIONS:
                    gain = dim_gain[dim] * (1.0 if kind != "internal" else 0.5) * r
                    x = (base_by_kind[kind] + dim_offset[dim] + gain + team_effect[t]
                         + role_offset[role] + person + rng.normal(0.0, 0.35))
                    stage = float(min(max(np.round(x * 2.0) / 2.0, 1.0), 5.0))
                    has_evidence = rng.random() < (0.55 if stage >= 3 else 0.3)
                    evidence = str(pick(rng, team_texts.MATURITY_EVIDENCE[dim], 1)[0]) if has_evidence else None
                    conf_u = rng.random()
                    confidence = (
                        None if conf_u < 0.15 else "low" if conf_u < 0.35 else "medium" if conf_u < 0.75 else "high"
                    )
                    comment = str(pick(rng, team_texts.MATURITY_COMMENTS, 1)[0]) if rng.random() < 0.12 else None
                    ans_rows.append(
                        {"assessment_id": len(a_rows), "dimension": dim, "stage": stage,
                         "evidence": evidence, "confidence": confidence, "comment": comment}
                    )
    assessments = pd.DataFrame(a_rows)
    assessments.insert(0, "id", ids(len(assessments)))
    assessments["submitted_at"] = pd.to_datetime(assessments["submitted_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    answers = pd.DataFrame(ans_rows)
    answers.insert(0, "id", ids(len(answers)))
    for col in ("respondent", "role", "instrument_version"):
        assessments[col] = assessments[col].astype("str")
    for col in ("dimension", "evidence", "confidence", "comment"):
        answers[col] = answers[col].astype("str")

    set_on = r1_close + 14
    company_targets = {"culture": 3.0, "organization": 3.0, "customer_involvement": 3.5, "technology": 3.0}
    t_rows = [
        {"team_id": pd.NA, "dimension": d, "target_stage": v, "set_on": set_on, "set_by": "Leadership team"}
        for d, v in company_targets.items()
    ]
    for t, (name, *_rest) in enumerate(team_texts.TEAMS):
        if name.startswith("Customer Success"):
            t_rows.append({"team_id": t + 1, "dimension": "customer_involvement", "target_stage": 4.0,
                           "set_on": set_on, "set_by": "Leadership team"})
    targets = pd.DataFrame(t_rows)
    targets.insert(0, "id", ids(len(targets)))
    targets["team_id"] = targets["team_id"].astype("Int64")
    targets["set_on"] = day_numbers_to_datetimes(targets["set_on"].to_numpy(dtype=float))
    for col in ("dimension", "set_by"):
        targets[col] = targets[col].astype("str")
    return {
        "team": teams,
        "assessment_round": rounds,
        "assessment": assessments,
        "assessment_answer": answers,
        "maturity_target": targets,
    }
