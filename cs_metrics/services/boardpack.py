"""The board pack from the database: build it, save it as a frozen snapshot, list and re-download
saved packs, and write it from the command line.

A pack is built from the same functions as the Overview (``services.overview.overview_tiles``),
so its numbers are the API's, and its figures come from ``services.figures``, the builders the
pages draw with. ``cs_metrics.report`` turns the built ``Pack`` into PDF, PPTX and HTML.

Saving a pack (``save``) stores its numbers and its files in the database, so it re-downloads
byte for byte later, and the next pack can say what changed since. Saving is an editor's or an
admin's write and is recorded in the audit trail; anyone may build and download a pack.

Command line, for scheduled runs (``--start`` and ``--end`` are the first and the last day of the
period, both included)::

    python -m cs_metrics.services.boardpack --database-url URL --start 2025-11-01 --end 2026-10-31 \
        --out DIR [--compare-start D --compare-end D] [--sections nps health ...] [--language en|it] \
        [--company NAME] [--logo FILE] [--segments S ...] [--save]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from cs_metrics import i18n, renewals, report
from cs_metrics.access import LOCAL, Actor
from cs_metrics.bridge import bridge_steps
from cs_metrics.charts import churn as churn_charts
from cs_metrics.charts import nps as nps_charts
from cs_metrics.charts import overview as overview_charts
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.i18n import N_, _
from cs_metrics.period import Period
from cs_metrics.selection import ALL, CustomerFilter
from cs_metrics.services import coverage
from cs_metrics.services import health as health_data
from cs_metrics.services import meetings as meetings_data
from cs_metrics.services import nps as nps_data
from cs_metrics.services import peers as peer_data
from cs_metrics.services.access import write
from cs_metrics.services.churn import arr_bridge, churn_in_period
from cs_metrics.services.figures import (
    area_trend_figure,
    churn_reasons_figure,
    health_bands_figure,
    maturity_bars_figure,
    nps_trend_figure,
    ttfv_curve_figure,
)
from cs_metrics.services.overview import overview_tiles
from cs_metrics.services.plans import plans_for, with_plans
from cs_metrics.services.summary import contradictions
from cs_metrics.storage import db
from cs_metrics.storage import queries as q
from cs_metrics.storage.queries import boardpack as qb
from cs_metrics.storage.setup import prepare_database
from cs_metrics.summary import what_changed
from cs_metrics.tiles import Tile

__all__ = [
    "PackError", "build_pack", "freshness", "left_out_of_pack", "main", "pack_file", "renewals_by_band", "save",
    "saved_packs", "section_figure", "section_figures",
]

#: A pack that cannot be saved as given (the message says what to change).
PackError = qb.PackError
#: Who saves a pack from the command line (``--save``): whoever runs it on the server, with every right.
COMMAND_LINE = replace(LOCAL, name="command line")


def freshness(engine: Engine) -> str:
    """Data freshness for the cover: the latest recorded activity, and whether the data is the demo.

    Example
    -------
    >>> engine = db.make_engine("sqlite://"); db.upgrade(engine)
    >>> freshness(engine)
    'no data'
    """
    latest = q.data_extent(engine).get("latest")
    meta = db.dataset_meta(engine)
    text = latest.isoformat() if latest else "no data"
    if meta.get("dataset") == "demo":
        text += f" (demo, generated {meta.get('generated_at', '')[:10]})"
    return text


def build_pack(
    engine: Engine,
    *,
    period: Period,
    previous: Period | None = None,
    sections: Sequence[str] | None = None,
    flt: CustomerFilter = ALL,
    as_of: dt.date | None = None,
    language: str = "en",
    company: str = "",
    generated_at: dt.datetime | None = None,
    figures: bool = True,
    logo: bytes | None = None,
) -> report.Pack:
    """Compute a pack: the tiles of the chosen sections (and customers and ARR for the cover), the
    summary, one figure per section, and the last saved pack for the same customers.

    Parameters
    ----------
    period
        The period of the pack.
    previous
        The comparison period (default: the previous period of equal length).
    sections
        Sections among ``report.SECTIONS`` (default: every one). Sections without any figure
        (e.g. no meetings logged) are left out; the pack says which and why (``Pack.left_out``,
        ``left_out_of_pack``).
    flt
        Customers to include (maturity and meetings are company-wide).
    as_of
        The day up to which onboarding is observed (default: the period's last day).
    language
        ``en`` or ``it``.
    company
        The name on the cover (default "Outside In").
    generated_at
        The generation time written on the cover (default: now, UTC).
    figures
        False leaves the figures out (a preview).
    logo
        The company's logo (PNG or JPEG, at most 1 MB), shown on every page and slide.

    Raises
    ------
    DataError
        For an unknown language or section, or a logo that is not a PNG or JPEG image of at most 1 MB.
    """
    if language not in report.LANGUAGES:
        raise DataError(_("Unknown language {language}; use one of {choices}.").format(
            language=repr(language), choices=list(report.LANGUAGES)))
    with i18n.using(language):  # tiles, summary, figures: everything the pack holds is in its language
        return _build(engine, period=period, previous=previous, sections=sections, flt=flt, as_of=as_of,
                      language=language, company=company, generated_at=generated_at, figures=figures, logo=logo)


def _build(engine: Engine, *, period: Period, previous: Period | None, sections: Sequence[str] | None,
           flt: CustomerFilter, as_of: dt.date | None, language: str, company: str,
           generated_at: dt.datetime | None, figures: bool, logo: bytes | None) -> report.Pack:
    chosen = report.check_sections(sections)
    logo = report.check_logo(logo)
    previous = previous or period.previous()
    as_of = as_of or period.last
    tiles = overview_tiles(engine, period=period, flt=flt, as_of=as_of, previous=previous, areas=(*chosen, "customers"))
    present = tuple(s for s in chosen if any(t.area == s for t in tiles))
    found = contradictions(engine, period=period, flt=flt, as_of=as_of)
    summary = what_changed([t for t in tiles if t.area in present or t.area == "customers"], found, language=language)
    pack = report.Pack(
        company=company.strip() or "Outside In", period=period, previous=previous, flt=flt, language=language,
        sections=present, generated_at=(generated_at or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        as_of=as_of, freshness=freshness(engine), tiles=tiles, summary=summary,
        left_out=left_out_of_pack(engine, chosen, present, language), logo=logo,
    )
    pack.last = qb.last_pack(engine, filters=pack.filters)
    pack.at_risk = _largest_at_risk(engine, pack) if largest_at_risk(pack) else None
    if figures:
        pack.figures = {area: section_figures(engine, pack, area) for area in present}
    return pack


#: Accounts at risk a pack lists by name (the largest ARR first), and the fall in score (points
#: since the comparison period's month) that puts a customer who is not red at risk.
AT_RISK_IN_PACK = 5
AT_RISK_DROP = 10.0


def largest_at_risk(pack: report.Pack) -> bool:
    """Whether the pack lists accounts at risk: its health section has a scored month."""
    health = pack.section_tiles("health")
    return "health" in pack.sections and bool(health) and health[0].extra.get("month") is not None


def _largest_at_risk(engine: Engine, pack: report.Pack) -> pd.DataFrame:
    """The ``AT_RISK_IN_PACK`` largest accounts at risk in the health section's month (red, or down
    ``AT_RISK_DROP`` points or more since the comparison period's month): the Health page's list,
    with each owner's plan and next step (``services.plans.with_plans``)."""
    extra = pack.section_tiles("health")[0].extra
    frame = health_data.at_risk(engine, month=extra["month"], previous=extra.get("previous_month"), flt=pack.flt,
                                drop=AT_RISK_DROP, limit=AT_RISK_IN_PACK)
    attrs = dict(frame.attrs)
    frame = with_plans(frame, plans_for(engine, tuple(int(i) for i in frame["customer_id"])))
    frame.attrs = {**attrs, "month": extra["month"], "previous": extra.get("previous_month"), "drop": AT_RISK_DROP}
    return frame


def left_out_of_pack(
    engine: Engine, chosen: Sequence[str], present: Sequence[str], language: str = "en"
) -> tuple[tuple[str, str], ...]:
    """(name, reason) of what a pack of the ``chosen`` sections leaves out, in ``language``: each
    chosen section not ``present`` (the reason its data is absent, or "no data for this period"),
    then the figures left out of the sections kept and of the cover (e.g. revenue retention
    without monthly revenue)."""
    absent = coverage.left_out(engine, areas=(*chosen, "customers"))
    titles, words = report.SECTION_TITLES[language], report.TEXT[language]
    out = []
    for area in chosen:
        if area not in present:
            reasons = [gone.reason(language) for gone in absent if gone.area == area]
            out.append((titles[area], reasons[0] if reasons else words["no_data_period"]))
    out.extend((gone.name(language), gone.reason(language)) for gone in absent if gone.area not in chosen
               or gone.area in present)
    return tuple(out)


def section_figures(engine: Engine, pack: report.Pack, area: str) -> list[go.Figure]:
    """The figures of one section, in reading order, from the builders the pages draw with: the
    area's own figure, then a second view a board asks for (NPS by segment; the trend of the
    section's figures; customer share of meeting time by department). A view without data is left
    out; a section always has at least the trend of its figures."""
    tiles = pack.section_tiles(area)
    titles = report.SECTION_TITLES[pack.language]
    title = titles[area]
    trend_title = _("{section}: trend").format(section=title)
    scope = dict(period=pack.period, flt=pack.flt)
    trend = area_trend_figure(tiles, title=trend_title)
    if area == "retention" and any(t.key in ("grr", "nrr") and t.has_value for t in tiles):
        # GRR and NRR beside the published medians of the company's ACV band (cs_metrics.peers).
        overview_charts.reference_lines(trend, peer_data.peer_lines(peer_data.peer_band(pack.tiles)))
    has_trend = any(len([v for _, v in t.series if v is not None and v == v]) >= 2 for t in tiles)
    out: list[go.Figure] = []
    if area == "nps" and (tiles[0].n or tiles[0].n_previous):
        out.append(nps_trend_figure(engine, previous=pack.previous, title=title, **scope))
        by_segment = nps_data.breakdown(engine, by="segment", **scope)
        if len(by_segment) >= 2:
            out.append(nps_charts.breakdown_chart(
                by_segment, by="segment", title=_("{section}: by segment").format(section=title)))
        return out
    if area == "health" and tiles[0].n:
        out.append(health_bands_figure(tiles[0], title=title))
    elif area == "onboarding" and tiles[0].n:
        out.append(ttfv_curve_figure(engine, as_of=pack.as_of, title=title, **scope))
    elif area == "retention":
        if len(churn_in_period(engine, **scope)):
            out.append(churn_reasons_figure(engine, title=_("{section}: reasons").format(section=title), **scope))
        steps = arr_bridge_steps(engine, **scope)
        if steps is not None:
            out.append(churn_charts.arr_bridge_chart(steps, currency=pack.currency,
                                                     title=_("{section}: ARR bridge").format(section=title)))
    elif area == "renewals":
        table = renewals_by_band(tiles)
        if table is not None and table["arr"].sum() > 0:
            out.append(churn_charts.renewals_by_band_chart(
                table, currency=pack.currency, title=_("{section}: ARR up for renewal by health band").format(
                    section=title), days_label=_("{days} days"),
                band_labels={band: _(name) for band, name in RENEWAL_BAND_LABELS.items()}))
    elif area == "maturity":
        out.append(maturity_bars_figure(tiles, title=title))
    elif area == "meetings":
        per = meetings_data.meeting_totals(engine)
        if len(per):
            out.append(meetings_data.share_trend(per, period=pack.period))
    if has_trend or not out:
        out.insert(0 if area == "retention" else len(out), trend)
    return out


def arr_bridge_steps(engine: Engine, *, period: Period, flt: CustomerFilter = ALL) -> pd.DataFrame | None:
    """The steps of the period's ARR bridge (``services.churn.arr_bridge``), or None when no
    customer paid in either of its months (no monthly revenue)."""
    found = arr_bridge(engine, period=period, flt=flt)
    if not (found.starting or found.ending):
        return None
    return bridge_steps(found)


#: Names of the health bands (and of contracts without a score) on the renewals figure.
RENEWAL_BAND_LABELS: dict[str, str] = {"red": N_("Red"), "yellow": N_("Yellow"), "green": N_("Green"),
                                       renewals.UNSCORED: N_("No score")}


def renewals_by_band(tiles: Sequence[Tile]) -> pd.DataFrame | None:
    """The ARR up for renewal by health band within each horizon of ``renewals.HORIZONS``, as the
    renewals tile computed it (``services.renewal_tiles``: the Churn & retention page's table for
    each horizon): ``days``, ``band`` (red, yellow, green, ``renewals.UNSCORED``), ``contracts``,
    ``arr``; the horizons are nested (the 90 days hold the 30). None without the tile."""
    tile = next((t for t in tiles if t.area == "renewals" and "by_horizon" in t.extra), None)
    return tile.extra["by_horizon"] if tile is not None else None


def section_figure(engine: Engine, pack: report.Pack, area: str) -> go.Figure:
    """The first figure of a section (``section_figures``)."""
    return section_figures(engine, pack, area)[0]


# --- snapshots -------------------------------------------------------------------------------------


def _pack_records(pack: report.Pack, pack_id: int | None = None) -> str:
    number = f" #{pack_id}" if pack_id is not None else ""
    return f"board pack{number} ({pack.period.label()}, {pack.language})"


def save(engine: Engine, pack: report.Pack, files: dict[str, bytes], *, actor: Actor) -> int:
    """Freeze a pack as ``actor`` (right "boardpack.save": editors and admins): store its numbers and
    files in one transaction; returns the snapshot's id. ``created_by`` is ``actor.who``.

    The stored period and comparison period are their first and last days, both included. The
    audit trail records "board pack #id (period, language)" and the sections.

    Raises
    ------
    cs_metrics.access.Refused
        ``actor`` may not save packs (nothing is written but the refusal's audit row).
    PackError
        Without the HTML file, for an unknown file kind, or a name too long; nothing is written.
    """
    with write(engine, actor, "boardpack.save", records=_pack_records(pack)) as entry:
        pack_id = qb.save_pack(
            engine, created_at=pack.generated_at, created_by=actor.who, company=pack.company,
            period=(pack.period.first, pack.period.last), compare=(pack.previous.first, pack.previous.last),
            sections=pack.sections, language=pack.language, filters=pack.filters, numbers=pack.numbers, files=files,
        )
        entry.records = _pack_records(pack, pack_id)
        entry.summary = f"sections {', '.join(pack.sections)}"
    return pack_id


def saved_packs(engine: Engine) -> pd.DataFrame:
    """Every saved pack, newest first, without its files (see ``queries.boardpack.saved_packs``;
    ``period_start``/``period_end`` are the first and last day of the period, both included)."""
    return qb.saved_packs(engine)


def pack_file(engine: Engine, pack_id: int, kind: str) -> bytes | None:
    """The stored bytes of one file (``pdf``, ``pptx``, ``html``) of a saved pack, unchanged; None
    when that file was not stored."""
    return qb.pack_file(engine, pack_id, kind)


# --- command line ----------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m cs_metrics.services.boardpack",
        description="Write the board pack (PDF, PPTX, HTML) for a period. Every date is a day as you would "
        "say it: --start is the period's first day and --end its last day, both included "
        "(--start 2026-01-01 --end 2026-06-30 is the first half of 2026).")
    p.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    p.add_argument("--start", required=True, type=_date, help="first day of the period, included, YYYY-MM-DD")
    p.add_argument("--end", required=True, type=_date, help="last day of the period, included, YYYY-MM-DD")
    p.add_argument("--compare-start", type=_date, default=None,
                   help="first day of the comparison period, included (default: the previous period of equal length)")
    p.add_argument("--compare-end", type=_date, default=None, help="last day of the comparison period, included")
    p.add_argument("--out", required=True, type=Path, help="folder to write board-pack.pdf/.pptx/.html into")
    p.add_argument("--sections", nargs="+", default=None, metavar="SECTION",
                   help=f"sections to include (default: all): {' '.join(report.SECTIONS)}")
    p.add_argument("--language", choices=report.LANGUAGES, default="en")
    p.add_argument("--company", default="", help="company name on the cover and every page")
    p.add_argument("--logo", type=Path, default=None, help="the company's logo on every page: a PNG or JPEG file")
    p.add_argument("--segments", nargs="*", default=(), help="only these customer segments")
    p.add_argument("--save", action="store_true", help="also store the pack as a frozen snapshot in the database")
    return p


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code: 0 done, 1 HTML only (no Chromium to draw
    the PDF and PPTX), 2 bad arguments or an unusable database."""
    parser = _parser()
    args = parser.parse_args(argv)
    sections = None
    if args.sections:
        sections = [s.strip() for part in args.sections for s in part.split(",") if s.strip()]
        unknown = [s for s in sections if s not in report.SECTIONS]
        if unknown:
            parser.error(f"unknown section(s) {', '.join(unknown)}; choose among {', '.join(report.SECTIONS)}")
    if args.end < args.start:
        parser.error(f"--end ({args.end}) is before --start ({args.start})")
    if (args.compare_start is None) != (args.compare_end is None):
        parser.error("give both --compare-start and --compare-end, or neither")
    if args.compare_start and args.compare_end < args.compare_start:
        parser.error("--compare-end is before --compare-start")
    if not args.out.parent.exists():
        parser.error(f"the folder {args.out.parent} does not exist; create it or choose another --out")
    logo = None
    if args.logo is not None:
        if not args.logo.is_file():
            parser.error(f"the logo file {args.logo} does not exist")
        logo = args.logo.read_bytes()
    try:
        engine = prepare_database(args.database_url, load_demo=False)
    except (ConfigurationError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    period = Period(args.start, args.end)
    previous = Period(args.compare_start, args.compare_end) if args.compare_start else None
    flt = CustomerFilter(segments=tuple(args.segments))
    try:
        pack = build_pack(engine, period=period, previous=previous, sections=sections, flt=flt,
                          language=args.language, company=args.company, logo=logo)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(exist_ok=True)
    status = 0
    try:
        files = report.render_files(pack)
    except report.ChromiumMissing as exc:
        print(f"warning: {exc} Writing the HTML pack only.", file=sys.stderr)
        files = report.render_files(pack, formats=("html",))
        status = 1
    finally:
        report.stop_figure_server()
    for kind, data in files.items():
        (args.out / report.FILE_NAMES[kind]).write_bytes(data)
        print(f"wrote {args.out / report.FILE_NAMES[kind]} ({len(data):,} bytes)")
    if args.save:
        try:
            print(f"saved snapshot {save(engine, pack, files, actor=COMMAND_LINE)}")
        except DataError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
