"""The embedded store (DuckDB)."""

from sitrep.store.db import Store, WriteResult

__all__ = ["Store", "WriteResult"]
