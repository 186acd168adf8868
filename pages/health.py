"""Health: the score explained signal by signal, versioned, and checked against real churn."""

import streamlit as st

from cs_metrics import health
from cs_metrics.charts import health as charts
from cs_metrics.formatting import fmt_value
from cs_metrics.storage.queries import CustomerFilter
from cs_metrics.storage.queries import health as hq
from ui import components, filters, loaders

selection = filters.current()
period, flt = selection.period, selection.customers
st.title("Health")
st.caption(f"{period.label()} · {flt.describe()} · scores recomputed from the signals with the chosen model version")
if selection.problem:
    st.warning(selection.problem)
if message := st.session_state.pop("health_message", None):
    st.success(message)

versions = loaders.load(hq.model_versions)
if "health_saved_version" in st.session_state:
    st.session_state["health_version"] = st.session_state.pop("health_saved_version")
active = int(versions.loc[versions["is_active"], "version"].iloc[0]) if versions["is_active"].any() else None
if st.session_state.get("health_version") not in versions["version"].tolist():
    st.session_state["health_version"] = active
version = st.selectbox(
    "Model version", versions["version"].tolist(), key="health_version",
    format_func=lambda v: f"Version {v}" + (" (active)" if v == active else ""),
)
model = loaders.load(hq.load_model, version)
scores = loaders.load(health.health_scores, start=period.start, end=period.end, flt=flt, version=version)
month_label = "{:%b %Y}".format
months = health.scored_months(scores)
tabs = st.tabs(["Distribution", "Movement", "Customer", "Back-test", "At risk", "Model"])

if not months:
    for tab in tabs[:5]:
        with tab:
            components.empty_state("No health signals for these customers in the period. "
                                   "Widen the period or the filters.")
