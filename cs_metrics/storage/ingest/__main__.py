"""``python -m cs_metrics.storage.ingest``: see ``cs_metrics.storage.ingest.cli``."""

from cs_metrics.storage.ingest.cli import main

raise SystemExit(main())
