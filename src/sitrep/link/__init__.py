"""Cross-document linking on the store: near duplicates and spun copies, syndication chains,
stories, canonical events and source profiles.

Each module does one job; :func:`sitrep.link.update.update_links` runs them, in order, on the
documents that have not been linked yet (the ingest loop calls it once per run).
"""

from __future__ import annotations

from typing import Any

__all__ = ["LinkReport", "update_links"]


def __getattr__(name: str) -> Any:
    # Imported lazily: the update module pulls in numpy, scipy and datasketch.
    if name in __all__:
        from sitrep.link import update

        return getattr(update, name)
    raise AttributeError(name)
