"""The ``sitrep`` command line: parses arguments, calls one library function, prints.

Domain errors (:class:`sitrep.errors.SitrepError`) become a one-line message on stderr and
exit code 2; nothing here holds logic that the library or the API would need too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitrep import settings
from sitrep.errors import SitrepError
from sitrep.records import to_dict

app = typer.Typer(
    help="sitrep: international-security news to a sourced record of who did what to whom.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Score sitrep against gold sets.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")

# Piped output (make demo, CI logs) gets a wide fixed width instead of rich's 80 columns.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", help="Store file (default: $SITREP_DB or sitrep.duckdb).")


def _fail(exc: SitrepError) -> None:
    err.print(f"[bold red]error[/] {exc}", markup=True, highlight=False)
    raise typer.Exit(code=2)


def _guarded(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except SitrepError as exc:
        _fail(exc)


def _open_store(db: Optional[str], *, read_only: bool = False):
    from sitrep.store import Store

    return Store(db, read_only=read_only)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _report(run: Callable[[], Any], as_json: bool) -> None:
    """Run an evaluation and print its figures."""
    result = _guarded(run)
    _print_json(result) if as_json else out.print(result)


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs or http(s) URLs."),
    db: Optional[str] = DbOption,
    allow_private: bool = typer.Option(False, "--allow-private", help="Let URL fetches reach private and loopback addresses."),
    analyze: Optional[bool] = typer.Option(None, "--analyze/--no-analyze", help="Run the analysis stage (default: $SITREP_ANALYZE or on)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Read, clean, analyze and store articles; prints read / new / duplicate / rejected."""
    from sitrep.pipeline import ingest as run_ingest

    def run() -> Any:
        with _open_store(db) as store:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
                disable=as_json or not err.is_terminal,
            ) as progress:
                task = progress.add_task("reading", total=None)

                def update(report: Any) -> None:
                    progress.update(
                        task,
                        description=f"read {report.read}  new {report.new}  duplicate {report.duplicate}  rejected {len(report.rejected)}",
                    )

                return run_ingest(inputs, store, allow_private=allow_private or None, analyze=analyze, on_progress=update)

    report = _guarded(run)
    if as_json:
        _print_json(report.as_dict())
        return
    table = Table(title="ingest", show_header=True)
    for col in ("read", "new", "duplicate", "rejected"):
        table.add_column(col, justify="right")
    table.add_row(str(report.read), str(report.new), str(report.duplicate), str(len(report.rejected)))
    out.print(table)
    if report.rejected:
        rejected = Table(title="rejected inputs", show_header=True)
        rejected.add_column("input", overflow="fold")
        rejected.add_column("code")
        rejected.add_column("reason", overflow="fold")
        for origin, code, reason in report.rejected:
            rejected.add_row(origin, code, reason)
        out.print(rejected)


