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


SUITES = {"ingest": suite_ingest, "analysis": suite_analysis}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--only", choices=sorted(SUITES), action="append")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in args.only or SUITES:
        result = SUITES[name](args.shared.resolve())
        if result is None:
            continue
        result["measured_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        result["machine"] = _machine()
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {RESULTS / (name + '.json')}")


if __name__ == "__main__":
    main()
