"""The embedded DuckDB store: idempotent, transactional writes and the document queries.

Concurrency model: DuckDB allows one process to open a database file for writing (several
threads of it may share the connection, each on its own cursor, with MVCC snapshots); other
processes may open it read-only only while no writer holds it. A writer waits up to the
``lock_wait`` setting for readers in other processes to let go of the file. Each batch is written in one transaction, so a process killed mid-run leaves
the store as it was after the last committed batch, and rerunning the same inputs adds only
what is missing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import pyarrow as pa

from sitrep import settings
from sitrep.errors import NotFound, SitrepError, StoreError
from sitrep.records import Document, Event
from sitrep.store.filters import TABLES, Filters, where, where_sql
from sitrep.store.schema import LATEST_VERSION, MIGRATIONS
from sitrep.store.sql import limit_sql, marks
from sitrep.store.statements import StatementTables

DOCUMENT_COLUMNS = (
    "id", "url", "source", "title", "published", "authors", "tags", "language", "text",
    "ingested_at", "origin", "quality",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class WriteResult:
    """What one batch write did: ids newly stored, ids already present."""

    new: tuple[str, ...]
    duplicate: tuple[str, ...]


def _published_day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _connect(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file; a writer waits up to the ``lock_wait`` setting for readers in other
    processes (an API answering requests) to let go of it, since they hold it only briefly."""
    deadline = time.monotonic() + (0.0 if read_only else float(settings.get("lock_wait")))
    delay = 0.02
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "Could not set lock" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


