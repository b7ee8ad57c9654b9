"""Scale-out processing: inputs → sharded per-document work → partitioned Parquet datasets.

``process`` runs the per-document stages (read, extract, analyze: actors, times, places,
quantities, events, and whatever else the analysis yields) with one of three executions of
the same :class:`~sitrep.engine.worker.Worker`:

* ``local`` with ``workers=1``: in the calling process;
* ``local`` with ``workers=N``: a pool of N spawned processes (the default engine);
* ``ray``: Ray Data operators with an actor pool of N workers, locally or on a cluster.

Documents already in the output folder at the current pipeline version
(:func:`sitrep.engine.version.pipeline_version`) are skipped, so rerunning costs little and a
changed coder reprocesses exactly the documents stamped with another version. ``sitrep load``
(:func:`sitrep.store.load.load_output`) brings the folder into a DuckDB store.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from sitrep.errors import SitrepError

ENGINES = ("local", "ray")


class BadEngine(SitrepError):
    """An unknown engine name or an impossible worker count."""

    code = "E401"


@dataclass(kw_only=True)
class ProcessReport:
    """What one ``process`` run did. ``write_seconds`` is the CPU time of the single writer
    (the serial stage that bounds a cluster); ``worker_peak_rss_mb`` the largest worker's peak;
    ``worker_end_rss_mb`` the largest resident memory a worker reported with its last results;
    ``startup_seconds`` the time until the last worker had its pipeline loaded (spawning,
    imports, spaCy and the dictionaries), a fixed cost that ``steady_docs_per_s`` leaves out."""

    engine: str
    workers: int
    pipeline_version: str
    shards: int = 0
    items: int = 0
    processed: int = 0
    skipped: int = 0
    duplicates: int = 0
    records: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0
    write_seconds: float = 0.0
    worker_peak_rss_mb: float = 0.0
    startup_seconds: float = 0.0
    worker_end_rss_mb: float = 0.0

    @property
    def steady_docs_per_s(self) -> float | None:
        """Documents per second once every worker is ready."""
        busy = self.seconds - self.startup_seconds
        return self.processed / busy if busy > 0 and self.processed else None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, rejections as ``{origin, code, reason}`` objects."""
        return {
            "engine": self.engine,
            "workers": self.workers,
            "pipeline_version": self.pipeline_version,
            "shards": self.shards,
            "items": self.items,
            "processed": self.processed,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "records": dict(self.records),
            "seconds": round(self.seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
            "worker_peak_rss_mb": round(self.worker_peak_rss_mb, 1),
            "worker_end_rss_mb": round(self.worker_end_rss_mb, 1),
            "docs_per_s": round(self.processed / self.seconds, 2) if self.seconds else None,
            "startup_seconds": round(self.startup_seconds, 3),
            "steady_docs_per_s": round(self.steady_docs_per_s, 2) if self.steady_docs_per_s else None,
            "rejections": [{"origin": o, "code": c, "reason": r} for o, c, r in self.rejected],
        }


def _startup(ready_at: set[float], workers: int, start_wall: float) -> float:
    """Seconds until the run's first ``workers`` worker processes were all ready (workers that
    replace recycled ones come later and are not start-up)."""
    first = sorted(ready_at)[:max(workers, 1)]
    return max(0.0, first[-1] - start_wall) if first else 0.0


def default_workers() -> int:
    """One worker per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def process(
    inputs: Iterable[str],
    out: str | Path,
    *,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
    batch_size: int = 64,
    analyze: bool = True,
    allow_private: bool | None = None,
    flush_rows: int = 4000,
) -> ProcessReport:
    """Process ``inputs`` into the Parquet datasets under ``out``; returns the run's report."""
    from sitrep.engine.output import OutputState, OutputWriter
    from sitrep.engine.shards import plan_shards
    from sitrep.engine.version import pipeline_components, pipeline_version
    from sitrep.engine.worker import WorkerConfig

    if engine not in ENGINES:
        raise BadEngine(f"unknown engine; use one of {', '.join(ENGINES)}", input=engine)
    workers = workers or default_workers()
    if workers < 1:
        raise BadEngine("workers must be at least 1", input=str(workers))
    start = time.perf_counter()
    start_wall = time.time()
    version = pipeline_version()
    out = Path(out)
    state = OutputState(out, version)
    now = datetime.now(timezone.utc)
    run_id = now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    config = WorkerConfig(version=version, done=state.done, ingested_at=now.isoformat(timespec="seconds"), analyze=analyze)
    shards = list(plan_shards(inputs))
    writer = OutputWriter(out, state, run_id=run_id, flush_rows=flush_rows)
    write_seconds = 0.0

    def sink(result: dict[str, bytes]) -> None:
        # The writer is the one serial stage: its time is the engine's ceiling, so it is
        # measured, in CPU time of this thread (wall time would count waiting for the cores
        # the workers hold).
        nonlocal write_seconds
        t = time.thread_time()
        writer.add(result)
        write_seconds += time.thread_time() - t

    try:
        if engine == "ray":
            from sitrep.engine.ray_engine import run_ray

            run_ray(shards, config, sink, workers=workers, batch_size=batch_size, address=address,
                    allow_private=allow_private)
        else:
            from sitrep.engine.local import run_local

            run_local(shards, config, sink, workers=workers, batch_size=batch_size, allow_private=allow_private)
    finally:
        # Also on failure: what finished is written, so a rerun skips it.
        t = time.thread_time()
        writer.close(pipeline_components())
        write_seconds += time.thread_time() - t
    return ProcessReport(
        engine=engine,
        workers=workers,
        pipeline_version=version,
        shards=len(shards),
        items=writer.items,
        processed=writer.counts.get("documents", 0),
        skipped=writer.skipped,
        duplicates=writer.duplicates,
        records={k: v for k, v in sorted(writer.counts.items()) if k not in {"origins", "rejections"}},
        rejected=writer.rejected,
        seconds=time.perf_counter() - start,
        write_seconds=write_seconds,
        worker_peak_rss_mb=writer.peak_rss_mb,
        startup_seconds=_startup(writer.ready_at, workers, start_wall),
        worker_end_rss_mb=max(writer.recent_rss_mb, default=0.0),
    )
