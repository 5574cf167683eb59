"""The embedded DuckDB store: schema (:mod:`.schema`), opening (:mod:`.connect`), atomic
multi-source loads (:mod:`.loads`), value history (:mod:`.history`) and queries
(:mod:`.queries`), behind one :class:`Store`."""

from chiso766.store.connect import StoreBusy, StoreError
from chiso766.store.core import IngestResult, Load, Source, Store
from chiso766.store.history import Change, summary_vi
from chiso766.store.paths import (
    ENV_VAR,
    LOCAL_TZ,
    default_store_path,
    demo_store_path,
    now_local,
    project_root,
    reports_dir,
    sha256_of,
)
from chiso766.store.queries import UnknownUnit
from chiso766.store.schema import MEASURE_COLUMNS, SCHEMA

__all__ = [
    "ENV_VAR",
    "LOCAL_TZ",
    "MEASURE_COLUMNS",
    "SCHEMA",
    "Change",
    "IngestResult",
    "Load",
    "Source",
    "Store",
    "StoreBusy",
    "StoreError",
    "UnknownUnit",
    "default_store_path",
    "demo_store_path",
    "now_local",
    "project_root",
    "reports_dir",
    "sha256_of",
    "summary_vi",
]
