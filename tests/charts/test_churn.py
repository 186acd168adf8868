"""Figures of the Churn & retention page (``cs_metrics.charts.churn``), fed by the real metric
functions of ``cs_metrics.churn`` and ``cs_metrics.retention`` on small hand-made frames."""

import math

import pandas as pd
from pytest import approx

from cs_metrics import churn, retention
from cs_metrics.charts import churn as cc
from cs_metrics.services import churn as churn_service

BLUE, GREY, LIGHT = cc.CONTROLLABLE_COLOUR, cc.EVENT_COLOUR, cc.UNKNOWN_COLOUR
PRICE, ACQUIRED, COMPETITOR = "Price too high for the value", "Customer was acquired", "Moved to a competitor"


def lost(*rows):
    """A churn table shaped like ``queries.churn.churn_events``: (day, reason, arr_lost) per customer."""
    return pd.DataFrame({
        "customer_id": range(1, len(rows) + 1),
        "churned_on": pd.to_datetime([r[0] for r in rows]),
        "arr_lost": [float(r[2]) for r in rows],
        "primary_reason": [r[1] for r in rows],
        "contributing_reasons": [None] * len(rows),
        "category": [None] * len(rows),
        "controllable": pd.array([pd.NA] * len(rows), dtype="boolean"),
    })


LOST = lost(("2025-01-10", "price", 10_000), ("2025-02-10", "price", 30_000),
            ("2025-04-03", "acquired", 60_000), ("2025-05-20", "competitor", 20_000),
            ("2025-05-21", None, 7_000))


def test_reason_pareto_chart_counts_labels_colours_and_cumulative_line():
    fig = cc.reason_pareto_chart(churn.reason_pareto(LOST))
    bars, line = fig.data
    # 4 customers with a reason (the 5th has none): price 2, acquired 1, competitor 1 (tie by name)
    assert list(bars.x) == [PRICE, ACQUIRED, COMPETITOR]
    assert list(bars.y) == [2, 1, 1]
    assert list(bars.text) == ["2", "1", "1"]
    assert list(bars.marker.color) == [BLUE, GREY, BLUE]  # only "acquired" is outside the company's control
    assert list(line.y) == approx([0.5, 0.75, 1.0])  # 2/4, 3/4, 4/4
    assert line.yaxis == "y2" and list(fig.layout.yaxis2.range) == [0, 1.05]
    assert fig.layout.yaxis.title.text == "Churned customers"


def test_reason_pareto_chart_arr_lost_measure():
    pareto = churn.reason_pareto(LOST, weight="arr_lost")
    fig = cc.reason_pareto_chart(pareto, measure="arr_lost", title="By ARR")
    bars, line = fig.data
    # ARR lost: acquired 60k; price 10k + 30k = 40k; competitor 20k; total 120k
    assert list(bars.x) == [ACQUIRED, PRICE, COMPETITOR]
    assert list(bars.y) == [60_000, 40_000, 20_000]
    assert list(bars.text) == ["€60k", "€40k", "€20k"]
    assert list(line.y) == approx([60 / 120, 100 / 120, 1.0])
    assert bars.name == "ARR lost" and fig.layout.yaxis.title.text == "ARR lost (€)"
    assert fig.layout.title.text == "By ARR"


def test_reason_pareto_chart_by_category_greys_company_events():
    frame = lost(("2025-01-10", "price", 1), ("2025-01-11", "budget_cut", 1),
                 ("2025-01-12", "out_of_business", 1), ("2025-01-13", "mystery", 1))
    fig = cc.reason_pareto_chart(churn.reason_pareto(frame, by_category=True))
    # price + budget_cut are "commercial" (2); out_of_business is a "company event" (1); the
    # unknown reason has no category in the vocabulary: "uncategorised" (1)
    assert list(fig.data[0].x) == ["Commercial", "Company event", "Uncategorised"]
    assert list(fig.data[0].y) == [2, 1, 1]
    assert list(fig.data[0].marker.color) == [BLUE, GREY, BLUE]


def test_reason_pareto_chart_unknown_reason_keeps_its_key_and_is_blue():
    frame = lost(("2025-01-10", "mystery", 5_000))
    fig = cc.reason_pareto_chart(churn.reason_pareto(frame))
    assert list(fig.data[0].x) == ["mystery"]  # no label in the vocabulary: the key itself
    # Documented: "outside the company's control are grey, the rest blue", so an unknown reason is
    # drawn in the controllable blue, while controllable_split files it under "Not known yet".
    assert list(fig.data[0].marker.color) == [BLUE]
    assert churn.controllable_split(frame)["count"].tolist() == [0, 0, 1]


