"""End-to-end engine benchmark: docs/s of ``sitrep process`` and peak RSS per worker.

Run through ``benchmarks/run.py --suite engine`` (``make bench``). Each measurement runs in a
fresh subprocess so that its memory figures are its own. The corpus is cut to ``--limit``
documents in its own format, in a temporary folder (BBC: a zip of the first N articles;
Reuters: .sgm files of 1,000 stories holding the first N), so reading, extraction, analysis
and writing are all measured; the temporary copy is deleted afterwards. ``--out FILE`` also
writes the result JSON to a file; ``--contended`` (with ``--note``) marks a run made while
other work shared the CPUs, whose docs/s are then no throughput figure (its peak RSS still is).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def cut_bbc(source: Path, limit: int | None, folder: Path) -> list[str]:
    """The first ``limit`` articles of the BBC zip, as a zip."""
    target = folder / "bbc.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        members = [i for i in src.infolist() if i.filename.endswith(".txt") and not i.is_dir()]
        for info in members[:limit]:
            dst.writestr(info.filename, src.read(info))
    return [str(target)]


_STORY = re.compile(rb"<REUTERS\b.*?</REUTERS>", re.S)


def cut_reuters(folder_in: Path, limit: int | None, folder: Path) -> list[str]:
    """The first ``limit`` Reuters stories, as .sgm files of 1,000 stories each."""
    stories: list[bytes] = []
    for path in sorted(folder_in.glob("*.sgm")):
        stories.extend(_STORY.findall(path.read_bytes()))
        if limit and len(stories) >= limit:
            break
    stories = stories[:limit] if limit else stories
    paths = []
    for n in range(0, len(stories), 1000):
        path = folder / f"reut2-{n // 1000:03d}.sgm"
        path.write_bytes(b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + b"\n".join(stories[n:n + 1000]) + b"\n")
        paths.append(str(path))
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", choices=["bbc", "reuters"])
    parser.add_argument("source", type=Path)
    parser.add_argument("--engine", default="local")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--no-load", action="store_true", help="skip loading the output into DuckDB (memory runs)")
    parser.add_argument("--out", type=Path, help="also write the result JSON to this file")
    parser.add_argument("--contended", action="store_true",
                        help="mark the result as measured while other work shared the CPUs (docs/s not a clean figure)")
    parser.add_argument("--note", help="free text stored with the result")
    args = parser.parse_args(argv)

    from sitrep.engine import process

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = (cut_bbc if args.corpus == "bbc" else cut_reuters)(args.source, args.limit, folder)
        words = 0
        start = time.perf_counter()
        report = process(inputs, folder / "out", engine=args.engine, workers=args.workers)
        elapsed = time.perf_counter() - start
        import duckdb

        from sitrep.engine.output import read_sql

        words = duckdb.sql(f"SELECT coalesce(sum(len(string_split(text, ' '))), 0) FROM {read_sql(folder / 'out', 'documents')}").fetchall()[0][0]
        from sitrep.store import Store
        from sitrep.store.load import load_output

        load_start = time.perf_counter()
        loaded = None
        if not args.no_load:
            with Store(folder / "load.duckdb") as store:
                loaded = load_output(store, folder / "out")
        load_seconds = time.perf_counter() - load_start if loaded is not None else None
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if args.engine == "ray":
        import ray

        ray.shutdown()
    result = {
        "corpus": args.corpus,
        "engine": args.engine,
        "workers": args.workers,
        "limit": args.limit,
        "items": report.items,
        "documents": report.processed,
        "rejected": len(report.rejected),
        "words": int(words),
        "records": report.records,
        "seconds": round(elapsed, 3),
        "docs_per_s": round(report.processed / elapsed, 3),
        # Start-up (spawning workers, loading spaCy and the dictionaries) is a fixed cost per
        # run; the steady rate is the rate once every worker is ready.
        "startup_seconds": round(report.startup_seconds, 3),
        "steady_docs_per_s": round(report.processed / (elapsed - report.startup_seconds), 3)
        if elapsed > report.startup_seconds else None,
        "words_per_s": round(words / elapsed, 1),
        "write_seconds": round(report.write_seconds, 3),
        "writer_docs_per_s": round(report.processed / report.write_seconds, 1) if report.write_seconds else None,
        "load_seconds": round(load_seconds, 3) if load_seconds is not None else None,
        "load_docs_per_s": round(loaded.new / load_seconds, 1) if loaded is not None and load_seconds else None,
        # Each worker reports its own peak (in-process, the driver is the worker); the
        # driver's figure includes the benchmark's own load into DuckDB at the end.
        "peak_rss_driver_mb": round(self_rss, 1),
        "peak_rss_worker_mb": round(report.worker_peak_rss_mb, 1),
        # Resident memory with the last results: flat when nothing accumulates, whatever the peak.
        "end_rss_worker_mb": round(report.worker_end_rss_mb, 1),
        "peak_rss_pool_children_mb": round(children_rss, 1),
    }
    if args.contended:
        result["contended"] = True
    if args.note:
        result["note"] = args.note
    json.dump(result, sys.stdout)
    if args.out:
        args.out.write_text(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
