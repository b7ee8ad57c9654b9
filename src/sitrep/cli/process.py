"""Commands that scale out: process (inputs → Parquet datasets) and load (datasets → store)."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from sitrep.cli._common import DbOption, _guarded, _open_store, _print_json, _print_rejected, app, err, out


@app.command()
def process(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs, WARC files, Parquet of documents, URLs."),
    out_dir: str = typer.Option(..., "--out", help="Output folder of Parquet datasets (created; reruns skip what is done)."),
    engine: str = typer.Option("local", "--engine", help="local (process pool; in-process with --workers 1) or ray."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes or Ray actors (default: one per core)."),
    address: Optional[str] = typer.Option(None, "--address", help="A running Ray cluster's head, HOST:PORT (its GCS port, 6379 by default) or auto; run on a node of the cluster or as a Ray job (ray:// is refused: Ray Data does not run over Ray Client). Default: start Ray locally."),
    batch_size: int = typer.Option(64, "--batch-size", help="Documents per worker task."),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze", help="Run the analysis stage (documents only with --no-analyze)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let URL fetches reach private and loopback addresses."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's report as JSON."),
) -> None:
    """Run the per-document pipeline on a local pool or on Ray; write partitioned Parquet datasets."""
    from sitrep.engine import process as run_process

    def run() -> Any:
        return run_process(inputs, out_dir, engine=engine, workers=workers, address=address, batch_size=batch_size,
                           analyze=analyze, allow_private=allow_private or None)

    report = _guarded(run)
    if as_json:
        _print_json(report.as_dict())
        return
    data = report.as_dict()
    table = Table(title=f"process ({report.engine}, {report.workers} workers, pipeline {report.pipeline_version})")
    for col in ("shards", "items", "processed", "skipped", "duplicates", "rejected", "seconds", "docs_per_s"):
        table.add_column("docs/s" if col == "docs_per_s" else col, justify="right")
    table.add_row(*(str(data[c]) for c in ("shards", "items", "processed", "skipped", "duplicates", "rejected", "seconds", "docs_per_s")))
    out.print(table)
    if report.records:
        out.print("records: " + ", ".join(f"{k} {v}" for k, v in report.records.items()))
    _print_rejected(report.rejected)


@app.command()
def load(
    folder: str = typer.Argument(..., help="An output folder of `sitrep process`."),
    db: Optional[str] = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print what was loaded as JSON."),
) -> None:
    """Load the Parquet datasets of `sitrep process` into the store (idempotent)."""
    from sitrep.store.load import load_output

    def run() -> Any:
        with _open_store(db) as store:
            return load_output(store, folder)

    report = _guarded(run)
    for error in report.errors:  # unreadable files were left out; the rest was loaded
        message = escape(f"[{error['code']}] {error['input']}: {error['reason']}")
        err.print(f"[bold red]error[/] {message}", markup=True, highlight=False)
    if as_json:
        _print_json(report.as_dict())
        return
    table = Table(title="load")
    for col in ("documents", "new", "replaced", "unchanged", "rejections"):
        table.add_column(col, justify="right")
    data = report.as_dict()
    table.add_row(*(str(data[c]) for c in ("documents", "new", "replaced", "unchanged", "rejections")))
    out.print(table)
    out.print("records: " + ", ".join(f"{k} {v}" for k, v in report.records.items()))
