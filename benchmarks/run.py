"""``make bench``: run every benchmark and write ``benchmarks/results/*.json``.

Each figure is measured next to its anchor in the same run on the same input. Data from
``../shared`` is read in place (never copied); a suite whose data is missing is skipped with
a message.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _sub(*args: str) -> dict:
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def _machine() -> dict:
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine()}


def suite_ingest(shared: Path) -> dict | None:
    bbc = shared / "corpora" / "bbc" / "bbc-fulltext.zip"
    html = shared / "eval" / "extraction" / "html"
    if not bbc.exists() or not html.exists():
        print(f"skip ingest: {bbc} or {html} missing")
        return None
    script = str(HERE / "ingest_bench.py")
    result: dict = {"bbc_text": [], "bbc_extract_only": [], "html": {}}
    for limit in (500, 1000, 2225):
        row = _sub(script, "ingest", str(bbc), "--limit", str(limit))
        print(f"bbc ingest {limit:>5} docs: {row['docs_per_s']} docs/s, {row['mb_per_s']} MB/s, peak RSS {row['peak_rss_mb']} MB")
        result["bbc_text"].append({"limit": limit, **row})
        row = _sub(script, "ingest", str(bbc), "--limit", str(limit), "--no-store")
        print(f"bbc extract-only {limit:>5} docs: {row['docs_per_s']} docs/s, peak RSS {row['peak_rss_mb']} MB")
        result["bbc_extract_only"].append({"limit": limit, **row})
    for baseline in (False, True):
        args = [script, "html", str(html)] + (["--baseline"] if baseline else [])
        row = _sub(*args)
        print(f"html {row['engine']:>17}: {row['docs_per_s']} docs/s, {row['mb_per_s']} MB/s, peak RSS {row['peak_rss_mb']} MB")
        result["html"]["baseline" if baseline else "sitrep"] = row
    return result


def suite_analysis(shared: Path) -> dict | None:
    sample = HERE.parent / "data" / "sample" / "wikinews"
    row = _sub(str(HERE / "analysis_bench.py"), str(sample / "wikinews_2019.csv"), str(sample / "wikinews_2020.csv"))
    print(
        f"analysis: {row['analysis_words_per_s']} words/s vs bare nlp.pipe {row['bare_nlp_pipe_words_per_s']} words/s "
        f"(overhead {row['overhead']:.1%}, target <= 25%) on {row['words']} words"
    )
    print(
        f"event coding: adds {row['coding_share']:.1%} to analysis (coder {row['coding_s']} s, {row['events']} events; "
        f"target <= 15%); whole runs: {row['analysis_words_per_s']} words/s with events vs "
        f"{row['analysis_without_events_words_per_s']} without ({row['coding_overhead']:+.1%})"
    )
    return {"wikinews_sample": row}


def suite_regex(shared: Path) -> dict | None:
    """Every junk pattern on adversarial strings: worst time per pattern (see regex_bench.py)."""
    result = _sub(str(HERE / "regex_bench.py"))
    for row in result["junk_patterns"]:
        print(f"junk rule {row['rule']:>2} {row['name']:<22} worst {row['worst_ms_guarded']:.4f} ms as run "
              f"(max_len guard), {row['worst_ms_raw']:.4f} ms raw on up to {max(result['lengths']):,} chars")
    return result


def suite_load(shared: Path) -> dict | None:
    """The read API on loopback at 1, 10 and 50 concurrent clients (see load_bench.py)."""
    import os

    store = os.environ.get("SITREP_BENCH_STORE")  # reuse a sample store instead of building one
    result = _sub(str(HERE / "load_bench.py"), *(["--db", store] if store else []))
    for row in result["levels"]:
        print(f"load {row['concurrency']:>3} clients: {row['requests']} requests, {row['errors']} errors, "
              f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, {row['requests_per_s']} req/s")
    return result


def suite_linking(shared: Path) -> dict | None:
    import tempfile

    sgm = sorted((shared / "corpora" / "reuters-21578" / "sgm-data").glob("*.sgm"))
    if not sgm:
        print(f"skip linking: no .sgm files under {shared / 'corpora' / 'reuters-21578' / 'sgm-data'}")
        return None
    script = str(HERE / "linking_bench.py")
    inputs = [str(p) for p in sgm]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "reuters.duckdb")
        stored = _sub(script, "store", "--db", db, *inputs)
        print(f"reuters: {stored['documents']} stories, extract {stored['extract_ms_per_doc']} ms/doc")
        linked = _sub(script, "link", "--db", db)
        print(f"link {linked['documents']} docs: {linked['docs_per_s']} docs/s (dedup {linked['dedup_docs_per_s']}/s, "
              f"stories {linked['story_docs_per_s']}/s), peak RSS {linked['peak_rss_mb']} MB")
        tail = _sub(script, "tail", "--db", db, *inputs)
        print(f"incremental: {tail['documents']} new docs linked into the store in {tail['seconds']} s "
              f"({tail['cpu_seconds']} s CPU)")
    analysis = _sub(script, "analyze", "--sample", "200", *inputs)
    # CPU time, not wall time: the reference machine is shared, and wall times swing with load.
    per_doc = stored["extract_cpu_ms_per_doc"] + analysis["analyze_cpu_ms_per_doc"]
    share = linked["link_cpu_ms_per_doc"] / per_doc
    share_no_analysis = linked["link_cpu_ms_per_doc"] / stored["extract_cpu_ms_per_doc"]
    print(f"linking {linked['link_cpu_ms_per_doc']} CPU ms/doc = {share:.1%} of the per-document pipeline "
          f"({per_doc:.1f} CPU ms/doc: extract + analysis; target < 10%); {share_no_analysis:.0%} of extract alone")
    return {"reuters": {"store": stored, "link": linked, "incremental_tail": tail, "analysis_sample": analysis,
                        "pipeline_ms_per_doc": round(per_doc, 3), "link_share_of_pipeline": round(share, 4),
                        "link_share_of_extract_only": round(share_no_analysis, 4),
                        "note": "stored and linked without analysis (--no-analyze path): stories use text only; "
                                "analysis cost per document measured on a 200-story sample"}}


#: Engine runs: (engine, workers). Scaling efficiency compares the first two.
ENGINE_RUNS = (("local", 1), ("local", 2), ("ray", 2))
#: Corpus sizes for the peak-RSS-per-worker series (Reuters has 19,043 stories).
RSS_SIZES = (1000, 5000, 19043)


def _has_ray() -> bool:
    try:
        import ray.data  # noqa: F401
    except ImportError:
        return False
    return True


def suite_engine(shared: Path, limit: int | None = None) -> dict | None:
    """End-to-end docs/s (BBC, Reuters) per engine, scaling 1 -> 2 workers, peak RSS per worker."""
    corpora = {
        "bbc": shared / "corpora" / "bbc" / "bbc-fulltext.zip",
        "reuters": shared / "corpora" / "reuters-21578" / "sgm-data",
    }
    missing = [str(p) for p in corpora.values() if not p.exists()]
    if missing:
        print(f"skip engine: {', '.join(missing)} missing")
        return None
    script = str(HERE / "engine_bench.py")
    result: dict = {"limit": limit, "throughput": {}, "scaling_efficiency": {}, "steady_scaling_efficiency": {}, "rss": [],
                    "goal_scaling_efficiency": 0.8}
    for corpus, source in corpora.items():
        rows = []
        for engine, workers in ENGINE_RUNS:
            if engine == "ray" and not _has_ray():
                print(f"skip {corpus} ray: Ray is not installed (pip install 'sitrep[ray]')")
                continue
            args = [script, corpus, str(source), "--engine", engine, "--workers", str(workers)]
            row = _sub(*args, *(["--limit", str(limit)] if limit else []))
            print(f"{corpus:>8} {engine:>5} x{workers}: {row['documents']} docs, {row['docs_per_s']} docs/s, "
                  f"{row['words_per_s']} words/s (start-up {row.get('startup_seconds')} s, then "
                  f"{row.get('steady_docs_per_s')} docs/s), peak RSS/worker {row['peak_rss_worker_mb']} MB")
            rows.append(row)
        result["throughput"][corpus] = rows
        by = {(r["engine"], r["workers"]): r for r in rows}
        if ("local", 1) in by and ("local", 2) in by:
            eff = by[("local", 2)]["docs_per_s"] / (2 * by[("local", 1)]["docs_per_s"])
            result["scaling_efficiency"][corpus] = round(eff, 3)
            print(f"{corpus:>8} scaling efficiency 1 -> 2 workers: {eff:.2f} (goal >= 0.8)")
            one, two = by[("local", 1)].get("steady_docs_per_s"), by[("local", 2)].get("steady_docs_per_s")
            if one and two:
                # The same, once every worker is ready: what a long run approaches.
                result["steady_scaling_efficiency"][corpus] = round(two / (2 * one), 3)
                print(f"{corpus:>8} steady scaling efficiency 1 -> 2 workers: {two / (2 * one):.2f}")
    sizes = RSS_SIZES if not limit or limit >= RSS_SIZES[-1] else sorted({max(1, limit // 5), max(1, limit // 2), limit})
    reuse = {r["limit"] or r["documents"]: r for r in result["throughput"]["reuters"]
             if (r["engine"], r["workers"]) == ("local", 2)}
    for size in sizes:
        row = reuse.get(size) or _sub(script, "reuters", str(corpora["reuters"]), "--workers", "2", "--limit", str(size))
        print(f"rss reuters {size:>6} docs: peak RSS/worker {row['peak_rss_worker_mb']} MB "
              f"(at the end {row.get('end_rss_worker_mb')} MB), driver {row['peak_rss_driver_mb']} MB")
        result["rss"].append({"size": size, "documents": row["documents"], "peak_rss_worker_mb": row["peak_rss_worker_mb"],
                              "end_rss_worker_mb": row.get("end_rss_worker_mb"),
                              "peak_rss_driver_mb": row["peak_rss_driver_mb"]})
    return result


def suite_queries(shared: Path, limit: int | None = None) -> dict | None:
    """DuckDB latency of timeline, dyad and claims queries on >= 1M synthetic events."""
    events = limit or 1_000_000
    row = _sub(str(HERE / "query_bench.py"), "--events", str(events))
    print(f"store: {row['store']['events']:,} events, {row['store']['statements']:,} statements, "
          f"{row['store']['documents']:,} documents ({row['store']['file_mb']} MB)")
    for name, q in row["queries"].items():
        flag = "" if q["p95_ms"] < row["goal_ms"] else "  ** over the 200 ms goal **"
        print(f"{name:>18}: median {q['median_ms']} ms, p95 {q['p95_ms']} ms{flag}")
    return row


SUITES = {"ingest": suite_ingest, "analysis": suite_analysis, "engine": suite_engine, "queries": suite_queries,
          "linking": suite_linking, "regex": suite_regex, "load": suite_load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--only", "--suite", dest="only", choices=sorted(SUITES), action="append",
                        help="run only this suite (repeatable); default: all")
    parser.add_argument("--limit", type=int, help="size of the run: documents (engine) or events (queries)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results JSON")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or SUITES:
        suite = SUITES[name]
        if args.limit and name in {"engine", "queries"}:
            result = suite(args.shared.resolve(), limit=args.limit)
        else:
            result = suite(args.shared.resolve())
        if result is None:
            continue
        result["measured_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        result["machine"] = _machine()
        (args.out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out / (name + '.json')}")


if __name__ == "__main__":
    main()
