"""The command line, run as a user runs it: a real process, real files, a real store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import SAMPLE


def sitrep(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"sitrep {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def test_cli_ingest_docs_show_export(tmp_path, seed_path):
    db = str(tmp_path / "s.duckdb")
    first = json.loads(sitrep("ingest", str(seed_path), str(tmp_path / "missing.txt"), "--db", db, "--json").stdout)
    assert (first["read"], first["new"], first["rejected"]) == (2, 1, 1)
    assert first["rejections"][0]["code"] == "E103"
    again = json.loads(sitrep("ingest", str(seed_path), "--db", db, "--json").stdout)
    assert (again["new"], again["duplicate"]) == (0, 1)

    listed = json.loads(sitrep("docs", "--db", db, "--json", "--since", "2022-01-01").stdout)
    assert [d["published"] for d in listed] == ["2022-02-01T14:56"]
    assert json.loads(sitrep("docs", "--db", db, "--json", "--text", "no-such-phrase").stdout) == []

    shown = json.loads(sitrep("show", listed[0]["id"][:10], "--db", db, "--json").stdout)
    assert shown["tags"] == ["Russia", "USA", "Canada", "Ukraine"]
    assert shown["origins"][0]["origin"] == str(seed_path)
    text_view = sitrep("show", listed[0]["id"][:10], "--db", db).stdout
    assert "injected_links" in text_view and "See also" in text_view  # removed lines are shown as such

    out = tmp_path / "docs.jsonl"
    sitrep("export", "--format", "jsonl", "--out", str(out), "--db", db)
    assert json.loads(out.read_text().splitlines()[0])["record"] == "document"


def test_cli_errors_exit_2_with_code(tmp_path):
    db = str(tmp_path / "s.duckdb")
    sitrep("ingest", str(SAMPLE / "ATTRIBUTION.md"), "--db", db, "--json")
    proc = sitrep("show", "ffffffffff", "--db", db, check=False)
    assert proc.returncode == 2
    assert "[E404]" in proc.stderr
    proc = sitrep("export", "--format", "xml", "--out", str(tmp_path / "x"), "--db", db, check=False)
    assert proc.returncode == 2 and "unknown export format" in proc.stderr


def test_cli_analyze_prints_document_records(seed_path):
    lines = sitrep("analyze", str(seed_path), "--jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["record"] == "document"
    assert set(records[0]) == {"record", "id", "url", "source", "title", "published", "authors", "tags", "language", "text", "ingested_at", "origin", "quality"}


def test_cli_ingest_killed_midway_then_rerun_matches_clean_run(tmp_path):
    """kill -9 during ingest leaves a consistent store; a rerun completes it without duplicates."""
    import csv

    csv.field_size_limit(10**8)
    with open(SAMPLE / "wikinews_2019.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:60]
    subset = tmp_path / "subset.csv"
    with open(subset, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    inputs = [str(subset)]
    clean_db = str(tmp_path / "clean.duckdb")
    started = time.monotonic()
    sitrep("ingest", *inputs, "--db", clean_db, "--json")
    clean_seconds = time.monotonic() - started

    killed_db = str(tmp_path / "killed.duckdb")
    env = {**os.environ, "SITREP_BATCH_SIZE": "5"}
    partial_counts = []
    # Kill at several points of the run; each rerun resumes on the same store.
    for fraction in (0.55, 0.65, 0.75, 0.85):
        proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "ingest", *inputs, "--db", killed_db], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(clean_seconds * fraction)
        proc.send_signal(signal.SIGKILL)
        if proc.wait(timeout=30) != -signal.SIGKILL:
            continue  # finished before the kill: nothing to learn from this round
        con = duckdb.connect(killed_db, read_only=True)
        partial_counts.append(con.execute("SELECT count(*) FROM documents").fetchone()[0])
        con.close()
    sitrep("ingest", *inputs, "--db", killed_db, "--json")

    def snapshot(path: str):
        con = duckdb.connect(path, read_only=True)
        try:
            ids = con.execute("SELECT id FROM documents ORDER BY id").fetchall()
            origins = con.execute("SELECT doc_id, origin FROM document_origins ORDER BY 1, 2").fetchall()
            orphans = con.execute("SELECT count(*) FROM document_origins o LEFT JOIN documents d ON d.id = o.doc_id WHERE d.id IS NULL").fetchone()[0]
            orphans += con.execute("SELECT count(*) FROM mentions m LEFT JOIN documents d ON d.id = m.doc_id WHERE d.id IS NULL").fetchone()[0]
            # Analysis is written with its document: no stored document lacks its mentions.
            orphans += con.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = d.id)").fetchone()[0]
            mentions = con.execute("SELECT doc_id, start, \"end\", actor_id FROM mentions ORDER BY 1, 2, 3").fetchall()
        finally:
            con.close()
        return ids, origins, orphans, mentions

    clean, killed = snapshot(clean_db), snapshot(killed_db)
    assert any(0 < n < len(clean[0]) for n in partial_counts), f"no kill landed mid-run: {partial_counts}"
    assert killed[2] == 0
    assert killed[0] == clean[0]
    assert killed[1] == clean[1]
    assert killed[3] == clean[3]


def test_cli_evaluate_plover_on_a_small_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({
        "id": "t1", "event": "ASSAULT", "mode": "", "text": "Russian troops attacked Ukrainian soldiers near Kharkiv.",
        "source": [{"actorText": "Russian troops", "code": "RUS", "sector": "MIL"}],
        "target": [{"actorText": "Ukrainian soldiers", "code": "UKR", "sector": "MIL"}],
    }) + "\n")
    result = json.loads(sitrep("evaluate", "plover", str(gold), "--json").stdout)
    assert result["n"] == 1
    assert {"type_accuracy", "type_macro_f1", "actor_code_accuracy", "actor_code_precision", "no_event_rate"} <= set(result)
    assert "items" not in result
    detailed = json.loads(sitrep("evaluate", "plover", str(gold), "--json", "--details").stdout)
    (item,) = detailed["items"]
    assert item["id"] == "t1" and item["sources"] == ["RUS"] and item["predicted"]["type"] == "ASSAULT"
    proc = sitrep("evaluate", "plover", str(tmp_path / "missing.jsonl"), "--json", check=False)
    assert proc.returncode != 0
