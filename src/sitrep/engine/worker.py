"""The per-batch work of every engine: extract, skip what is done, analyze, tabulate.

A :class:`Worker` is built once per worker (process, Ray actor, or the calling process) and
loads the spaCy pipeline and the analysis dictionaries then; each call takes a batch of items
from :func:`sitrep.engine.shards.read_shard` and returns Arrow tables, one per dataset,
serialised for the trip to the writer. Whatever record kinds the analysis yields (documents,
actors, mentions, time expressions, events, statements) become datasets without changes here.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

import numpy as np
import pyarrow as pa

from sitrep.engine import tables
from sitrep.engine.shards import Item
from sitrep.errors import SitrepError
from sitrep.pipeline import process_item
from sitrep.records import Document, record_kind
from sitrep.sources import Rejected


class AnalysisFailed(SitrepError):
    """The analysis of one document raised; the document is rejected, the batch carries on."""

    code = "E301"


def key_hash(key: str) -> int:
    """A 64-bit hash of a key (first 8 bytes of its sha256, or of a hex id itself)."""
    import hashlib

    if len(key) == 64:
        try:
            return int(key[:16], 16)
        except ValueError:
            pass
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


class KeySet:
    """A compact set of keys (64-bit hashes in a sorted array): 8 bytes per key, so the ids of
    tens of millions of processed documents fit in every worker."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._hashes = np.unique(np.fromiter((key_hash(k) for k in keys), dtype=np.uint64))

    def __len__(self) -> int:
        return int(self._hashes.size)

    def __contains__(self, key: str) -> bool:
        h = np.uint64(key_hash(key))
        i = int(np.searchsorted(self._hashes, h))
        return i < self._hashes.size and self._hashes[i] == h


@dataclass(frozen=True, kw_only=True)
class WorkerConfig:
    """What every worker of one run shares: the version stamped on records, the documents
    already done at that version, the run's ingest time, and the analysis settings."""

    version: str
    done: KeySet = field(default_factory=KeySet)
    ingested_at: str | None = None
    analyze: bool = True
    nlp_batch_size: int = 32


def _published_day(published: str | None) -> str | None:
    from sitrep.store.db import _published_day as day

    value = day(published)
    return value.isoformat() if value else None


class Worker:
    """Turns a batch of items into dataset tables; loads the analysis pipeline once."""

    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        if config.analyze:
            from sitrep.analyze.actors import default_resolver
            from sitrep.analyze.nlp import load_pipeline

            load_pipeline()
            default_resolver()
        # Wall-clock time at which this worker was ready (pipeline loaded): the driver takes
        # the last worker's as the end of the run's start-up.
        self.ready_at = time.time()

    def __call__(self, items: Sequence[Item]) -> dict[str, bytes]:
        """Process one batch; returns ``{dataset: Arrow IPC bytes}``."""
        cfg = self.config
        documents: list[Document] = []
        seen: set[str] = set()
        rejections: list[tuple[str, SitrepError]] = []
        origins: list[Document] = []
        skipped = duplicates = 0
        for item in items:
            result = item if isinstance(item, Document) else process_item(item, ingested_at=cfg.ingested_at)
            if isinstance(result, Rejected):
                rejections.append((result.origin, result.error))
                continue
            origins.append(result)
            if result.id in cfg.done:
                skipped += 1
            elif result.id in seen:
                duplicates += 1
            else:
                seen.add(result.id)
                documents.append(result)
        by_kind, failed = self._analyze(documents)
        rejections.extend(failed)
        failed_ids = {e.input for _, e in failed}
        documents = [d for d in documents if (d.origin or d.id) not in failed_ids]
        origins = [d for d in origins if (d.origin or d.id) not in failed_ids]
        processed_at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        out: dict[str, pa.Table] = {
            "documents": tables.to_table(
                "document", documents, version=cfg.version, extra={"processed_at": [processed_at] * len(documents)}
            ),
        }
        for kind, found in by_kind.items():
            out[tables.DATASETS[kind]] = tables.to_table(kind, found, version=cfg.version)
        out["rejections"] = pa.table(
            {
                "origin": [o for o, _ in rejections],
                "code": [e.code for _, e in rejections],
                "reason": [e.message for _, e in rejections],
                tables.VERSION_COLUMN: [cfg.version] * len(rejections),
                "rejected_at": [cfg.ingested_at] * len(rejections),
            },
            schema=tables.REJECTIONS_SCHEMA,
        )
        out["origins"] = pa.table(
            {
                "doc_id": [d.id for d in origins],
                "origin": [d.origin or "" for d in origins],
                "url": [d.url for d in origins],
                "ingested_at": [d.ingested_at for d in origins],
            },
            schema=tables.ORIGINS_SCHEMA,
        )
        out["_stats"] = pa.table({"skipped": [skipped], "duplicates": [duplicates], "items": [len(items)],
                                  "peak_rss_mb": [_peak_rss_mb()], "rss_mb": [_rss_mb()], "ready_at": [self.ready_at]})
        return {name: tables.to_ipc(t) for name, t in out.items()}

    def _analyze(self, documents: list[Document]) -> tuple[dict[str, list[Any]], list[tuple[str, SitrepError]]]:
        """Records by kind for the documents; a document whose analysis raises is rejected."""
        by_kind: dict[str, list[Any]] = defaultdict(list)
        failed: list[tuple[str, SitrepError]] = []
        if not self.config.analyze or not documents:
            return by_kind, failed
        from sitrep.analyze import analyze_documents

        try:
            analyses = list(analyze_documents(documents, batch_size=self.config.nlp_batch_size))
        except Exception:  # isolate the failing document: analyze one at a time
            analyses = []
            for document in documents:
                try:
                    analyses.extend(analyze_documents([document], batch_size=1))
                except Exception as exc:
                    origin = document.origin or document.id
                    failed.append((origin, AnalysisFailed(f"analysis failed: {type(exc).__name__}: {exc}", input=origin)))
        for analysis in analyses:
            kinds_seen: set[str] = set()
            for record in analysis.records():
                kind = record_kind(record)
                kinds_seen.add(kind)
                by_kind[kind].append(record)
            # Statements may sit on the analysis without being yielded by records().
            if "statement" not in kinds_seen:
                by_kind["statement"].extend(getattr(analysis, "statements", ()) or ())
        return by_kind, failed


def _peak_rss_mb() -> float:
    """This worker process' peak resident memory so far (MB; Linux and macOS)."""
    try:
        import resource
        import sys
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def _rss_mb() -> float:
    """This worker process' resident memory now (MB; Linux, else its peak)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        import os

        return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return _peak_rss_mb()


# Process-pool plumbing: one Worker per process, built by the pool's initializer.
_WORKER: Worker | None = None


def init_process(config: WorkerConfig) -> None:
    """Pool initializer: build this process' worker (loads spaCy once)."""
    global _WORKER
    _WORKER = Worker(config)


def run_in_process(items: Sequence[Item]) -> dict[str, bytes]:
    """Pool task: process one batch with this process' worker."""
    assert _WORKER is not None, "init_process was not called"
    return _WORKER(items)
