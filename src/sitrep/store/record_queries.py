"""Read queries for events, statements, relations and stories (lists, details, full scans).

Lists page with the same opaque keyset cursors as documents (:mod:`sitrep.store.queries`):
``[day, id]`` of the last row, newest day first, so rows stored between two page fetches never
make a row repeat or go missing. ``iter_*`` functions stream every matching row for exports.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Sequence

from sitrep.errors import NotFound
from sitrep.store.db import EVENT_COLUMNS, Store
from sitrep.store.filters import TABLES, Filters, quad_case, where, where_sql
from sitrep.store.queries import (
    Page, _check_limit, _rows, decode_cursor, encode_cursor, keyset_after, stream_rows,
)

#: Event fields in lists: the record plus its day, quad class and document summary.
EVENT_LIST_COLUMNS = EVENT_COLUMNS + ("day", "quad_class", "doc_title", "doc_source", "doc_url", "doc_published")

#: Flat event columns for CSV (nested parts flattened to the fields analysts filter on).
EVENT_CSV_COLUMNS = (
    "id", "day", "type", "mode", "quad_class", "actor_text", "actor_code", "actor_sector", "recipient_text",
    "recipient_code", "recipient_sector", "date", "date_precision", "location_name", "location_country",
    "lat", "lon", "factuality", "confidence", "sentence", "evidence_start", "evidence_end", "doc_id",
    "doc_title", "doc_source", "doc_url",
)

#: Numeric columns of the flat event and statement rows (Parquet types; the rest are strings).
CSV_NUMERIC = {"confidence": "float", "lat": "float", "lon": "float", "evidence_start": "int", "evidence_end": "int"}

STATEMENT_COLUMNS = (
    "id", "doc_id", "speaker", "via", "cue", "stance", "kind", "content", "proposition", "date", "evidence",
)
STATEMENT_LIST_COLUMNS = STATEMENT_COLUMNS + ("day", "doc_title", "doc_source", "doc_url", "doc_published")
STATEMENT_CSV_COLUMNS = (
    "id", "day", "speaker_name", "speaker_code", "speaker_sector", "via_names", "cue", "stance", "kind",
    "content_text", "sentence", "evidence_start", "evidence_end", "doc_id", "doc_title", "doc_source", "doc_url",
)

RELATION_COLUMNS = ("kind", "a", "b", "score", "explanation", "created_at")
STORY_COLUMNS = ("id", "title", "first_seen", "last_seen", "documents")

_JSON_EVENT = ("actor", "recipient", "location", "quantity", "evidence")
_JSON_STATEMENT = ("speaker", "via", "cue", "content", "proposition", "evidence")


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- events --------------------------------------------------------------------------------------
def _event_select() -> str:
    spec = TABLES["events"]
    cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    return (
        f"SELECT {cols}, {spec.day} AS day, {quad_case('e.type')} AS quad_class, d.title, d.source, d.url, d.published "
        f"FROM {spec.source_sql}"
    )


def _event_row(row: Sequence[Any]) -> dict[str, Any]:
    data = dict(zip(EVENT_LIST_COLUMNS, row))
    for key in _JSON_EVENT:
        data[key] = _loads(data[key])
    data["context"] = list(data["context"] or [])
    data["day"] = _iso(data["day"])
    data["document"] = {k: data.pop(f"doc_{k}") for k in ("title", "source", "url", "published")}
    return data


def event_csv_row(event: dict[str, Any]) -> dict[str, Any]:
    """An event dict from :func:`list_events` flattened to :data:`EVENT_CSV_COLUMNS`."""
    actor, recipient = event.get("actor") or {}, event.get("recipient") or {}
    location, evidence = event.get("location") or {}, event.get("evidence") or {}
    doc = event.get("document") or {}
    return {
        **{k: event.get(k) for k in ("id", "day", "type", "mode", "quad_class", "date", "date_precision",
                                      "factuality", "confidence", "doc_id")},
        "actor_text": actor.get("text"), "actor_code": actor.get("code"), "actor_sector": actor.get("sector"),
        "recipient_text": recipient.get("text"), "recipient_code": recipient.get("code"),
        "recipient_sector": recipient.get("sector"),
        "location_name": location.get("name") or location.get("text"), "location_country": location.get("country"),
        "lat": location.get("lat"), "lon": location.get("lon"),
        "sentence": evidence.get("sentence"), "evidence_start": evidence.get("start"),
        "evidence_end": evidence.get("end"),
        "doc_title": doc.get("title"), "doc_source": doc.get("source"), "doc_url": doc.get("url"),
    }


def _page(kind: str, sql: str, params: list[Any], limit: int, store: Store, convert) -> Page:
    rows = _rows(store, f"{sql} LIMIT {int(limit) + 1}", params)
    more = len(rows) > limit
    items = [convert(r) for r in rows[:limit]]
    cursor = encode_cursor(kind, [items[-1]["day"], items[-1]["id"]]) if more else None
    return Page(items=items, next_cursor=cursor)


def list_events(store: Store, filters: Filters | None = None, *, limit: int = 50, cursor: str | None = None) -> Page:
    """One page of events matching ``filters``, newest day first (the event's day, else its
    document's publication day), each with its quad class and a summary of its document."""
    _check_limit(limit)
    spec = TABLES["events"]
    clauses, params = where("events", filters)
    more, more_params = keyset_after("events", spec.day, "e.id", cursor)
    sql = f"{_event_select()} {where_sql(clauses + more)} ORDER BY day DESC NULLS LAST, e.id"
    return _page("events", sql, params + more_params, limit, store, _event_row)


def iter_events(store: Store, filters: Filters | None = None, *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching event, in list order, fetched ``chunk`` rows at a time on a cursor of its
    own (the query runs before the first row is asked for, so bad input raises here)."""
    clauses, params = where("events", filters)
    sql = f"{_event_select()} {where_sql(clauses)} ORDER BY day DESC NULLS LAST, e.id"
    return stream_rows(store, sql, params, _event_row, chunk)


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """One event with its document summary; :class:`NotFound` when not stored."""
    rows = _rows(store, f"{_event_select()} WHERE e.id = ?", [event_id])
    if not rows:
        raise NotFound("no event with this id; list events with /api/events", input=event_id)
    return _event_row(rows[0])


# -- statements ----------------------------------------------------------------------------------
def _statement_select() -> str:
    spec = TABLES["statements"]
    cols = ", ".join(f"s.{c}" for c in STATEMENT_COLUMNS)
    return f"SELECT {cols}, {spec.day} AS day, d.title, d.source, d.url, d.published FROM {spec.source_sql}"


def _statement_row(row: Sequence[Any]) -> dict[str, Any]:
    data = dict(zip(STATEMENT_LIST_COLUMNS, row))
    for key in _JSON_STATEMENT:
        data[key] = _loads(data[key])
    data["via"] = data["via"] or []
    data["day"] = _iso(data["day"])
    data["document"] = {k: data.pop(f"doc_{k}") for k in ("title", "source", "url", "published")}
    return data


def statement_csv_row(st: dict[str, Any]) -> dict[str, Any]:
    """A statement dict flattened to :data:`STATEMENT_CSV_COLUMNS`."""
    speaker, content, evidence = st.get("speaker") or {}, st.get("content") or {}, st.get("evidence") or {}
    doc = st.get("document") or {}
    return {
        "id": st.get("id"), "day": st.get("day"), "speaker_name": speaker.get("text"),
        "speaker_code": speaker.get("code"), "speaker_sector": speaker.get("sector"),
        "via_names": "; ".join(str(v.get("text") or v.get("name") or "") for v in st.get("via") or []),
        "cue": (st.get("cue") or {}).get("text"), "stance": st.get("stance"), "kind": st.get("kind"),
        "content_text": content.get("text"), "sentence": evidence.get("sentence"),
        "evidence_start": evidence.get("start"), "evidence_end": evidence.get("end"), "doc_id": st.get("doc_id"),
        "doc_title": doc.get("title"), "doc_source": doc.get("source"), "doc_url": doc.get("url"),
    }


def list_statements(store: Store, filters: Filters | None = None, *, limit: int = 50, cursor: str | None = None) -> Page:
    """One page of statements matching ``filters`` (``actor`` is the speaker's code), newest
    day first, each with a summary of its document."""
    _check_limit(limit)
    spec = TABLES["statements"]
    clauses, params = where("statements", filters)
    more, more_params = keyset_after("statements", spec.day, "s.id", cursor)
    sql = f"{_statement_select()} {where_sql(clauses + more)} ORDER BY day DESC NULLS LAST, s.id"
    return _page("statements", sql, params + more_params, limit, store, _statement_row)


def iter_statements(store: Store, filters: Filters | None = None, *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching statement, in list order, streamed like :func:`iter_events`."""
    clauses, params = where("statements", filters)
    sql = f"{_statement_select()} {where_sql(clauses)} ORDER BY day DESC NULLS LAST, s.id"
    return stream_rows(store, sql, params, _statement_row, chunk)


def statement_detail(store: Store, statement_id: str) -> dict[str, Any]:
    """One statement with its document summary and its relations; :class:`NotFound` if absent."""
    rows = _rows(store, f"{_statement_select()} WHERE s.id = ?", [statement_id])
    if not rows:
        raise NotFound("no statement with this id; list statements with /api/statements", input=statement_id)
    data = _statement_row(rows[0])
    data["relations"] = [
        dict(zip(RELATION_COLUMNS, r))
        for r in _rows(store, f"SELECT {', '.join(RELATION_COLUMNS)} FROM relations WHERE a = ? OR b = ? "
                              "ORDER BY kind, score DESC NULLS LAST, a, b", [statement_id, statement_id])
    ]
    return data


def statements_by_id(store: Store, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Statements by id (unknown ids are left out)."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {r["id"]: r for r in map(_statement_row, _rows(store, f"{_statement_select()} WHERE s.id IN ({marks})", list(ids)))}


# -- relations -----------------------------------------------------------------------------------
def list_relations(
    store: Store,
    filters: Filters | None = None,
    *,
    kind: str | None = "contradicts",
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """One page of relations of ``kind`` (``None``: every kind) between statements, each with
    both statements in full (``a_record``, ``b_record``), ordered by (kind, a, b). A relation is kept
    when either side matches ``filters``; relations between other records are listed with
    ``a_record`` / ``b_record`` null."""
    _check_limit(limit)
    clauses, params = where("statements", filters)
    match = ""
    if clauses:
        spec = TABLES["statements"]
        match = (f"AND (r.a IN (SELECT s.id FROM {spec.source_sql} {where_sql(clauses)}) "
                 f"OR r.b IN (SELECT s.id FROM {spec.source_sql} {where_sql(clauses)}))")
        params = params + params
    kind_sql = "r.kind = ?" if kind else "TRUE"
    kind_params = [kind] if kind else []
    after, after_params = [], []
    if cursor:
        last = decode_cursor("relations", cursor, 3)
        after, after_params = ["(r.kind, r.a, r.b) > (?, ?, ?)"], list(last)
    sql = (f"SELECT {', '.join('r.' + c for c in RELATION_COLUMNS)} FROM relations r WHERE {kind_sql} {match} "
           f"{('AND ' + after[0]) if after else ''} ORDER BY r.kind, r.a, r.b LIMIT {int(limit) + 1}")
    rows = _rows(store, sql, kind_params + params + after_params)
    more = len(rows) > limit
    items = [dict(zip(RELATION_COLUMNS, r)) for r in rows[:limit]]
    records = statements_by_id(store, sorted({i[k] for i in items for k in ("a", "b")}))
    for item in items:
        item["a_record"], item["b_record"] = records.get(item["a"]), records.get(item["b"])
    next_cursor = encode_cursor("relations", [items[-1]["kind"], items[-1]["a"], items[-1]["b"]]) if more else None
    return Page(items=items, next_cursor=next_cursor)


# -- stories -------------------------------------------------------------------------------------
def list_stories(store: Store, filters: Filters | None = None, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Stories (articles about one happening), latest first, with their document count; a
    story is kept when one of its documents matches ``filters``."""
    _check_limit(limit)
    clauses, params = where("documents", filters)
    sql = (
        "SELECT st.id, st.title, st.first_seen, st.last_seen, count(sd.doc_id) AS documents "
        "FROM stories st JOIN story_documents sd ON sd.story_id = st.id JOIN documents d ON d.id = sd.doc_id "
        f"{where_sql(clauses)} GROUP BY ALL ORDER BY st.last_seen DESC NULLS LAST, st.id "
        f"LIMIT {int(limit) + 1} OFFSET {int(offset)}"
    )
    rows = _rows(store, sql, params)
    more = len(rows) > limit
    return {"items": [dict(zip(STORY_COLUMNS, r)) for r in rows[:limit]], "next_offset": offset + limit if more else None}


def story_detail(store: Store, story_id: str) -> dict[str, Any]:
    """One story with its documents (oldest first); :class:`NotFound` if absent."""
    rows = _rows(store, "SELECT id, title, first_seen, last_seen FROM stories WHERE id = ?", [story_id])
    if not rows:
        raise NotFound("no story with this id; list stories with /api/stories", input=story_id)
    data = dict(zip(("id", "title", "first_seen", "last_seen"), rows[0]))
    docs = _rows(store, "SELECT d.id, d.title, d.source, d.published FROM story_documents sd JOIN documents d "
                        "ON d.id = sd.doc_id WHERE sd.story_id = ? ORDER BY d.published NULLS LAST, d.id", [story_id])
    data["documents"] = [dict(zip(("id", "title", "source", "published"), r)) for r in docs]
    return data


def document_with_records(store: Store, doc_id: str) -> dict[str, Any]:
    """One document (see :func:`sitrep.store.queries.document_detail`) with every event and
    statement found in it, and the relations those statements take part in (each with the
    other side's statement), for the article reader."""
    from sitrep.store.queries import document_detail

    data = document_detail(store, doc_id)
    only = Filters(doc_id=data["id"])
    data["events"] = list(iter_events(store, only))
    data["statements"] = list(iter_statements(store, only))
    ids = [s["id"] for s in data["statements"]]
    relations: list[dict[str, Any]] = []
    if ids:
        marks = ", ".join("?" for _ in ids)
        relations = [dict(zip(RELATION_COLUMNS, r)) for r in _rows(
            store, f"SELECT {', '.join(RELATION_COLUMNS)} FROM relations WHERE a IN ({marks}) OR b IN ({marks}) "
                   "ORDER BY kind, a, b", ids + ids)]
        others = statements_by_id(store, sorted({r[k] for r in relations for k in ("a", "b")} - set(ids)))
        mine = {s["id"]: s for s in data["statements"]}
        for r in relations:
            r["a_record"] = mine.get(r["a"]) or others.get(r["a"])
            r["b_record"] = mine.get(r["b"]) or others.get(r["b"])
    data["relations"] = relations
    return data
