"""Bring a ``sitrep process`` output folder into the store, idempotently.

For each document the folder holds, the newest processed version (by ``processed_at``) is the
one loaded. A document already stored at that pipeline version is left alone; one stored at
another version (or ingested without analysis) has its per-document records replaced; a new
one is inserted with its records. Everything happens in one transaction, so a load killed
half-way leaves the store as it was, and loading the same folder twice changes nothing.

Columns are matched by name, so a table that gains columns (statements, say) is filled from
the dataset of the same name without changes here; derived columns (codes pulled out of the
JSON actor of an event, the day of a date) are computed in SQL below.

An unreadable Parquet file (truncated, corrupt) does not stop the load: it is reported with
the files written with it, which are left out, and the rest is loaded (see ``load_output``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from sitrep.errors import InputCorrupt, InputRejected, StoreError
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
        # As the store writes it on ingest (``sitrep.store.statements.speaker_name``): a person's
        # resolved name, else what a pronoun refers to, else the words, else the actor's name.
        "speaker_name": (
            f"CASE WHEN (SELECT a.kind FROM actors a WHERE a.id = {_CODE.format(col='speaker', key='actor_id')}) = 'person' "
            f"THEN (SELECT a.name FROM actors a WHERE a.id = {_CODE.format(col='speaker', key='actor_id')}) "
            f"ELSE coalesce(nullif({_CODE.format(col='speaker', key='refers_to')}, ''), "
            f"nullif({_CODE.format(col='speaker', key='text')}, ''), "
            f"(SELECT a.name FROM actors a WHERE a.id = {_CODE.format(col='speaker', key='actor_id')})) END"
        ),
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
    #: Unreadable files left out: ``{"input": path, "code": ..., "reason": ...}``.
    errors: list[dict[str, str]] = field(default_factory=list)
    #: Wall seconds of each phase: the datasets into the tables, statement relations, linking.
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"documents": self.documents, "new": self.new, "replaced": self.replaced, "unchanged": self.unchanged,
                "records": dict(self.records), "rejections": self.rejections, "relations": self.relations,
                "linked": self.linked, "errors": [dict(e) for e in self.errors], "seconds": dict(self.seconds)}


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
    """Load the datasets under ``out`` into ``store``; returns what changed.

    A Parquet file that cannot be read (truncated, corrupt) is named in ``report.errors`` and
    left out together with the files written with it (the records of the same documents: same
    file name, same day), so those documents are not loaded rather than loaded without some of
    their records; everything else is loaded. Loading again once the file is mended adds them.
    """
    from sitrep.engine.output import has_dataset

    out = Path(out)
    if not has_dataset(out, "documents"):
        raise NotAnOutputFolder("no documents dataset here; pass the --out folder of `sitrep process`", input=str(out))
    con = store.con
    _register_day(con)
    broken: dict[Path, str] = {}
    checked: set[Path] = set()
    started = time.perf_counter()
    while True:
        report = LoadReport()
        try:
            loaded_ids = _load_datasets(con, out, _left_out(out, broken), report)
            break
        except duckdb.Error as exc:
            # Find the unreadable files (only now: a clean folder is not read twice), leave them
            # and the files written with them out, and try again; an error no file explains is
            # the store's.
            found = _unreadable(out, checked)
            if not found:
                raise StoreError(f"load failed, nothing was stored: {exc}", input=str(out)) from exc
            broken.update(found)
    report.errors = [{"input": str(path), "code": InputCorrupt.code,
                      "reason": f"unreadable Parquet file ({reason}); the documents written with it were not loaded"}
                     for path, reason in sorted(broken.items())]
    # Cross-document work runs on the store once the documents are in, as after an ingest:
    # relations between the loaded statements and stored ones, then copies, stories and
    # canonical events of every document not linked yet.
    from sitrep.link import update_links
    from sitrep.statements.relations import link_statements

    report.seconds["datasets"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    report.relations += link_statements(store, loaded_ids)
    report.seconds["relations"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    report.linked = update_links(store).documents
    report.seconds["linking"] = round(time.perf_counter() - started, 3)
    return report


def _dataset_files(out: Path, dataset: str) -> list[Path]:
    """The Parquet files of a dataset, as ``read_sql`` reads them."""
    from sitrep.engine import tables

    root = out / dataset
    if not root.is_dir():
        return []
    return sorted(root.glob("*.parquet") if dataset in tables.UNPARTITIONED else root.rglob("*.parquet"))


def _datasets() -> tuple[str, ...]:
    return ("documents", "actors", "origins", "rejections", "relations", *RECORD_TABLES.values())


#: Unpartitioned datasets whose rows belong to the documents of the flush that wrote them.
_PER_FLUSH = ("actors", "relations")


def _unreadable(out: Path, checked: set[Path]) -> dict[Path, str]:
    """Files of the loaded datasets that pyarrow cannot read in full (each read once per load)."""
    import pyarrow.parquet as pq

    found = {}
    for dataset in _datasets():
        for path in _dataset_files(out, dataset):
            if path in checked:
                continue
            checked.add(path)
            try:
                pq.ParquetFile(path).read()
            except Exception as exc:  # noqa: BLE001 - any failure to read makes the file unreadable
                found[path] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    return found


def _left_out(out: Path, broken: dict[Path, str]) -> set[Path]:
    """The files to leave out for ``broken`` ones: a writer flush names all its files alike, so
    the records of a broken day file's documents are the files of that name and day in every
    per-day dataset; a broken ``actors`` or ``relations`` file leaves out every per-day file of
    its name (the store derives mention codes from the actors; a document's relations are
    loaded with it); origins and rejections, added on every load, go alone."""
    from sitrep.engine import tables

    skip = set(broken)
    if not broken:
        return skip
    per_day = [d for d in _datasets() if d not in tables.UNPARTITIONED]
    for path in broken:
        dataset = path.relative_to(out).parts[0]
        if dataset in tables.UNPARTITIONED and dataset not in _PER_FLUSH:
            continue
        for other in per_day:
            for candidate in _dataset_files(out, other):
                if candidate.name != path.name:
                    continue
                if dataset in _PER_FLUSH or candidate.parent.name == path.parent.name:
                    skip.add(candidate)
    return skip


def _source_sql(out: Path, dataset: str, skip: set[Path]) -> str | None:
    """The table expression a dataset is read with (None when nothing of it is left)."""
    from sitrep.engine import tables
    from sitrep.engine.output import PARTITION, has_dataset, read_sql

    if not has_dataset(out, dataset):
        return None
    files = _dataset_files(out, dataset)
    if not any(f in skip for f in files):
        return read_sql(out, dataset)
    kept = [str(f).replace("'", "''") for f in files if f not in skip]
    if not kept:
        return None
    listed = "[" + ", ".join(f"'{f}'" for f in kept) + "]"
    if dataset in tables.UNPARTITIONED:
        return f"read_parquet({listed}, union_by_name = true)"
    return (f"read_parquet({listed}, hive_partitioning = true, union_by_name = true, "
            f"hive_types = {{'{PARTITION}': VARCHAR}})")


def _load_datasets(con: duckdb.DuckDBPyConnection, out: Path, skip: set[Path], report: LoadReport) -> list[str]:
    """Bring the datasets in, in one transaction; returns the ids of the documents loaded."""
    views = []
    try:
        for dataset in _datasets():
            source = _source_sql(out, dataset, skip)
            if source is not None:
                con.execute(f'CREATE OR REPLACE TEMP VIEW "src_{dataset}" AS SELECT * FROM {source}')
                views.append(dataset)
        if "documents" not in views:
            con.execute("CREATE OR REPLACE TEMP TABLE load_latest (id VARCHAR, version VARCHAR)")
        else:
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
    finally:
        for dataset in views:
            con.execute(f'DROP VIEW IF EXISTS "src_{dataset}"')
        con.execute("DROP TABLE IF EXISTS load_latest")
        con.execute("DROP TABLE IF EXISTS load_todo")
    return loaded_ids


def _load(con: duckdb.DuckDBPyConnection, views: list[str], report: LoadReport) -> None:
    stored = set(r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall())
    replaced = "SELECT id FROM load_todo WHERE replace"
    for table in RECORD_TABLES:
        if table in stored:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN ({replaced})")
    con.execute(f"DELETE FROM documents WHERE id IN ({replaced})")
    if "documents" in views:
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
    if "relations" in views and "statements" in views and "relations" in stored:
        # Relations within a document come with it, as an ingest stores them; those across
        # documents are found after the load (``link_statements``).
        before = con.execute("SELECT count(*) FROM relations").fetchone()[0]
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        con.execute(
            "INSERT OR IGNORE INTO relations (kind, a, b, score, explanation, created_at) "
            "SELECT r.kind, r.a, r.b, r.score, r.explanation, ? FROM src_relations r "
            "JOIN src_statements s ON s.id = r.a AND s.pipeline_version = r.pipeline_version "
            "JOIN load_todo t ON t.id = s.doc_id AND t.version = s.pipeline_version "
            "QUALIFY row_number() OVER (PARTITION BY r.kind, r.a, r.b ORDER BY r.score DESC, r.explanation) = 1",
            [now],
        )
        report.relations += con.execute("SELECT count(*) FROM relations").fetchone()[0] - before
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
