"""Read queries for events, statements, relations and stories (lists, details, full scans).

Lists page with the same opaque keyset cursors as documents (:mod:`sitrep.store.queries`):
``[day, id]`` of the last row, newest day first, so rows stored between two page fetches never
make a row repeat or go missing. ``iter_*`` functions stream every matching row for exports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from sitrep.errors import NotFound
from sitrep.store.db import EVENT_COLUMNS, Store
from sitrep.store.filters import TABLES, Filters, quad_case, where, where_sql
from sitrep.store.queries import (
    Page, _check_limit, _rows, decode_cursor, encode_cursor, fetch_page, keyset_after, stream_rows,
)
from sitrep.store.sql import Where, marks, offset_page

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


# -- what events and statements share ------------------------------------------------------------
@dataclass(frozen=True)
class _Records:
    """A dated record table as the lists read it: its name (also the cursor's kind and the
    API path), its id column, its SELECT and the reader of one row."""

    table: str
    id_column: str
    select: Callable[[], str]
    row: Callable[[Sequence[Any]], dict[str, Any]]

    def ordered(self, clauses: Sequence[str]) -> str:
        """The SELECT with ``clauses``, in list order: newest day first, then id."""
        return f"{self.select()} {where_sql(clauses)} ORDER BY day DESC NULLS LAST, {self.id_column}"


def _list_records(rec: _Records, store: Store, filters: Filters | None, limit: int, cursor: str | None) -> Page:
    _check_limit(limit)
    clauses, params = where(rec.table, filters)
    after, after_params = keyset_after(rec.table, TABLES[rec.table].day, rec.id_column, cursor)
    rows, more = fetch_page(store, rec.ordered(clauses + after), params + after_params, limit)
    items = [rec.row(r) for r in rows]
    next_cursor = encode_cursor(rec.table, [items[-1]["day"], items[-1]["id"]]) if more else None
    return Page(items=items, next_cursor=next_cursor)


def _iter_records(rec: _Records, store: Store, filters: Filters | None, chunk: int) -> Iterator[dict[str, Any]]:
    clauses, params = where(rec.table, filters)
    return stream_rows(store, rec.ordered(clauses), params, rec.row, chunk)


def _record(rec: _Records, store: Store, record_id: str) -> dict[str, Any]:
    rows = _rows(store, f"{rec.select()} WHERE {rec.id_column} = ?", [record_id])
    if not rows:
        raise NotFound(f"no {rec.table[:-1]} with this id; list {rec.table} with /api/{rec.table}", input=record_id)
    return rec.row(rows[0])


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


_EVENTS = _Records("events", "e.id", _event_select, _event_row)


def list_events(store: Store, filters: Filters | None = None, *, limit: int = 50, cursor: str | None = None) -> Page:
    """One page of events matching ``filters``, newest day first (the event's day, else its
    document's publication day), each with its quad class and a summary of its document."""
    return _list_records(_EVENTS, store, filters, limit, cursor)


def iter_events(store: Store, filters: Filters | None = None, *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching event, in list order, fetched ``chunk`` rows at a time on a cursor of its
    own (the query runs before the first row is asked for, so bad input raises here)."""
    return _iter_records(_EVENTS, store, filters, chunk)


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """One event with its document summary; :class:`NotFound` when not stored."""
    return _record(_EVENTS, store, event_id)


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


_STATEMENTS = _Records("statements", "s.id", _statement_select, _statement_row)


def list_statements(store: Store, filters: Filters | None = None, *, limit: int = 50, cursor: str | None = None) -> Page:
    """One page of statements matching ``filters`` (``actor`` is the speaker's code), newest
    day first, each with a summary of its document."""
    return _list_records(_STATEMENTS, store, filters, limit, cursor)


def iter_statements(store: Store, filters: Filters | None = None, *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching statement, in list order, streamed like :func:`iter_events`."""
    return _iter_records(_STATEMENTS, store, filters, chunk)


def statement_detail(store: Store, statement_id: str) -> dict[str, Any]:
    """One statement with its document summary and its relations; :class:`NotFound` if absent."""
    data = _record(_STATEMENTS, store, statement_id)
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
    return {r["id"]: r for r in map(_statement_row, _rows(store, f"{_statement_select()} WHERE s.id IN ({marks(ids)})", list(ids)))}


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
    w = Where().when(kind, "r.kind = ?")
    if clauses:
        matching = f"SELECT s.id FROM {TABLES['statements'].source_sql} {where_sql(clauses)}"
        w.add(f"(r.a IN ({matching}) OR r.b IN ({matching}))", *params, *params)
    if cursor:
        w.add("(r.kind, r.a, r.b) > (?, ?, ?)", *decode_cursor("relations", cursor, 3))
    sql = f"SELECT {', '.join('r.' + c for c in RELATION_COLUMNS)} FROM relations r {w.sql()} ORDER BY r.kind, r.a, r.b"
    rows, more = fetch_page(store, sql, w.params, limit)
    items = [dict(zip(RELATION_COLUMNS, r)) for r in rows]
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
        f"{where_sql(clauses)} GROUP BY ALL ORDER BY st.last_seen DESC NULLS LAST, st.id"
    )
    rows, more = fetch_page(store, sql, params, limit, offset)
    return offset_page([dict(zip(STORY_COLUMNS, r)) for r in rows], offset=offset, limit=limit, more=more)


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
        relations = [dict(zip(RELATION_COLUMNS, r)) for r in _rows(
            store, f"SELECT {', '.join(RELATION_COLUMNS)} FROM relations WHERE a IN ({marks(ids)}) OR b IN ({marks(ids)}) "
                   "ORDER BY kind, a, b", ids + ids)]
        others = statements_by_id(store, sorted({r[k] for r in relations for k in ("a", "b")} - set(ids)))
        mine = {s["id"]: s for s in data["statements"]}
        for r in relations:
            r["a_record"] = mine.get(r["a"]) or others.get(r["a"])
            r["b_record"] = mine.get(r["b"]) or others.get(r["b"])
    data["relations"] = relations
    return data
