"""Bring a ``sitrep process`` output folder into the store, idempotently.

For each document the folder holds, the newest processed version (by ``processed_at``) is the
one loaded. A document already stored at that pipeline version is left alone; one stored at
another version (or ingested without analysis) has its per-document records replaced; a new
one is inserted with its records. Everything happens in one transaction, so a load killed
half-way leaves the store as it was, and loading the same folder twice changes nothing.

Columns are matched by name, so a table that gains columns (statements, say) is filled from
the dataset of the same name without changes here; derived columns (codes pulled out of the
JSON actor of an event, the day of a date) are computed in SQL below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sitrep.errors import InputRejected, StoreError
from sitrep.store.db import Store

#: Per-document record tables and the dataset each is loaded from.
RECORD_TABLES = {"mentions": "mentions", "time_refs": "time_refs", "events": "events", "statements": "statements"}

_CODE = "json_extract_string(s.{col}, '$.{key}')"

#: Store columns computed from the dataset row ``s`` rather than copied.
DERIVED = {
    "documents": {"published_day": "sitrep_day(s.published)"},
    "mentions": {
        "code": "(SELECT a.code FROM actors a WHERE a.id = s.actor_id)",
        "sector": "(SELECT a.sector FROM actors a WHERE a.id = s.actor_id)",
    },
    "events": {
        "actor_code": _CODE.format(col="actor", key="code"),
        "actor_sector": _CODE.format(col="actor", key="sector"),
        "recipient_code": _CODE.format(col="recipient", key="code"),
        "recipient_sector": _CODE.format(col="recipient", key="sector"),
        "event_day": "sitrep_day(s.date)",
    },
    "statements": {
        "speaker_code": _CODE.format(col="speaker", key="code"),
        "speaker_sector": _CODE.format(col="speaker", key="sector"),
        "speaker_name": f"coalesce({_CODE.format(col='speaker', key='name')}, {_CODE.format(col='speaker', key='text')})",
        "content_text": _CODE.format(col="content", key="text"),
        "statement_day": "sitrep_day(s.date)",
    },
}


class NotAnOutputFolder(InputRejected):
    """The folder given to ``load`` holds no ``documents`` dataset."""

    code = "E105"


@dataclass(kw_only=True)
class LoadReport:
    """What one load did."""

    documents: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    records: dict[str, int] = field(default_factory=dict)
    rejections: int = 0
    relations: int = 0
    linked: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"documents": self.documents, "new": self.new, "replaced": self.replaced, "unchanged": self.unchanged,
                "records": dict(self.records), "rejections": self.rejections, "relations": self.relations,
                "linked": self.linked}


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE {relation}").fetchall()]


def _select(con: duckdb.DuckDBPyConnection, table: str, source: str) -> str:
    """``col AS col, ...`` for every store column the source has or derives."""
    source_columns = set(_columns(con, source))
    derived = DERIVED.get(table, {})
    parts = []
    for column in _columns(con, table):
        if column in derived:
            parts.append(f'{derived[column]} AS "{column}"')
        elif column in source_columns:
            parts.append(f's."{column}" AS "{column}"')
    return ", ".join(parts)


def _register_day(con: duckdb.DuckDBPyConnection) -> None:
    """``sitrep_day(text)``: the day of an ISO date or interval, exactly as the store's writes
    compute it (week dates such as ``2019-W02`` included, which SQL casts do not read)."""
    from duckdb.sqltypes import DATE, VARCHAR

    from sitrep.store.db import _published_day

    try:
        con.remove_function("sitrep_day")
    except (duckdb.Error, ValueError):
        pass
    con.create_function("sitrep_day", _published_day, [VARCHAR], DATE, null_handling="special", side_effects=False)


def load_output(store: Store, out: str | Path) -> LoadReport:
    """Load the datasets under ``out`` into ``store``; returns what changed."""
    from sitrep.engine.output import has_dataset, read_sql

    out = Path(out)
    if not has_dataset(out, "documents"):
        raise NotAnOutputFolder("no documents dataset here; pass the --out folder of `sitrep process`", input=str(out))
    con = store.con
    report = LoadReport()
    _register_day(con)
    views = []
    try:
        for dataset in ("documents", "actors", "origins", "rejections", *RECORD_TABLES.values()):
            if has_dataset(out, dataset):
                con.execute(f'CREATE OR REPLACE TEMP VIEW "src_{dataset}" AS SELECT * FROM {read_sql(out, dataset)}')
                views.append(dataset)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE load_latest AS SELECT id, arg_max(pipeline_version, processed_at) AS version "
            "FROM src_documents GROUP BY id"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE load_todo AS SELECT l.id, l.version, d.id IS NOT NULL AS replace "
            "FROM load_latest l LEFT JOIN documents d ON d.id = l.id "
            "WHERE d.id IS NULL OR d.pipeline_version IS DISTINCT FROM l.version"
        )
        report.documents = con.execute("SELECT count(*) FROM load_latest").fetchone()[0]
        report.new, report.replaced = con.execute(
            "SELECT count(*) FILTER (WHERE NOT replace), count(*) FILTER (WHERE replace) FROM load_todo"
        ).fetchone()
        report.unchanged = report.documents - report.new - report.replaced
        loaded_ids = [row[0] for row in con.execute("SELECT id FROM load_todo ORDER BY id").fetchall()]
        con.execute("BEGIN TRANSACTION")
        try:
            _load(con, views, report)
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:
        raise StoreError(f"load failed, nothing was stored: {exc}", input=str(out)) from exc
    finally:
        for dataset in views:
            con.execute(f'DROP VIEW IF EXISTS "src_{dataset}"')
        con.execute("DROP TABLE IF EXISTS load_latest")
        con.execute("DROP TABLE IF EXISTS load_todo")
    # Cross-document work runs on the store once the documents are in, as after an ingest:
    # relations between the loaded statements and stored ones, then copies, stories and
    # canonical events of every document not linked yet.
    from sitrep.link import update_links
    from sitrep.statements.relations import link_statements

    report.relations = link_statements(store, loaded_ids)
    report.linked = update_links(store).documents
    return report


def _load(con: duckdb.DuckDBPyConnection, views: list[str], report: LoadReport) -> None:
    stored = set(r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall())
    replaced = "SELECT id FROM load_todo WHERE replace"
    for table in RECORD_TABLES:
        if table in stored:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN ({replaced})")
    con.execute(f"DELETE FROM documents WHERE id IN ({replaced})")
    con.execute(
        f"INSERT INTO documents BY NAME SELECT {_select(con, 'documents', 'src_documents')} FROM src_documents s "
        "JOIN load_todo t ON t.id = s.id AND t.version = s.pipeline_version "
        "QUALIFY row_number() OVER (PARTITION BY s.id ORDER BY s.processed_at) = 1"
    )
    if "actors" in views:
        con.execute(
            f"INSERT OR IGNORE INTO actors BY NAME SELECT {_select(con, 'actors', 'src_actors')} FROM src_actors s "
            "QUALIFY row_number() OVER (PARTITION BY s.id ORDER BY s.pipeline_version) = 1"
        )
    for table, dataset in RECORD_TABLES.items():
        if dataset not in views or table not in stored:
            report.records[table] = 0
            continue
        before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        con.execute(
            f"INSERT OR IGNORE INTO {table} BY NAME SELECT {_select(con, table, f'src_{dataset}')} FROM src_{dataset} s "
            "JOIN load_todo t ON t.id = s.doc_id AND t.version = s.pipeline_version"
        )
        report.records[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
    if "origins" in views:
        con.execute(
            "INSERT OR IGNORE INTO document_origins SELECT doc_id, origin, url, ingested_at FROM src_origins "
            "QUALIFY row_number() OVER (PARTITION BY doc_id, origin ORDER BY ingested_at) = 1"
        )
    if "rejections" in views:
        before = con.execute("SELECT count(*) FROM rejections").fetchone()[0]
        con.execute(
            "INSERT OR IGNORE INTO rejections SELECT origin, code, reason, rejected_at FROM src_rejections "
            "QUALIFY row_number() OVER (PARTITION BY origin ORDER BY rejected_at DESC) = 1"
        )
        report.rejections = con.execute("SELECT count(*) FROM rejections").fetchone()[0] - before
