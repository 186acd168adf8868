"""The command line: ``python -m cs_metrics.storage.ingest`` and its exit codes."""

from __future__ import annotations

import subprocess
import sys

from cs_metrics.storage import db, ingest
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
