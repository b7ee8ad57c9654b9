"""The scale-out engine: local (1 and 2 workers) and Ray give the same records; reruns skip
what is done; load is idempotent; a broken shard is rejected while the rest carries on."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from sitrep.engine import process
from sitrep.engine.output import read_sql
from sitrep.store import Store
from sitrep.store.load import load_output

VOLATILE = {"ingested_at", "processed_at", "rejected_at"}
DATASETS = ("documents", "actors", "mentions", "time_refs", "events", "statements", "rejections", "origins")
SHARDS, PER_SHARD = 3, 4


def _warc_record(url: str, html: bytes, n: int) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\nWARC-Target-URI: {url}\r\n"
        "WARC-Date: 2020-03-02T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Wikinews sample rows split into CSV shards, a small WARC, and one broken shard."""
    root = tmp_path_factory.mktemp("corpus")
    csv.field_size_limit(1 << 30)
    with open(SAMPLE / "wikinews_2019.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for i in range(SHARDS):
        with open(root / f"part-{i}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows[i * PER_SHARD:(i + 1) * PER_SHARD])
    pages = []
    for n, row in enumerate(rows[40:42]):
        paragraphs = "".join(f"<p>{p}</p>" for p in row["text"].split("\n") if p.strip())
        html = (f"<html><head><title>{row['title']}</title><meta property='article:published_time' "
                f"content='{row['date']}'></head><body><article><h1>{row['title']}</h1>{paragraphs}</article></body></html>")
        pages.append(_warc_record(f"https://news.example/{n}", html.encode("utf-8"), n))
    (root / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(p) for p in pages))
    (root / "broken.csv.gz").write_bytes(gzip.compress(b"url,title,text\nx,y,z\n" * 50)[:40])
    return root


def records(out: Path) -> dict[str, list[tuple]]:
    """Every dataset's rows, volatile timestamps dropped, sorted."""
    con = duckdb.connect()
    found = {}
    for dataset in DATASETS:
        if not (out / dataset).is_dir():
            found[dataset] = []
            continue
        relation = read_sql(out, dataset)
        columns = [c for c in con.execute(f"SELECT * FROM {relation} LIMIT 0").fetchdf().columns if c not in VOLATILE]
        rows = con.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM {relation}").fetchall()
        found[dataset] = sorted(rows, key=repr)
    con.close()
    return found


def _files(out: Path) -> set[Path]:
    return {p.relative_to(out) for p in out.rglob("*.parquet")}


@pytest.fixture(scope="module")
def baseline(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local1") / "out"
    report = process([str(corpus)], out, engine="local", workers=1, batch_size=5)
    return out, report


def test_engine_local_one_worker_writes_partitioned_datasets(baseline):
    out, report = baseline
    assert report.processed == SHARDS * PER_SHARD + 2
    assert report.records["events"] > 0 and report.records["mentions"] > 0
    days = {p.name for p in (out / "documents").iterdir()}
    assert days and all(d.startswith("published_day=") for d in days)
    # A document's records sit in the same day partition as the document.
    con = duckdb.connect()
    mismatched = con.execute(
        f"SELECT count(*) FROM {read_sql(out, 'mentions')} m JOIN {read_sql(out, 'documents')} d ON d.id = m.doc_id "
        "WHERE m.published_day <> d.published_day"
    ).fetchone()[0]
    assert mismatched == 0
    versions = con.execute(f"SELECT DISTINCT pipeline_version FROM {read_sql(out, 'events')}").fetchall()
    assert versions == [(report.pipeline_version,)]
    from sitrep.engine.output import attach

    assert "events" in attach(con, out)  # queried in place, as views
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == report.records["events"]
    manifest = json.loads((out / "_pipeline.json").read_text())
    assert set(manifest["versions"][report.pipeline_version]["components"]) == {"code", "model", "data"}


def test_engine_broken_shard_is_rejected_and_the_rest_carries_on(baseline, corpus):
    out, report = baseline
    assert [(Path(o).name, c) for o, c, _ in report.rejected] == [("broken.csv.gz", "E102")]
    assert "truncated" in report.rejected[0][2]
    assert len(records(out)["rejections"]) == 1
    origins = {row[1] for row in records(out)["origins"]}
    assert any("crawl.warc.gz#record=" in o for o in origins)
    assert sum("part-" in o for o in origins) == SHARDS * PER_SHARD


def test_engine_local_two_workers_matches_one_worker(baseline, corpus, tmp_path):
    out, _ = baseline
    report = process([str(corpus)], tmp_path / "out", engine="local", workers=2, batch_size=3)
    assert report.workers == 2
    assert records(tmp_path / "out") == records(out)


def test_engine_ray_matches_local(baseline, corpus, tmp_path):
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        pytest.skip("Ray is not installed (pip install 'sitrep[ray]'); the ray engine is not tested")
    out, _ = baseline
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        report = process([str(corpus)], tmp_path / "out", engine="ray", workers=2, batch_size=4)
    finally:
        ray.shutdown()
    assert report.engine == "ray"
    assert records(tmp_path / "out") == records(out)


def test_engine_rerun_skips_everything(baseline, corpus, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(baseline[0], out)
    before, files = records(out), _files(out)
    report = process([str(corpus)], out, engine="local", workers=1)
    assert report.processed == 0
    assert report.skipped == baseline[1].processed
    assert len(report.rejected) == 1  # still reported, not written twice
    assert _files(out) == files and records(out) == before


def test_engine_changed_pipeline_version_reprocesses_only_stale_documents(corpus, tmp_path, monkeypatch):
    import sitrep.engine.version as version

    out = tmp_path / "out"
    first, second = str(corpus / "part-0.csv"), str(corpus / "part-1.csv")
    monkeypatch.setattr(version, "pipeline_version", lambda: "test-v1")
    assert process([first, second], out, workers=1, analyze=False).processed == 2 * PER_SHARD
    with Store(tmp_path / "s.duckdb") as store:
        assert load_output(store, out).new == 2 * PER_SHARD
    monkeypatch.setattr(version, "pipeline_version", lambda: "test-v2")  # a changed coder
    assert process([first], out, workers=1, analyze=False).processed == PER_SHARD
    with Store(tmp_path / "s.duckdb") as store:
        loaded = load_output(store, out)
        assert (loaded.new, loaded.replaced, loaded.unchanged) == (0, PER_SHARD, PER_SHARD)
    report = process([first, second], out, workers=1, analyze=False)
    assert (report.processed, report.skipped) == (PER_SHARD, PER_SHARD)
    with Store(tmp_path / "s.duckdb") as store:
        loaded = load_output(store, out)
        assert (loaded.new, loaded.replaced, loaded.unchanged) == (0, PER_SHARD, PER_SHARD)
        assert store.count("documents") == 2 * PER_SHARD
        stored = store.con.execute("SELECT DISTINCT pipeline_version FROM documents").fetchall()
        assert stored == [("test-v2",)]


def test_engine_version_changes_with_data_files(tmp_path):
    from sitrep.engine.version import _hash_files, pipeline_version

    (tmp_path / "patterns.yaml").write_text("a: 1\n")
    before = _hash_files([tmp_path / "patterns.yaml"], tmp_path)
    (tmp_path / "patterns.yaml").write_text("a: 2\n")
    assert _hash_files([tmp_path / "patterns.yaml"], tmp_path) != before
    assert pipeline_version() == pipeline_version()


def test_load_is_idempotent_and_matches_ingest(baseline, corpus, tmp_path):
    out, report = baseline
    with Store(tmp_path / "loaded.duckdb") as store:
        first = load_output(store, out)
        assert (first.new, first.replaced) == (report.processed, 0)
        counts = {t: store.count(t) for t in ("documents", "mentions", "time_refs", "events", "actors", "rejections")}
        second = load_output(store, out)
        assert (second.new, second.replaced, second.unchanged) == (0, 0, report.processed)
        assert {t: store.count(t) for t in counts} == counts
        loaded = _store_rows(store)
    from sitrep.pipeline import ingest

    with Store(tmp_path / "ingested.duckdb") as store:
        ingest([str(corpus)], store)
        assert _store_rows(store) == loaded
        assert load_output(store, out).unchanged == report.processed  # ingest stamps the same version
        # Records stored by another pipeline version are replaced, not duplicated or kept.
        store.con.execute("UPDATE documents SET pipeline_version = 'older'")
        store.con.execute("UPDATE events SET type = 'STALE'")
        replaced = load_output(store, out)
        assert (replaced.replaced, replaced.new) == (report.processed, 0)
        assert _store_rows(store) == loaded


def _store_rows(store: Store) -> dict[str, list]:
    queries = {
        "documents": "SELECT id, title, published, published_day, text, pipeline_version FROM documents",
        "mentions": 'SELECT doc_id, start, "end", text, label, actor_id, code, sector, pipeline_version FROM mentions',
        "time_refs": 'SELECT doc_id, start, "end", value, precision FROM time_refs',
        "events": "SELECT id, doc_id, type, actor_code, recipient_code, event_day, evidence::VARCHAR FROM events",
        "statements": "SELECT id, doc_id, speaker_code, speaker_name, stance, content_text, proposition::VARCHAR, "
                      "statement_day, pipeline_version FROM statements",
        "relations": "SELECT kind, a, b, score, explanation FROM relations",
    }
    return {name: sorted(store.con.execute(q).fetchall(), key=repr) for name, q in queries.items()}


def _all_rows(store: Store) -> dict[str, list]:
    """Every row of every table, save the moments a row was written."""
    out = {}
    for (table,) in store.con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall():
        columns = [r[0] for r in store.con.execute(f'DESCRIBE "{table}"').fetchall() if r[0] not in ("created_at", "applied_at")]
        rows = store.con.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM \"{table}\"").fetchall()
        out[table] = sorted(rows, key=repr)
    return out


def test_load_unreadable_parquet_is_named_and_the_rest_is_loaded(baseline, tmp_path):
    out, report = baseline
    with Store(tmp_path / "whole.duckdb") as store:
        load_output(store, out)
        whole = _all_rows(store)
    broken = tmp_path / "out"
    shutil.copytree(out, broken)
    days = sorted({p.parent for p in (broken / "mentions").rglob("*.parquet")})
    victim = next(days[0].glob("*.parquet"))
    with duckdb.connect() as con:
        lost = {r[0] for r in con.execute(f"SELECT id FROM read_parquet('{broken / 'documents' / victim.parent.name}/*.parquet')").fetchall()}
    assert 0 < len(lost) < report.processed and len(days) > 1
    good = victim.read_bytes()
    victim.write_bytes(good[: len(good) // 2])  # a truncated copy
    with Store(tmp_path / "s.duckdb") as store:
        first = load_output(store, broken)
        [error] = first.errors
        assert error["input"] == str(victim) and error["code"] == "E102" and "unreadable Parquet" in error["reason"]
        # The documents written with the broken file are left out whole; the rest is loaded.
        assert first.new == report.processed - len(lost)
        stored = {r[0] for r in store.con.execute("SELECT id FROM documents").fetchall()}
        assert stored.isdisjoint(lost) and len(stored) == first.new
        for table in ("mentions", "time_refs", "events", "statements"):
            assert store.con.execute(f"SELECT count(*) FROM {table} WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(lost)]).fetchall()[0][0] == 0
        victim.write_bytes(good)  # mended: the next load brings in what was left out
        second = load_output(store, broken)
        assert (second.new, second.unchanged, second.errors) == (len(lost), report.processed - len(lost), [])
        # Nothing else changed: every table holds what one load of the whole folder holds, save
        # the stories and canonical events that depend on the order documents were linked in.
        mended = _all_rows(store)
    order_dependent = {"stories", "story_documents", "canonical_events", "event_canonical", "duplicates"}
    assert {t: v for t, v in mended.items() if t not in order_dependent} == {t: v for t, v in whole.items() if t not in order_dependent}


def test_cli_load_reports_an_unreadable_file_and_carries_on(baseline, tmp_path):
    from sitrep.cli import app

    out = tmp_path / "out"
    shutil.copytree(baseline[0], out)
    victim = min((out / "documents").rglob("*.parquet"))
    data = bytearray(victim.read_bytes())
    data[4: len(data) // 2] = bytes(len(data) // 2 - 4)  # corrupt pages, intact footer
    victim.write_bytes(bytes(data))
    result = CliRunner().invoke(app, ["load", str(out), "--db", str(tmp_path / "s.duckdb"), "--json"])
    assert result.exit_code == 0, result.output
    loaded = json.loads(result.stdout)
    assert [e["input"] for e in loaded["errors"]] == [str(victim)] and 0 < loaded["new"] < baseline[1].processed
    assert "E102" in result.stderr and victim.name in result.stderr


def test_engine_reads_parquet_of_documents(baseline, tmp_path):
    out, _ = baseline
    again = tmp_path / "again"
    report = process([str(out / "documents")], again, workers=1, analyze=False)
    assert report.processed == baseline[1].processed
    keep = lambda rows: sorted((r[0], r[3], r[4], r[8]) for r in rows)  # id, title, published, text
    assert keep(records(again)["documents"]) == keep(records(out)["documents"])


def test_engine_ray_missing_gives_clear_error(corpus, tmp_path, monkeypatch):
    from sitrep.engine.ray_engine import EngineUnavailable

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(EngineUnavailable, match=r"pip install 'sitrep\[ray\]'"):
        process([str(corpus / "part-0.csv")], tmp_path / "out", engine="ray", workers=1, analyze=False)


def test_cli_process_and_load(corpus, tmp_path):
    from sitrep.cli import app

    runner = CliRunner()
    out, db = tmp_path / "out", tmp_path / "s.duckdb"
    result = runner.invoke(app, ["process", str(corpus / "part-2.csv"), str(corpus / "broken.csv.gz"),
                                 "--out", str(out), "--workers", "1", "--no-analyze", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["processed"] == PER_SHARD and data["rejections"][0]["code"] == "E102"
    for expected_new in (PER_SHARD, 0):
        result = runner.invoke(app, ["load", str(out), "--db", str(db), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["new"] == expected_new
    result = runner.invoke(app, ["load", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 2 and "E105" in result.output
    result = runner.invoke(app, ["process", str(corpus), "--out", str(out), "--engine", "spark"])
    assert result.exit_code == 2 and "E401" in result.output


def test_engine_ray_client_address_is_refused_with_the_way_out(corpus, tmp_path):
    from sitrep.engine.ray_engine import EngineUnavailable

    with pytest.raises(EngineUnavailable) as err:
        process([str(corpus)], tmp_path / "out", engine="ray", workers=2, address="ray://head:10001")
    assert err.value.code == "E400" and "ray job submit" in str(err.value) and "HOST:PORT" in str(err.value)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_engine_ray_on_a_separately_started_cluster_matches_local(baseline, corpus, tmp_path):
    """A real Ray cluster started with `ray start --head` (token authentication on), reached by
    `sitrep process --address HOST:PORT` in another process, gives the local engine's records."""
    import os
    import secrets
    import signal
    import subprocess
    import tempfile
    import time

    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists():
        pytest.skip("Ray is not installed (pip install 'sitrep[ray]'); the cluster path is not tested")
    out, _ = baseline
    port = _free_port()
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32),
           "RAY_USAGE_STATS_ENABLED": "0"}
    env.pop("RAY_ADDRESS", None)
    temp_dir = tempfile.mkdtemp(prefix="sitrep-ray-")  # short: Ray's socket paths must fit 107 bytes
    head = subprocess.Popen(
        [str(ray_bin), "start", "--head", "--block", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
         "--disable-usage-stats", f"--temp-dir={temp_dir}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        run = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # the head needs a few seconds before it accepts drivers
            if head.poll() is not None:
                pytest.fail(f"`ray start --head` exited with {head.returncode} before the run")
            run = subprocess.run(
                [sys.executable, "-m", "sitrep.cli", "process", str(corpus), "--engine", "ray", "--address",
                 f"127.0.0.1:{port}", "--workers", "2", "--batch-size", "4", "--out", str(tmp_path / "out"), "--json"],
                env=env, capture_output=True, text=True, timeout=300)
            if run.returncode == 0 or "cannot start or reach Ray" not in run.stdout + run.stderr:
                break
            time.sleep(3)
        assert run is not None and run.returncode == 0, (run.stdout[-2000:], run.stderr[-2000:])
        report = json.loads(run.stdout)
        assert report["engine"] == "ray"
        assert records(tmp_path / "out") == records(out)
    finally:
        try:
            os.killpg(head.pid, signal.SIGTERM)
            head.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(head.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(temp_dir, ignore_errors=True)


def test_engine_recycled_workers_give_the_same_records(baseline, corpus, tmp_path, monkeypatch):
    # Every worker process is replaced after each batch: the records cannot depend on it.
    monkeypatch.setenv("SITREP_WORKER_MAX_BATCHES", "1")
    out, _ = baseline
    report = process([str(corpus)], tmp_path / "out", engine="local", workers=2, batch_size=4)
    assert records(tmp_path / "out") == records(out)
    # Start-up is the first workers' (not the replacements'), and each worker reports its memory.
    assert 0 < report.startup_seconds < report.seconds
    assert report.steady_docs_per_s and report.steady_docs_per_s > report.processed / report.seconds
    assert 0 < report.worker_end_rss_mb <= report.worker_peak_rss_mb + 1