else:
    latest = months[-1]
    now = health.month_rows(scores, latest)
    previous = health.month_rows(scores, months[-2]) if len(months) > 1 else None
    risk = health.at_risk(now, previous, drop=float(st.session_state.get("health_drop", 10)))
    with tabs[0]:
        shares = health.band_shares(now, weight="arr").set_index("band")
        cols = st.columns(4)
        cols[0].metric(f"Customers scored, {latest:%b %Y}", f"{int(shares['n'].sum()):,}")
        for col, name in zip(cols[1:], health.BANDS):
            arr = fmt_value(shares.loc[name, "weight"], "currency")
            col.metric(f"{name.capitalize()} band", fmt_value(shares.loc[name, "share"], "share"),
                       help=f"{int(shares.loc[name, 'n'])} customers, {arr} ARR")
        if shares["n"].sum() < health.MIN_SCORED:
            st.warning("Fewer than ten customers are scored: too few to read these shares with confidence.")
        bins = health.score_histogram(now)
        st.plotly_chart(charts.score_histogram(bins, thresholds=health.model_bands(model),
                                               title=f"Distribution of scores, {latest:%b %Y}"), width="stretch")
        by = st.radio("Band shares by", ["segment", "region", "owner"], horizontal=True, key="health_by")
        shares_by = health.band_shares_by(now, by)
        st.plotly_chart(charts.band_shares_by(shares_by, by, title=f"Band shares by {by}"), width="stretch")
        st.plotly_chart(charts.band_trend(health.band_trend(scores), title="Band shares by month"), width="stretch")
    with tabs[1]:
        if len(months) < 2:
            components.empty_state("Band movement needs two months with signals; widen the period.")
        else:
            left, right = st.columns(2)
            first = left.selectbox("From", months[:-1], index=max(0, len(months) - 4),
                                   format_func=month_label, key="health_from")
            later = [m for m in months if m > first]
            second = right.selectbox("To", later, index=len(later) - 1, format_func=month_label, key="health_to")
            churn = loaders.load(hq.churn_dates, flt=flt)
            moves = health.movement(scores, churn, start_month=first, end_month=second)
            st.plotly_chart(charts.transition_heatmap(
                health.transition_matrix(moves), health.transition_matrix(moves, value="arr"),
                title=f"From {first:%b %Y} to {second:%b %Y}: customers and ARR"), width="stretch")
            st.caption("ARR is the customer's ARR in the first month (in the second for customers not scored before). "
                       "Unscored: no signals that month; churned: left the company by the end of the second month.")
    with tabs[2]:
        choices = health.customer_choices(now)
        if st.session_state.get("health_customer") not in choices:
            # Start with the largest customer at risk: "why is this one red?"
            first_pick = risk["customer_id"].iloc[0] if not risk.empty else next(iter(choices))
            st.session_state["health_customer"] = int(first_pick)
        cid = st.selectbox("Customer", list(choices), format_func=choices.get, key="health_customer")
        row = now[now["customer_id"] == cid].iloc[0]
        why = health.explain(row, model, segment=row["segment"])
        cols = st.columns(3)
        cols[0].metric(f"Score, {latest:%b %Y}", f"{why.attrs['score']:.1f}")
        cols[1].metric("Band", str(why.attrs["band"]).capitalize())
        to_next = why.attrs["to_next_band"]
        cols[2].metric("Points to the next band", "–" if why.attrs["band"] == "green" else f"{to_next:.1f}")
        st.caption(f"Owner: {row['owner']} · {row['segment']} · {row['region']} · "
                   f"ARR {fmt_value(row['arr'], 'currency')}")
        for label in why.loc[why["missing"], "label"]:
            st.badge(f"No data: {label}", color="gray")
        st.plotly_chart(charts.contribution_waterfall(why, title="What makes up the score"), width="stretch")
        st.dataframe(why[["label", "value", "points", "share", "contribution", "lost"]], hide_index=True, column_config={
            "label": "Signal",
            "value": st.column_config.NumberColumn("Raw value", format="%.2f"),
            "points": st.column_config.NumberColumn("Points (0-100)", format="%.0f"),
            "share": st.column_config.NumberColumn("Weight share", format="percent"),
            "contribution": st.column_config.NumberColumn("Adds to score", format="%.1f"),
            "lost": st.column_config.NumberColumn("Left on the table", format="%.1f")})
        history = health.customer_history(scores, cid)
        st.plotly_chart(charts.score_history(history, thresholds=health.model_bands(model, row["segment"]),
                                             title="Score by month"), width="stretch")
    with tabs[3]:
        horizon = st.selectbox("Churn within", [30, 60, 90, 180], index=2, format_func="{} days".format,
                               key="health_horizon")
        testable = health.backtest_months(scores, horizon_days=horizon, as_of=selection.as_of)
        if not testable:
            components.empty_state("No month in the period has a complete outcome window yet: "
                                   "widen the period or shorten the horizon.")
        else:
            month = st.selectbox("Scores of", testable[::-1], format_func=month_label, key="health_bt_month")
            churn = loaders.load(hq.churn_dates, flt=flt)
            bt = health.backtest(scores, churn, horizon_days=horizon, month=month, as_of=selection.as_of)
            cols = st.columns(2)
            cols[0].metric("AUC of the score for churn", f"{bt.auc.auc:.2f}" if bt.n else "–",
                           help="The chance that a customer who churned had a lower score than one who "
                           "stayed; 0.5 is a coin toss.")
            cols[0].caption(f"95% CI {bt.auc.low:.2f}–{bt.auc.high:.2f} (DeLong 1988) · {bt.churned} churned of "
                            f"{bt.n:,} customers between {bt.window_start:%d %b} and {bt.window_last:%d %b %Y}")
            if not bt.enough:
                st.warning(f"Only {bt.churned} churned and {bt.n - bt.churned} stayed: too few to judge the score.")
            elif not bt.separates:
                st.warning("The score does not separate churners from stayers: its AUC interval reaches 0.5. "
                           "Revisit the signals and weights.")
            else:
                st.success("The score separates churners from stayers: the whole AUC interval lies above 0.5.")
            with cols[1]:
                st.plotly_chart(charts.churn_by_band(bt.by_band, title="Churn rate by band (95% Wilson interval)"),
                                width="stretch")
            st.markdown("**Churned while green**")
            if bt.churned_while_green.empty:
                st.caption("No customer in the green band churned within the horizon.")
            else:
                st.dataframe(bt.churned_while_green[["name", "owner", "segment", "score", "churned_on"]],
                             hide_index=True)
            by_month = health.backtest_by_month(scores, churn, horizon_days=horizon, as_of=selection.as_of)
            st.plotly_chart(charts.auc_by_month(by_month, title="AUC by month of the scores"), width="stretch")
            before_churn = health.band_before_churn(scores, churn, start=period.start, end=period.end)
            last = health.band_shares(before_churn).set_index("band")
            st.caption(f"Of {int(last['n'].sum())} customers who churned in the period after a scored month, "
                       f"{int(last.loc['green', 'n'])} were green at their last score.")
    with tabs[4]:
        st.number_input("A fall of this many points counts as falling", min_value=1.0, max_value=100.0,
                        value=10.0, step=1.0, format="%.0f", key="health_drop")
        st.caption(f"{latest:%b %Y}: {len(risk)} customers red or falling since the month before, "
                   f"{fmt_value(risk.attrs.get('arr'), 'currency')} ARR, largest first.")
        columns = ["name", "owner", "segment", "arr", "score", "previous_score", "change", "why"]
        st.dataframe(risk[columns], hide_index=True, column_config={
            "name": "Customer", "owner": "Owner", "segment": "Segment",
            "arr": st.column_config.NumberColumn("ARR", format="euro"),
            "score": st.column_config.NumberColumn("Score", format="%.1f"),
            "previous_score": st.column_config.NumberColumn("Month before", format="%.1f"),
            "change": st.column_config.NumberColumn("Change", format="%+.1f"), "why": "Why listed"})

