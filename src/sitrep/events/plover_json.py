"""PLOVER JSONL export: sitrep events in the field layout of the PLOVER manual's data records,
so the output can be compared with POLECAT and other PLOVER-coded data."""

from __future__ import annotations

from typing import Any

from sitrep.records import Document, Event


def _actor(part: Any) -> list[dict[str, Any]]:
    if not part:
        return []
    return [{"actorText": part.get("text"), "code": part.get("code"), "sector": part.get("sector"), "actor_id": part.get("actor_id")}]


def to_plover(event: Event, document: Document) -> dict[str, Any]:
    """One PLOVER record: event, mode, context, source/target actors, the sentence with the
    character offsets of the evidence (``text_info``) and where it was published (``cite_info``)."""
    evidence = dict(event.evidence)
    return {
        "id": event.id,
        "date": event.date,
        "date_precision": event.date_precision,
        "event": event.type,
        "mode": event.mode or "",
        "context": list(event.context),
        "source": _actor(event.actor),
        "target": _actor(event.recipient),
        "text": evidence.get("sentence"),
        "text_info": {"doc_id": event.doc_id, "start": evidence.get("start"), "end": evidence.get("end")},
        "cite_info": {
            "url": document.url,
            "source": document.source,
            "title": document.title,
            "published": document.published,
            "origin": document.origin,
        },
        "location": dict(event.location) if event.location else None,
        "quantity": dict(event.quantity) if event.quantity else None,
        "factuality": event.factuality,
        "confidence": event.confidence,
        "language": document.language or "en",
    }
