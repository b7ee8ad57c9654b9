"""Exports that need more than one table: events as PLOVER JSONL with their documents.

By default one record per canonical event (a happening, with every report of it under
``sources``); with ``mentions=True`` one record per event mention, as coded in each document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitrep.errors import StoreError

#: Factuality values of events that are reported as having happened. Denied, future and
#: hypothetical events are kept in the store but never counted as happened.
HAPPENED = ("asserted", "reported")


def _actor(part: Any) -> list[dict[str, Any]]:
    if not part:
        return []
    return [{"actorText": part.get("text"), "code": part.get("code"), "sector": part.get("sector"), "actor_id": part.get("actor_id")}]


def canonical_to_plover(event: dict[str, Any]) -> dict[str, Any]:
    """One PLOVER record for a canonical event (from :func:`sitrep.link.queries.query_canonical_events`):
    the first report's sentence and actors, the merged codes and date, and every report under ``sources``."""
    mentions = event["mentions"]
    first = mentions[0] if mentions else {}
    evidence = first.get("evidence") or {}
    actor = dict(first.get("actor") or {}) or None
    recipient = dict(first.get("recipient") or {}) or None
    if actor is not None or event["actor_code"]:
        actor = {**(actor or {}), "code": event["actor_code"]}
    if recipient is not None or event["recipient_code"]:
        recipient = {**(recipient or {}), "code": event["recipient_code"]}
    return {
        "id": event["id"],
        "date": event["event_day"],
        "date_precision": event["date_precision"],
        "event": event["type"],
        "mode": event["mode"] or "",
        "source": _actor(actor),
        "target": _actor(recipient),
        "text": evidence.get("sentence"),
        "text_info": {"doc_id": first.get("doc_id"), "start": evidence.get("start"), "end": evidence.get("end")},
        "location": event["location"],
        "factuality": event["factuality"],
        "num_sources": event["num_sources"],
        "num_mentions": event["num_mentions"],
        "first_report": event["first_report"],
        "last_report": event["last_report"],
        "story_id": event["story_id"],
        "sources": [
            {
                "event_id": m["event_id"],
                "text": (m.get("evidence") or {}).get("sentence"),
                "text_info": {"doc_id": m["doc_id"], "start": (m.get("evidence") or {}).get("start"),
                              "end": (m.get("evidence") or {}).get("end")},
                "cite_info": {"url": m["url"], "source": m["source"], "title": m["title"], "published": m["published"]},
            }
            for m in mentions
        ],
    }


def export_plover(store, out: str | Path, *, include_unrealised: bool = False, mentions: bool = False) -> int:
    """Write events as PLOVER JSON lines: canonical events, or every mention with ``mentions``;
    returns the number written."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    factuality = None if include_unrealised else HAPPENED
    if mentions:
        from sitrep.events.plover_json import to_plover

        records = [to_plover(e, d) for e, d in store.query_events(limit=None, factuality=factuality)]
    else:
        from sitrep.link.queries import query_canonical_events

        records = [canonical_to_plover(c) for c in query_canonical_events(store.con, limit=None, factuality=factuality)]
    try:
        with open(target, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise StoreError(f"cannot write export: {exc}", input=str(target)) from exc
    return len(records)
