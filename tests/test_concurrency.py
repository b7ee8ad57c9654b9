"""Readers during writes, on a real server on loopback.

DuckDB's model: one process holds a database file read-write; inside it, every cursor of that
database is a connection with its own transactions (MVCC), so a reader sees each committed
batch whole or not at all. Another process cannot open the file at all while the writer holds
it. Two ways of serving during an ingest follow, and each is tested here:

* the server ingests through its own connection (``write_enabled``): readers keep getting
  200s, and every answer is a state between two batches;
* an outside ``sitrep ingest`` process writes: each API request opens the store read-only, so
  it gets either a consistent answer or a retryable 503 (E200) while the writer holds the file.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import threading
import time

import httpx

from conftest import SAMPLE
from sitrep.api import create_app
from sitrep.store import Store

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BATCH = 4


def _rows(n: int, start: int = 0) -> list[dict[str, str]]:
    csv.field_size_limit(10**8)
    with open(SAMPLE / "wikinews_2019.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))[start:start + n]


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


class _Server:
    """uvicorn serving ``app`` on a free loopback port in a background thread."""

    def __init__(self, app) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(20)


def test_concurrency_readers_see_whole_batches_while_the_server_ingests(tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_BATCH_SIZE", str(BATCH))
    monkeypatch.setenv("SITREP_UPLOAD_DIR", str(tmp_path / "uploads"))
    rows = _rows(24)
    db = tmp_path / "store.duckdb"
    Store(db).close()
    observed: list[tuple[int, int, int]] = []
    errors: list[str] = []
    done = threading.Event()
    result: dict = {}

    with _Server(create_app(str(db), token=TOKEN, write_enabled=True)) as base:
        def ingest() -> None:
            try:
                r = httpx.post(f"{base}/api/ingest/upload", params={"filename": "rows.csv"},
                               content=_csv_bytes(rows), headers=AUTH, timeout=600)
                result["status"], result["body"] = r.status_code, r.json()
            finally:
                done.set()

        def read() -> None:
            with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
                while not done.is_set():
                    r = client.get("/api/health")
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {r.text[:200]}")
                        continue
                    h = r.json()
                    page = client.get("/api/documents", params={"limit": 500})
                    if page.status_code != 200:
                        errors.append(f"{page.status_code} {page.text[:200]}")
                        continue
                    observed.append((h["documents"], h["mentions"], len(page.json()["items"])))
                    time.sleep(0.01)

        writer = threading.Thread(target=ingest)
        readers = [threading.Thread(target=read) for _ in range(3)]
        writer.start()
        for t in readers:
            t.start()
        writer.join(600)
        for t in readers:
            t.join(60)
        final = httpx.get(f"{base}/api/health", headers=AUTH).json()

    assert result.get("status") == 200, result
    assert result["body"]["new"] == len(rows)
    assert errors == []
    assert final["documents"] == len(rows)

    # The state after each committed batch: (documents, mentions). Every reader's view must be
    # one of them, never a batch half written, and the mentions must match the documents.
    with Store(db, read_only=True) as store:
        per_row = dict(store.con.execute(
            "SELECT CAST(split_part(o.origin, '#row=', 2) AS INTEGER), "
            "(SELECT count(*) FROM mentions m WHERE m.doc_id = o.doc_id) FROM document_origins o"
        ).fetchall())
    boundaries, docs, mentions = {(0, 0)}, 0, 0
    for row in range(1, len(rows) + 1):
        docs, mentions = docs + 1, mentions + per_row[row]
        if row % BATCH == 0 or row == len(rows):
            boundaries.add((docs, mentions))
    views = {(d, m) for d, m, _ in observed}
    assert views <= boundaries, sorted(views - boundaries)
    # Between batches, not only before and after: the readers were served during the ingest.
    assert any(0 < d < len(rows) for d, _, _ in observed), observed[:5]
    # Lists too show whole batches only.
    assert all(n % BATCH == 0 or n == len(rows) for _, _, n in observed)


def test_concurrency_outside_writer_gives_consistent_answer_or_retryable_503(tmp_path):
    rows = _rows(40, start=30)
    src = tmp_path / "rows.csv"
    src.write_bytes(_csv_bytes(rows))
    db = tmp_path / "store.duckdb"
    Store(db).close()
    statuses: list[int] = []
    counts: list[int] = []
    with _Server(create_app(str(db))) as base:
        env = {**os.environ, "SITREP_BATCH_SIZE": str(BATCH)}
        proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "ingest", str(src), "--db", str(db), "--no-analyze"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                finished = proc.poll() is not None
                r = client.get("/api/health")
                statuses.append(r.status_code)
                if r.status_code == 200:
                    counts.append(r.json()["documents"])
                else:
                    assert r.status_code == 503 and r.json()["error"]["code"] == "E200", r.text
                    assert r.headers["retry-after"] == "1"
                if finished:
                    break
                time.sleep(0.01)
        assert proc.wait(60) == 0, proc.stderr.read()
        assert client is not None
        final = httpx.get(f"{base}/api/health").json()["documents"]
    assert final == len(rows)
    # Whether a poll lands while the writer holds the file is a race; when one does, it got the
    # retryable 503 checked above, never an inconsistent count.
    assert all(c % BATCH == 0 or c == len(rows) for c in counts), counts
    assert counts == sorted(counts)


def test_concurrency_writer_waits_for_readers_then_gives_a_clear_error(tmp_path):
    """A writer waits up to ``lock_wait`` for readers in other processes to let go of the file:
    it succeeds when they do, and fails with E200 naming the store when they do not."""
    import duckdb

    src = tmp_path / "rows.csv"
    src.write_bytes(_csv_bytes(_rows(3)))
    db = tmp_path / "store.duckdb"
    Store(db).close()
    args = [sys.executable, "-m", "sitrep.cli", "ingest", str(src), "--db", str(db), "--no-analyze", "--json"]

    reader = duckdb.connect(str(db), read_only=True)
    try:
        started = time.monotonic()
        proc = subprocess.run(args, env={**os.environ, "SITREP_LOCK_WAIT": "1"}, capture_output=True, text=True, timeout=120)
    finally:
        reader.close()
    assert proc.returncode == 2
    assert "[E200]" in proc.stderr and str(db) in proc.stderr and "lock" in proc.stderr
    assert time.monotonic() - started >= 1

    reader = duckdb.connect(str(db), read_only=True)
    release = threading.Timer(1.5, reader.close)
    release.start()
    proc = subprocess.run(args, env={**os.environ, "SITREP_LOCK_WAIT": "60"}, capture_output=True, text=True, timeout=120)
    release.join()
    assert proc.returncode == 0, proc.stderr
    assert '"new": 3' in proc.stdout


def test_concurrency_read_only_api_holds_the_file_only_while_requests_are_in_flight(tmp_path):
    db = tmp_path / "store.duckdb"
    Store(db).close()
    access = create_app(str(db)).state.store_access
    first, second = access.open(), access.open()
    assert access._reader.is_open
    assert first.count() == second.count() == 0  # two requests, one database, own cursors
    first.close()
    assert access._reader.is_open  # the second request still reads
    second.close()
    assert not access._reader.is_open
    with Store(db) as writer:  # idle: a writer may open the file
        assert writer.count() == 0
