"""Property tests, one per class of hostile file: each strategy writes many files of its class
(random ids, names, separators, values and row positions among valid rows) and the property checks
the outcome the importer documents. A refused file has a problem of the expected kind on each faulty
row (the header is row 1), the commit refuses it and no table changes; an accepted file is committed
and the values read back with SQL are exactly the intended ones."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from cs_metrics import vocab
from cs_metrics.storage import db
from cs_metrics.storage import models as m
from cs_metrics.storage.entities import ENTITIES, MAX_TEXT_CHARS, header_key
from cs_metrics.storage.ingest.readers import clean_id
from cs_metrics.storage.ingest.rules import effective_mapping
from cs_metrics.storage.ingest.values import SIGNAL_RANGES
from tests.storage.ingest.conftest import PROFILE, TODAY, commit_file, dry_file, table_counts


def _profile(default: int, thorough: int) -> settings:
    """The run's profile (``PROFILE``) with this test's own number of examples."""
    return settings(settings.get_profile(PROFILE), max_examples=thorough if PROFILE == "thorough" else default)


@contextmanager
def _copy(template) -> Iterator:
    """A fresh in-memory database holding what ``template`` holds (SQLite's backup), one per example."""
    engine = db.make_engine("sqlite://")
    src, dst = template.raw_connection(), engine.raw_connection()
    try:
        src.driver_connection.backup(dst.driver_connection)
    finally:
        src.close()
        dst.close()
    try:
        yield engine
    finally:
        engine.dispose()


def _join(header: list[str], rows: list[list[str]], sep: str) -> str:
    """A CSV text; a cell holding the separator is put in double quotes (no cell here holds a quote)."""
    def cell(value: str) -> str:
        return f'"{value}"' if sep in value else value
    return "".join(sep.join(cell(c) for c in line) + "\n" for line in [header, *rows])


def _kinds(report) -> set[tuple[int | None, str]]:
    return {(p.row, p.kind) for p in report.problems}


def _refused(engine, entity: str, content: str | bytes, expected: set[tuple[int | None, str]],
             name: str = "f.csv") -> None:
    """The dry run reports exactly ``expected`` (row, kind) problems; the commit writes nothing."""
    report = dry_file(engine, entity, content, name)
    assert _kinds(report) == expected, report.problems
    before = table_counts(engine)
    report = commit_file(engine, entity, content, name)
    assert not report.committed
    assert table_counts(engine) == before


def _committed(engine, entity: str, content: str | bytes, name: str = "f.csv"):
    report = commit_file(engine, entity, content, name)
    assert report.committed, report.problems
    return report


def _customer_ids(conn) -> dict[int, str]:
    return dict(conn.execute(select(m.Customer.id, m.Customer.external_id)).all())


# 1. "." grouping thousands in files written the Italian way -----------------------------------------

def _italian(cents: int) -> str:
    """``cents`` / 100 written the Italian way: "." groups thousands, "," marks the decimals."""
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


_AMOUNTS = st.one_of(
    st.integers(1_000, 99_999_999).map(lambda n: (f"{n:,}".replace(",", "."), float(n))),  # 12.000, 1.234.567
    st.integers(0, 999).map(lambda n: (str(n), float(n))),  # no mark: says nothing about the column
    st.integers(0, 10**9).map(lambda c: (f"{c // 100},{c % 100:02d}", c / 100)),  # 2750,50
)


@_profile(20, 90)
@given(st.sampled_from([";", "\t", ",", "|"]), st.lists(_AMOUNTS, max_size=6),
       st.integers(100_000, 10**10), st.data())
def test_dot_thousands_settled_by_an_italian_decimal_are_read_as_thousands(engine, sep, amounts, settler, data):
    # One value with both marks ("2.750,50": the later mark, ",", is the decimal one) settles the
    # column whatever the separator, so every "12.000" in it is twelve thousand
    # (values.column_convention). Each expected number is the integer or cents / 100 the text was
    # written from, e.g. 275050 cents -> "2.750,50" -> 2750.5.
    at = data.draw(st.integers(0, len(amounts)), label="position of the settling value")
    amounts = [*amounts[:at], (_italian(settler), settler / 100), *amounts[at:]]
    rows = [["C1", f"{i + 1:02d}/2025", text] for i, (text, _) in enumerate(amounts)]
    with _copy(engine) as e:
        _committed(e, "revenue", _join(["customer_id", "month", "mrr"], rows, sep))
        with e.connect() as conn:
            stored = conn.execute(select(m.RevenueMonth.mrr).order_by(m.RevenueMonth.month)).scalars().all()
    assert stored == [value for _, value in amounts]


_AMBIGUOUS = st.tuples(st.integers(1, 999), st.integers(0, 999)).map(
    lambda kr: (f"{kr[0]}.{kr[1]:03d}", kr[0] * 1000 + kr[1]))  # 1.500: 1500 or 1.5


@_profile(12, 60)
@given(st.sampled_from([";", "\t", ",", "|"]),
       st.lists(st.one_of(_AMBIGUOUS.map(lambda a: (*a, True)),
                          st.integers(0, 999).map(lambda n: (str(n), n, False))), min_size=1, max_size=6)
       .filter(lambda cells: any(amb for *_, amb in cells)))
def test_dotted_values_nothing_settles(engine, sep, cells):
    # The column's only marks are single "d.ddd" groups. A ";" or tab file is written the Italian
    # way, so the dot groups thousands (k.rrr -> k * 1000 + rrr); a "," or "|" file gives no hint, so
    # each such row is refused as ambiguous and the plain numbers are no problem.
    rows = [["C1", f"{i + 1:02d}/2025", text] for i, (text, _, _) in enumerate(cells)]
    content = _join(["customer_id", "month", "mrr"], rows, sep)
    with _copy(engine) as e:
        if sep in ",|":
            _refused(e, "revenue", content, {(i + 2, "ambiguous number") for i, (*_, amb) in enumerate(cells) if amb})
            return
        _committed(e, "revenue", content)
        with e.connect() as conn:
            stored = conn.execute(select(m.RevenueMonth.mrr).order_by(m.RevenueMonth.month)).scalars().all()
    assert stored == [float(value) for _, value, _ in cells]


# 2. Scores: whole numbers from 0 to 10, digits only ---------------------------------------------------

_DIGITS = st.integers(0, 9).map(str)
_READ_SCORES = st.builds(
    lambda sign, zeros, n, fraction, pad: (pad + sign + "0" * zeros + str(n) + fraction + pad, n),
    st.sampled_from(["", "+"]), st.integers(0, 2), st.integers(0, 10),
    st.sampled_from(["", ".0", ".00", ",0", ",00"]), st.sampled_from(["", " "]))
_WRONG_TYPE = st.one_of(
    st.builds(lambda a, b: f"{a}_{b}", _DIGITS, _DIGITS),                     # 1_0
    st.builds(lambda a, s, b: f"{a}{s}{b}", _DIGITS, st.sampled_from([" ", "\u00a0"]), _DIGITS),  # 1 0
    st.builds(lambda n, s: f"{n}{s}%", st.integers(0, 10), st.sampled_from(["", " "])),  # 5%
    st.builds(lambda c, n: c.format(n), st.sampled_from(["EUR {}", "€{}", "{} €", "${}", "USD{}", "{} EUR"]),
              st.integers(0, 10)),                                              # EUR 7
    st.builds(lambda n, f: f"{n}{f}", st.integers(0, 9), st.sampled_from([".5", ",5", ".25", ",75"])),  # 7.5
    st.sampled_from(["1e1", "(7)", "7.", "sette", "7-"]),
)
_OUT_OF_RANGE = st.one_of(st.integers(11, 999).map(str), st.integers(1, 10).map(lambda n: f"-{n}"))
_SCORES = st.one_of(_READ_SCORES.map(lambda t: (t[0], t[1], None)),
                    _WRONG_TYPE.map(lambda s: (s, None, "wrong type")),
                    _OUT_OF_RANGE.map(lambda s: (s, None, "out of range")))


@_profile(12, 60)
@given(st.sampled_from([",", ";"]), st.lists(_SCORES, min_size=1, max_size=6))
def test_scores_are_refused_or_read_as_the_number_written(engine, sep, scores):
    # values.typed_column: a whole number is digits only, "7.0" (or "7,0", "07", "+7") is 7 because
    # it is exactly whole; separators, units, currency and fractions are "wrong type"; a whole number
    # outside 0..10 is "out of range". Never another number: the stored score is the n written.
    rows = [["2026-05-01", text, f"row {i}"] for i, (text, _, _) in enumerate(scores)]
    content = _join(["responded_on", "score", "comment"], rows, sep)
    faulty = {(i + 2, kind) for i, (_, _, kind) in enumerate(scores) if kind}
    with _copy(engine) as e:
        if faulty:
            _refused(e, "nps_responses", content, faulty)
            return
        _committed(e, "nps_responses", content)
        with e.connect() as conn:
            stored = dict(conn.execute(select(m.NpsResponse.comment, m.NpsResponse.score)).all())
    assert stored == {f"row {i}": n for i, (_, n, _) in enumerate(scores)}


# 3. Times with an offset: the company's day --------------------------------------------------------

_ZONES = ["Europe/Rome", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "America/St_Johns", "UTC"]
_STAMPS = st.builds(
    lambda day, hour, minute, offset, style: (day, hour, minute, offset, style),
    st.dates(dt.date(2000, 1, 2), dt.date(2026, 9, 30)), st.sampled_from([0, 1, 2, 12, 21, 22, 23]),
    st.integers(0, 59), st.integers(-12 * 4, 14 * 4).map(lambda q: q * 15), st.sampled_from(["T", " ", "Tcolonless"]))


def _stamp_text(day: dt.date, hour: int, minute: int, offset: int, style: str) -> str:
    sign = "+" if offset >= 0 else "-"
    hh, mm = divmod(abs(offset), 60)
    zone = "Z" if offset == 0 and style == "T" else f"{sign}{hh:02d}{'' if 'colonless' in style else ':'}{mm:02d}"
    return f"{day.isoformat()}{style[0]}{hour:02d}:{minute:02d}:00{zone}"


@_profile(20, 90)
@given(st.sampled_from(_ZONES), st.lists(_STAMPS, min_size=1, max_size=5))
def test_a_time_with_an_offset_is_stored_on_the_company_s_day(engine, monkeypatch, zone, stamps):
    monkeypatch.setenv("OUTSIDE_IN_TIME_ZONE", zone)
    rows = [[_stamp_text(*s), "8", f"row {i}"] for i, s in enumerate(stamps)]
    with _copy(engine) as e:
        _committed(e, "nps_responses", _join(["responded_on", "score", "comment"], rows, ","))
        with e.connect() as conn:
            stored = dict(conn.execute(select(m.NpsResponse.comment, m.NpsResponse.responded_on)).all())
    # Reference computation with the standard library: the written wall time at its fixed offset,
    # converted by zoneinfo to the company's zone (values.company_time_zone), then its date.
    expected = {f"row {i}": dt.datetime(d.year, d.month, d.day, hour, minute,
                                        tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
                .astimezone(ZoneInfo(zone)).date()
                for i, (d, hour, minute, offset, _) in enumerate(stamps)}
    assert stored == expected


# 4. Health signals and their natural ranges --------------------------------------------------------

@st.composite
def _signal_values(draw) -> tuple[str, int, bool]:
    """A signal, its value in cents and whether the value is inside ``SIGNAL_RANGES``."""
    signal = draw(st.sampled_from(sorted(SIGNAL_RANGES)))
    _, high = SIGNAL_RANGES[signal]
    top = 100 if high == 1 else 10**9
    inside = draw(st.booleans())
    if inside:
        return signal, draw(st.integers(0, top)), True
    if high == 1 and draw(st.booleans()):
        return signal, draw(st.integers(101, 10**6)), False  # above 1
    return signal, -draw(st.integers(1, 10**6)), False  # below 0


@_profile(12, 60)
@given(st.sampled_from([",", ";"]), st.lists(_signal_values(), min_size=1, max_size=9))
def test_health_signals_outside_their_range_are_refused_by_row(engine, sep, signals):
    # Values have two decimals (never three, which could read as thousands), with the separator's
    # decimal mark: cents -1234 -> "-12.34" or "-12,34".
    def text(cents: int) -> str:
        written = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
        return written.replace(".", ",") if sep == ";" else written
    rows = [["C2", f"2026-{i + 1:02d}", s, text(c)] for i, (s, c, _) in enumerate(signals)]
    content = _join(["customer_id", "month", "signal", "value"], rows, sep)
    faulty = {(i + 2, "out of range") for i, (_, _, inside) in enumerate(signals) if not inside}
    with _copy(engine) as e:
        if faulty:
            _refused(e, "health_signals", content, faulty)
            return
        _committed(e, "health_signals", content)
        with e.connect() as conn:
            stored = {(r.month.month, r.signal): r.value for r in conn.execute(
                select(m.HealthSignal.month, m.HealthSignal.signal, m.HealthSignal.value))}
    assert stored == {(i + 1, s): c / 100 for i, (s, c, _) in enumerate(signals)}


# 5. An NPS file whose customer column the mapping does not know ------------------------------------

_CUSTOMER_WORDS = ("cust", "client", "account", "azienda", "company")
_HEADERS = st.one_of(
    st.builds(lambda w, s, x: f"{w}{s}{x}", st.sampled_from(_CUSTOMER_WORDS), st.sampled_from(["_", " ", "", "-"]),
              st.text("qxzjkw", min_size=1, max_size=5)),
    st.text("qxzjkwvy", min_size=2, max_size=8),
)
_CELL_IDS = st.sampled_from(["C1", "C2", "c1", "C\u200b2", "X9", "Z7", "Q1", "", "K4"])


@_profile(12, 60)
@given(_HEADERS, st.lists(_CELL_IDS, min_size=1, max_size=6), st.integers(0, 2))
def test_an_unmapped_customer_column_is_never_silently_anonymous(engine, header, cells, position):
    columns = ["responded_on", "score", "comment"]
    columns.insert(position, header)
    used = {(rule or {}).get("column") for rule in effective_mapping("nps_responses", columns)["fields"].values()}
    if header in used or header_key(header) in {header_key(c) for c in columns if c != header}:
        return  # the name is an alias of a field: the column is mapped, not this class
    rows = []
    for i, cell in enumerate(cells):
        row = ["2026-05-01", "9", f"row {i}"]
        row.insert(position, cell)
        rows.append(row)
    content = _join(columns, rows, ",")
    # rules._check_unmapped_customer: the column is a problem when at least half of its distinct
    # values (at least one) are stored customers' ids (C1 and C2, compared without case and invisible
    # characters); else a note when its name speaks of customers; else the answers are anonymous.
    values = {clean_id(c).casefold() for c in cells if c}
    known = values & {"c1", "c2"}
    with _copy(engine) as e:
        if values and len(known) >= max(1, len(values) // 2):
            _refused(e, "nps_responses", content, {(None, "unmapped customer column")})
            assert repr(header) in dry_file(e, "nps_responses", content).problems[0].reason
            return
        report = _committed(e, "nps_responses", content)
        noted = any(repr(header) in n and "anonymous" in n for n in report.notes)
        assert noted == any(w in header_key(header) for w in _CUSTOMER_WORDS), report.notes
        with e.connect() as conn:
            assert conn.execute(select(m.NpsResponse.customer_id)).scalars().all() == [None] * len(cells)


# 6. A field's column written twice -------------------------------------------------------------

_RESPELL = st.sampled_from([str, str.upper, str.title, lambda s: s.replace("_", " "),
                            lambda s: re.sub(r"_(.)", lambda g: g[1].upper(), s), lambda s: s.replace("_", "")])


@_profile(12, 60)
@given(st.sampled_from(["responded_on", "score", "comment"]), _RESPELL, _RESPELL, st.integers(0, 3),
       st.sampled_from([",", ";", "\t"]), st.lists(st.integers(0, 10), min_size=1, max_size=4))
def test_a_repeated_column_is_refused_naming_both(engine, field, first, second, position, sep, scores):
    # rules._duplicates: headers equal once case, spaces, underscores and camel case are set aside
    # (entities.header_key) are one field written twice, whatever the values under them.
    columns = ["responded_on", "score", "comment"]
    columns[columns.index(field)] = first(field)
    columns.insert(position, second(field))
    rows = []
    for i, n in enumerate(scores):
        cells = {"responded_on": "2026-05-01", "score": str(n), "comment": f"row {i}"}
        rows.append([next(v for f, v in cells.items() if header_key(f) == header_key(c)) for c in columns])
    content = _join(columns, rows, sep)
    with _copy(engine) as e:
        _refused(e, "nps_responses", content, {(None, "duplicate column")})
        reason = dry_file(e, "nps_responses", content).problems[0].reason
    # The reason names the column read and the other one (a repeated name is read as "name (2)").
    assert reason.count("'") >= 4 and f"'{first(field)}'" in reason


def test_two_aliases_of_one_field_are_refused(engine):
    # "voto" is an alias of score (entities.ENTITIES["nps_responses"]); the file gives 9 and 3.
    content = "responded_on,score,voto\n2026-05-01,9,3\n"
    assert header_key("voto") in {header_key(a) for a in
                                  next(f for f in ENTITIES["nps_responses"].fields if f.name == "score").aliases}
    _refused(engine, "nps_responses", content, {(None, "duplicate column")})


# 7. Ids that differ from a stored id by case or by invisible characters ----------------------------

_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202a"]


@st.composite
def _id_variants(draw) -> tuple[str, str, bool]:
    """A stored id, a spelling of it (invisible characters anywhere, an outer NBSP, maybe lower case)
    and whether the case differs."""
    stored = draw(st.sampled_from(["C1", "C2"]))
    lower = draw(st.booleans())
    chars = list(stored.lower() if lower else stored)
    for _ in range(draw(st.integers(0 if lower else 1, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(_INVISIBLE)))
    pad = draw(st.sampled_from(["", "\u00a0", " "]))
    return stored, pad + "".join(chars) + pad, lower


@_profile(12, 60)
@given(st.lists(_id_variants(), min_size=1, max_size=5), st.sampled_from([",", ";"]))
def test_revenue_of_an_id_spelled_with_invisible_characters_or_another_case(engine, variants, sep):
    rows = [[written, f"{i + 1:02d}/2026", "10"] for i, (_, written, _) in enumerate(variants)]
    content = _join(["customer_id", "month", "mrr"], rows, sep)
    # rules._report_case_twins: a case twin of a stored id is reported once, on the first row of each
    # distinct (cleaned) spelling; plan._resolve_customers: every row of it names no customer.
    expected, seen = set(), set()
    for i, (_, written, lower) in enumerate(variants):
        if lower:
            expected.add((i + 2, "unknown customer"))
            if clean_id(written.replace("\u00a0", " ")) not in seen:
                expected.add((i + 2, "id differs by case"))
            seen.add(clean_id(written.replace("\u00a0", " ")))
    with _copy(engine) as e:
        if expected:
            _refused(e, "revenue", content, expected)
            return
        _committed(e, "revenue", content)
        with e.connect() as conn:
            ids = _customer_ids(conn)
            stored = {r.month.month: ids[r.customer_id] for r in conn.execute(select(m.RevenueMonth))}
    # No customer was added (the fixture's two) and each row went to the id it spells.
    assert sorted(ids.values()) == ["C1", "C2"]
    assert stored == {i + 1: s for i, (s, _, _) in enumerate(variants)}


_FIXTURE_ROWS = {"C1": "Rossi Logistica,SMB,Italy,2025-01-15,12000,2027-01-15",  # conftest.CUSTOMERS
                 "C2": "Bianchi SpA,Enterprise,Italy,2024-02-01,250000,2027-02-01"}


@_profile(12, 60)
@given(_id_variants())
def test_a_customer_spelled_with_invisible_characters_is_never_new(engine, variant):
    stored, written, lower = variant
    content = f"customer_id,name,segment,region,signed_on,arr,renewal_date\n{written},{_FIXTURE_ROWS[stored]}\n"
    with _copy(engine) as e:
        if lower:
            _refused(e, "customers", content, {(2, "id differs by case")})
            return
        report = dry_file(e, "customers", content)
        # Same values as the stored customer: one unchanged row, none inserted.
        assert (report.inserted, report.updated, report.unchanged) == (0, 0, 1), report.problems
        _committed(e, "customers", content)
        with e.connect() as conn:
            assert sorted(_customer_ids(conn).values()) == ["C1", "C2"]


def test_an_id_differing_from_a_stored_id_only_by_spaces_is_refused(engine):
    # A no-break space inside C1 is read as a space: 'C 1' differs from the stored C1 only by a space, so
    # it is refused like a case twin (rules._report_case_twins), never stored as a new customer.
    content = f"customer_id,name,segment,region,signed_on,arr,renewal_date\nC\u00a01,{_FIXTURE_ROWS['C1']}\n"
    _refused(engine, "customers", content, {(2, "id differs by case")})


# 8. Rules across fields and against the stored rows ----------------------------------------------

_DAYS = st.dates(dt.date(2015, 1, 1), TODAY)


@st.composite
def _customer_rows(draw) -> tuple[list[str], set[str]]:
    """A customers row (status, signed_on, churned_on, renewal_date) and the kinds of problem it has."""
    signed = draw(_DAYS)
    churned = draw(st.one_of(st.none(), _DAYS))
    renewal = draw(st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))))
    status = draw(st.sampled_from(["active", "churned"]))
    kinds = set()
    if churned is not None and churned < signed:
        kinds.add("bad date")                   # plan._plan_customers
    if status == "churned" and churned is None:
        kinds.add("missing required value")     # plan._plan_customers
    if status == "active" and churned is not None:
        kinds.add("active with churn date")     # checks.check_customers
    if renewal is not None and renewal < signed:
        kinds.add("renewal before signing")     # checks.check_customers
    cells = [status, signed.isoformat(), churned.isoformat() if churned else "", renewal.isoformat() if renewal else ""]
    return cells, kinds


@_profile(12, 60)
@given(st.lists(_customer_rows(), min_size=1, max_size=5))
def test_customers_dates_and_status_contradictions(engine, rows):
    lines = [[f"N{i}", f"Name {i}", "SMB", "Italy", *cells] for i, (cells, _) in enumerate(rows)]
    content = _join(["customer_id", "name", "segment", "region", "status", "signed_on", "churned_on",
                     "renewal_date"], lines, ",")
    expected = {(i + 2, k) for i, (_, kinds) in enumerate(rows) for k in kinds}
    with _copy(engine) as e:
        if expected:
            _refused(e, "customers", content, expected)
            return
        _committed(e, "customers", content)
        with e.connect() as conn:
            stored = {r.external_id: [r.status, r.signed_on.isoformat(), r.churned_on.isoformat() if r.churned_on
                                      else "", r.renewal_date.isoformat() if r.renewal_date else ""]
                      for r in conn.execute(select(m.Customer).where(m.Customer.external_id.like("N%")))}
    assert stored == {f"N{i}": cells for i, (cells, _) in enumerate(rows)}


_SIGNED = {"C1": dt.date(2025, 1, 15), "C2": dt.date(2024, 2, 1)}  # conftest.CUSTOMERS


@_profile(20, 90)
@given(st.permutations(["C1", "C2"]), st.integers(1, 2), st.lists(st.integers(-400, 400), min_size=2, max_size=2))
def test_churn_events_before_signing_are_refused(engine, order, n, shifts):
    # Each event is its customer's signing day shifted by -400..400 days (no later than TODAY); the
    # customer is stored as churned on that same day, so the event agrees with the customers table.
    events = [(c, min(_SIGNED[c] + dt.timedelta(days=s), TODAY)) for c, s in zip(order[:n], shifts)]
    content = _join(["customer_id", "churned_on", "arr_lost"], [[c, d.isoformat(), "100"] for c, d in events], ",")
    faulty = {i + 2 for i, (c, d) in enumerate(events) if d < _SIGNED[c]}
    with _copy(engine) as e:
        with e.begin() as conn:
            for c, d in events:
                conn.execute(update(m.Customer).where(m.Customer.external_id == c).values(status="churned",
                                                                                         churned_on=d))
        report = dry_file(e, "churn_events", content)
        assert {p.row for p in report.problems if p.kind == "churn before signing"} == faulty
        if faulty:
            before = table_counts(e)
            assert not commit_file(e, "churn_events", content).committed
            assert table_counts(e) == before
            return
        _committed(e, "churn_events", content)
        with e.connect() as conn:
            ids = _customer_ids(conn)
            stored = {ids[r.customer_id]: r.churned_on for r in conn.execute(select(m.ChurnEvent))}
    assert stored == dict(events)


@_profile(12, 60)
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2"]), st.sampled_from(vocab.MILESTONE_KINDS),
                          st.integers(-400, 400)), min_size=1, max_size=6, unique_by=lambda t: t[:2]))
