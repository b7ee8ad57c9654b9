"""Exports that need more than one table: events as PLOVER JSONL with their documents."""

from __future__ import annotations

import json
from pathlib import Path

from sitrep.errors import StoreError

#: Factuality values of events that are reported as having happened. Denied, future and
#: hypothetical events are kept in the store but never counted as happened.
HAPPENED = ("asserted", "reported")


def export_plover(store, out: str | Path, *, include_unrealised: bool = False) -> int:
    """Write every stored event as one PLOVER JSON line; returns the number written."""
    from sitrep.events.plover_json import to_plover

    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = store.query_events(limit=None, factuality=None if include_unrealised else HAPPENED)
    try:
        with open(target, "w", encoding="utf-8") as handle:
            for event, document in rows:
                handle.write(json.dumps(to_plover(event, document), ensure_ascii=False) + "\n")
    except OSError as exc:
        raise StoreError(f"cannot write export: {exc}", input=str(target)) from exc
    return len(rows)
