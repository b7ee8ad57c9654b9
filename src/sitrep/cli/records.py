"""Commands that read, store and list records: ingest, docs, show, export, events, analyze."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitrep.cli._common import DbOption, _guarded, _open_store, _print_json, _print_rejected, _read, app, err, out
from sitrep.records import to_dict


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
    _print_rejected(report.rejected)


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
    documents = _read(db, lambda store: list(store.query_documents(source=source, since=since, until=until, text=text,
                                                                   limit=limit)))
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
    mentions: bool = typer.Option(False, "--mentions", help="plover: one record per event mention instead of per canonical event."),
) -> None:
    """Export stored documents, or events in PLOVER JSONL (canonical events, or --mentions)."""
    from sitrep.export import export_plover

    def run() -> tuple[int, str]:
        with _open_store(db, read_only=True) as store:
            if fmt == "plover":
                n = export_plover(store, out_path, include_unrealised=all_events, mentions=mentions)
                return n, "event mentions" if mentions else "canonical events"
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
    quad: Optional[str] = typer.Option(None, "--quad", help="Quad classes, comma-separated (verbal_conflict, ...)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="PLOVER mode, e.g. aerial."),
    source: Optional[str] = typer.Option(None, help="Only this outlet."),
    text: Optional[str] = typer.Option(None, "--text", help="Evidence sentence or title contains this."),
    all_events: bool = typer.Option(False, "--all", help="Include negated, future and hypothetical events."),
    mentions: bool = typer.Option(False, "--mentions", help="List every event mention instead of canonical events (implied by --csv, --quad, --mode, --source, --text)."),
    limit: int = typer.Option(100, help="At most this many events."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of events."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV, one flat row per event (the API's event columns)."),
) -> None:
    """List events (happened events only, unless --all): canonical events, each a happening with
    the number of outlets that reported it; with --mentions, every coded mention and its sentence."""
    from sitrep.export import HAPPENED
    from sitrep.link.queries import query_canonical_events
    from sitrep.store.filters import Filters

    factuality = None if all_events else HAPPENED
    # Outlet, text, quad and mode filters and CSV rows work on event mentions.
    mentions = mentions or as_csv or any(v is not None for v in (quad, mode, source, text))
    filters = Filters.of(actor=actor, recipient=recipient, type=type_, quad=quad, mode=mode, since=since, until=until,
                         source=source, q=text, factuality=factuality)

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            if not mentions:
                return query_canonical_events(store.con, actor=actor, recipient=recipient, type=type_, since=since,
                                              until=until, factuality=factuality, limit=limit)
            if as_csv:
                from itertools import islice

                from sitrep.store.record_queries import event_csv_row, iter_events

                rows = iter_events(store, filters)
                try:
                    return [event_csv_row(r) for r in islice(rows, limit)]
                finally:
                    rows.close()
            return store.query_events(filters=filters, limit=limit)

    rows = _guarded(run)
    who = lambda part: f"{part.get('text')} [{part.get('code') or '?'}/{part.get('sector') or '?'}]" if part else ""
    if not mentions:
        if as_json:
            _print_json(rows)
            return
        table = Table(show_header=True, show_lines=True)
        for col, kw in (("date", {"no_wrap": True}), ("type", {"no_wrap": True}), ("actor", {"no_wrap": True}),
                        ("recipient", {"no_wrap": True}), ("sources", {"justify": "right"}),
                        ("mentions", {"justify": "right"}), ("first report", {"no_wrap": True}), ("evidence", {"ratio": 1})):
            table.add_column(col, **kw)
        for c in rows:
            first = c["mentions"][0] if c["mentions"] else {}
            table.add_row(c["event_day"] or "", c["type"] + (f"/{c['mode']}" if c["mode"] else ""), c["actor_code"] or "",
                          c["recipient_code"] or "", str(c["num_sources"]), str(c["num_mentions"]),
                          (c["first_report"] or "")[:16], ((first.get("evidence") or {}).get("sentence") or ""))
        out.print(table)
        return
    if as_json:
        _print_json([{**to_dict(e), "document": {"id": d.id, "title": d.title, "url": d.url, "source": d.source}} for e, d in rows])
        return
    if as_csv:
        from sitrep.formats import csv_text
        from sitrep.store.record_queries import EVENT_CSV_COLUMNS

        sys.stdout.write(csv_text(rows, EVENT_CSV_COLUMNS))
        return
    table = Table(show_header=True, show_lines=True)
    for col, kw in (("date", {"no_wrap": True}), ("type", {"no_wrap": True}), ("actor", {}), ("recipient", {}),
                    ("factuality", {"no_wrap": True}), ("evidence", {"ratio": 1})):
        table.add_column(col, **kw)
    for e, d in rows:
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
    each document, then the actors its mentions refer to, its mentions, time expressions,
    events, statements and the relations between its statements."""
    from sitrep.pipeline import analyzed_records

    def report(error: Any) -> None:
        err.print(f"rejected {error}", markup=False, highlight=False)

    def run() -> None:
        for record in analyzed_records(inputs, allow_private=allow_private or None, on_reject=report):
            sys.stdout.write(json.dumps(to_dict(record, with_kind=True), ensure_ascii=False) + "\n")

    _guarded(run)
    sys.stdout.flush()