@app.command()
def docs(
    db: Optional[str] = DbOption,
    source: Optional[str] = typer.Option(None, help="Only this outlet (domain or name)."),
    since: Optional[str] = typer.Option(None, help="Published on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="Published on or before this date (YYYY-MM-DD)."),
    text: Optional[str] = typer.Option(None, help="Title or text contains this (case-insensitive)."),
    limit: int = typer.Option(50, help="At most this many documents."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of documents."),
) -> None:
    """List stored documents, newest first."""

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            return list(store.query_documents(source=source, since=since, until=until, text=text, limit=limit))

    documents = _guarded(run)
    if as_json:
        _print_json([to_dict(d) for d in documents])
        return
    table = Table(show_header=True)
    table.add_column("id", no_wrap=True, min_width=12)
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("source", no_wrap=True, max_width=20, overflow="ellipsis")
    table.add_column("title", no_wrap=True, overflow="ellipsis", min_width=40)
    table.add_column("flags", no_wrap=True, max_width=24, overflow="ellipsis")
    for d in documents:
        flags = ",".join(k for k in d.quality if k != "removed")
        table.add_row(d.id[:12], (d.published or "")[:10], d.source or "", d.title or "", flags)
    out.print(table)


@app.command()
def show(
    doc_id: str = typer.Argument(..., help="Document id or a unique prefix (6+ characters)."),
    db: Optional[str] = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print the document as JSON."),
) -> None:
    """Show one document with its metadata, origins and quality flags."""

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            doc = store.get_document(doc_id)
            return doc, store.origins(doc.id)

    doc, origins = _guarded(run)
    if as_json:
        _print_json({**to_dict(doc), "origins": origins})
        return
    out.print(f"[bold]{doc.title or '(untitled)'}[/]", highlight=False)
    for label, value in (
        ("id", doc.id), ("published", doc.published), ("source", doc.source), ("url", doc.url),
        ("authors", ", ".join(doc.authors)), ("tags", ", ".join(doc.tags)), ("language", doc.language),
    ):
        out.print(f"[dim]{label:>10}[/] {value or ''}", highlight=False)
    for o in origins:
        out.print(f"[dim]{'origin':>10}[/] {o['origin']}", highlight=False)
    flags = {k: v for k, v in doc.quality.items() if k != "removed"}
    if flags:
        out.print(f"[dim]{'quality':>10}[/] {json.dumps(flags)}", highlight=False)
    for line in doc.quality.get("removed", []):
        out.print(f"[dim]{'removed':>10}[/] {line}", highlight=False)
    out.print()
    out.print(doc.text, markup=False, highlight=False)


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", help="parquet, csv or jsonl (documents), or plover (events as PLOVER JSONL)."),
    out_path: Path = typer.Option(..., "--out", help="File to write."),
    db: Optional[str] = DbOption,
    all_events: bool = typer.Option(False, "--all", help="plover: also export negated, future and hypothetical events."),
) -> None:
    """Export stored documents, or events in PLOVER JSONL."""
    from sitrep.export import export_plover

    def run() -> tuple[int, str]:
        with _open_store(db, read_only=True) as store:
            if fmt == "plover":
                return export_plover(store, out_path, include_unrealised=all_events), "events"
            return store.export_documents(out_path, fmt=fmt), "documents"

    n, what = _guarded(run)
    err.print(f"wrote {n} {what} to {out_path}")


@app.command()
def events(
    db: Optional[str] = DbOption,
    actor: Optional[str] = typer.Option(None, "--actor", help="Actor code (ISO3 or IGO), e.g. RUS."),
    recipient: Optional[str] = typer.Option(None, "--recipient", help="Recipient code, e.g. UKR."),
    type_: Optional[str] = typer.Option(None, "--type", help="PLOVER event type, e.g. MOBILIZE."),
    since: Optional[str] = typer.Option(None, help="On or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="On or before this date (YYYY-MM-DD)."),
    all_events: bool = typer.Option(False, "--all", help="Include negated, future and hypothetical events."),
    limit: int = typer.Option(100, help="At most this many events."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of events."),
) -> None:
    """List coded events with their evidence sentences (happened events only, unless --all)."""
    from sitrep.export import HAPPENED

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            return store.query_events(actor=actor, recipient=recipient, type=type_, since=since, until=until,
                                      factuality=None if all_events else HAPPENED, limit=limit)

    rows = _guarded(run)
    if as_json:
        _print_json([{**to_dict(e), "document": {"id": d.id, "title": d.title, "url": d.url, "source": d.source}} for e, d in rows])
        return
    table = Table(show_header=True, show_lines=True)
    for col, kw in (("date", {"no_wrap": True}), ("type", {"no_wrap": True}), ("actor", {}), ("recipient", {}),
                    ("factuality", {"no_wrap": True}), ("evidence", {"ratio": 1})):
        table.add_column(col, **kw)
    for e, d in rows:
        who = lambda part: f"{part.get('text')} [{part.get('code') or '?'}/{part.get('sector') or '?'}]" if part else ""
        table.add_row(e.date or "", f"{e.type}" + (f"/{e.mode}" if e.mode else ""), who(e.actor), who(e.recipient),
                      e.factuality, (e.evidence or {}).get("sentence", ""))
    out.print(table)


@app.command()
def analyze(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs or URLs."),
    jsonl: bool = typer.Option(True, "--jsonl/--no-jsonl", help="Print one JSON record per line (the default)."),
    allow_private: bool = typer.Option(False, "--allow-private"),
) -> None:
    """Run the per-document pipeline without a store and print its records as JSON lines:
    each document, then the actors its mentions refer to, its mentions and its time expressions."""
    from sitrep.pipeline import analyzed_records

    def report(error: Any) -> None:
        err.print(f"rejected {error}", markup=False, highlight=False)

    def run() -> None:
        for record in analyzed_records(inputs, allow_private=allow_private or None, on_reject=report):
            sys.stdout.write(json.dumps(to_dict(record, with_kind=True), ensure_ascii=False) + "\n")

    _guarded(run)
    sys.stdout.flush()


@app.command()
def serve(
    db: Optional[str] = DbOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    token: Optional[str] = typer.Option(None, envvar="SITREP_TOKEN", help="Require 'Authorization: Bearer TOKEN' on every API call."),
) -> None:
    """Serve the REST API (OpenAPI schema at /openapi.json) from the store."""
    from sitrep.api import serve as run_server

    err.print(f"serving {db or settings.get('db')} on http://{host}:{port}/api (schema: /docs)")
    _guarded(lambda: run_server(db, host=host, port=port, token=token))


@app.command("settings")
def show_settings() -> None:
    """List every setting with its environment variable, current value and help."""
    table = Table(show_header=True)
    for col in ("setting", "environment", "value", "help"):
        table.add_column(col, overflow="fold")
    for s in settings.SETTINGS:
        table.add_row(s.name, s.env, str(settings.get(s.name)), s.help)
    out.print(table)


@evaluate_app.command("extraction")
def evaluate_extraction(
    directory: Path = typer.Argument(..., help="Folder with ground-truth.json and html/<id>.html.gz."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    baseline: bool = typer.Option(False, "--baseline", help="Score plain trafilatura instead, for comparison."),
) -> None:
    """Score article extraction (precision, recall, F1 of 4-gram shingles)."""
    from sitrep.evaluate.extraction import evaluate_extraction as run_eval

    _report(lambda: run_eval(directory, baseline=baseline), as_json)


@evaluate_app.command("time")
def evaluate_time(
    directory: Path = typer.Argument(..., help="Folder of TimeML (.tml) or MEANTIME (.xml) files, searched recursively."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score time expressions (TempEval-3 style span and value F1)."""
    from sitrep.evaluate.time import evaluate_time as run_eval

    _report(lambda: run_eval(directory), as_json)


@evaluate_app.command("actors")
def evaluate_actors(
    gold: Path = typer.Argument(..., help="Actor gold file (JSONL), e.g. data/eval/actors_gold.jsonl."),
    shared: Optional[Path] = typer.Option(None, help="The ../shared folder that by-reference gold items point into."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score actor resolution (code and sector accuracy of gold mentions)."""
    from sitrep.evaluate.actors import evaluate_actors as run_eval

    _report(lambda: run_eval(gold, shared=shared), as_json)


@evaluate_app.command("plover")
def evaluate_plover(
    gold: Path = typer.Argument(..., help="PLOVER gold JSONL, e.g. ../shared/eval/plover/plover_gsr_dev.jsonl."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the event coder on PLOVER gold sentences (type, actor, recipient, mode)."""
    from sitrep.evaluate.plover import evaluate_plover as run_eval

    _report(lambda: run_eval(gold), as_json)


@evaluate_app.command("cameo")
def evaluate_cameo(
    suite: Path = typer.Argument(..., help="CAMEO validation suite XML, e.g. ../shared/eval/cameo/TestSuite_test.xml."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the event coder on a CAMEO test suite through the CAMEO→PLOVER crosswalk."""
    from sitrep.evaluate.plover import evaluate_cameo as run_eval

    _report(lambda: run_eval(suite), as_json)


@evaluate_app.command("attribution")
def evaluate_attribution(
    directory: Path = typer.Argument(..., help="PolNeAR folder (with dev/ and train/), or one split folder."),
    split: str = typer.Option("dev", help="Split to score."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score statement extraction on PolNeAR (source, cue, content; exact and overlap)."""
    from sitrep.evaluate.attribution import evaluate_attribution as run_eval

    _report(lambda: run_eval(directory, split=split), as_json)


if __name__ == "__main__":  # pragma: no cover
    app()
