"""``python -m cs_metrics.storage.demo``: see ``cs_metrics.storage.demo.cli``."""

from cs_metrics.storage.demo.cli import main

raise SystemExit(main())
