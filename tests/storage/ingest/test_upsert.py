"""Upserts: an import updates only what the file gives."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cs_metrics.storage import models as m
from tests.storage.ingest.conftest import commit_file


def test_updates_only_what_the_file_gives(engine):
    # C1 exists with industry empty and ARR 12000; the file changes ARR only (no industry column).
    report = commit_file(engine, "customers", "Codice cliente;ARR;Ragione sociale;Segmento;Regione;Data firma\n"
                                              "C1;13.500,00;Rossi Logistica;SMB;Italy;15/01/2025\n")
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    assert commit_file(engine, "customers", "customer_id,industry\nC1,Logistics\n").problem_counts["missing column"] == 4
    with engine.connect() as conn:
        row = conn.execute(select(m.Customer).where(m.Customer.external_id == "C1")).one()
    assert (row.arr, row.renewal_date, row.contract_term_months) == (13500.0, dt.date(2027, 1, 15), 12)