def test_reason_pareto_chart_single_reason():
    fig = cc.reason_pareto_chart(churn.reason_pareto(lost(("2025-03-01", "competitor", 9_000))))
    assert list(fig.data[0].x) == [COMPETITOR] and list(fig.data[0].y) == [1]
    assert list(fig.data[1].y) == [1.0]  # 1 of 1 customer


def test_reason_pareto_chart_empty_when_no_reason_is_recorded():
    pareto = churn.reason_pareto(lost(("2025-03-01", None, 9_000)))
    fig = cc.reason_pareto_chart(pareto)
    assert pareto.attrs["missing"] == 1
    assert [len(t.x) for t in fig.data] == [0, 0]  # both traces drawn, without points


def test_controllable_chart_shares_by_customers_and_by_arr():
    split = churn.controllable_split(LOST)
    fig = cc.controllable_chart(split)
    names = [t.name for t in fig.data]
    # "Not controllable" covers every reason the company marks so (acquired, out of business, moved, ...).
    assert names == ["Controllable", "Not controllable", "Not known yet"]
    assert [t.marker.color for t in fig.data] == [BLUE, GREY, LIGHT]
    # customers: controllable 3 (price x2, competitor) of 5, acquired 1 of 5, no reason 1 of 5
    # ARR lost (total 127k): 10k + 30k + 20k = 60k; 60k; 7k
    assert [list(t.x) for t in fig.data] == [approx([3 / 5, 60 / 127]), approx([1 / 5, 60 / 127]),
                                            approx([1 / 5, 7 / 127])]
    assert [list(t.text) for t in fig.data] == [["60%", "47%"], ["20%", "47%"], ["20%", "6%"]]
    assert all(list(t.y) == ["Customers", "ARR lost"] for t in fig.data)


def test_controllable_chart_hides_labels_of_slivers():
    # 1 of 40 customers was acquired: 1 / 40 = 2.5%, below the 3% label threshold
    frame = lost(*[("2025-01-10", "price", 1_000)] * 39, ("2025-01-10", "acquired", 1_000))
    fig = cc.controllable_chart(churn.controllable_split(frame))
    assert list(fig.data[1].x) == approx([0.025, 0.025]) and list(fig.data[1].text) == ["", ""]


def test_controllable_chart_empty_input_gives_nan_shares_without_text():
    fig = cc.controllable_chart(churn.controllable_split(LOST.iloc[0:0]))
    assert len(fig.data) == 3  # the three groups keep their place in the legend
    assert all(math.isnan(v) for t in fig.data for v in t.x)  # 0 of 0: no share
    assert all(list(t.text) == ["", ""] for t in fig.data)


def test_reasons_over_time_chart_stacks_reasons_per_quarter():
    fig = cc.reasons_over_time_chart(churn.reasons_by_quarter(LOST))
    # Q1: price 2; Q2: acquired 1, competitor 1 (no reason: left out). Traces by total, ties by name.
    assert [t.name for t in fig.data] == [PRICE, ACQUIRED, COMPETITOR]
    assert all(list(t.x) == ["2025 Q1", "2025 Q2"] for t in fig.data)
    assert [list(t.y) for t in fig.data] == [[2, 0], [0, 1], [0, 1]]  # quarters without the reason: 0
    # company events grey; the others take the palette by rank (rank 2 -> PALETTE[2])
    assert [t.marker.color for t in fig.data] == [cc.PALETTE[0], GREY, cc.PALETTE[2]]
    assert fig.layout.barmode == "stack"


def test_reasons_over_time_chart_by_category():
    fig = cc.reasons_over_time_chart(churn.reasons_by_quarter(LOST, by_category=True))
    # categories from the vocabulary: commercial (price x2), company event, competition
    assert [t.name for t in fig.data] == ["Commercial", "Company event", "Competition"]
    assert fig.data[1].marker.color == GREY


def test_reasons_over_time_chart_empty_draws_no_trace():
    assert cc.reasons_over_time_chart(churn.reasons_by_quarter(LOST.iloc[4:])).data == ()


def revenue(rows):
    """Customer-month revenue: (customer_id, month, mrr)."""
    return pd.DataFrame(rows, columns=["customer_id", "month", "mrr"])