with tabs[5]:
    segments = loaders.load(hq.segment_names)
    own = model.get("segments") or {}
    profile = st.selectbox(
        "Profile", ["All segments"] + segments, key="health_profile",
        format_func=lambda p: p if p == "All segments" else f"{p} ({'own profile' if p in own else 'uses the default'})",
    )
    seg = None if profile == "All segments" else profile
    table = health.model_table(model, seg)
    low, high = health.model_bands(model, seg)
    st.caption(f"Version {model['version']}: red up to {low:g}, yellow up to {high:g}, green above. "
               "A missing signal drops out and the other weights count for more; it never counts as zero.")
    coverage = loaders.load(hq.signal_coverage, month=months[-1].date(), flt=CustomerFilter()) if months else None
    for warning in health.model_warnings(model, coverage) if coverage is not None else []:
        st.warning(warning)
    st.caption("Saving creates a new version from the values below and makes it active; to go back to an older "
               "version, pick it as the model version above and save it again.")
    with st.form(f"health_editor_{version}_{profile}"):
        rules, weights = {}, {}
        widths = [3, 4, 1, 1, 1]
        for column, text in zip(st.columns(widths), ["Signal", "Rule", "Worst", "Best", "Weight"]):
            column.markdown(f"**{text}**")
        for r in table.itertuples():
            c = st.columns(widths, vertical_alignment="center")
            c[0].write(r.label)
            c[1].caption(f"{r.rule} · {r.share:.0%} of the score when every signal is present")
            shared = {"label_visibility": "collapsed", "format": "%g", "disabled": seg is not None}
            worst = c[2].number_input(f"Worst, {r.label}", value=r.worst, key=f"hm_{version}_{r.signal}_worst", **shared)
            best = c[3].number_input(f"Best, {r.label}", value=r.best, key=f"hm_{version}_{r.signal}_best", **shared)
            weights[r.signal] = c[4].number_input(f"Weight, {r.label}", value=r.weight, format="%g",
                                                  key=f"hm_{version}_{profile}_{r.signal}_weight",
                                                  label_visibility="collapsed")
            rules[r.signal] = (worst, best)
        c = st.columns(2)
        bands = (c[0].number_input("Red up to", value=low, key=f"hm_{version}_{profile}_low", format="%g"),
                 c[1].number_input("Yellow up to", value=high, key=f"hm_{version}_{profile}_high", format="%g"))
        drop = seg and st.checkbox("Use the default profile for this segment", key=f"hm_{version}_{profile}_drop")
        who = st.text_input("Your name", key="hm_who", max_chars=hq.MAX_AUTHOR)
        reason = st.text_area("Why this change", key="hm_reason", max_chars=hq.MAX_REASON)
        if st.form_submit_button("Save as a new version", type="primary"):
            edited = health.edit_model(model, segment=seg, rules=None if seg else rules, weights=weights,
                                       bands=bands, drop_profile=bool(drop))
            try:
                new = hq.save_model_version(loaders.engine(), edited, created_by=who, reason=reason,
                                            coverage=coverage)
            except health.ModelError as exc:
                for problem in exc.problems:
                    st.error(problem)
                st.caption("Nothing was saved.")
            else:
                loaders.invalidate()
                st.session_state["health_saved_version"] = new
                st.session_state["health_message"] = f"Saved version {new}; it is now the active model."
                st.rerun()
    st.markdown("**Version history**")
    st.dataframe(versions, hide_index=True, column_config={
        "version": "Version",
        "created_at": st.column_config.DatetimeColumn("Saved (UTC)", format="YYYY-MM-DD HH:mm"),
        "created_by": "By", "reason": "Why", "is_active": "Active"})
