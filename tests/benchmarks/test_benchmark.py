"""The benchmark runs end to end on a tiny company: the company built, its aggregates, the board
pack and two pages timed, every row marked, the Markdown written; when DuckDB is installed
(requirements-bench.txt), every aggregate agrees with it.

Speed is not asserted here: the benchmark measures it, this test only checks that it can.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from benchmarks import pages
from tests.conftest import ROOT


def test_the_benchmark_runs_on_a_tiny_company(tmp_path):
    out = tmp_path / "latest.md"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--size",
            "standard",
            "--customers",
            "60",
            "--database-url",
            f"sqlite:///{tmp_path / 'tiny.db'}",
            "--pages",
            "Overview,Health",
            "--skip",
            "files,browser,import,small",
            "--aggregate-repeats",
            "1",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    written = out.read_text(encoding="utf-8")
    assert "Benchmark: 60 customers on SQLite" in written
    assert "## Every figure against its target" in written
    rows = [
        line for line in written.splitlines() if line.startswith("| ") and not line.startswith("| section")
    ]
    assert rows and not [r for r in rows if r.rstrip(" |").endswith("error")], "\n".join(rows)
    timed = [title for title, _, _ in pages.PAGES if any(r.startswith(f"| pages | {title}:") for r in rows)]
    assert timed == ["Overview", "Health"]
    for title in timed:  # four runs per page, each marked against its target or shown without one
        for run in ("first run", "warm rerun", "segment change", "period change"):
            assert any(f"| {title}: {run} |" in r for r in rows), f"{title}: {run} missing"
    assert any("| demo generation, 60 customers |" in r for r in rows)
    # The pack is built in both languages.
    for language in ("en", "it"):
        assert any(f"| build (numbers, summary, figures), {language} |" in r for r in rows), language
    aggregates = [r for r in rows if r.startswith("| aggregates |")]
    if importlib.util.find_spec("duckdb") is None:
        assert aggregates and all("not measured" in r for r in aggregates)
    else:
        assert len(aggregates) == 6 and all("(app / DuckDB)" in r and "| x" in r for r in aggregates), (
            aggregates
        )