class Store(StatementTables):
    """A DuckDB file holding the sitrep record tables (statement and relation queries come
    from :class:`sitrep.store.statements.StatementTables`)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = str(path or settings.get("db"))
        self.read_only = read_only
        try:
            if not read_only:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = _connect(self.path, read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(f"cannot open the store: {exc}", input=self.path) from exc
        self._migrate()

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        try:
            if not self.read_only:
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                    "description VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
                )
            rows = self.con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0]
        except duckdb.Error as exc:
            raise StoreError(f"not a sitrep store, or unreadable: {exc}", input=self.path) from exc
        current = rows[0] if rows else 0
        if current > LATEST_VERSION:
            raise StoreError(
                f"store schema version {current} is newer than this sitrep ({LATEST_VERSION}); upgrade sitrep",
                input=self.path,
            )
        if current < LATEST_VERSION and self.read_only:
            raise StoreError("store needs a schema upgrade; open it once for writing", input=self.path)
        for version, description, sql in MIGRATIONS:
            if version <= current:
                continue
            try:
                self.con.execute("BEGIN TRANSACTION")
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_version (version, description) VALUES (?, ?)", [version, description]
                )
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise StoreError(f"migration {version} failed: {exc}", input=self.path) from exc

    @property
    def schema_version(self) -> int:
        """The latest applied migration."""
        return int(self.con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0])

    # -- writes ----------------------------------------------------------------------------
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are already stored."""
        if not ids:
            return set()
        self.con.register("probe_ids", pa.table({"id": list(ids)}))
        try:
            return {r[0] for r in self.con.execute("SELECT d.id FROM documents d JOIN probe_ids p USING (id)").fetchall()}
        finally:
            self.con.unregister("probe_ids")

    def write_documents(
        self,
        documents: Sequence[Document],
        rejections: Sequence[tuple[str, SitrepError]] = (),
        analyses: Sequence[Any] = (),
        *,
        pipeline_version: str | None = None,
    ) -> WriteResult:
        """Store a batch in one transaction; documents already present only gain an origin.

        ``analyses`` (:class:`sitrep.analyze.Analysis` of new documents) are stored in the
        same transaction, so a document is never visible without its analysis.
        ``pipeline_version`` is recorded on analysed documents and their records.
        """
        analysed = {a.document.id for a in analyses}
        unique: dict[str, Document] = {}
        for doc in documents:
            unique.setdefault(doc.id, doc)
        origins = {(d.id, d.origin or ""): d for d in documents}
        try:
            self.con.execute("BEGIN TRANSACTION")
            existing: set[str] = set()
            if unique:
                ids = pa.table({"id": list(unique)})
                self.con.register("batch_ids", ids)
                existing = {r[0] for r in self.con.execute("SELECT d.id FROM documents d JOIN batch_ids b USING (id)").fetchall()}
                self.con.unregister("batch_ids")
            new_docs = [d for i, d in unique.items() if i not in existing]
            if new_docs:
                table = pa.table(
                    {
                        "id": [d.id for d in new_docs],
                        "url": [d.url for d in new_docs],
                        "source": [d.source for d in new_docs],
                        "title": [d.title for d in new_docs],
                        "published": [d.published for d in new_docs],
                        "published_day": [_published_day(d.published) for d in new_docs],
                        "authors": [list(d.authors) for d in new_docs],
                        "tags": [list(d.tags) for d in new_docs],
                        "language": [d.language for d in new_docs],
                        "text": [d.text for d in new_docs],
                        "ingested_at": [d.ingested_at for d in new_docs],
                        "origin": [d.origin for d in new_docs],
                        "quality": [json.dumps(dict(d.quality), ensure_ascii=False) for d in new_docs],
                        "pipeline_version": [pipeline_version if d.id in analysed else None for d in new_docs],
                    }
                )
                self.con.register("new_docs", table)
                self.con.execute(
                    "INSERT INTO documents BY NAME SELECT id, url, source, title, published, published_day, authors, tags, "
                    "language, text, ingested_at, origin, quality::JSON AS quality, pipeline_version FROM new_docs"
                )
                self.con.unregister("new_docs")
            if origins:
                table = pa.table(
                    {
                        "doc_id": [k[0] for k in origins],
                        "origin": [k[1] for k in origins],
                        "url": [d.url for d in origins.values()],
                        "ingested_at": [d.ingested_at for d in origins.values()],
                    }
                )
                self.con.register("new_origins", table)
                self.con.execute("INSERT OR IGNORE INTO document_origins SELECT * FROM new_origins")
                self.con.unregister("new_origins")
            self._write_analyses([a for a in analyses if a.document.id not in existing], pipeline_version)
            for origin, error in rejections:
                self.con.execute(
                    "INSERT OR REPLACE INTO rejections VALUES (?, ?, ?, CAST(current_timestamp AS VARCHAR))",
                    [origin, error.code, error.message],
                )
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise StoreError(
                f"batch write failed, nothing from this batch was stored (is the disk full, or the store or "
                f"its folder read-only? Earlier batches are kept): {exc}",
                input=self.path,
            ) from exc
        # The first copy of a new article counts as new; every other copy is a duplicate.
        pending = {d.id for d in new_docs}
        new_ids: list[str] = []
        dup_ids: list[str] = []
        for doc in documents:
            if doc.id in pending:
                pending.discard(doc.id)
                new_ids.append(doc.id)
            else:
                dup_ids.append(doc.id)
        return WriteResult(new=tuple(new_ids), duplicate=tuple(dup_ids))

    def _write_analyses(self, analyses: Sequence[Any], pipeline_version: str | None = None) -> None:
        if not analyses:
            return
        actors: dict[str, Any] = {}
        mention_rows: dict[str, list] = {k: [] for k in ("doc_id", "start", "end", "text", "label", "actor_id", "code", "sector")}
        time_rows: dict[str, list] = {k: [] for k in ("doc_id", "start", "end", "text", "value", "precision")}
        for analysis in analyses:
            actors.update(analysis.actors)
            for m in analysis.mentions:
                actor = analysis.actors.get(m.actor_id) if m.actor_id else None
                for key, value in (("doc_id", m.doc_id), ("start", m.start), ("end", m.end), ("text", m.text),
                                   ("label", m.label), ("actor_id", m.actor_id),
                                   ("code", actor.code if actor else None), ("sector", actor.sector if actor else None)):
                    mention_rows[key].append(value)
            for t in analysis.times:
                for key in time_rows:
                    time_rows[key].append(getattr(t, key))
        if actors:
            table = pa.table({
                "id": [a.id for a in actors.values()], "name": [a.name for a in actors.values()],
                "code": [a.code for a in actors.values()], "sector": [a.sector for a in actors.values()],
                "kind": [a.kind for a in actors.values()], "aliases": [list(a.aliases) for a in actors.values()],
                "roles": [json.dumps([dict(r) for r in a.roles]) for a in actors.values()],
            })
            self.con.register("new_actors", table)
            self.con.execute("INSERT OR IGNORE INTO actors SELECT id, name, code, sector, kind, aliases, roles::JSON FROM new_actors")
            self.con.unregister("new_actors")
        events = [e for analysis in analyses for e in getattr(analysis, "events", ())]
        if events:
            table = events_table(events)
            self.con.register("new_events", table.append_column("pipeline_version", pa.array([pipeline_version] * table.num_rows, pa.string())))
            self.con.execute(
                "INSERT OR IGNORE INTO events BY NAME SELECT id, doc_id, type, mode, context, actor::JSON AS actor, "
                "recipient::JSON AS recipient, actor_code, actor_sector, recipient_code, recipient_sector, date, event_day, "
                "date_precision, location::JSON AS location, quantity::JSON AS quantity, factuality, "
                "evidence::JSON AS evidence, confidence, pipeline_version FROM new_events"
            )
            self.con.unregister("new_events")
        for analysis in analyses:
            self._insert_statements(getattr(analysis, "statements", ()), analysis.actors, pipeline_version)
        self._insert_relations([r for analysis in analyses for r in getattr(analysis, "relations", ())])
        for name, rows in (("mentions", mention_rows), ("time_refs", time_rows)):
            if rows["doc_id"]:
                rows["pipeline_version"] = [pipeline_version] * len(rows["doc_id"])
                self.con.register("new_rows", pa.table(rows))
                self.con.execute(f"INSERT OR IGNORE INTO {name} BY NAME SELECT * FROM new_rows")
                self.con.unregister("new_rows")

    # -- reads -----------------------------------------------------------------------------
    def count(self, table: str = "documents") -> int:
        """Row count of one of the store's tables."""
        if table not in {"documents", "document_origins", "rejections", "actors", "mentions", "time_refs", "events",
                         "statements", "relations", "stories"}:
            raise ValueError(f"unknown table {table}")
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    def _row_to_document(self, row: Sequence[Any]) -> Document:
        data = dict(zip(DOCUMENT_COLUMNS, row))
        data["authors"] = tuple(data["authors"] or ())
        data["tags"] = tuple(data["tags"] or ())
        data["quality"] = json.loads(data["quality"]) if data["quality"] else {}
        return Document(**data)

    def get_document(self, doc_id: str) -> Document:
        """One document by id, or by a unique id prefix of at least 6 characters."""
        if len(doc_id) < 6:
            raise NotFound("give at least 6 characters of the document id", input=doc_id)
        rows = self.con.execute(
            f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE id LIKE ? || '%' LIMIT 2", [doc_id]
        ).fetchall()
        if not rows:
            raise NotFound("no document with this id", input=doc_id)
        if len(rows) > 1:
            raise NotFound("id prefix matches several documents; give more characters", input=doc_id)
        return self._row_to_document(rows[0])

    def origins(self, doc_id: str) -> list[dict[str, Any]]:
        """Every origin a document was read from, oldest first."""
        rows = self.con.execute(
            "SELECT origin, url, ingested_at FROM document_origins WHERE doc_id = ? ORDER BY ingested_at, origin", [doc_id]
        ).fetchall()
        return [{"origin": o, "url": u, "ingested_at": t} for o, u, t in rows]

    def query_documents(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> Iterator[Document]:
        """Documents matching every given filter, newest first."""
        clauses, params = where("documents", Filters.of(source=source, since=since, until=until, q=text))
        sql = (f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents d {where_sql(clauses)} "
               f"ORDER BY published_day DESC NULLS LAST, id{limit_sql(limit, offset)}")
        for row in self.con.execute(sql, params).fetchall():
            yield self._row_to_document(row)

    def query_events(
        self,
        *,
        actor: str | None = None,
        recipient: str | None = None,
        type: str | None = None,
        since: str | None = None,
        until: str | None = None,
        factuality: Sequence[str] | None = None,
        limit: int | None = 100,
        filters: Filters | None = None,
    ) -> list[tuple[Event, Document]]:
        """Events matching every filter (codes match actor or recipient code exactly), with
        the document each came from, newest first. ``filters`` gives the full filter set
        (:class:`sitrep.store.filters.Filters`); the keywords are shorthands merged into it."""
        shorthands = {"actor": actor, "recipient": recipient, "type": (type,) if type else None, "since": since,
                      "until": until, "factuality": tuple(factuality) if factuality else None}
        merged = replace(filters or Filters(), **{k: v for k, v in shorthands.items() if v})
        clauses, params = where("events", merged)
        columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
        sql = (f"SELECT {columns} FROM {TABLES['events'].source_sql} {where_sql(clauses)} "
               f"ORDER BY {TABLES['events'].day} DESC NULLS LAST, e.id{limit_sql(limit)}")
        rows = self.con.execute(sql, params).fetchall()
        # The page of events first, then its documents by primary key: a join would scan every
        # document's text (about 300 ms against 10 ms at a million events).
        documents = self._documents_by_id({row[1] for row in rows})
        out = []
        for row in rows:
            event = event_from_row(row)
            if event.doc_id in documents:
                out.append((event, documents[event.doc_id]))
        return out

    def _documents_by_id(self, ids: set[str]) -> dict[str, Document]:
        """Documents by id, looked up through the primary-key index."""
        found: dict[str, Document] = {}
        ordered = sorted(ids)
        for n in range(0, len(ordered), 500):
            chunk = ordered[n:n + 500]
            for row in self.con.execute(
                f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE id IN ({marks(chunk)})", chunk
            ).fetchall():
                found[row[0]] = self._row_to_document(row)
        return found

    def rejections(self) -> list[dict[str, Any]]:
        """Inputs that were rejected, with their error code and reason."""
        rows = self.con.execute("SELECT origin, code, reason, rejected_at FROM rejections ORDER BY origin").fetchall()
        return [{"origin": o, "code": c, "reason": r, "rejected_at": t} for o, c, r, t in rows]

    # -- export ----------------------------------------------------------------------------
    def export_documents(self, out: str | Path, *, fmt: str) -> int:
        """Write every document to ``out`` as ``parquet``, ``csv`` or ``jsonl``; returns the count."""
        columns = ", ".join(DOCUMENT_COLUMNS)
        formats = {
            "parquet": ("FORMAT parquet, COMPRESSION zstd", f"SELECT {columns} FROM documents ORDER BY id"),
            "csv": ("FORMAT csv, HEADER true", f"SELECT {columns} FROM documents ORDER BY id"),
            "jsonl": ("FORMAT json", f"SELECT 'document' AS record, {columns} FROM documents ORDER BY id"),
        }
        if fmt not in formats:
            raise SitrepError(f"unknown export format {fmt!r}; use one of {', '.join(formats)}")
        options, query = formats[fmt]
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con.execute(f"COPY ({query}) TO '{_sql_path(target)}' ({options})")
        except duckdb.Error as exc:
            raise StoreError(f"export failed: {exc}", input=str(target)) from exc
        return self.count("documents")


EVENT_COLUMNS = (
    "id", "doc_id", "type", "mode", "context", "actor", "recipient", "date", "date_precision", "location",
    "quantity", "factuality", "evidence", "confidence",
)


def event_from_row(row: Sequence[Any]) -> Event:
    """An :class:`Event` from a row of the ``EVENT_COLUMNS`` of the ``events`` table."""
    data = dict(zip(EVENT_COLUMNS, row))
    for key in ("actor", "recipient", "location", "quantity", "evidence"):
        data[key] = json.loads(data[key]) if data[key] else None
    data["context"] = tuple(data["context"] or ())
    return Event(**data)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=dict)