def test_milestones_before_signing_are_refused(engine, milestones):
    rows = [(c, k, min(_SIGNED[c] + dt.timedelta(days=s), TODAY)) for c, k, s in milestones]
    content = _join(["customer_id", "kind", "reached_on"], [[c, k, d.isoformat()] for c, k, d in rows], ";")
    faulty = {(i + 2, "milestone before signing") for i, (c, _, d) in enumerate(rows) if d < _SIGNED[c]}
    with _copy(engine) as e:
        if faulty:
            _refused(e, "milestones", content, faulty)
            return
        _committed(e, "milestones", content)
        with e.connect() as conn:
            ids = _customer_ids(conn)
            stored = {(ids[r.customer_id], r.kind): r.reached_on for r in conn.execute(select(m.Milestone))}
    assert stored == {(c, k): d for c, k, d in rows}


_ANSWERS = ("round,team,respondent,role,submitted_at,dimension,stage\n"
            + "".join(f"2026 H1,CS Italia,r1,manager,2026-03-01 10:00,{d},2\n" for d in vocab.MATURITY_DIMENSIONS))


@_profile(12, 60)
@given(st.lists(st.tuples(st.sampled_from(["2026 H1", "2026 H2"]), st.sampled_from(["r1", "r2", "r3"]),
                          st.sampled_from(vocab.MATURITY_DIMENSIONS), st.integers(2, 10)),
                min_size=1, max_size=6, unique_by=lambda t: t[:3]))
