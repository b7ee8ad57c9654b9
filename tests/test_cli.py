"""The command line, run as a user runs it: a real process, real files, a real store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb

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


#: Kills per run of the crash test; raise it (e.g. SITREP_KILL_ROUNDS=50) for a longer soak.
KILL_ROUNDS = int(os.environ.get("SITREP_KILL_ROUNDS", "6"))


def store_snapshot(path: str) -> dict:
    """Every table's rows (without wall-clock columns) and the orphan count of a store."""
    con = duckdb.connect(path, read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        rows = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if not r[0].endswith("_at")]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows[table] = con.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
        orphans = {}
        for table in tables:
            cols = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
            if "doc_id" in cols:
                orphans[table] = con.execute(
                    f"SELECT count(*) FROM {table} t WHERE t.doc_id IS NOT NULL AND t.doc_id NOT IN (SELECT id FROM documents)"
                ).fetchone()[0]
        orphans["mentions.actor_id"] = con.execute(
            "SELECT count(*) FROM mentions WHERE actor_id IS NOT NULL AND actor_id NOT IN (SELECT id FROM actors)").fetchone()[0]
        # Analysis is written with its document: no stored document lacks its mentions.
        orphans["documents without mentions"] = con.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = d.id)").fetchone()[0]
    finally:
        con.close()
    return {"rows": rows, "orphans": orphans}


def _kill_after_commits(args: list[str], env: dict, wal: str, commits: int, delay: float) -> int:
    """Start the CLI, wait until its write-ahead log has grown ``commits`` times (one growth per
    committed transaction), wait ``delay`` seconds more (into the next batch), then SIGKILL it.
    Returns the exit status (-SIGKILL when the kill landed, 0 when the run finished first)."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, last = 0, os.path.getsize(wal) if os.path.exists(wal) else 0
    deadline = time.monotonic() + 240
    while seen < commits and proc.poll() is None and time.monotonic() < deadline:
        size = os.path.getsize(wal) if os.path.exists(wal) else 0
        if size > last:
            seen += 1
        last = size
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=30)


def test_cli_ingest_killed_at_random_points_then_rerun_matches_clean_run(tmp_path):
    """kill -9 during ingest, at random points, again and again on the same store: after each
    kill the store is consistent (no orphans), and a final rerun leaves it identical to a clean
    single run: same ids and the same rows in every table.

    Kill points are counted in committed batches (the write-ahead log grows once per commit)
    plus a random delay into the next batch, so they do not depend on the machine's speed."""
    import csv
    import random

    csv.field_size_limit(10**8)
    with open(SAMPLE / "wikinews_2019.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:30]
    subset = tmp_path / "subset.csv"
    with open(subset, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    inputs = [str(subset), str(SAMPLE / "ATTRIBUTION.md")]  # one rejection among the rows
    env = {"SITREP_BATCH_SIZE": "3"}
    clean_db = str(tmp_path / "clean.duckdb")
    sitrep("ingest", *inputs, "--db", clean_db, "--json", env=env)

    seed = int(os.environ.get("SITREP_KILL_SEED", str(random.randrange(10**6))))
    rng = random.Random(seed)
    killed_db = str(tmp_path / "killed.duckdb")
    args = [sys.executable, "-m", "sitrep.cli", "ingest", *inputs, "--db", killed_db]
    partial_counts = []
    for _ in range(KILL_ROUNDS):
        status = _kill_after_commits(args, {**os.environ, **env}, killed_db + ".wal",
                                     commits=rng.randint(1, 2), delay=rng.uniform(0, 0.5))
        if status != -signal.SIGKILL or not os.path.exists(killed_db):
            continue  # finished before the kill, or killed before the store existed
        state = store_snapshot(killed_db)  # opens: the write-ahead log replays up to the last commit
        assert not any(state["orphans"].values()), (seed, state["orphans"])
        partial_counts.append(len(state["rows"].get("documents", ())))
    print(f"kill seed {seed}: documents after each kill {partial_counts}")  # replay: SITREP_KILL_SEED
    sitrep("ingest", *inputs, "--db", killed_db, "--json", env=env)

    clean, killed = store_snapshot(clean_db), store_snapshot(killed_db)
    assert any(0 < n < len(clean["rows"]["documents"]) for n in partial_counts), (seed, partial_counts)
    assert not any(killed["orphans"].values())
    assert set(killed["rows"]) == set(clean["rows"])
    for table in clean["rows"]:
        assert len(killed["rows"][table]) == len(clean["rows"][table]), (seed, table)
        assert killed["rows"][table] == clean["rows"][table], (seed, table)
    assert len(clean["rows"]["documents"]) == 30 and len(clean["rows"]["rejections"]) == 1


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
