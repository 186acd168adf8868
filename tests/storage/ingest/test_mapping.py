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
    # A saved mapping comes back in the full form: each field's rule, no filter, no rows skipped.
    assert list(saved) == ["Gestionale"] and saved["Gestionale"] == {
        "fields": {field: {"column": column} for field, column in mapping.items()}, "filter": [],
        "skip_blank_required": False}
    assert commit_file(engine, "customers", content, mapping=saved["Gestionale"]).committed
    assert commit_file(engine, "customers", content, mapping=mapping).committed  # the older form still works
    with pytest.raises(ingest.DataError, match="name"):
        ingest.save_mapping(engine, "customers", " ", mapping)
    with pytest.raises(ingest.DataError, match="no field"):
        ingest.save_mapping(engine, "customers", "x", {"colour": "A"})


def test_mapping_to_a_missing_column(engine):
    # A required field mapped to a column the file lacks is a problem; an optional one is left out.
    report = dry_file(engine, "teams", "team,department\nA,B\n", mapping={"department": "Reparto"})
    assert report.problem_counts == {"missing column": 1}
    # (The department is one of the company's departments, so that the mapping is the only thing checked.)
    report = dry_file(engine, "teams", "team,department\nA,IT\n", mapping={"kind": "Tipo"})
    assert report.ok and report.notes == ["The mapping's column 'Tipo' for kind is not in this file; kind is left as it is."]


@pytest.mark.parametrize("header", ["customerID", "Customer ID", "customer_id", "CUSTOMER-ID", "  customer id "])
def test_headers_match_whatever_their_case_spaces_underscores_and_camel_case(header):
    assert ingest.auto_mapping("revenue", [header, "Month", "x"])["customer_id"] == header


def test_camel_case_headers_match_aliases():
    # "monthly charges" is an alias of mrr; "TotalCharges" matches nothing.
    assert ingest.auto_mapping("revenue", ["customerID", "BillingMonth", "MonthlyCharges", "TotalCharges"]) == {
        "customer_id": "customerID", "month": "BillingMonth", "mrr": "MonthlyCharges"}
    assert ingest.find_column("monthly_charges", ["MonthlyCharges", "TotalCharges"]) == "MonthlyCharges"
    assert ingest.find_column("charges", ["MonthlyCharges"]) is None


def test_an_older_mapping_reads_as_the_full_form():
    assert ingest.read_mapping("revenue", {"customer_id": "Cliente", "mrr": None}) == {
        "fields": {"customer_id": {"column": "Cliente"}, "mrr": None}, "filter": [], "skip_blank_required": False}
    # The full form comes back as it was given (conditions in one list, a lone one too).
    full = {"fields": {"mrr": {"derive": "times", "column": "Monthly", "factor": 12, "values": {"n/a": ""},
                               "when": {"column": "Kind", "not_in": ["trial"]}}},
            "filter": {"column": "Kind", "in": "paid"}, "skip_blank_required": True}
    assert ingest.read_mapping("revenue", full) == {
        "fields": {"mrr": {"column": "Monthly", "derive": "times", "factor": 12, "values": {"n/a": ""},
                           "when": {"column": "Kind", "not_in": ["trial"]}}},
        "filter": [{"column": "Kind", "in": ["paid"]}], "skip_blank_required": True}


@pytest.mark.parametrize(("spec", "says"), [
    ({"fields": {"colour": {"column": "A"}}}, "revenue has no field 'colour'"),
    ({"fields": {"mrr": {"column": "A", "constant": "1"}}}, "either a constant or a column"),
    ({"fields": {"mrr": {"constant": "1", "values": {"a": "b"}}}}, "a value map applies to a column"),
    ({"fields": {"mrr": {"derive": "times", "column": "A"}}}, 'needs a number "factor"'),
    ({"fields": {"month": {"derive": "months_before", "column": "A", "date": "31/10/2026"}}}, "YYYY-MM-DD"),
    ({"fields": {"mrr": {"colum": "A"}}}, "unknown key 'colum'"),
    ({"fields": {"mrr": {"column": "A", "when": {"column": "B"}}}}, '"in" or "not_in"'),
    ({"fields": {}, "filter": [{"column": "B", "in": []}]}, "at least one value"),
    ({"fields": {}, "skip_blank_required": "yes"}, "true or false"),
    ({"fields": {}, "sheet": 2}, "unknown key 'sheet'"),
    (["customer_id"], "JSON object"),
])
def test_a_mapping_written_wrongly_says_where_and_how(spec, says):
    with pytest.raises(ingest.DataError, match=says.replace("(", r"\(")):
        ingest.read_mapping("revenue", spec)


def test_mapping_files_round_trip_and_bad_json_says_where():
    spec = {"fields": {"mrr": {"derive": "times", "column": "Monthly", "factor": 12}}}
    text = ingest.mapping_json("revenue", spec)
    assert ingest.read_mapping_file("revenue", text.encode("utf-8")) == ingest.read_mapping("revenue", spec)
    with pytest.raises(ingest.DataError, match="line 1, column 12"):  # the "}" is the 12th character
        ingest.read_mapping_file("revenue", b'{"fields": }')


def test_a_saved_mapping_keeps_the_whole_spec(engine):
    spec = {"fields": {"customer_id": {"column": "customerID"}, "region": {"constant": "Italy"},
                       "segment": {"column": "Contract", "values": {"Month-to-month": "SMB"}}},
            "filter": [{"column": "Churn", "in": ["Yes"]}], "skip_blank_required": True}
    ingest.save_mapping(engine, "customers", "Telco", spec)
    assert ingest.saved_mappings(engine, "customers")["Telco"] == ingest.read_mapping("customers", spec)
