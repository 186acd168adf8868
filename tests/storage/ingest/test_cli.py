"""The command line: ``python -m cs_metrics.storage.ingest`` and its exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from cs_metrics.storage import db, ingest
from cs_metrics.storage.queries.access import audit_events
from tests.conftest import ROOT
from tests.storage.ingest.conftest import CUSTOMERS, table_counts


def test_cli_as_a_module_imports_and_exits_zero(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    good = tmp_path / "clienti.csv"
    good.write_bytes(CUSTOMERS.replace(",", ";").encode("cp1252"))
    proc = subprocess.run([sys.executable, "-m", "cs_metrics.storage.ingest", "customers", str(good),
                           "--database-url", url, "--who", "cli"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "inserted 2" in proc.stdout
    engine = db.make_engine(url)
    assert table_counts(engine)["customer"] == 2
    # The audit trail names the person the command gave (--who) and the two new customers.
    trail = audit_events(engine)
    assert trail[["actor", "actor_role", "action", "outcome", "records", "summary"]].values.tolist() == [
        ["cli", "admin", "data.import", "done", "Customers: clienti.csv (command line)",
         "2 added, 0 updated, 0 unchanged"]]
    engine.dispose()


def test_cli_dry_run_failure_and_unknown_mapping(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    good = tmp_path / "clienti.csv"
    good.write_bytes(CUSTOMERS.replace(",", ";").encode("cp1252"))
    assert ingest.main(["customers", str(good), "--dry-run", "--database-url", url]) == 0
    assert "would insert 2" in capsys.readouterr().out
    engine = db.make_engine(url)
    assert table_counts(engine)["customer"] == 0  # a dry run writes nothing
    assert ingest.main(["customers", str(good), "--database-url", url]) == 0
    bad = tmp_path / "nps.csv"
    bad.write_text("responded_on,score,customer_id\n2026-05-01,11,C1\n2026-05-01,5,NOPE\n")
    capsys.readouterr()
    assert ingest.main(["nps_responses", str(bad), "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert "2 problems" in err and "2\tscore\t11\t" in err and "3\tcustomer_id\tNOPE\t" in err
    assert table_counts(engine)["nps_response"] == 0
    assert ingest.main(["customers", str(good), "--mapping", "nothing", "--database-url", url]) == 1
    assert "No saved mapping 'nothing'" in capsys.readouterr().err
    ingest.save_mapping(engine, "customers", "crm", {"owner": "Responsabile"})
    assert ingest.main(["customers", str(good), "--mapping", "crm", "--database-url", url]) == 0
    assert ingest.main(["teams", str(tmp_path / "missing.csv"), "--database-url", url]) == 1
    assert ingest.main(["teams", str(good), "--database-url", "mysql://x/y"]) == 2
    engine.dispose()


def test_cli_mapping_file_and_new_values(tmp_path, capsys):
    import json

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    snapshot = tmp_path / "snapshot.csv"
    snapshot.write_text("customerID,tenure,Contract,MonthlyCharges,Churn\n"
                        "7590-VHVEG,1,Month-to-month,29.85,No\n5575-GNVDE,34,One year,56.95,Yes\n")
    spec = tmp_path / "telco.json"
    spec.write_text(json.dumps({"fields": {
        "name": {"column": "customerID"}, "segment": {"column": "Contract"}, "region": {"constant": "North America"},
        "signed_on": {"derive": "months_before", "column": "tenure", "date": "2026-10-31"},
        "arr": {"derive": "times", "column": "MonthlyCharges", "factor": 12},
        "churned_on": {"constant": "2026-10-31", "when": {"column": "Churn", "in": ["Yes"]}}}}))
    args = ["customers", str(snapshot), "--mapping-file", str(spec), "--database-url", url]
    assert ingest.main(args) == 1
    err = capsys.readouterr().err
    assert "segment 'Month-to-month' is not in your segments (1 row)" in err
    assert "2 new value(s) for segment: add them with --add-new-values." in err
    assert ingest.main([*args, "--dry-run", "--add-new-values"]) == 0
    assert "would insert 2" in capsys.readouterr().out
    assert ingest.main([*args, "--add-new-values"]) == 0
    out = capsys.readouterr().out
    assert "inserted 2" in out and "note: 2 new values for your segments, added with the import" in out
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT external_id, segment, signed_on, arr, status FROM customer "
                                 "ORDER BY external_id")).all()
    # 2026-10-31 minus 34 months is 2023-12-31; minus 1 month 2026-09-30. 56.95 x 12 = 683.4; 29.85 x 12 = 358.2.
    assert [tuple(r) for r in rows] == [("5575-GNVDE", "One year", "2023-12-31", 683.4, "churned"),
                                        ("7590-VHVEG", "Month-to-month", "2026-09-30", 358.2, "active")]
    engine.dispose()
    bad = tmp_path / "bad.json"
    bad.write_text('{"fields": {"arr": {"column": "x", "factor": 12}}}')
    assert ingest.main(["customers", str(snapshot), "--mapping-file", str(bad), "--database-url", url]) == 1
    assert '"date" and "factor" belong to a rule with "derive"' in capsys.readouterr().err
    assert ingest.main(["customers", str(snapshot), "--mapping-file", str(tmp_path / "none.json"),
                        "--database-url", url]) == 1
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # one mapping or the other, not both
        ingest.main([*args, "--mapping", "x"])
