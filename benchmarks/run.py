"""``make benchmark``: build or reuse a company, measure it, mark every figure against its target.

    python -m benchmarks [--size standard|large] [--customers N] [--seed S] [--database-url URL]
                         [--reuse] [--small-customers 1500] [--repeats 1] [--pages TITLE,...]
                         [--skip PART,...] [--import-rows 1000000] [--out FILE]

Without options: the large demo company (100,000 customers) on a SQLite file under
``benchmarks/out``; ``--database-url`` (or ``$DATABASE_URL``) a PostgreSQL database instead
(created when missing). The parts, in order (``--skip`` leaves any of them out):

``aggregates``  the heaviest aggregates, app against DuckDB on the same rows
``boardpack``   building the board pack (its numbers and figures)
``files``       drawing the board pack's files (PDF, PPTX, HTML)
``pages``       each page's server time in AppTest: first run, warm, segment and period changes
``browser``     each page's bytes to Chromium, then the server's peak memory
``import``      the 1,000,000-row import into an empty database of the same kind
``small``       the pages again on the standard company (``--small-customers``)

The table goes to the terminal and, as Markdown with the machine it came from, to ``--out``
(default ``benchmarks/results/latest-<sqlite|postgresql>.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shlex
import sys
import time
import warnings
from pathlib import Path

from benchmarks import aggregates, browser, company, pages, report
from benchmarks.report import Report
from cs_metrics import report as pack_files
from cs_metrics.period import preset_period
from cs_metrics.services import boardpack, data
from cs_metrics.storage import db
from cs_metrics.storage.demo.settings import DEFAULT_SEED, SIZES

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("aggregates", "boardpack", "files", "pages", "browser", "import", "small")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--size",
        choices=list(SIZES),
        default=None,
        help="demo company profile (default: large, or standard when --customers is given)",
    )
    parser.add_argument("--customers", type=int, default=None, help="customers (default: the size's)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--database-url", default=None, help="default: $DATABASE_URL, else a SQLite file under benchmarks/out"
    )
    parser.add_argument("--reuse", action="store_true", help="measure the data already in the database")
    parser.add_argument(
        "--small-customers",
        type=int,
        default=report.SMALL,
        help="customers of the standard company whose pages are timed too (0: none)",
    )
    parser.add_argument("--repeats", type=int, default=1, help="page measurements per page (medians)")
    parser.add_argument("--aggregate-repeats", type=int, default=3, help="timed runs per aggregate (medians)")
    parser.add_argument(
        "--pages", default="", help="only these pages, comma-separated titles (default: every page)"
    )
    parser.add_argument("--skip", default="", help=f"parts to leave out, comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--out", default=None, help="the Markdown file (default benchmarks/results/latest-<db>.md)"
    )
    return parser


def _quiet() -> None:
    """AppTest runs the app without a server, and Streamlit says so at every cached call: not news here."""
    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)
    warnings.filterwarnings("ignore")


def say(message: str) -> None:
    print(message, flush=True)


def _heading(message: str) -> None:
    say(f"\n== {message}")


def _check_replaceable(url: str) -> str:
    """'' when the benchmark may put its demo company into ``url``; else why not."""
    company.ensure_database(url)
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        if not db.is_empty(engine) and db.dataset_meta(engine).get("dataset") != "demo":
            return (
                f"{db.safe_url(url)} holds data that is not a demo company; the benchmark would replace it. "
                "Point --database-url at a database of its own, or add --reuse to measure that data as it is."
            )
    finally:
        engine.dispose()
    return ""


def _target(customers: int, large: float, small: float | None = None) -> float:
    return small if small is not None and customers <= report.SMALL else large


def _company_rows(rep: Report, co: company.Company) -> None:
    section = "company"
    if co.built_seconds is not None:
        rep.add(section, f"demo generation, {co.customers:,} customers", co.built_seconds, "s", report.DEMO)
        rep.add(section, "demo generation: peak memory", co.built_peak_bytes, "bytes", report.SERVER_PEAK)
    else:
        rep.add(section, "demo generation", None, "s", note="reused the data already there")
    rep.add(
        section,
        f"health scores stored ({co.rescored_months} months, {co.rescored_rows:,} customer-months)",
        co.rescore_seconds,
        "s",
    )


def _aggregate_rows(rep: Report, co: company.Company, repeats: int) -> None:
    _heading("Aggregates: the app against DuckDB on the same rows")
    why = aggregates.missing()
    if why:
        rep.add("aggregates", "every aggregate", None, "ratio", note=f"not measured: {why}")
        say(f"  not measured: {why}")
        return
    engine = db.make_engine(co.url)
    try:
        results = aggregates.compare(engine, co.url, co.as_of, repeats=repeats, say=say)
    finally:
        engine.dispose()
    for r in results:
        ratio = r.ratio
        row = rep.add(
            "aggregates", f"{r.name} (app / DuckDB)", ratio, "ratio", report.DUCKDB_RATIO, note=r.note
        )
        if ratio is not None and "; " in r.note:
            rep.notes.append(f"{r.name}: {r.note.split('; ', 1)[1]}.")
        if ratio is not None:
            row.figure += f": app {report.fmt(r.app_seconds, 's')}, DuckDB {report.fmt(r.duck_seconds, 's')}"
        elif r.note.startswith("error") or r.note.startswith("numbers differ"):
            row.error = r.note


def _boardpack_rows(rep: Report, co: company.Company, *, files: bool) -> None:
    """The pack built in English and in Italian (its numbers, summary and figures), then, with
    ``files``, each pack's PDF, PPTX and HTML drawn; the two languages' PDFs must have as many pages."""
    _heading("Board pack")
    engine = db.make_engine(co.url)
    period = preset_period("Last 12 months", co.as_of)
    pages: dict[str, int] = {}
    try:
        for language in ("en", "it"):
            start = time.perf_counter()
            pack = boardpack.build_pack(engine, period=period, as_of=co.as_of, language=language)
            seconds = time.perf_counter() - start
            rep.add("board pack", f"build (numbers, summary, figures), {language}", seconds, "s", report.BOARD_PACK)
            figures = sum(len(f) for f in pack.figures.values())
            say(f"  build ({language}): {seconds:.2f} s ({len(pack.tiles)} tiles, {len(pack.sections)} sections, "
                f"{figures} figures)")
            if not files:
                continue
            if pack_files.chromium_path() is None:
                rep.add("board pack", "files (PDF, PPTX, HTML)", None, "s", note="no Chromium to draw the figures")
                return
            start = time.perf_counter()
            made = pack_files.render_files(pack)
            seconds = time.perf_counter() - start
            rep.add("board pack", f"files (PDF, PPTX, HTML), {language}", seconds, "s")
            pages[language] = made["pdf"].count(b"/Type /Page\n")
            say(f"  files ({language}): {seconds:.2f} s, {pages[language]} PDF pages ("
                + ", ".join(f"{k} {len(v) / 1e6:.1f} MB" for k, v in made.items()) + ")")
        if len(set(pages.values())) > 1:
            say(f"  ERROR the PDFs differ in pages: {pages}")
    except Exception as exc:
        rep.add("board pack", "build", None, "s", report.BOARD_PACK, error=str(exc).splitlines()[0][:200])
        say(f"  ERROR {exc}")
    finally:
        pack_files.stop_figure_server()
        engine.dispose()


def _segment(url: str) -> str:
    engine = db.make_engine(url)
    try:
        segments = data.filter_options(engine)["segments"]
    finally:
        engine.dispose()
    return "SMB" if "SMB" in segments else (segments[0] if segments else "")


def _page_rows(
    rep: Report, co: company.Company, *, chosen: tuple, repeats: int, section: str
) -> list[pages.PageTimes]:
    _heading(f"Pages in AppTest ({co.customers:,} customers)")
    small = co.customers <= report.SMALL
    first = report.SMALL_PAGE if small else report.FIRST_RUN
    change = report.SMALL_PAGE if small else report.FILTER_CHANGE
    targets = {"first": first, "warm": None, "segment": change, "period": change}
    labels = {
        "first": "first run",
        "warm": "warm rerun",
        "segment": "segment change",
        "period": "period change",
    }
    try:
        timed = pages.time_pages(co.url, segment=_segment(co.url), repeats=repeats, pages=chosen, say=say)
    except Exception as exc:
        rep.add(section, "every page", None, "s", first, error=str(exc).splitlines()[0][:200])
        say(f"  ERROR {exc}")
        return []
    for t in timed:
        for run in pages.RUNS:
            value = t.seconds.get(run)
            rep.add(
                section,
                f"{t.page}: {labels[run]}",
                value,
                "s",
                targets[run],
                error=t.error if value is None and t.error else "",
            )
    return timed


def _browser_rows(rep: Report, co: company.Company, *, chosen: tuple) -> browser.BrowserRun | None:
    _heading("Pages in Chromium: bytes to the browser, server memory")
    why = browser.missing()
    if why:
        rep.add("browser", "every page", None, "bytes", report.PAGE_BYTES, note=f"not measured: {why}")
        say(f"  not measured: {why}")
        return None
    try:
        run = browser.browse(co.url, pages=chosen, say=say)
    except Exception as exc:
        rep.add(
            "browser", "every page", None, "bytes", report.PAGE_BYTES, error=str(exc).splitlines()[0][:200]
        )
        say(f"  ERROR {exc}")
        return None
    for load in run.loads:
        rep.add(
            "browser",
            f"{load.page}: bytes to the browser",
            load.bytes if not load.error else None,
            "bytes",
            report.PAGE_BYTES,
            error=load.error,
        )
    rep.add(
        "browser", "server peak memory after every page (VmHWM)", run.peak_rss, "bytes", report.SERVER_PEAK
    )
    say(f"  server peak memory {report.fmt(run.peak_rss, 'bytes') if run.peak_rss else '?'}")
    return run


def _import_rows(rep: Report, url: str, rows: int) -> None:
    _heading(f"Import of {rows:,} revenue rows into an empty database")
    target = company.sibling_url(url, "import")
    company.drop_database(target)  # a leftover of an earlier run of this benchmark, never anything else
    company.ensure_database(target)
    try:
        seconds, peak, out = company.run_measured(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "bench_import.py"),
                "--rows",
                str(rows),
                "--database-url",
                target,
                "--json",
            ]
        )
        for line in out.strip().splitlines()[:-1]:
            say(f"  {line}")
        steps = json.loads(out.strip().splitlines()[-1])
        rep.add(
            "import", f"{rows:,} revenue rows: commit (one transaction)", steps["commit"], "s", report.IMPORT
        )
        rep.add("import", "the same file: dry run", steps["dry_run"], "s")
        rep.add("import", "the same file again (nothing changes)", steps["again"], "s")
        rep.add("import", "peak memory of the import", peak, "bytes")
    except Exception as exc:
        rep.add(
            "import",
            f"{rows:,} revenue rows: commit",
            None,
            "s",
            report.IMPORT,
            error=str(exc).splitlines()[0][:200],
        )
        say(f"  ERROR {exc}")
    finally:
        company.drop_database(target)


def _matrix(
    timed: list[pages.PageTimes], run: browser.BrowserRun | None
) -> tuple[list[str], list[list[str]]]:
    head = ["page", "first run", "warm", "segment change", "period change"]
    loads = {load.page: load for load in run.loads} if run else {}
    if loads:
        head += ["bytes to browser", "browser: until run ended"]
    body = []
    for t in timed:
        cells = [t.page] + [report.fmt(t.seconds[r], "s") if r in t.seconds else "error" for r in pages.RUNS]
        if loads:
            load = loads.get(t.page)
            cells += (
                [report.fmt(load.bytes, "bytes"), report.fmt(load.seconds, "s")]
                if load and not load.error
                else ["error", "error"]
            )
        body.append(cells)
    return head, body


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0 when it ran (targets missed or not), 2 on unusable input."""
    args = _parser().parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if unknown := skip - set(PARTS):
        say(f"error: unknown part(s) {', '.join(sorted(unknown))}; choose among {', '.join(PARTS)}")
        return 2
    wanted = {p.strip().casefold() for p in args.pages.split(",") if p.strip()}
    chosen = tuple(p for p in pages.PAGES if not wanted or {p[0].casefold(), p[2] or "overview"} & wanted)
    if wanted and len(chosen) != len(wanted):
        say(f"error: --pages {args.pages!r}: choose among {', '.join(p[0] for p in pages.PAGES)}")
        return 2
    _quiet()
    started = dt.datetime.now()
    load = os.getloadavg()
    size = args.size or ("standard" if args.customers else "large")
    customers = args.customers or SIZES[size]["customers"]
    url = args.database_url or os.environ.get("DATABASE_URL") or company.sqlite_url(f"{size}-{customers}")
    if not args.reuse and (problem := _check_replaceable(url)):
        say(f"error: {problem}")
        return 2

    _heading(f"Company: {customers:,} customers ({size} profile) in {db.safe_url(url)}")
    co = company.prepare(url, size=size, customers=customers, seed=args.seed, reuse=args.reuse, say=say)
    backend = co.backend
    rep = Report(
        f"Benchmark: {co.customers:,} customers on {'PostgreSQL' if backend == 'postgresql' else 'SQLite'}"
    )
    _company_rows(rep, co)

    if "aggregates" not in skip:
        _aggregate_rows(rep, co, args.aggregate_repeats)
    if "boardpack" not in skip:
        _boardpack_rows(rep, co, files="files" not in skip)
    timed = (
        [] if "pages" in skip else _page_rows(rep, co, chosen=chosen, repeats=args.repeats, section="pages")
    )
    run = None if "browser" in skip else _browser_rows(rep, co, chosen=chosen)
    if timed or run:
        head, body = _matrix(timed, run)
        rep.matrices.append(
            (f"Pages at {co.customers:,} customers (server time in AppTest; bytes in Chromium)", head, body)
        )
    if "import" not in skip:
        _import_rows(rep, url, args.import_rows)
    if "small" not in skip and 0 < args.small_customers < co.customers:
        small_url = (
            company.sibling_url(url, "standard")
            if backend == "postgresql"
            else company.sqlite_url(f"standard-{args.small_customers}")
        )
        if not args.reuse and (problem := _check_replaceable(small_url)):
            rep.add("pages, standard company", "every page", None, "s", error=problem)
        else:
            _heading(f"Standard company: {args.small_customers:,} customers in {db.safe_url(small_url)}")
            small = company.prepare(
                small_url,
                size="standard",
                customers=args.small_customers,
                seed=args.seed,
                reuse=args.reuse,
                say=say,
            )
            timed_small = _page_rows(
                rep,
                small,
                chosen=chosen,
                repeats=args.repeats,
                section=f"pages, {small.customers:,} customers",
            )
            if timed_small:
                head, body = _matrix(timed_small, None)
                rep.matrices.append(
                    (f"Pages at {small.customers:,} customers (server time in AppTest)", head, body)
                )

    if co.customers != report.LARGE:
        rep.notes.append(
            f"The targets are stated for {report.LARGE:,} customers (the pages' 0.5 s for "
            f"{report.SMALL:,}); this run has {co.customers:,}."
        )
    rep.notes.append(
        "Sizes in decimal units: 1 MB = 1,000,000 bytes, 1 GB = 1,000,000,000 bytes. "
        '"missed (xN)": the figure is N times its target.'
    )
    engine = db.make_engine(url)
    try:
        info = report.machine(engine, started=started)
        info["load average"] = (
            f"{load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
            "(other work on the machine slows the figures down)"
        )
    finally:
        engine.dispose()
    command = (
        ("python -m benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:]))
        .strip()
        .replace(url, db.safe_url(url))
    )
    say("")
    say(report.text_table(rep))
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"latest-{backend}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.markdown(rep, info, command), encoding="utf-8")
    say(
        f"\nWritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
        f"({(dt.datetime.now() - started).total_seconds() / 60:.1f} minutes)."
    )
    return 0
