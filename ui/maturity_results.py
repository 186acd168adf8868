"""The Maturity page's results: the company heatmap, a team's profile, the spread by role, claimed
against evidenced stages, and the rounds over time. Groups under the privacy threshold stay hidden.

Every section is computed from the answers once per choice (round, team, dimension, language)
through ``ui.loaders.derive``; a re-run of the page draws from what was kept."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.services import maturity as service
from ui import components, loaders
from ui.text import plain

CVE_COLUMNS = {"dimension": "Dimension", "n": "Answers", "claimed": "Claimed (median of all)",
               "n_evidenced": "With evidence", "evidenced": "Median with evidence",
               "n_unevidenced": "Without evidence", "unevidenced": "Median without evidence",
               "share_evidenced": "Share with evidence"}


def results(targets: pd.DataFrame, inst: mt.Instrument, lang: str, *, teams: list[str]) -> None:
    """Every result of a chosen round (the newest by default)."""
    order = loaders.derive(mt.round_order, service.answers)
    if not order:
        components.empty_state("No answers yet. Results appear once people have taken the assessment.")
        return
    rnd = st.selectbox("Round", order[::-1], key="mat_results_round")
    st.subheader("Company heatmap: teams × dimensions")
    heatmap = loaders.derive(service.heatmap_figure, service.answers,
                             using={"round": rnd, "inst": inst, "lang": lang})
    st.plotly_chart(heatmap, width="stretch", key="mat_heatmap")
    st.caption(f"Median stage per team. ◆ marks low consensus (IQR ≥ 1 stage). Cells with fewer than "
               f"{mt.MIN_RESPONDENTS} respondents are hidden to protect individual answers.")
    team = profile_section(targets, inst, lang, round=rnd, teams=teams)
    spread_section(inst, lang, round=rnd)
    evidence_section(inst, lang, round=rnd)
    rounds_section(inst, lang, team=team)


def profile_section(
    targets: pd.DataFrame, inst: mt.Instrument, lang: str, *, round: str, teams: list[str]
) -> str | None:
    """A chosen team's (or the company's) profile in ``round``; returns the team (None: company)."""
    st.subheader("Team profile")
    scope = st.selectbox("Team", ["Whole company", *teams], key="mat_profile_team")
    team = None if scope == "Whole company" else scope
    chosen = {"targets": targets, "round": round, "team": team, "inst": inst, "lang": lang}
    view = loaders.derive(service.profile_view, service.answers, using=chosen)
    st.caption(f"{plain(scope)} · {plain(round)} · {view.respondents} respondents")
    if view.figure is None:
        components.empty_state(f"{plain(scope)} has fewer than {mt.MIN_RESPONDENTS} respondents in {plain(round)}: "
                               "its profile stays hidden to protect individual answers.")
    else:
        st.plotly_chart(view.figure, width="stretch", key="mat_radar")
    components.table(view.table, hide_index=True, width="stretch")
    if st.toggle("Show one overall stage", key="mat_overall"):
        overall = mt.overall_stage(view.profile.set_index("dimension")["median"])
        st.metric("Overall stage: the weakest of the four dimensions", f"{overall:g} · {plain(inst.stage_label(overall, lang))}"
                  if overall == overall else "–")
        st.caption("The overall stage is the minimum across dimensions, not an average: a company is as "
                   "mature as its weakest dimension. It is unknown while any dimension is hidden.")
    return team


@st.fragment
def spread_section(inst: mt.Instrument, lang: str, *, round: str) -> None:
    """How each role's answers spread over the stages of a chosen dimension, and where executives
    and individual contributors see a dimension differently (choosing another dimension re-runs
    this section alone)."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    st.subheader("Spread by role")
    dim = st.selectbox("Dimension", mt.DIMENSIONS, format_func=dim_labels.get, key="mat_spread_dim")
    figure = loaders.derive(service.spread_figure, service.answers,
                            using={"round": round, "dimension": dim, "inst": inst, "lang": lang})
    if figure is None:
        components.empty_state(f"Every role has fewer than {mt.MIN_RESPONDENTS} answers here: hidden.")
    else:
        st.plotly_chart(figure, width="stretch", key="mat_spread")
        st.caption(f"Share of each role's answers at each stage; roles with fewer than {mt.MIN_RESPONDENTS} "
                   "answers are left out.")
    diffs = loaders.derive(service.role_differences, service.answers, using={"round": round})
    for row in diffs.itertuples():
        if row.differs:
            st.write(f"Executives and individual contributors see {plain(dim_labels[row.dimension])} differently: "
                     f"median {row.first_median:g} against {row.second_median:g} (Mann–Whitney p = {row.p_value:.3f}, "
                     f"n = {row.n_first} and {row.n_second}).")
    if not diffs["differs"].any():
        st.caption("No dimension where executives and individual contributors differ by more than chance would explain.")


def evidence_section(inst: mt.Instrument, lang: str, *, round: str) -> None:
    """The stage people claim against the stage backed by evidence, and the evidence as written."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    st.subheader("Claimed vs evidenced stage")
    view = loaders.derive(service.evidence_view, service.answers,
                          using={"round": round, "inst": inst, "lang": lang})
    st.plotly_chart(view.figure, width="stretch", key="mat_cve")
    cve = view.claimed
    components.table(
        cve.assign(dimension=cve["dimension"].map(dim_labels)).rename(columns=CVE_COLUMNS), hide_index=True,
        width="stretch", column_config={"Share with evidence": st.column_config.NumberColumn(format="percent")},
    )
    with st.expander("Evidence offered, as written"):
        components.table(view.evidence.assign(dimension=lambda f: f["dimension"].map(dim_labels)),
                         hide_index=True, width="stretch")


def rounds_section(inst: mt.Instrument, lang: str, *, team: str | None) -> None:
    """Medians per round, and whether the last two rounds differ by more than chance."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    st.subheader("Rounds over time")
    view = loaders.derive(service.rounds_view, service.answers,
                          using={"team": team, "inst": inst, "lang": lang})
    st.plotly_chart(view.figure, width="stretch", key="mat_trend")
    for row in view.changes.itertuples():
        verdict = "a change" if row.is_change else "no change a test can confirm"
        p = f", p = {row.p_value:.3f})" if row.p_value == row.p_value else ")"
        st.write(f"{plain(dim_labels[row.dimension])}: median {mt.fmt_stage(row.previous_median)} → "
                 f"{mt.fmt_stage(row.current_median)} from {plain(row.previous_round)} to {plain(row.current_round)}, {verdict} "
                 f"(n = {row.n_previous} and {row.n_current}{p}")
