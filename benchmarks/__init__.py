"""The benchmark of Outside In: ``make benchmark`` (or ``python -m benchmarks``).

It builds or reuses a demo company, then measures what a person waits for and what the server
spends on it, and marks every figure against its target (the README's Benchmark section):

* ``company``: the demo company (generation timed in its own process) and its stored health scores;
* ``pages``: each page's server time in AppTest: first run, warm, segment and period changes;
* ``browser``: the bytes each page sends to Chromium, and the server's peak memory;
* ``aggregates``: the heaviest aggregates against DuckDB on the same rows;
* ``report``: targets, the table, the machine, the Markdown file;
* ``bench_import``: the 1,000,000-row import (also a script of its own).

Speed is measured here, never by timed tests.
"""