def test_answers_into_a_closed_round_are_refused(engine, answers):
    # Round 2026 H1 holds r1's answers and is closed; 2026 H2 is new. Every row naming 2026 H1 is
    # refused, whatever its respondent, dimension and stage (stage = n / 2, from 1 to 5).
    rows = [[r, "CS Italia", who, "manager", "2026-03-01 10:00", dim, str(n / 2)] for r, who, dim, n in answers]
    content = _join(["round", "team", "respondent", "role", "submitted_at", "dimension", "stage"], rows, ",")
    closed = {i + 2 for i, (r, *_) in enumerate(answers) if r == "2026 H1"}
    with _copy(engine) as e:
        assert commit_file(e, "assessments", _ANSWERS).committed
        with e.begin() as conn:
            conn.execute(update(m.AssessmentRound).where(m.AssessmentRound.name == "2026 H1").values(status="closed"))
        report = dry_file(e, "assessments", content)
        assert {p.row for p in report.problems if p.kind == "closed round"} == closed
        if closed:
            before = table_counts(e)
            assert not commit_file(e, "assessments", content).committed
            assert table_counts(e) == before


@_profile(20, 90)
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2"]), st.sampled_from(["active", "onboarding", "churned"]),
                          st.integers(3, 300), st.integers(-3, 3)), min_size=1, max_size=2, unique_by=lambda t: t[0]))
