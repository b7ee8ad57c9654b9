"""The output folder: Parquet datasets partitioned by publication day, and what is in them.

Layout (hive partitioning, readable in place by DuckDB, pyarrow, Spark or Ray)::

    DIR/documents/published_day=2022-02-01/part-<run>-<n>.parquet
    DIR/mentions/..., DIR/time_refs/..., DIR/events/..., DIR/statements/...   (same days)
    DIR/actors/part-<run>-<n>.parquet        actors referred to (not per day)
    DIR/relations/part-<run>-<n>.parquet     relations found within a document (not per day)
    DIR/origins/part-<run>-<n>.parquet       every (document, origin) read
    DIR/rejections/part-<run>-<n>.parquet    every input that was rejected, with code and reason
    DIR/_pipeline.json                       the pipeline versions that wrote here, with components

A document's records sit in its own day's partition. Documents without a date go to
``published_day=unknown``. Files are written under a temporary name and renamed, and a flush
writes the documents files last, so a document never appears without its records.
"""

from __future__ import annotations

from collections import deque

import json
import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sitrep.engine import tables
from sitrep.engine.worker import KeySet, key_hash

UNKNOWN_DAY = "unknown"
PARTITION = "published_day"


def dataset_glob(out: Path, dataset: str) -> str:
    """The glob DuckDB reads a dataset with."""
    pattern = "**/*.parquet" if dataset not in tables.UNPARTITIONED else "*.parquet"
    return str(Path(out) / dataset / pattern).replace("'", "''")


def has_dataset(out: Path, dataset: str) -> bool:
    """True when a dataset has at least one file."""
    root = Path(out) / dataset
    return root.is_dir() and any(root.rglob("*.parquet"))


def read_sql(out: Path, dataset: str) -> str:
    """A DuckDB table expression for a dataset (with ``published_day`` as text where partitioned)."""
    if dataset in tables.UNPARTITIONED:
        return f"read_parquet('{dataset_glob(out, dataset)}', union_by_name = true)"
    return (f"read_parquet('{dataset_glob(out, dataset)}', hive_partitioning = true, union_by_name = true, "
            f"hive_types = {{'{PARTITION}': VARCHAR}})")


def attach(con: duckdb.DuckDBPyConnection, out: Path) -> list[str]:
    """Create a view per dataset of ``out`` on ``con`` (query the output in place); returns names."""
    names = []
    for child in sorted(Path(out).iterdir()) if Path(out).is_dir() else []:
        if child.is_dir() and not child.name.startswith(("_", ".")) and has_dataset(out, child.name):
            con.execute(f'CREATE OR REPLACE TEMP VIEW "{child.name}" AS SELECT * FROM {read_sql(out, child.name)}')
            names.append(child.name)
    return names


class OutputState:
    """What an output folder already holds for one pipeline version: the documents done at
    that version, and the rejections and origins already recorded (so a rerun adds nothing)."""

    def __init__(self, out: Path, version: str) -> None:
        self.out = Path(out)
        self.version = version
        self.done = KeySet()
        self.rejections = KeySet()
        self.origins = KeySet()
        self.documents = 0
        if not self.out.is_dir():
            return
        con = duckdb.connect()
        try:
            if has_dataset(out, "documents"):
                rows = con.execute(
                    f"SELECT DISTINCT id FROM {read_sql(out, 'documents')} WHERE pipeline_version = ?", [version]
                ).fetchall()
                self.done = KeySet(r[0] for r in rows)
                self.documents = len(rows)
            if has_dataset(out, "rejections"):
                rows = con.execute(f"SELECT DISTINCT origin, code FROM {read_sql(out, 'rejections')}").fetchall()
                self.rejections = KeySet(f"{o}\0{c}" for o, c in rows)
            if has_dataset(out, "origins"):
                rows = con.execute(f"SELECT DISTINCT doc_id, origin FROM {read_sql(out, 'origins')}").fetchall()
                self.origins = KeySet(f"{d}\0{o}" for d, o in rows)
        finally:
            con.close()


