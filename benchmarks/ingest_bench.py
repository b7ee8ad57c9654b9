"""Ingest benchmarks: throughput and peak memory of read → extract → store.

Run through ``benchmarks/run.py`` (``make bench``). Each measurement runs in a fresh
subprocess so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_ingest(inputs: list[str], limit: int | None, *, store: bool = True) -> dict:
    """Ingest the first ``limit`` items of ``inputs`` into a fresh store; docs/s, MB/s, RSS.

    With ``store=False`` only read and extract run, which separates the pipeline's own memory
    from DuckDB's buffer cache.
    """
    from sitrep.pipeline import extract_items, ingest_items
    from sitrep.sources import RawItem
    from sitrep.sources.files import read_inputs
    from sitrep.store import Store

    size = 0

    def counted():
        nonlocal size
        for item in itertools.islice(read_inputs(inputs), limit):
            if isinstance(item, RawItem):
                size += len(item.content) if isinstance(item.content, bytes) else len(item.content.encode())
            yield item

    if not store:
        start = time.perf_counter()
        results = list(r.id if hasattr(r, "id") else None for r in extract_items(counted()))
        elapsed = time.perf_counter() - start
        return {
            "items": len(results),
            "seconds": round(elapsed, 3),
            "docs_per_s": round(len(results) / elapsed, 1),
            "mb_per_s": round(size / elapsed / 1e6, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
        }
    with tempfile.TemporaryDirectory() as tmp:
        db = Store(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        report = ingest_items(counted(), db)
        db.close()
        elapsed = time.perf_counter() - start
    return {
        "items": report.read,
        "new": report.new,
        "rejected": len(report.rejected),
        "seconds": round(elapsed, 3),
        "docs_per_s": round(report.read / elapsed, 1),
        "mb_per_s": round(size / elapsed / 1e6, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def bench_html(folder: Path, *, baseline: bool) -> dict:
    """Extraction alone on a folder of ``*.html.gz`` pages: ours, or plain trafilatura."""
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]
    size = sum(len(p) for p in pages)
    if baseline:
        import trafilatura

        def run(page: bytes):
            return trafilatura.extract(page)
    else:
        from sitrep.errors import InputRejected
        from sitrep.extract import to_document
        from sitrep.sources import RawItem

        def run(page: bytes):
            try:
                return to_document(RawItem(origin="bench", content=page, kind="html"))
            except InputRejected:
                return None

    run(pages[0])  # warm imports and caches outside the timing
    start = time.perf_counter()
    for page in pages:
        run(page)
    elapsed = time.perf_counter() - start
    return {
        "engine": "plain trafilatura" if baseline else "sitrep extract",
        "pages": len(pages),
        "seconds": round(elapsed, 3),
        "docs_per_s": round(len(pages) / elapsed, 1),
        "mb_per_s": round(size / elapsed / 1e6, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_ingest = sub.add_parser("ingest")
    p_ingest.add_argument("inputs", nargs="+")
    p_ingest.add_argument("--limit", type=int)
    p_ingest.add_argument("--no-store", action="store_true")
    p_html = sub.add_parser("html")
    p_html.add_argument("folder", type=Path)
    p_html.add_argument("--baseline", action="store_true")
    args = parser.parse_args(argv)
    if args.cmd == "ingest":
        result = bench_ingest(args.inputs, args.limit, store=not args.no_store)
    else:
        result = bench_html(args.folder, baseline=args.baseline)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
