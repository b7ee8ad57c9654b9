"""The local engine: the calling process (one worker) or a pool of spawned processes.

Shards are read in the calling process (reading is cheap next to the parse); batches of items
go to the workers, each of which loaded the spaCy pipeline once when the pool started. At
most two batches per worker are in flight, so memory stays flat however large the input, and
results are taken in input order, so the output does not depend on the number of workers. With
the ``worker_max_batches`` setting, a worker process is replaced by a fresh one after that many
batches.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, Sequence

from sitrep.engine.shards import Item, Shard, read_shard
from sitrep.engine.worker import Worker, WorkerConfig, init_process, run_in_process
from sitrep.errors import SitrepError
from sitrep.pipeline import batched
from sitrep.sources import Rejected


class WorkerCrashed(SitrepError):
    """A worker process died (out of memory, killed); what was written before stays valid."""

    code = "E402"


def shard_items(shards: Iterable[Shard | Rejected], *, allow_private: bool | None = None) -> Iterator[Item]:
    """Every item of every shard, in order (a shard rejected at planning passes through)."""
    for shard in shards:
        if isinstance(shard, Rejected):
            yield shard
        else:
            yield from read_shard(shard, allow_private=allow_private)


def run_local(
    shards: Sequence[Shard | Rejected],
    config: WorkerConfig,
    sink: Callable[[dict[str, bytes]], None],
    *,
    workers: int = 1,
    batch_size: int = 64,
    allow_private: bool | None = None,
) -> None:
    """Process every shard, handing each batch result to ``sink`` in input order."""
    batches = batched(shard_items(shards, allow_private=allow_private), batch_size)
    if workers <= 1:
        worker = Worker(config)
        for batch in batches:
            sink(worker(batch))
        return
    # spawn, not fork: a forked child would inherit the parent's threads and open files, and
    # spawn behaves the same on Linux, macOS and Windows.
    context = multiprocessing.get_context("spawn")
    try:
        _run_pool(batches, config, sink, workers=workers, context=context)
    except BrokenProcessPool as exc:
        raise WorkerCrashed(
            f"a worker process died ({exc}); rerun the same command: documents already written are skipped",
            input="local pool",
        ) from exc


def _run_pool(batches, config, sink, *, workers, context) -> None:
    from sitrep import settings

    # A worker process may be replaced after this many batches, which gives back whatever a
    # long-lived parser accumulates (spaCy's string store grows with every new word) at the
    # cost of one start-up (a few seconds) per recycle. Off by default: on the whole Reuters
    # corpus memory at the end of the run was flat without it.
    recycle = settings.get("worker_max_batches") or None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_process, initargs=(config,),
                             max_tasks_per_child=recycle) as pool:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(run_in_process, batch))
            while len(pending) >= 2 * workers:
                sink(pending.popleft().result())
        while pending:
            sink(pending.popleft().result())