def test_churn_events_agree_with_the_customers_status_and_day(engine, events):
    # Each customer is stored with a status; a churned one on a day 3..300 days after signing (never
    # after TODAY). The event is on that day shifted by -3..3 days. An event of a customer not stored as
    # churned is "churn of a current customer"; one on another day than the stored churn date is "churn
    # date differs"; an event on the stored day goes in (checks.check_churn_events).
    rows, expected, stored_days = [], set(), {}
    for i, (c, status, after, shift) in enumerate(events):
        day = min(_SIGNED[c] + dt.timedelta(days=after), TODAY - dt.timedelta(days=3))
        event = day + dt.timedelta(days=shift)
        stored_days[c] = (status, day if status == "churned" else None)
        rows.append([c, event.isoformat(), "100"])
        if status != "churned":
            expected.add((i + 2, "churn of a current customer"))
        elif shift != 0:
            expected.add((i + 2, "churn date differs"))
    content = _join(["customer_id", "churned_on", "arr_lost"], rows, ",")
    with _copy(engine) as e:
        with e.begin() as conn:
            for c, (status, day) in stored_days.items():
                conn.execute(update(m.Customer).where(m.Customer.external_id == c).values(status=status,
                                                                                         churned_on=day))
        if expected:
            _refused(e, "churn_events", content, expected)
            return
        _committed(e, "churn_events", content)
        with e.connect() as conn:
            ids = _customer_ids(conn)
            stored = {ids[r.customer_id]: r.churned_on for r in conn.execute(select(m.ChurnEvent))}
    assert stored == {c: day for c, (_, day) in stored_days.items()}


