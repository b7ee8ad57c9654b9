"""``sitrep load`` throughput: docs/s of loading one ``sitrep process`` output folder.

Loads the folder into a new store file in a temporary folder ``--repeat`` times and reports each run's wall seconds, docs/s of
new documents, and the seconds of each phase (datasets into the tables, statement relations,
linking). The store is deleted afterwards; the output folder is only read.

    PYTHONPATH=src python benchmarks/output_load_bench.py OUT [--repeat 3] [--out result.json]

Make the output with ``sitrep process`` first, e.g. the first 5,000 Reuters stories cut as
``engine_bench.py`` cuts them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path, help="an output folder of `sitrep process`")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the result JSON to this file")
    parser.add_argument("--note", help="free text stored with the result (how busy the machine was, say)")
    args = parser.parse_args(argv)

    from sitrep.store import Store
    from sitrep.store.load import load_output

    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cpu0 = time.process_time()
            start = time.perf_counter()
            with Store(Path(tmp) / "load.duckdb") as store:
                report = load_output(store, args.folder)
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu0
        runs.append({"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "new": report.new,
                     "docs_per_s": round(report.new / seconds, 1), "phases": getattr(report, "seconds", {}),
                     "records": report.records, "relations": report.relations, "linked": report.linked,
                     "errors": len(getattr(report, "errors", []))})
    best = min(runs, key=lambda r: r["seconds"])
    result = {
        "folder": str(args.folder),
        "documents": best["new"],
        "runs": runs,
        "best_seconds": best["seconds"],
        "best_docs_per_s": best["docs_per_s"],
        "median_docs_per_s": round(statistics.median(r["docs_per_s"] for r in runs), 1),
        "cpus": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.note:
        result["note"] = args.note
    json.dump(result, sys.stdout)
    print()
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