REVENUE = revenue([(1, "2025-01-01", 10.0), (2, "2025-01-01", 10.0), (1, "2025-02-01", 10.0),
                   (3, "2025-02-01", 20.0), (3, "2025-03-01", 30.0)])


def test_cohort_heatmap_cells_and_cohort_sizes():
    heat = cc.cohort_heatmap(retention.cohort_table(REVENUE, min_customers=1)).data[0]
    # Jan cohort (1, 2): 2/2, then 1/2, then 0/2. Feb cohort (3): 1/1, 1/1; its month 2 (April) is
    # after the last month of data: NaN. The weighted row is left out of the heatmap.
    assert heat.z.tolist()[0] == [1.0, 0.5, 0.0]
    assert heat.z.tolist()[1][:2] == [1.0, 1.0] and math.isnan(heat.z[1][2])
    assert list(heat.x) == ["0", "1", "2"]
    assert list(heat.y) == ["2025-01 (n=2)", "2025-02 (n=1)"]  # n reaches the hover via %{y}
    assert "%{y}" in heat.hovertemplate
    assert heat.text.tolist() == [["100%", "50%", "0%"], ["100%", "100%", ""]]
    assert (heat.zmin, heat.zmax) == (0.5, 1.0)


def test_cohort_heatmap_quarterly_cohorts():
    more = pd.concat([REVENUE, revenue([(4, "2025-04-01", 5.0)])])
    table = retention.cohort_table(more, cohort="Q", min_customers=1)
    heat = cc.cohort_heatmap(table).data[0]
    assert list(heat.y) == ["2025 Q1 (n=3)", "2025 Q2 (n=1)"]  # Q1: customers 1, 2 (Jan) and 3 (Feb)
    # Q1 month 1: Jan cohort in Feb 1 of 2, Feb cohort in Mar 1 of 1 -> 2/3; month 2: none of 3 in Mar/Apr
    assert heat.z[0][:3].tolist() == approx([1.0, 2 / 3, 0.0])


def test_cohort_heatmap_revenue_scale_reaches_130_percent():
    table = retention.cohort_table(REVENUE, by="revenue", min_customers=1)
    heat = cc.cohort_heatmap(table).data[0]
    assert heat.z[1][1] == approx(1.5)  # customer 3 grew from 20 to 30: 30 / 20
    assert heat.zmax == 1.3


def test_cohort_heatmap_hides_cell_text_beyond_18_months():
    months = pd.date_range("2024-01-01", periods=19, freq="MS").strftime("%Y-%m-%d")
    table = retention.cohort_table(revenue([(1, m, 5.0) for m in months]), min_customers=1)
    heat = cc.cohort_heatmap(table).data[0]
    assert heat.z.shape == (1, 19) and set(heat.text.ravel()) == {""}  # 19 columns > 18


def test_cohort_heatmap_empty_table():
    # No revenue at all: an empty heatmap (no cohort rows, no cells), not an error.
    fig = cc.cohort_heatmap(retention.cohort_table(REVENUE.iloc[0:0]))
    assert len(fig.data[0].y) == 0 and len(fig.data[0].text) == 0


def test_retention_curve_draws_weighted_row_and_full_retention_line():
    fig = cc.retention_curve(retention.cohort_table(REVENUE, min_customers=1))
    # all cohorts pooled: month 0 3/3; month 1 (1 and 3 still pay) 2/3; month 2 only the Jan cohort: 0/2
    assert list(fig.data[0].x) == [0, 1, 2]
    assert list(fig.data[0].y) == approx([1.0, 2 / 3, 0.0])
    assert [(s.y0, s.y1) for s in fig.layout.shapes] == [(1.0, 1.0)]


def test_retention_curve_drops_months_with_too_few_customers():
    fig = cc.retention_curve(retention.cohort_table(REVENUE, min_customers=3))
    assert list(fig.data[0].x) == [0, 1]  # month 2 has 2 customers observed, fewer than 3: NaN, dropped


def test_retention_curve_empty_table():
    fig = cc.retention_curve(retention.cohort_table(REVENUE.iloc[0:0]))
    assert len(fig.data[0].x) == 0 and len(fig.layout.shapes) == 1


