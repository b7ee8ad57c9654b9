"""Linking benchmark: near-duplicate and story-assignment throughput on the Reuters-21578
corpus (19k stories), with peak memory, and linking time as a share of the per-document
pipeline's time.

Phases, each in its own process so that peak RSS is the phase's own:

- ``store``: read, extract and store every story without analysis (``--no-analyze`` path,
  without linking): the extract cost per document.
- ``link``: link every stored document but the last ``--tail`` in one run (duplicates,
  stories, canonical events; timings per step); peak RSS.
- ``tail``: store the last ``--tail`` documents and link them into the full store (loads
  the stored signatures once): the incremental cost.
- ``analyze``: the analysis stage on ``--sample`` stories: analysis cost per document.

Run through ``benchmarks/run.py`` (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _documents(inputs: list[str]):
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    return [d for d in documents_from(inputs) if isinstance(d, Document)]


def phase_store(db: str, inputs: list[str], tail: int) -> dict:
    from sitrep.pipeline import batched
    from sitrep.store import Store

    start, cpu = time.perf_counter(), time.process_time()
    docs = _documents(inputs)
    extract, cpu = time.perf_counter() - start, time.process_time() - cpu
    docs.sort(key=lambda d: (d.published or "", d.id))
    with Store(db) as store:
        for batch in batched(docs[:-tail], 500):
            store.write_documents(batch)
    return {"documents": len(docs), "extract_seconds": round(extract, 2),
            "extract_ms_per_doc": round(1000 * extract / len(docs), 3),
            "extract_cpu_ms_per_doc": round(1000 * cpu / len(docs), 3), "peak_rss_mb": round(_peak_rss_mb(), 1)}


def phase_link(db: str) -> dict:
    from sitrep.link import update_links
    from sitrep.store import Store

    with Store(db) as store:
        start, cpu = time.perf_counter(), time.process_time()
        report = update_links(store)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
        stats = store.con.execute(
            "SELECT (SELECT count(*) FROM duplicates), (SELECT count(*) FROM duplicates WHERE spun), "
            "(SELECT count(*) FROM stories), (SELECT count(*) FROM (SELECT story_id FROM story_documents GROUP BY 1 HAVING count(*) > 1))"
        ).fetchall()[0]
    n = report.documents
    dup, stories = report.seconds["duplicates"], report.seconds["stories"]
    return {
        "documents": n, "seconds": round(total, 2), "cpu_seconds": round(cpu, 2), "step_seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "docs_per_s": round(n / total, 1), "dedup_docs_per_s": round(n / dup, 1), "story_docs_per_s": round(n / stories, 1),
        "link_ms_per_doc": round(1000 * total / n, 3), "link_cpu_ms_per_doc": round(1000 * cpu / n, 3),
        "copies": stats[0], "spun": stats[1], "stories": stats[2], "multi_document_stories": stats[3],
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def phase_tail(db: str, inputs: list[str], tail: int) -> dict:
    from sitrep.link import update_links
    from sitrep.store import Store

    docs = sorted(_documents(inputs), key=lambda d: (d.published or "", d.id))[-tail:]
    with Store(db) as store:
        store.write_documents(docs)
        start, cpu = time.perf_counter(), time.process_time()
        report = update_links(store)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"documents": report.documents, "seconds": round(total, 2), "cpu_seconds": round(cpu, 2),
            "step_seconds": {k: round(v, 2) for k, v in report.seconds.items()},
            "link_ms_per_doc": round(1000 * total / max(report.documents, 1), 3), "peak_rss_mb": round(_peak_rss_mb(), 1)}


def phase_analyze(inputs: list[str], sample: int) -> dict:
    from sitrep.analyze import analyze_documents
    from sitrep.analyze.actors import default_resolver
    from sitrep.analyze.nlp import load_pipeline

    docs = sorted(_documents(inputs), key=lambda d: d.id)[:sample]
    load_pipeline()
    default_resolver()
    start, cpu = time.perf_counter(), time.process_time()
    for _ in analyze_documents(docs, batch_size=32):
        pass
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"documents": len(docs), "seconds": round(total, 2), "cpu_seconds": round(cpu, 2),
            "analyze_ms_per_doc": round(1000 * total / len(docs), 3), "analyze_cpu_ms_per_doc": round(1000 * cpu / len(docs), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=("store", "link", "tail", "analyze"))
    parser.add_argument("--db", default="")
    parser.add_argument("--tail", type=int, default=200)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("inputs", nargs="*")
    args = parser.parse_intermixed_args()
    if args.phase == "store":
        result = phase_store(args.db, args.inputs, args.tail)
    elif args.phase == "link":
        result = phase_link(args.db)
    elif args.phase == "tail":
        result = phase_tail(args.db, args.inputs, args.tail)
    else:
        result = phase_analyze(args.inputs, args.sample)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
