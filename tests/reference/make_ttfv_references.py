"""Regenerate the peer-library reference numbers used by the tests in ``tests/ttfv/``.

The tests hold the numbers printed here, each with a comment naming this script and the
lifelines version that produced them. lifelines is *not* a dependency of Outside In; run this
script with a separate interpreter that has lifelines and statsmodels (statsmodels only to reach
the public datasets it ships), for example::

    python -m venv /tmp/lifelines-venv
    /tmp/lifelines-venv/bin/pip install lifelines statsmodels
    /tmp/lifelines-venv/bin/python tests/reference/make_ttfv_references.py

Datasets
--------
* ``tiny``: ten onboardings with ties and censoring, small enough to check by hand.
* ``freireich``: the Freireich et al. (1963) leukaemia remission trial (6-MP vs placebo, weeks),
  the worked example of Kleinbaum & Klein, *Survival Analysis*, ch. 2; cross-checked against
  lifelines' ``load_leukemia``.
* ``bmt``: the Klein & Moeschberger bone-marrow transplant data (groups ALL, AML-low, AML-high)
  that statsmodels ships as ``statsmodels/duration/tests/results/bmt.csv``.
* ``heart``: Miller's (1976) heart transplant survival data, ``statsmodels.datasets.heart``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import lifelines
import pandas as pd
import statsmodels
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test
from lifelines.utils import median_survival_times

warnings.filterwarnings("ignore", message="Approximating using")

TINY_DAYS = [2, 3, 3, 3, 5, 6, 6, 8, 9, 12]
TINY_REACHED = [1, 1, 1, 0, 1, 0, 1, 1, 0, 0]

# Freireich (1963), weeks in remission; 0 = censored.
FREIREICH_6MP = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1), (16, 1),
                 (17, 0), (19, 0), (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0), (34, 0), (35, 0)]
FREIREICH_PLACEBO = [(t, 1) for t in (1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)]


def freireich() -> pd.DataFrame:
    rows = [("6-MP", t, s) for t, s in FREIREICH_6MP] + [("placebo", t, s) for t, s in FREIREICH_PLACEBO]
    return pd.DataFrame(rows, columns=["group", "days", "reached"])


def bmt() -> pd.DataFrame:
    path = Path(statsmodels.__file__).parent / "duration" / "tests" / "results" / "bmt.csv"
    return pd.read_csv(path).rename(columns={"Group": "group", "T": "days", "Status": "reached"})


def heart() -> pd.DataFrame:
    from statsmodels.datasets import heart as h

    d = h.load_pandas().data
    return pd.DataFrame({"group": "all", "days": d["survival"], "reached": d["censors"].astype(int)})


def describe(name: str, data: pd.DataFrame, targets: tuple[float, ...]) -> None:
    print(f"\n== {name} (lifelines {lifelines.__version__} KaplanMeierFitter)")
    for key, part in data.groupby("group", sort=True):
        kmf = KaplanMeierFitter().fit(part["days"], part["reached"])
        ci = median_survival_times(kmf.confidence_interval_)
        sf = kmf.survival_function_.iloc[:, 0]
        band = kmf.confidence_interval_
        print(f"-- {key}: n={len(part)} events={int(part['reached'].sum())}")
        print(f"   median={kmf.median_survival_time_!r} median_ci=({ci.iloc[0, 0]!r}, {ci.iloc[0, 1]!r})")
        print(f"   p75 (S<=0.25)={kmf.percentile(0.25)!r} p90 (S<=0.10)={kmf.percentile(0.10)!r}")
        at = kmf.survival_function_at_times(list(targets))
        print("   1-S(t): " + ", ".join(f"{t}: {1 - v!r}" for t, v in zip(targets, at)))
        print("   S(t) at event times: " + ", ".join(f"{t:g}: {v:.10f}" for t, v in sf.items() if t > 0))
        print("   log-log band: " + ", ".join(
            f"{t:g}: ({lo:.10f}, {hi:.10f})" for t, lo, hi in zip(band.index, band.iloc[:, 0], band.iloc[:, 1]) if t > 0
        ))


def compare(name: str, data: pd.DataFrame) -> None:
    groups = sorted(data["group"].unique())
    if len(groups) == 2:
        a, b = (data[data["group"] == g] for g in groups)
        res = logrank_test(a["days"], b["days"], a["reached"], b["reached"])
        dof = 1
    else:
        res = multivariate_logrank_test(data["days"], data["group"], data["reached"])
        dof = res.degrees_of_freedom
    print(f"== {name} log-rank {groups}: chi2={res.test_statistic!r} dof={dof} p={res.p_value!r}")


def main() -> None:
    print(f"lifelines {lifelines.__version__}, statsmodels {statsmodels.__version__}, pandas {pd.__version__}")
    tiny = pd.DataFrame({"group": "all", "days": TINY_DAYS, "reached": TINY_REACHED})
    describe("tiny", tiny, (3, 5, 10))

    f = freireich()
    from lifelines.datasets import load_leukemia

    lk = load_leukemia()  # Rx 0 = 6-MP, 1 = placebo
    for rx, label in ((0, "6-MP"), (1, "placebo")):
        mine = sorted(map(tuple, f.loc[f["group"] == label, ["days", "reached"]].to_numpy().tolist()))
        theirs = sorted(map(tuple, lk.loc[lk["Rx"] == rx, ["t", "status"]].to_numpy().tolist()))
        assert mine == theirs, f"embedded Freireich {label} arm differs from lifelines' load_leukemia"
    describe("freireich", f, (10, 20))
    compare("freireich", f)

    b = bmt()
    describe("bmt", b, (100, 365, 1000))
    compare("bmt (three groups)", b)
    compare("bmt (AML groups)", b[b["group"] != "ALL"])

    describe("heart", heart(), (30, 60, 90, 365))

    one = pd.DataFrame({"days": [3.0, 5.0, 5.0, 9.0], "reached": [1, 1, 0, 1], "group": ["a", "a", "b", "a"]})
    compare("one-customer group", one)
    ties = pd.DataFrame({"days": [1.0, 2.0, 3.0, 4.0], "reached": [1, 1, 1, 1], "group": "all"})
    describe("exact half (median on a flat step)", ties, (2,))


if __name__ == "__main__":
    main()