@_profile(20, 90)
@given(st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]),
                          st.sets(st.sampled_from(vocab.MATURITY_DIMENSIONS), min_size=1)),
                min_size=1, max_size=3, unique_by=lambda t: t[0]),
       st.booleans())
def test_a_self_assessment_answers_every_dimension(engine, respondents, r1_stored):
    # Each respondent's rows answer a random non-empty set of the four dimensions; r1 may already have all
    # four stored, which completes any subset. A respondent whose file rows and stored answers leave a
    # dimension out is refused once, on their first row (checks.check_complete_assessments).
    rows, expected = [], set()
    for who, dims in respondents:
        first = len(rows) + 2
        rows += [["2026 H1", "CS Italia", who, "manager", "2026-03-01 10:00", d, "2"]
                 for d in vocab.MATURITY_DIMENSIONS if d in dims]
        if len(dims) < len(vocab.MATURITY_DIMENSIONS) and not (who == "r1" and r1_stored):
            expected.add((first, "incomplete assessment"))
    content = _join(["round", "team", "respondent", "role", "submitted_at", "dimension", "stage"], rows, ",")
    with _copy(engine) as e:
        if r1_stored:
            assert commit_file(e, "assessments", _ANSWERS).committed
        if expected:
            _refused(e, "assessments", content, expected)
            return
        _committed(e, "assessments", content)
        with e.connect() as conn:
            per = {}
            for r in conn.execute(select(m.Assessment.respondent, m.AssessmentAnswer.dimension)
                                  .join(m.AssessmentAnswer, m.AssessmentAnswer.assessment_id == m.Assessment.id)):
                per.setdefault(r.respondent, set()).add(r.dimension)
    # After the import every respondent of the file answers all four dimensions.
    assert all(per[who] == set(vocab.MATURITY_DIMENSIONS) for who, _ in respondents)