def test_renewal_vs_retention_chart_colours_missing_values_and_range():
    rvr = churn_service.RenewalVsRetention(min_term=12, up=5, renewed=4, renewal_rate=0.8, renewal_rate_arr=math.nan,
                                   customers_at_start=10, logo_retention=0.9, grr=0.85, nrr=1.2,
                                   revenue_customers=10)
    bar = (fig := cc.renewal_vs_retention_chart(rvr.shares())).data[0]
    assert list(bar.x) == ["Renewal rate (contracts)", "Renewal rate (ARR)", "Logo retention",
                           "Gross revenue retention", "Net revenue retention"]
    # renewal orange, retention blue
    assert list(bar.marker.color) == [cc.PALETTE[1]] * 2 + [cc.PALETTE[0]] * 3
    assert list(bar.text) == ["80.0%", "–", "90.0%", "85.0%", "120.0%"]  # NaN (no ARR up for renewal): a dash
    assert list(fig.layout.yaxis.range) == approx([0, 1.2 * 1.15])  # NRR 120% sets the top


def test_renewal_vs_retention_chart_empty():
    fig = cc.renewal_vs_retention_chart({})
    assert len(fig.data[0].x) == 0 and list(fig.layout.yaxis.range) == approx([0, 1.15])


# --- the company's own reasons and currency ------------------------------------------------------------

#: A company's reasons: one of its own, the consumer reason "moved", and "unknown" (not known).
REASONS = pd.DataFrame({
    "key": ["cheaper_plan", "moved", "unknown", "price"],
    "label": ["Moved to cheaper plan", "Customer moved away", "Reason not known", "Too expensive"],
    "category": ["price", "customer circumstances", "unknown", "price"],
    "controllable": [True, False, None, True],
})
MINE = lost(("2025-01-10", "cheaper_plan", 10_000), ("2025-02-10", "cheaper_plan", 5_000),
            ("2025-04-03", "moved", 30_000), ("2025-05-20", "unknown", 2_500), ("2025-05-21", "price", 1_500))


def test_reason_pareto_chart_labels_and_colours_from_the_company_reasons():
    fig = cc.reason_pareto_chart(churn.reason_pareto(MINE), reasons=REASONS)
    # cheaper_plan 2; moved, price, unknown 1 each (ties by key). moved is not controllable (grey),
    # unknown is not known (light grey), the others controllable (blue).
    assert list(fig.data[0].x) == ["Moved to cheaper plan", "Customer moved away", "Too expensive", "Reason not known"]
    assert list(fig.data[0].marker.color) == [BLUE, GREY, BLUE, LIGHT]
    by_category = cc.reason_pareto_chart(churn.reason_pareto(MINE, by_category=True, reasons=REASONS),
                                         reasons=REASONS)
    # price: cheaper_plan x2 + price = 3; customer circumstances 1; unknown 1
    assert list(by_category.data[0].x) == ["Price", "Customer circumstances", "Unknown"]
    assert list(by_category.data[0].marker.color) == [BLUE, GREY, LIGHT]


def test_reason_pareto_chart_writes_amounts_in_the_company_currency():
    pareto = churn.reason_pareto(MINE, weight="arr_lost")
    fig = cc.reason_pareto_chart(pareto, measure="arr_lost", reasons=REASONS, currency="USD")
    # moved 30k; cheaper_plan 10k + 5k = 15k; unknown 2.5k; price 1.5k ("2k" each, rounded to thousands)
    assert list(fig.data[0].text) == ["$30k", "$15k", "$2k", "$2k"]
    assert fig.layout.yaxis.title.text == "ARR lost ($)" and "$%{y:,.0f}" in fig.data[0].hovertemplate
    chf = cc.reason_pareto_chart(pareto, measure="arr_lost", currency="CHF")
    assert list(chf.data[0].text)[0] == "CHF 30k" and chf.layout.yaxis.title.text == "ARR lost (CHF)"


def test_reasons_over_time_and_controllable_split_with_the_company_reasons():
    fig = cc.reasons_over_time_chart(churn.reasons_by_quarter(MINE), reasons=REASONS)
    # Q1: cheaper_plan 2; Q2: moved 1, price 1, unknown 1. Traces by total, ties by key.
    assert [t.name for t in fig.data] == ["Moved to cheaper plan", "Customer moved away", "Too expensive",
                                          "Reason not known"]
    assert [t.marker.color for t in fig.data] == [cc.PALETTE[0], GREY, cc.PALETTE[2], LIGHT]
    split = churn.controllable_split(MINE, reasons=REASONS)
    # controllable: cheaper_plan x2, price = 3; not controllable: moved 1; not known: unknown 1
    assert [list(t.x)[0] for t in cc.controllable_chart(split).data] == approx([3 / 5, 1 / 5, 1 / 5])
