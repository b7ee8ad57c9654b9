"""DuckDB query latency on a store of at least a million synthetic-but-realistic events.

Run through ``benchmarks/run.py --suite queries`` (``make bench``).

The base is real: the bundled Wikinews sample, analysed (actors, events) with its attributed
statements, in a store. The synthetic store replicates that base R times, each replica with
its dates shifted (spread over ten years) and its actor codes rotated through the codes the
base uses, so value distributions, text lengths and JSON shapes are the real ones while the
store reaches the requested size. The queries are run as the store layer runs them (the
timeline is :meth:`sitrep.store.Store.query_events`), each with several parameter values;
the figure is the median and the 95th percentile of the warm runs.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SAMPLE = HERE.parent / "data" / "sample" / "wikinews"


def build_base(path: Path) -> None:
    """Analyse the Wikinews sample into a store, statements included."""
    import pyarrow.parquet as pq

    from sitrep.analyze import analyze_documents
    from sitrep.engine import tables
    from sitrep.engine.version import pipeline_version
    from sitrep.pipeline import batched, documents_from
    from sitrep.records import Document
    from sitrep.statements.extract import extract_statements
    from sitrep.store import Store
    from sitrep.store.load import _register_day, _select

    version = pipeline_version()
    docs = [d for d in documents_from(sorted(str(p) for p in SAMPLE.glob("*.csv"))) if isinstance(d, Document)]
    statements = []
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        for batch in batched(docs, 64):
            analyses = list(analyze_documents(batch))
            store.write_documents(batch, [], analyses, pipeline_version=version)
            for analysis in analyses:
                statements.extend(getattr(analysis, "statements", ()) or extract_statements(analysis))
        stored = store.con.execute("SELECT count(*) FROM statements").fetchall()[0][0]
        if statements and not stored:
            tmp = path.with_suffix(".statements.parquet")
            pq.write_table(tables.to_table("statement", statements, version=version), tmp)
            _register_day(store.con)
            store.con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM read_parquet('{tmp}')")
            store.con.execute(f"INSERT OR IGNORE INTO statements BY NAME SELECT {_select(store.con, 'statements', 'src')} FROM src s")
            tmp.unlink()


def build_synthetic(base: Path, path: Path, events: int) -> dict:
    """Replicate the base store until it holds at least ``events`` events."""
    from sitrep.store import Store

    if path.exists():
        path.unlink()
    with Store(path) as store:
        con = store.con
        con.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
        base_events = con.execute("SELECT count(*) FROM base.events").fetchall()[0][0]
        base_statements = con.execute("SELECT count(*) FROM base.statements").fetchall()[0][0]
        replicas = math.ceil(events / base_events)
        start = time.perf_counter()
        con.execute(
            "CREATE TEMP TABLE codes AS SELECT code, (row_number() OVER (ORDER BY code)) - 1 AS i FROM ("
            "SELECT actor_code AS code FROM base.events UNION SELECT recipient_code FROM base.events "
            "UNION SELECT speaker_code FROM base.statements UNION SELECT code FROM base.mentions) WHERE code IS NOT NULL"
        )
        n_codes = con.execute("SELECT count(*) FROM codes").fetchall()[0][0]
        con.execute(f"CREATE TEMP TABLE rep AS SELECT range AS k, (range * 37) % 3650 AS shift FROM range({replicas})")
        # code rotated by replica: codes[(i + 7k) mod n]
        con.execute(
            f"CREATE TEMP TABLE rot AS SELECT r.k, c.code AS old, c2.code AS new FROM rep r, codes c "
            f"JOIN codes c2 ON c2.i = (c.i + 7 * r.k) % {n_codes} WHERE true"
        )
        con.execute(
            "INSERT INTO documents BY NAME SELECT d.id || '-' || r.k AS id, d.url, d.source, d.title, "
            "strftime(d.published_day + r.shift::INTEGER, '%Y-%m-%d') AS published, d.published_day + r.shift::INTEGER AS published_day, "
            "d.authors, d.tags, d.language, d.text, d.ingested_at, d.origin, d.quality, d.pipeline_version "
            "FROM base.documents d, rep r"
        )
        con.execute(
            "INSERT INTO events BY NAME SELECT e.id || '-' || r.k AS id, e.doc_id || '-' || r.k AS doc_id, e.type, e.mode, "
            "e.context, e.actor, e.recipient, coalesce(ra.new, e.actor_code) AS actor_code, e.actor_sector, "
            "coalesce(rr.new, e.recipient_code) AS recipient_code, e.recipient_sector, e.date, "
            "e.event_day + r.shift::INTEGER AS event_day, e.date_precision, e.location, e.quantity, e.factuality, e.evidence, "
            "e.confidence, e.pipeline_version FROM base.events e CROSS JOIN rep r "
            "LEFT JOIN rot ra ON ra.k = r.k AND ra.old = e.actor_code LEFT JOIN rot rr ON rr.k = r.k AND rr.old = e.recipient_code"
        )
        statement_replicas = min(replicas, math.ceil(events / max(base_statements, 1)))
        con.execute(
            "INSERT INTO statements BY NAME SELECT s.id || '-' || r.k AS id, s.doc_id || '-' || r.k AS doc_id, s.speaker, "
            "coalesce(rs.new, s.speaker_code) AS speaker_code, s.speaker_sector, s.speaker_name, s.via, s.cue, s.stance, "
            "s.kind, s.content, s.content_text, s.proposition, s.date, s.statement_day + r.shift::INTEGER AS statement_day, "
            "s.evidence, s.pipeline_version "
            f"FROM base.statements s CROSS JOIN rep r LEFT JOIN rot rs ON rs.k = r.k AND rs.old = s.speaker_code "
            f"WHERE r.k < {statement_replicas}"
        )
        con.execute("CHECKPOINT")
        sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("documents", "events", "statements")}
        return {"replicas": replicas, "base_events": base_events, "base_statements": base_statements,
                "build_seconds": round(time.perf_counter() - start, 1), **sizes,
                "file_mb": round(path.stat().st_size / 1e6, 1)}


# The queries, written as the store layer runs them.
DYAD_SQL = (
    "SELECT type, count(*) AS events, count(DISTINCT doc_id) AS documents, min(event_day) AS first, max(event_day) AS last "
    "FROM events WHERE actor_code = ? AND recipient_code = ? AND event_day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) "
    "AND factuality IN ('asserted', 'reported') GROUP BY type ORDER BY events DESC"
)
TIMELINE_COUNTS_SQL = (
    "SELECT event_day, type, count(*) AS events FROM events WHERE (actor_code = ? OR recipient_code = ?) "
    "AND event_day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY ALL ORDER BY event_day, type"
)
CLAIMS_SQL = (
    "SELECT s.id, s.speaker_name, s.speaker_code, s.stance, s.content_text, s.statement_day, d.title, d.source, d.url "
    "FROM statements s JOIN documents d ON d.id = s.doc_id WHERE s.speaker_code = ? "
    "AND s.statement_day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) ORDER BY s.statement_day DESC, s.id LIMIT 100"
)
CLAIMS_TEXT_SQL = (
    "SELECT s.id, s.speaker_name, s.stance, s.content_text, s.statement_day FROM statements s "
    "WHERE s.content_text ILIKE '%' || ? || '%' AND s.stance IN ('assert', 'deny') ORDER BY s.statement_day DESC, s.id LIMIT 100"
)


def time_queries(path: Path, runs: int) -> dict:
    """Median and p95 latency (ms) of each query over several parameter values."""
    from sitrep.store import Store

    with Store(path, read_only=True) as store:
        con = store.con
        actors = [r[0] for r in con.execute(
            "SELECT actor_code FROM events WHERE actor_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 5").fetchall()]
        dyads = con.execute(
            "SELECT actor_code, recipient_code FROM events WHERE actor_code IS NOT NULL AND recipient_code IS NOT NULL "
            "GROUP BY ALL ORDER BY count(*) DESC LIMIT 5").fetchall()
        speakers = [r[0] for r in con.execute(
            "SELECT speaker_code FROM statements WHERE speaker_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 5").fetchall()]
        span = con.execute("SELECT min(event_day), max(event_day) FROM events").fetchall()[0]
        lo, hi = str(span[0]), str(span[1])
        # A timeline of the latest year, as an analyst would open it.
        y_hi = str(span[1])
        y_lo = str(span[1].replace(year=span[1].year - 1))
        cases = {
            "timeline_events": [lambda a=a: store.query_events(actor=a, since=y_lo, until=y_hi, limit=100) for a in actors],
            "timeline_counts": [lambda a=a: con.execute(TIMELINE_COUNTS_SQL, [a, a, lo, hi]).fetchall() for a in actors],
            "dyad": [lambda a=a, b=b: con.execute(DYAD_SQL, [a, b, lo, hi]).fetchall() for a, b in dyads],
            "dyad_events": [lambda a=a, b=b: store.query_events(actor=a, recipient=b, limit=100) for a, b in dyads],
            "claims_by_speaker": [lambda s=s: con.execute(CLAIMS_SQL, [s, y_lo, y_hi]).fetchall() for s in speakers],
            "claims_text": [lambda w=w: con.execute(CLAIMS_TEXT_SQL, [w]).fetchall()
                            for w in ("sanction", "troops", "election", "ceasefire", "missile")],
        }
        out = {}
        for name, calls in cases.items():
            for call in calls:  # warm: first touch loads the columns
                call()
            times = []
            rows = 0
            for _ in range(runs):
                for call in calls:
                    t = time.perf_counter()
                    rows = len(call())
                    times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = {"median_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                         "max_ms": round(times[-1], 1), "runs": len(times), "rows_last": rows}
        return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild-base", action="store_true")
    args = parser.parse_args(argv)
    base = CACHE / "base.duckdb"
    if args.rebuild_base or not base.exists():
        build_base(base)
    synthetic = CACHE / f"synthetic-{args.events}.duckdb"
    store = build_synthetic(base, synthetic, args.events)
    result = {"store": store, "queries": time_queries(synthetic, args.runs), "goal_ms": 200}
    synthetic.unlink()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
