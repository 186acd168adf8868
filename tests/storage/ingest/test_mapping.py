"""Mapping: common export headers are recognised; a chosen mapping wins and can be saved."""

from __future__ import annotations

import pytest

from cs_metrics.storage import ingest
from tests.storage.ingest.conftest import commit_file, dry_file


def test_auto_mapping_knows_common_export_headers():
    mapping = ingest.auto_mapping("customers", ["Account ID", "Account Name", "Tier", "Territory", "Close Date",
                                                "ARR", "Account Owner", "Notes"])
    assert mapping == {"customer_id": "Account ID", "name": "Account Name", "segment": "Tier",
                       "region": "Territory", "industry": None, "owner": "Account Owner", "plan": None,
                       "signed_on": "Close Date", "contract_term_months": None, "renewal_date": None,
                       "arr": "ARR", "status": None, "churned_on": None}


def test_a_chosen_mapping_wins_and_can_be_saved(engine):
    content = "ID;Nome;Gestore;Seg;Reg;Firmato\nC7;Neri;Anna;SMB;Italy;2025-03-03\n"
    mapping = {"customer_id": "ID", "name": "Nome", "owner": "Gestore", "segment": "Seg", "region": "Reg",
               "signed_on": "Firmato"}
    assert not dry_file(engine, "customers", content).ok
    ingest.save_mapping(engine, "customers", "Gestionale", mapping, who="anna")
    ingest.save_mapping(engine, "customers", "Gestionale", mapping)  # saving again replaces
    saved = ingest.saved_mappings(engine, "customers")
    assert list(saved) == ["Gestionale"] and saved["Gestionale"] == mapping
    assert commit_file(engine, "customers", content, mapping=saved["Gestionale"]).committed
    with pytest.raises(ingest.DataError, match="name"):
        ingest.save_mapping(engine, "customers", " ", mapping)
    with pytest.raises(ingest.DataError, match="no field"):
        ingest.save_mapping(engine, "customers", "x", {"colour": "A"})


def test_mapping_to_a_missing_column(engine):
    # A required field mapped to a column the file lacks is a problem; an optional one is left out.
    report = dry_file(engine, "teams", "team,department\nA,B\n", mapping={"department": "Reparto"})
    assert report.problem_counts == {"missing column": 1}
    report = dry_file(engine, "teams", "team,department\nA,B\n", mapping={"kind": "Tipo"})
    assert report.ok and report.notes == ["The mapping's column 'Tipo' for kind is not in this file; kind is left as it is."]