class OutputWriter:
    """Buffers batch results and writes them as partitioned Parquet files.

    Records of a document already written in this run (a second copy of an article) are
    dropped; its origin is kept. Buffers are flushed when they hold ``flush_rows`` documents,
    so memory stays flat however large the corpus.
    """

    def __init__(self, out: Path, state: OutputState, *, run_id: str, flush_rows: int = 4000) -> None:
        self.out = Path(out)
        self.state = state
        self.run_id = run_id
        self.flush_rows = flush_rows
        self._buffers: dict[tuple[str, str | None], list[pa.Table]] = defaultdict(list)
        self._buffered_docs = 0
        self._written_docs: set[str] = set()
        self._written_actors: set[str] = set()
        self._seen_rejections: set[int] = set()
        self._seen_origins: set[int] = set()
        self._seq = 0
        self.counts: dict[str, int] = defaultdict(int)
        self.rejected: list[tuple[str, str, str]] = []
        self.items = self.skipped = self.duplicates = 0
        self.peak_rss_mb = 0.0
        self.ready_at: set[float] = set()  # when each worker process was ready (recycled ones too)
        # Resident memory the workers reported with their last results: what a worker holds at
        # the end of the run, as opposed to its peak (the largest batch).
        self.recent_rss_mb: deque[float] = deque(maxlen=8)
        self.out.mkdir(parents=True, exist_ok=True)

    def add(self, result: dict[str, bytes]) -> None:
        """Take one worker result (``{dataset: IPC bytes}``)."""
        got = {name: tables.from_ipc(data) for name, data in result.items()}
        stats = got.pop("_stats").to_pylist()[0]
        self.items += stats["items"]
        self.peak_rss_mb = max(self.peak_rss_mb, stats.get("peak_rss_mb") or 0.0)
        if stats.get("ready_at"):
            self.ready_at.add(stats["ready_at"])
        if stats.get("rss_mb"):
            self.recent_rss_mb.append(stats["rss_mb"])
        self.skipped += stats["skipped"]
        docs = got.pop("documents")
        ids = docs.column("id").to_pylist()
        keep = [i not in self._written_docs for i in ids]
        self.duplicates += stats["duplicates"] + keep.count(False)
        docs = docs.filter(pa.array(keep, type=pa.bool_()))
        new_ids = docs.column("id").to_pylist()
        self._written_docs.update(new_ids)
        day_of = {i: _day(p) for i, p in zip(new_ids, docs.column("published").to_pylist())}
        self._stage("documents", docs, [day_of[i] for i in new_ids])
        self.counts["documents"] += docs.num_rows
        self._buffered_docs += docs.num_rows
        for name, table in got.items():
            if name == "rejections":
                keys = [f"{o}\0{c}" for o, c in zip(table.column("origin").to_pylist(), table.column("code").to_pylist())]
                # Every run reports its rejections; only ones not yet in the folder are written.
                self.rejected.extend(zip(table.column("origin").to_pylist(), table.column("code").to_pylist(),
                                         table.column("reason").to_pylist()))
                mask = self._fresh(keys, self.state.rejections, self._seen_rejections)
                table = table.filter(pa.array(mask, type=pa.bool_()))
                self._stage(name, table, None)
            elif name == "origins":
                keys = [f"{d}\0{o}" for d, o in zip(table.column("doc_id").to_pylist(), table.column("origin").to_pylist())]
                mask = self._fresh(keys, self.state.origins, self._seen_origins)
                self._stage(name, table.filter(pa.array(mask, type=pa.bool_())), None)
            elif name == "actors":
                ids_ = table.column("id").to_pylist()
                mask = []
                for i in ids_:
                    mask.append(i not in self._written_actors)
                    self._written_actors.add(i)
                self._stage(name, table.filter(pa.array(mask, type=pa.bool_())), None)
            elif "doc_id" in table.column_names:
                doc_ids = table.column("doc_id").to_pylist()
                mask = [d in day_of for d in doc_ids]
                table = table.filter(pa.array(mask, type=pa.bool_()))
                self._stage(name, table, [day_of[d] for d, m in zip(doc_ids, mask) if m])
            else:
                self._stage(name, table, None)
        if self._buffered_docs >= self.flush_rows:
            self.flush()

    @staticmethod
    def _fresh(keys: list[str], stored: KeySet, seen: set[int]) -> list[bool]:
        """Which keys are neither in the folder already nor written earlier in this run."""
        mask = []
        for key in keys:
            h = key_hash(key)
            fresh = key not in stored and h not in seen
            seen.add(h)
            mask.append(fresh)
        return mask

    def _stage(self, dataset: str, table: pa.Table, days: list[str] | None) -> None:
        if table.num_rows == 0:
            return
        if dataset != "documents":
            self.counts[dataset] += table.num_rows
        if days is None or dataset in tables.UNPARTITIONED:
            self._buffers[(dataset, None)].append(table)
            return
        day_array = pa.array(days, type=pa.string())
        for day in sorted(set(days)):
            self._buffers[(dataset, day)].append(table.filter(pc.equal(day_array, day)))

    def flush(self) -> None:
        """Write every buffer; documents last, so none is visible without its records."""
        self._seq += 1
        order = sorted(self._buffers, key=lambda k: (k[0] == "documents", k[0], k[1] or ""))
        for dataset, day in order:
            parts = self._buffers[(dataset, day)]
            table = pa.concat_tables(parts, promote_options="default")
            folder = self.out / dataset if day is None else self.out / dataset / f"{PARTITION}={day}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"part-{self.run_id}-{self._seq:05d}.parquet"
            tmp = folder / f".{target.name}.tmp"
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, target)
        self._buffers.clear()
        self._buffered_docs = 0

    def close(self, components: dict[str, str]) -> None:
        """Flush what is left and record the pipeline version in ``_pipeline.json``."""
        self.flush()
        manifest_path = self.out / "_pipeline.json"
        manifest: dict[str, Any] = {"versions": {}}
        if manifest_path.is_file():
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except ValueError:
                pass
        entry = manifest.setdefault("versions", {}).setdefault(self.state.version, {"components": components, "runs": []})
        entry["runs"].append({"run": self.run_id, "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "documents": self.counts["documents"]})
        tmp = manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, manifest_path)


def _day(published: str | None) -> str:
    from sitrep.engine.worker import _published_day

    return _published_day(published) or UNKNOWN_DAY