# 9. Workbooks whose <dimension> is wrong ------------------------------------------------------------

def _xlsx(rows: list[list], dimension: str) -> bytes:
    """A workbook of ``rows`` whose sheet's ``<dimension ref>`` is rewritten to ``dimension``."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
                assert n == 1
            dst.writestr(item, data)
    return out.getvalue()


_COLUMNS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2)
_DIMENSIONS = st.one_of(st.sampled_from(["A1", "A1:A1", "B2:C3", "A1:B1", "G7"]),
                        st.builds(lambda c, r: f"A1:{c}{r}", _COLUMNS, st.integers(1, 100_000)))
_NAMES = st.text("abcdefghijklmnopqrstuvwxyzàèéìòù' -ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=30).map(
    str.strip).filter(bool)


@_profile(12, 60)
@given(_DIMENSIONS, st.lists(st.tuples(_NAMES, st.sampled_from(["SMB", "Mid-Market", "Enterprise"]),
                                       st.dates(dt.date(2010, 1, 1), TODAY), st.integers(0, 10**7)),
                             min_size=1, max_size=8))
def test_xlsx_with_a_wrong_dimension_is_read_whole(engine, dimension, customers):
    rows = [["customer_id", "name", "segment", "region", "signed_on", "arr"],
            *[[f"X{i}", name, seg, "Italy", day, arr] for i, (name, seg, day, arr) in enumerate(customers)]]
    with _copy(engine) as e:
        report = _committed(e, "customers", _xlsx(rows, dimension), name="c.xlsx")
        assert report.inserted == len(customers)
        with e.connect() as conn:
            stored = {r.external_id: (r.name, r.segment, r.signed_on, r.arr) for r in conn.execute(
                select(m.Customer).where(m.Customer.external_id.like("X%")))}
    assert stored == {f"X{i}": (name, seg, day, float(arr)) for i, (name, seg, day, arr) in enumerate(customers)}


# 10. Long fields and NUL bytes ---------------------------------------------------------------------

#: The text fields of an NPS answer with their limits (entities.ENTITIES["nps_responses"]).
_LIMITS = {"comment": MAX_TEXT_CHARS, "follow_up_note": MAX_TEXT_CHARS, "follow_up_owner": 120, "language": 8}


_ROWS = st.tuples(st.one_of(st.none(), st.sampled_from(sorted(_LIMITS))),  # the field over its limit, if any
                  st.sampled_from([1, 2, 500, 131_073]),  # by how much: 131,073 is over csv's default too
                  st.one_of(st.none(), st.integers(0, 40)))  # where the comment holds a NUL, if it does


def _answer(i: int, long: str | None, over: int, nul: int | None) -> dict[str, str]:
    """The text fields of answer ``i``: ``long`` written ``over`` characters past its limit, a NUL
    at ``nul`` in the comment."""
    cells = {"comment": f"answer {i}: a comment long enough to keep NUL bytes rare", "follow_up_note": "call back",
             "follow_up_owner": "Anna", "language": "it"}
    if long:
        cells[long] = "x" * (_LIMITS[long] + over)
    if nul is not None:
        cells["comment"] = cells["comment"][:nul] + "\x00" + cells["comment"][nul:]
    return cells


@_profile(12, 60)
@given(st.lists(_ROWS, min_size=1, max_size=5))
def test_long_fields_are_refused_by_row_and_nul_bytes_removed(engine, answers):
    header = ["responded_on", "score", *sorted(_LIMITS)]
    texts = [_answer(i, *a) for i, a in enumerate(answers)]
    rows = [[f"2026-05-{i + 1:02d}", "9", *[c[n] for n in sorted(_LIMITS)]] for i, c in enumerate(texts)]
    content = _join(header, rows, ",")
    nul_rows = [i + 2 for i, (_, _, nul) in enumerate(answers) if nul is not None]
    faulty = {(i + 2, "too long") for i, (long, _, _) in enumerate(answers) if long}
    with _copy(engine) as e:
        report = dry_file(e, "nps_responses", content)
        assert report.rows == len(answers)  # the file is read, whatever the lengths
        # readers._read_csv_text: one note names the lines that held a NUL (a row is one line here).
        notes = [n for n in report.notes if "NUL" in n]
        if nul_rows:
            assert len(notes) == 1 and notes[0].split(": line")[1].split(". ")[0].lstrip("s ") == ", ".join(
                map(str, nul_rows)), notes
        else:
            assert notes == []
        if faulty:
            _refused(e, "nps_responses", content, faulty)
            return
        _committed(e, "nps_responses", content)
        with e.connect() as conn:
            stored = conn.execute(select(m.NpsResponse.comment).order_by(m.NpsResponse.responded_on)).scalars().all()
    assert stored == [c["comment"].replace("\x00", "") for c in texts]
