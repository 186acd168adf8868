"""The Maturity page's results: the company heatmap, a team's profile, the spread by role, claimed
against evidenced stages, and the rounds over time. Groups under the privacy threshold stay hidden.

Every section is computed from the answers once per choice (round, team, dimension, language)
through ``ui.loaders.derive``; a re-run of the page draws from what was kept."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cs_metrics import maturity as mt
from cs_metrics.i18n import N_, _, formats, ngettext, pgettext
from cs_metrics.services import maturity as service
from ui import components, loaders
from ui.maturity_form import confidence_name
from ui.text import plain

CVE_COLUMNS = {"dimension": N_("Dimension"), "n": N_("Answers"), "claimed": N_("Claimed (median of all)"),
               "n_evidenced": N_("With evidence"), "evidenced": N_("Median with evidence"),
               "n_unevidenced": N_("Without evidence"), "unevidenced": N_("Median without evidence"),
               "share_evidenced": N_("Share with evidence")}
#: The choice of the whole company in a team's selector (a value, shown translated).
WHOLE_COMPANY = N_("Whole company")


def scope_name(scope: str) -> str:
    """A team's selector option as shown: a team's name, or "Whole company" in the reader's language."""
    return _(WHOLE_COMPANY) if scope == WHOLE_COMPANY else scope


def _evidence_columns() -> dict[str, str]:
    """The headings of the evidence table (the frame's columns are data names)."""
    return {"team": pgettext("evidence table", "team"), "dimension": pgettext("evidence table", "dimension"),
            "stage": pgettext("evidence table", "stage"), "confidence": pgettext("evidence table", "confidence"),
            "evidence": pgettext("evidence table", "evidence")}


def results(targets: pd.DataFrame, inst: mt.Instrument, lang: str, *, teams: list[str]) -> None:
    """Every result of a chosen round (the newest by default)."""
    order = loaders.derive(mt.round_order, service.answers)
    if not order:
        components.empty_state(_("No answers yet. Results appear once people have taken the assessment."))
        return
    rnd = st.selectbox(_("Round"), order[::-1], key="mat_results_round")
    st.subheader(_("Company heatmap: teams × dimensions"))
    heatmap = loaders.derive(service.heatmap_figure, service.answers,
                             using={"round": rnd, "inst": inst, "lang": lang})
    st.plotly_chart(heatmap, width="stretch", key="mat_heatmap")
    st.caption(_("Median stage per team. ◆ marks low consensus (IQR ≥ 1 stage). Cells with fewer than {n} "
                 "respondents are hidden to protect individual answers.").format(n=mt.MIN_RESPONDENTS))
    team = profile_section(targets, inst, lang, round=rnd, teams=teams)
    spread_section(inst, lang, round=rnd)
    evidence_section(inst, lang, round=rnd)
    rounds_section(inst, lang, team=team)


def profile_section(
    targets: pd.DataFrame, inst: mt.Instrument, lang: str, *, round: str, teams: list[str]
) -> str | None:
    """A chosen team's (or the company's) profile in ``round``; returns the team (None: company)."""
    st.subheader(_("Team profile"))
    scope = st.selectbox(_("Team"), [WHOLE_COMPANY, *teams], format_func=scope_name, key="mat_profile_team")
    team = None if scope == WHOLE_COMPANY else scope
    chosen = {"targets": targets, "round": round, "team": team, "inst": inst, "lang": lang}
    view = loaders.derive(service.profile_view, service.answers, using=chosen)
    st.caption(ngettext("{scope} · {round} · {n} respondent", "{scope} · {round} · {n} respondents",
                        view.respondents).format(scope=plain(scope_name(scope)), round=plain(round),
                                                 n=view.respondents))
    if view.figure is None:
        components.empty_state(_("{scope} has fewer than {n} respondents in {round}: its profile stays hidden to "
                                 "protect individual answers.").format(scope=plain(scope_name(scope)),
                                                                       n=mt.MIN_RESPONDENTS, round=plain(round)))
    else:
        st.plotly_chart(view.figure, width="stretch", key="mat_radar")
    components.table(view.table, hide_index=True, width="stretch")
    if st.toggle(_("Show one overall stage"), key="mat_overall"):
        overall = mt.overall_stage(view.profile.set_index("dimension")["median"])
        st.metric(_("Overall stage: the weakest of the four dimensions"),
                  f"{mt.fmt_stage(overall)} · {plain(inst.stage_label(overall, lang))}" if overall == overall else "–")
        st.caption(_("The overall stage is the minimum across dimensions, not an average: a company is as mature as "
                     "its weakest dimension. It is unknown while any dimension is hidden."))
    return team


