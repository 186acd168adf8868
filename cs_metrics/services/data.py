"""What the database holds, for the shell and the Data page: the dataset's origin (demo or
imported), the extent of the data, the filter options and the row counts."""

from __future__ import annotations

from cs_metrics.storage.db import dataset_meta
from cs_metrics.storage.queries import data_extent, filter_options, table_counts

__all__ = ["data_extent", "dataset_meta", "filter_options", "table_counts"]
