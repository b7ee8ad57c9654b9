"""Disk full and read-only stores: a clear error, and the store keeps exactly what it held.

A full disk is simulated with ``RLIMIT_FSIZE`` in the ingesting process (writes past the limit
fail with EFBIG, as they would with ENOSPC; Python ignores SIGXFSZ). A read-only store is made
real with the immutable attribute (``chattr +i``), which binds root too; where the file system
or the user cannot set it, those cases skip.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE
from sitrep.errors import StoreError
from sitrep.store import Store
from test_cli import store_snapshot


def _rows_csv(path: Path, start: int, n: int) -> Path:
    csv.field_size_limit(10**8)
    with open(SAMPLE / "wikinews_2019.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[start:start + n]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def filled(tmp_path) -> Path:
    """A store holding ten documents, checkpointed (no write-ahead log beside it)."""
    db = tmp_path / "store" / "s.duckdb"
    from sitrep.pipeline import ingest

    with Store(db) as store:
        assert ingest([str(_rows_csv(tmp_path / "first.csv", 0, 10))], store, analyze=False).new == 10
    assert not Path(f"{db}.wal").exists()
    return db


def _ingest(db: Path, source: Path, *, fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "ingest", str(source), "--db", str(db), "--no-analyze"],
        capture_output=True, text=True, timeout=300, preexec_fn=limit,
        env={**os.environ, "SITREP_BATCH_SIZE": "20", "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_store_disk_full_fails_clearly_and_keeps_what_was_there(filled, tmp_path):
    before = store_snapshot(str(filled))
    more = _rows_csv(tmp_path / "more.csv", 10, 60)
    proc = _ingest(filled, more, fsize=60_000)  # the write-ahead log of one batch needs more
    assert proc.returncode == 2, proc.stderr
    assert "[E200]" in proc.stderr and "batch write failed" in proc.stderr and "File too large" in proc.stderr
    assert str(filled) in proc.stderr
    assert store_snapshot(str(filled)) == before  # opens, and holds exactly what it held
    # With room again, the same ingest completes.
    assert _ingest(filled, more).returncode == 0
    assert len(store_snapshot(str(filled))["rows"]["documents"]) == 70


@pytest.mark.parametrize("fsize", [150_000, 400_000, 700_000, 900_000, 1_200_000])
def test_store_disk_full_at_any_point_loses_no_committed_batch(filled, tmp_path, fsize):
    """Wherever the disk fills up (a batch's log, a later batch, the checkpoint at close), the
    store opens afterwards and holds the earlier documents plus whole batches only."""
    more = _rows_csv(tmp_path / "more.csv", 10, 60)
    clean = tmp_path / "clean.duckdb"
    shutil.copy(filled, clean)
    assert _ingest(clean, more).returncode == 0
    clean_docs = {r[0]: r for r in store_snapshot(str(clean))["rows"]["documents"]}

    proc = _ingest(filled, more, fsize=fsize)
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        assert "[E200]" in proc.stderr
    docs = store_snapshot(str(filled))["rows"]["documents"]
    assert (len(docs) - 10) % 20 == 0 or len(docs) == 70, len(docs)
    assert all(clean_docs[r[0]] == r for r in docs)
    assert _ingest(filled, more).returncode == 0
    assert store_snapshot(str(filled))["rows"]["documents"] == sorted(clean_docs.values())


def _immutable(path: Path, on: bool) -> None:
    flag = "+i" if on else "-i"
    proc = subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True)
    if proc.returncode != 0 and on:
        pytest.skip(f"cannot make {path} immutable here: {proc.stderr.strip()}")


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr is not installed")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_store_read_only_fails_clearly_and_keeps_what_was_there(filled, tmp_path, what):
    before = store_snapshot(str(filled))
    target = filled if what == "file" else filled.parent
    _immutable(target, True)
    try:
        proc = _ingest(filled, _rows_csv(tmp_path / "more.csv", 10, 30))
    finally:
        _immutable(target, False)
    assert proc.returncode == 2, proc.stderr
    assert "[E200]" in proc.stderr and str(filled) in proc.stderr
    assert "Operation not permitted" in proc.stderr or "Permission denied" in proc.stderr
    assert store_snapshot(str(filled)) == before


def test_store_opened_read_only_refuses_writes(filled):
    before = store_snapshot(str(filled))
    from sitrep.pipeline import extract_items
    from sitrep.sources.files import read_inputs

    docs = [d for d in extract_items(read_inputs([str(SAMPLE / "wikinews_2020.csv")])) if hasattr(d, "text")][:3]
    with Store(filled, read_only=True) as store:
        with pytest.raises(StoreError, match="batch write failed.*read-only"):
            store.write_documents(docs)
    assert store_snapshot(str(filled)) == before