def events_table(events: Sequence[Event]) -> pa.Table:
    """Events as an Arrow table with the ``events`` table's columns."""
    def part(event: Event, role: str, key: str) -> Any:
        value = getattr(event, role)
        return value.get(key) if value else None

    return pa.table({
        "id": [e.id for e in events],
        "doc_id": [e.doc_id for e in events],
        "type": [e.type for e in events],
        "mode": [e.mode for e in events],
        "context": [list(e.context) for e in events],
        "actor": [_json(dict(e.actor) if e.actor else None) for e in events],
        "recipient": [_json(dict(e.recipient) if e.recipient else None) for e in events],
        "actor_code": [part(e, "actor", "code") for e in events],
        "actor_sector": [part(e, "actor", "sector") for e in events],
        "recipient_code": [part(e, "recipient", "code") for e in events],
        "recipient_sector": [part(e, "recipient", "sector") for e in events],
        "date": [e.date for e in events],
        "event_day": [_published_day(e.date) for e in events],
        "date_precision": [e.date_precision for e in events],
        "location": [_json(dict(e.location) if e.location else None) for e in events],
        "quantity": [_json(dict(e.quantity) if e.quantity else None) for e in events],
        "factuality": [e.factuality for e in events],
        "evidence": [_json(dict(e.evidence)) for e in events],
        "confidence": pa.array([float(e.confidence) for e in events], type=pa.float64()),
    })


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")