@st.fragment
def spread_section(inst: mt.Instrument, lang: str, *, round: str) -> None:
    """How each role's answers spread over the stages of a chosen dimension, and where executives
    and individual contributors see a dimension differently (choosing another dimension re-runs
    this section alone)."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    st.subheader(_("Spread by role"))
    dim = st.selectbox(_("Dimension"), mt.DIMENSIONS, format_func=dim_labels.get, key="mat_spread_dim")
    figure = loaders.derive(service.spread_figure, service.answers,
                            using={"round": round, "dimension": dim, "inst": inst, "lang": lang})
    if figure is None:
        components.empty_state(_("Every role has fewer than {n} answers here: hidden.").format(n=mt.MIN_RESPONDENTS))
    else:
        st.plotly_chart(figure, width="stretch", key="mat_spread")
        st.caption(_("Share of each role's answers at each stage; roles with fewer than {n} answers are left "
                     "out.").format(n=mt.MIN_RESPONDENTS))
    diffs = loaders.derive(service.role_differences, service.answers, using={"round": round})
    for row in diffs.itertuples():
        if row.differs:
            st.write(_("Executives and individual contributors see {dimension} differently: median {first} against "
                       "{second} (Mann–Whitney p = {p}, n = {n_first} and {n_second}).").format(
                           dimension=plain(dim_labels[row.dimension]), first=mt.fmt_stage(row.first_median),
                           second=mt.fmt_stage(row.second_median), p=formats.decimal(row.p_value, 3),
                           n_first=row.n_first, n_second=row.n_second))
    if not diffs["differs"].any():
        st.caption(_("No dimension where executives and individual contributors differ by more than chance would "
                     "explain."))


def evidence_section(inst: mt.Instrument, lang: str, *, round: str) -> None:
    """The stage people claim against the stage backed by evidence, and the evidence as written."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    st.subheader(_("Claimed vs evidenced stage"))
    view = loaders.derive(service.evidence_view, service.answers,
                          using={"round": round, "inst": inst, "lang": lang})
    st.plotly_chart(view.figure, width="stretch", key="mat_cve")
    cve = view.claimed
    headings = {column: _(heading) for column, heading in CVE_COLUMNS.items()}
    components.table(
        cve.assign(dimension=cve["dimension"].map(dim_labels)).rename(columns=headings), hide_index=True,
        width="stretch", column_config={headings["share_evidenced"]: st.column_config.NumberColumn(format="percent")},
    )
    with st.expander(_("Evidence offered, as written")):
        evidence = view.evidence.assign(dimension=lambda f: f["dimension"].map(dim_labels),
                                        confidence=lambda f: f["confidence"].map(confidence_name, na_action="ignore"))
        components.table(evidence.rename(columns=_evidence_columns()), hide_index=True, width="stretch")


def rounds_section(inst: mt.Instrument, lang: str, *, team: str | None) -> None:
    """Medians per round, and whether the last two rounds differ by more than chance."""
    dim_labels = {d: inst.dimension_label(d, lang) for d in mt.DIMENSIONS}
    st.subheader(_("Rounds over time"))
    view = loaders.derive(service.rounds_view, service.answers,
                          using={"team": team, "inst": inst, "lang": lang})
    st.plotly_chart(view.figure, width="stretch", key="mat_trend")
    for row in view.changes.itertuples():
        verdict = _("a change") if row.is_change else _("no change a test can confirm")
        numbers = {"dimension": plain(dim_labels[row.dimension]), "previous": mt.fmt_stage(row.previous_median),
                   "current": mt.fmt_stage(row.current_median), "previous_round": plain(row.previous_round),
                   "current_round": plain(row.current_round), "verdict": verdict, "n_previous": row.n_previous,
                   "n_current": row.n_current}
        if row.p_value == row.p_value:
            st.write(_("{dimension}: median {previous} → {current} from {previous_round} to {current_round}, "
                       "{verdict} (n = {n_previous} and {n_current}, p = {p})").format(
                           **numbers, p=formats.decimal(row.p_value, 3)))
        else:
            st.write(_("{dimension}: median {previous} → {current} from {previous_round} to {current_round}, "
                       "{verdict} (n = {n_previous} and {n_current})").format(**numbers))
