"""The Ray engine: the same stages as Ray Data operators, on a laptop or a cluster.

* read: one task per shard (a WARC file, a Parquet row group, a file), ``flat_map``;
* split: small blocks (``BLOCK_BYTES``), so one large shard still spreads over every worker;
* work: ``map_batches`` with a callable class on an actor pool of ``workers`` actors; each
  actor builds one :class:`~sitrep.engine.worker.Worker` (the spaCy pipeline loads once per
  actor);
* write: results stream back in input order to the same writer the local engine uses.

Ray is an optional extra (``pip install 'sitrep[ray]'``); without it this engine raises
:class:`EngineUnavailable`. On a cluster, the driver runs on one of its nodes (``--address
HOST:PORT`` or ``auto``, or a Ray job); workers need sitrep installed and the inputs readable at
the same paths. Ray Client (``ray://``) cannot run Ray Data and is refused.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any, Callable, Sequence

from sitrep.engine.shards import Shard, read_shard
from sitrep.engine.worker import Worker, WorkerConfig
from sitrep.errors import SitrepError
from sitrep.sources import Rejected


#: Target size of a block of raw items between the read and the work stages.
BLOCK_BYTES = 256 * 1024


class EngineUnavailable(SitrepError):
    """The requested engine cannot run here (Ray not installed, cluster unreachable)."""

    code = "E400"


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailable(
            "the ray engine needs Ray Data: pip install 'sitrep[ray]' (or use --engine local)", input="ray"
        ) from exc
    return ray


def _read_shard_rows(row: dict[str, Any], allow_private: bool | None = None) -> list[dict[str, Any]]:
    """flat_map stage (a task per shard): one shard row → one row per item (pickled)."""
    shard = pickle.loads(row["shard"])
    items = [shard] if isinstance(shard, Rejected) else read_shard(shard, allow_private=allow_private)
    return [{"item": pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)} for item in items]


class _RayWorker:
    """map_batches stage: a batch of pickled items → one row holding the batch result."""

    def __init__(self, config: WorkerConfig) -> None:
        self.worker = Worker(config)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[bytes]]:
        items = [pickle.loads(b) for b in batch["item"]]
        result = self.worker(items)
        return {"result": [pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)]}


def ensure_ray(*, address: str | None, workers: int) -> Any:
    """Start (or connect to) Ray once per process; returns the module.

    ``address`` is a running cluster's head (``HOST:PORT`` of its GCS, or ``auto``), reached as
    a driver from a node of that cluster. Ray Client addresses (``ray://``) are refused: Ray Data
    does not run over Ray Client, so such a run would fail after connecting; submit the run to
    the cluster with ``ray job submit`` instead."""
    if address and address.strip().lower().startswith("ray://"):
        raise EngineUnavailable(
            "Ray Data does not run over Ray Client (ray://); run sitrep process on a node of the cluster "
            "with --address HOST:PORT (the head's GCS address) or --address auto, or submit it with "
            "`ray job submit -- sitrep process ...`",
            input=address,
        )
    ray = _import_ray()
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
            else:
                ray.init(num_cpus=max(workers, 1), include_dashboard=False, log_to_driver=False,
                         logging_level=logging.WARNING)
        except Exception as exc:  # connection refused, bad address, ...
            raise EngineUnavailable(f"cannot start or reach Ray: {exc}", input=address or "local") from exc
    return ray


def run_ray(
    shards: Sequence[Shard | Rejected],
    config: WorkerConfig,
    sink: Callable[[dict[str, bytes]], None],
    *,
    workers: int = 2,
    batch_size: int = 64,
    address: str | None = None,
    allow_private: bool | None = None,
) -> None:
    """Process every shard on Ray, handing each batch result to ``sink`` in input order."""
    ray = ensure_ray(address=address, workers=workers)
    from ray.data import DataContext

    if not shards:
        return
    ctx = DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.enable_progress_bars, ctx.target_max_block_size,
             ctx.print_on_execution_start)
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    # Small blocks of raw items, so that one large shard (a zip, a WARC) still spreads over
    # every worker: the actor pool takes whole blocks.
    ctx.target_max_block_size = BLOCK_BYTES
    try:
        _execute(ray, shards, config, sink, workers=workers, batch_size=batch_size, allow_private=allow_private)
    finally:
        (ctx.execution_options.preserve_order, ctx.enable_progress_bars, ctx.target_max_block_size,
         ctx.print_on_execution_start) = saved


def _execute(ray: Any, shards: Sequence[Shard | Rejected], config: WorkerConfig, sink: Callable[[dict[str, bytes]], None],
             *, workers: int, batch_size: int, allow_private: bool | None) -> None:
    ds = ray.data.from_items(
        [{"shard": pickle.dumps(s, protocol=pickle.HIGHEST_PROTOCOL)} for s in shards],
        override_num_blocks=len(shards),
    )
    # Reading is light next to the parse: it must not wait for a whole CPU the actors hold.
    ds = ds.flat_map(_read_shard_rows, fn_kwargs={"allow_private": allow_private}, num_cpus=0.1)
    ds = ds.map_batches(
        _RayWorker,
        fn_constructor_kwargs={"config": config},
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=0.9,
        batch_format="numpy",
        udf_modifying_row_count=True,
    )
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        for blob in batch["result"]:
            sink(pickle.loads(blob))
