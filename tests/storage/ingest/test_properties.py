"""Property tests that throw thousands of malformed files at every entity: they never escape as
exceptions and never write."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_metrics.storage import ingest
from tests.storage.ingest.conftest import (
    CUSTOMERS,
    ENTITY_FILES,
    PROFILE,
    TODAY,
    commit_file,
    new_engine,
    table_counts,
)

_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "11", "-1", "1e400", "NaN", "31/02/2026", "2099-01-01", "0000-00-00", "C1", "C404",
                     "=cmd|' /C calc'!A0", "@SUM(1)", "\"", "\"\"", ";", ",", "\t", "\n", "1.234,5", "1,234.5",
                     "sì", "x" * 5000, "\x00", "\ufeff", "é", "Enterprise", "culture", "usage", "CS Italia"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


@st.composite
def malformed_files(draw, entity: str) -> tuple[bytes, str]:
    spec = ingest.ENTITIES[entity]
    how = draw(st.sampled_from(["cells", "cells", "cells", "bytes", "truncated", "missing_column"]))
    if how == "bytes":
        return draw(st.binary(max_size=400)), draw(st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f.bin", "f"]))
    names = [f.name for f in spec.fields]
    if how == "missing_column":
        drop = draw(st.sampled_from(spec.required))
        names = [n for n in names if n != drop]
    else:
        names = draw(st.permutations(names))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(_CELLS, min_size=len(names), max_size=len(names)), min_size=1, max_size=6))
    if how != "missing_column":
        # Guarantee at least one problem: a required value left empty on the first row, so that
        # a truncated file still holds it (or loses the header or the row, which is a problem too).
        target = names.index(draw(st.sampled_from(spec.required)))
        rows[0][target] = ""
        # A row with nothing in it is a blank line, which the importer rightly skips: keep one
        # other cell of that row filled so that the row, and its empty required value, count.
        others = [i for i in range(len(names)) if i != target]
        if others and all(not str(rows[0][i]).strip() for i in others):
            rows[0][others[0]] = "x"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(names)
    writer.writerows(rows)
    body = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = body.encode(encoding, errors="replace")
    if how == "truncated":
        data = data[: draw(st.integers(0, len(data)))]
    return data, "f.csv"


@pytest.fixture(scope="module")
def property_engine(tmp_path_factory):
    engine = new_engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}")
    assert commit_file(engine, "customers", CUSTOMERS).committed
    assert commit_file(engine, "teams", "team,department\nCS Italia,Customer Success\n").committed
    assert commit_file(engine, "meetings", ENTITY_FILES["meetings"]).committed
    yield engine
    engine.dispose()


@pytest.mark.parametrize("entity", list(ingest.ENTITIES))
def test_malformed_files_never_raise_and_never_write(property_engine, entity):
    before = table_counts(property_engine)

    @settings(settings.get_profile(PROFILE))
    @given(malformed_files(entity))
    def check(file):
        data, name = file
        report = ingest.commit(property_engine, entity, data, filename=name, today=TODAY)
        assert not report.committed
        assert not report.ok
        assert "internal" not in report.problem_counts, report.problems
        assert table_counts(property_engine) == before

    check()


@settings(settings.get_profile(PROFILE))
@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.xlsx", "a.zip", "a.tsv", "a"]),
       st.sampled_from([*ingest.ENTITIES, ingest.ARCHIVE]))
def test_arbitrary_bytes_only_ever_give_a_report(property_engine, data, name, entity):
    report = ingest.dry_run(property_engine, entity, data, filename=name, today=TODAY)
    assert isinstance(report, ingest.ImportReport)
    assert "internal" not in report.problem_counts, report.problems
