"""Read queries over the store for the REST API and other readers.

Every function takes an open :class:`~sitrep.store.Store` and returns plain JSON-ready data
(dicts, lists, strings, numbers), so an edge (API route, CLI command) only parses its input,
calls one function here and serialises the result.

Lists of documents and mentions page with an opaque *keyset cursor*: the sort keys of the last
row returned, JSON-encoded and then base64url-encoded. The next page is "every row after these
keys in the sort order", so rows added between two page fetches never make a row repeat or go
missing (a row added before the cursor position is simply not seen by this walk; an offset
would instead shift every later row by one).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import duckdb

from sitrep.errors import InputRejected, NotFound, StoreError
from sitrep.records import to_dict
from sitrep.store.db import DOCUMENT_COLUMNS, Store
from sitrep.store.filters import Filters, where, where_sql
from sitrep.store.sql import Where, offset_page, page_sql, split_page

#: Columns of a document in lists when the full text is not asked for.
LIST_COLUMNS = tuple(c for c in DOCUMENT_COLUMNS if c != "text")

#: Columns of mention rows, in output order.
MENTION_COLUMNS = ("doc_id", "start", "end", "text", "label", "actor_id", "code", "sector")

#: Largest page any list returns.
MAX_LIMIT = 500


class QueryRejected(InputRejected):
    """A query parameter is malformed (a cursor that was not made by this API, say)."""

    code = "E422"


@dataclass(frozen=True, kw_only=True, slots=True)
class Page:
    """One page of a list: its rows and the cursor of the next page (None on the last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form ``{"items": [...], "next_cursor": ...}``."""
        return {"items": self.items, "next_cursor": self.next_cursor}


# -- cursors -----------------------------------------------------------------------------------
def encode_cursor(kind: str, keys: Sequence[Any]) -> str:
    """An opaque cursor for the row with sort ``keys`` in a list of ``kind``."""
    raw = json.dumps([kind, *keys], separators=(",", ":"), default=str).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str, arity: int) -> list[Any]:
    """The sort keys inside ``cursor``; :class:`QueryRejected` when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise QueryRejected("cursor is not valid; pass the next_cursor of a previous page", input=cursor) from exc
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != kind:
        raise QueryRejected(f"cursor does not belong to a {kind} list; pass the next_cursor of a previous page", input=cursor)
    return data[1:]


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryRejected(f"limit must be between 1 and {MAX_LIMIT}", input=str(limit))
    return limit


def _rows(store: Store, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    try:
        return store.con.execute(sql, list(params)).fetchall()
    except duckdb.ConversionException as exc:
        raise QueryRejected(f"a parameter has the wrong form: {exc}") from exc
    except duckdb.Error as exc:
        raise StoreError(f"query failed: {exc}", input=store.path) from exc


def fetch_page(store: Store, sql: str, params: Sequence[Any], limit: int,
               offset: int | None = None) -> tuple[list[tuple], bool]:
    """The rows of one page of ``sql`` (at most ``limit``, after ``offset``) and whether more follow."""
    return split_page(_rows(store, sql + page_sql(limit, offset), params), limit)


def _document_row(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    data = dict(zip(columns, row))
    data["authors"] = list(data.get("authors") or [])
    data["tags"] = list(data.get("tags") or [])
    if "quality" in data:
        data["quality"] = json.loads(data["quality"]) if data["quality"] else {}
    data.pop("published_day", None)  # a sort key, not part of the record
    return data


# -- documents ---------------------------------------------------------------------------------
def _document_where(
    *, source: str | None, since: str | None, until: str | None, q: str | None
) -> tuple[list[str], list[Any]]:
    return where("documents", Filters.of(source=source, since=since, until=until, q=q))


def keyset_after(kind: str, day_expr: str, id_expr: str, cursor: str | None) -> tuple[list[str], list[Any]]:
    """The clause selecting the rows after ``cursor`` in (day DESC NULLS LAST, id) order, for a
    list of ``kind`` (the cursor holds the last row's day and id)."""
    if not cursor:
        return [], []
    day, last_id = decode_cursor(kind, cursor, 2)
    if day is None:
        # Undated rows sort last; after an undated row only later ids remain.
        return [f"({day_expr} IS NULL AND {id_expr} > ?)"], [last_id]
    return (
        [f"({day_expr} < CAST(? AS DATE) OR ({day_expr} = CAST(? AS DATE) AND {id_expr} > ?) OR {day_expr} IS NULL)"],
        [day, day, last_id],
    )


def stream_rows(store: Store, sql: str, params: Sequence[Any], convert, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Every row of ``sql`` through ``convert``, fetched ``chunk`` rows at a time.

    The query runs on a cursor of its own, so a caller may stream it while the store answers
    other queries, and it runs now: a bad parameter or an unreadable store raises here, before
    a caller has started streaming. Close the returned generator (or exhaust it) to release
    the cursor.
    """
    cur = store.con.cursor()
    try:
        cur.execute(sql, list(params))
    except duckdb.Error as exc:
        cur.close()
        if isinstance(exc, duckdb.ConversionException):
            raise QueryRejected(f"a parameter has the wrong form: {exc}") from exc
        raise StoreError(f"query failed: {exc}", input=store.path) from exc
    return _fetch(cur, convert, chunk)


def _fetch(cur: duckdb.DuckDBPyConnection, convert, chunk: int) -> Iterator[dict[str, Any]]:
    try:
        while rows := cur.fetchmany(chunk):
            for row in rows:
                yield convert(row)
    finally:
        cur.close()


def list_documents(
    store: Store,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    with_text: bool = False,
) -> Page:
    """One page of documents matching every filter, newest first (published_day DESC, id).

    ``q`` matches title or text (case-insensitive substring). Documents omit ``text`` unless
    ``with_text``. ``cursor`` is the ``next_cursor`` of the previous page.
    """
    _check_limit(limit)
    clauses, params = _document_where(source=source, since=since, until=until, q=q)
    after, after_params = keyset_after("documents", "published_day", "id", cursor)
    columns = (LIST_COLUMNS if not with_text else DOCUMENT_COLUMNS) + ("published_day",)
    sql = f"SELECT {', '.join(columns)} FROM documents d {where_sql(clauses + after)} ORDER BY published_day DESC NULLS LAST, id"
    rows, more = fetch_page(store, sql, params + after_params, limit)
    next_cursor = None
    if more:
        last = dict(zip(columns, rows[-1]))
        day = last["published_day"]
        next_cursor = encode_cursor("documents", [day.isoformat() if day else None, last["id"]])
    return Page(items=[_document_row(columns, r) for r in rows], next_cursor=next_cursor)


def iter_documents(
    store: Store,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    q: str | None = None,
    chunk: int = 1000,
) -> Iterator[dict[str, Any]]:
    """Every matching document with its text, in list order, fetched ``chunk`` rows at a time
    (see :func:`stream_rows`)."""
    clauses, params = _document_where(source=source, since=since, until=until, q=q)
    sql = (f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents d {where_sql(clauses)} "
           "ORDER BY published_day DESC NULLS LAST, id")
    return stream_rows(store, sql, params, lambda row: _document_row(DOCUMENT_COLUMNS, row), chunk)


def document_detail(store: Store, doc_id: str) -> dict[str, Any]:
    """One document (id or unique 6+ character prefix) with its origins, mentions and time refs.

    Raises :class:`~sitrep.errors.NotFound` when no single document matches.
    """
    doc = store.get_document(doc_id)
    data = to_dict(doc)
    data["origins"] = store.origins(doc.id)
    data["mentions"] = [
        dict(zip(MENTION_COLUMNS, r))
        for r in _rows(
            store, f'SELECT {", ".join(_q(c) for c in MENTION_COLUMNS)} FROM mentions WHERE doc_id = ? ORDER BY start, "end"',
            [doc.id],
        )
    ]
    data["time_refs"] = [
        dict(zip(("start", "end", "text", "value", "precision"), r))
        for r in _rows(
            store, 'SELECT start, "end", text, value, precision FROM time_refs WHERE doc_id = ? ORDER BY start, "end"',
            [doc.id],
        )
    ]
    return data


def _q(column: str) -> str:
    return f'"{column}"'


# -- actors ------------------------------------------------------------------------------------
ACTOR_COLUMNS = ("id", "name", "code", "sector", "kind", "aliases", "roles")


def _actor_row(row: Sequence[Any], extra: Sequence[str] = ()) -> dict[str, Any]:
    data = dict(zip(ACTOR_COLUMNS + tuple(extra), row))
    data["aliases"] = list(data["aliases"] or [])
    data["roles"] = json.loads(data["roles"]) if data["roles"] else []
    return data


def list_actors(
    store: Store,
    *,
    code: str | None = None,
    sector: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Actors matching every filter, most mentioned first, each with ``mentions`` (count) and
    ``documents`` (how many documents mention it). ``q`` is a case-insensitive substring of the name or of an alias.

    Returns ``{"items": [...], "next_offset": int | None}``.
    """
    _check_limit(limit)
    if offset < 0:
        raise QueryRejected("offset must be 0 or more", input=str(offset))
    w = Where()
    w.when(code, "a.code = upper(?)")
    w.when(sector, "a.sector = upper(?)")
    w.when(q, "(a.name ILIKE '%' || ? || '%' OR array_to_string(a.aliases, chr(31)) ILIKE '%' || ? || '%')")
    cols = ", ".join(f"a.{_q(c)}" for c in ACTOR_COLUMNS)
    sql = (
        f"SELECT {cols}, count(m.doc_id) AS mentions, count(DISTINCT m.doc_id) AS documents "
        f"FROM actors a LEFT JOIN mentions m ON m.actor_id = a.id {w.sql()} "
        f"GROUP BY ALL ORDER BY mentions DESC, a.id"
    )
    rows, more = fetch_page(store, sql, w.params, limit, offset)
    return offset_page([_actor_row(r, ("mentions", "documents")) for r in rows], offset=offset, limit=limit, more=more)


def actor_detail(store: Store, actor_id: str) -> dict[str, Any]:
    """One actor with the documents that mention it (newest first, with a mention count each).

    Raises :class:`~sitrep.errors.NotFound` when the actor is not stored.
    """
    cols = ", ".join(_q(c) for c in ACTOR_COLUMNS)
    rows = _rows(store, f"SELECT {cols} FROM actors WHERE id = ?", [actor_id])
    if not rows:
        raise NotFound("no actor with this id; list actors with /api/actors", input=actor_id)
    data = _actor_row(rows[0])
    docs = _rows(
        store,
        "SELECT d.id, d.title, d.source, d.published, count(*) AS mentions FROM mentions m "
        "JOIN documents d ON d.id = m.doc_id WHERE m.actor_id = ? "
        "GROUP BY d.id, d.title, d.source, d.published, d.published_day "
        "ORDER BY d.published_day DESC NULLS LAST, d.id",
        [actor_id],
    )
    data["documents"] = [dict(zip(("id", "title", "source", "published", "mentions"), r)) for r in docs]
    return data


# -- mentions ----------------------------------------------------------------------------------
def list_mentions(
    store: Store,
    *,
    actor_id: str | None = None,
    code: str | None = None,
    sector: str | None = None,
    doc_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """One page of mentions matching every filter, ordered by (doc_id, start, end).

    ``doc_id`` may be a prefix of 6+ characters. ``cursor`` is the previous page's
    ``next_cursor``.
    """
    _check_limit(limit)
    if doc_id and len(doc_id) < 6:
        raise QueryRejected("give at least 6 characters of the document id", input=doc_id)
    w = Where()
    w.when(actor_id, "actor_id = ?")
    w.when(code, "code = upper(?)")
    w.when(sector, "sector = upper(?)")
    w.when(doc_id, "doc_id LIKE ? || '%'")
    if cursor:
        w.add('(doc_id, start, "end") > (?, ?, ?)', *decode_cursor("mentions", cursor, 3))
    cols = ", ".join(_q(c) for c in MENTION_COLUMNS)
    rows, more = fetch_page(store, f'SELECT {cols} FROM mentions {w.sql()} ORDER BY doc_id, start, "end"', w.params, limit)
    items = [dict(zip(MENTION_COLUMNS, r)) for r in rows]
    next_cursor = None
    if more:
        last = items[-1]
        next_cursor = encode_cursor("mentions", [last["doc_id"], last["start"], last["end"]])
    return Page(items=items, next_cursor=next_cursor)


# -- sources -----------------------------------------------------------------------------------
def list_sources(store: Store) -> list[dict[str, Any]]:
    """Per outlet: document count, first and last publication day, the share (0–1) of its
    documents whose quality flags report injected links, and its linking profile
    (:func:`sitrep.link.profiles.source_profiles`). Largest outlets first."""
    rows = _rows(
        store,
        "SELECT source, count(*) AS documents, min(published_day) AS first_published, "
        "max(published_day) AS last_published, "
        "avg(CASE WHEN coalesce(TRY_CAST(quality->>'injected_links' AS DOUBLE), 0) > 0 THEN 1.0 ELSE 0.0 END) "
        "AS injected_links_share "
        "FROM documents GROUP BY source ORDER BY documents DESC, source NULLS LAST",
    )
    out = []
    for source, documents, first, last, share in rows:
        out.append({
            "source": source,
            "documents": int(documents),
            "first_published": first.isoformat() if first else None,
            "last_published": last.isoformat() if last else None,
            "injected_links_share": round(float(share), 4),
        })
    # The linking stage's source profile: syndicated and spun shares, contradicted
    # statements, median delay behind the first report.
    from sitrep.link.profiles import source_profiles

    profiles = {p["source"]: p for p in source_profiles(store.con)}
    for row in out:
        extra = profiles.get(row["source"]) or profiles.get(row["source"] or "(unknown)") or {}
        row.update({k: v for k, v in extra.items() if k not in row})
    return out


def health(store: Store) -> dict[str, Any]:
    """Store reachability and size: schema version and row counts of the main tables."""
    return {
        "status": "ok",
        "schema_version": store.schema_version,
        "documents": store.count("documents"),
        "actors": store.count("actors"),
        "mentions": store.count("mentions"),
        "events": store.count("events"),
        "statements": store.count("statements"),
        "relations": store.count("relations"),
    }


def shared_view(store: Store) -> Store:
    """A :class:`Store` on the same open database through a new DuckDB cursor.

    DuckDB connections must not be used from two threads at once; each cursor is an
    independent connection to the same database, so one thread may use each view while a
    single process keeps the file open (for writing, if it wants). Closing the view closes only
    its cursor.
    """
    view = Store.__new__(Store)
    view.path = store.path
    view.read_only = store.read_only
    view.con = store.con.cursor()
    return view
