"""Query commands that mirror the API: timeline, dyads, actors (tables, --json or --csv)."""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional, Sequence

import typer
from rich.table import Table

from sitrep.cli._common import DbOption, _guarded, _print_json, _read, app, err, out


def _filters(*, actor=None, recipient=None, type_=None, quad=None, mode=None, since=None, until=None, source=None,
             text=None, all_events=False):
    from sitrep.export import HAPPENED
    from sitrep.store.filters import Filters

    return Filters.of(actor=actor, recipient=recipient, type=type_, quad=quad, mode=mode, since=since, until=until,
                      source=source, q=text, factuality=None if all_events else HAPPENED)


def _aggregate(db: Optional[str], compute: Callable[[Any, Any], Any], *, as_json: bool, as_csv: bool,
               **filter_options: Any) -> Any:
    """What a filtered query command reads: refuses --json with --csv, then runs
    ``compute(store, filters)`` on the store opened read-only, with the filters built from
    ``filter_options`` (see :func:`_filters`)."""
    _check_formats(as_json, as_csv)
    filters = _filters(**filter_options)
    return _read(db, lambda store: compute(store, filters))


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool, as_csv: bool,
               title: str | None = None, json_data: Any = None) -> None:
    """Rows as a rich table, JSON (``json_data`` when given, else the rows) or CSV."""
    from sitrep.formats import csv_text

    if as_json:
        _print_json(rows if json_data is None else json_data)
    elif as_csv:
        sys.stdout.write(csv_text(rows, columns))
    else:
        table = Table(title=title, show_header=True)
        for col in columns:
            table.add_column(col, justify="right" if col in ("count", "mentions", "documents", "total") else "left")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        out.print(table)


def _check_formats(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        err.print("[bold red]error[/] choose one of --json and --csv")
        raise typer.Exit(code=2)


ActorOpt = typer.Option(None, "--actor", help="Actor code (ISO3 or IGO), e.g. RUS.")
RecipientOpt = typer.Option(None, "--recipient", help="Recipient code, e.g. UKR.")
TypeOpt = typer.Option(None, "--type", help="PLOVER event types, comma-separated.")
QuadOpt = typer.Option(None, "--quad", help="Quad classes, comma-separated (verbal_conflict, ...).")
ModeOpt = typer.Option(None, "--mode", help="PLOVER mode, e.g. aerial.")
SinceOpt = typer.Option(None, help="On or after this day (YYYY-MM-DD).")
UntilOpt = typer.Option(None, help="On or before this day (YYYY-MM-DD).")
SourceOpt = typer.Option(None, help="Only this outlet.")
TextOpt = typer.Option(None, "--text", help="Evidence sentence or title contains this.")
AllOpt = typer.Option(False, "--all", help="Include negated, future and hypothetical events.")
JsonOpt = typer.Option(False, "--json", help="Print JSON.")
CsvOpt = typer.Option(False, "--csv", help="Print CSV.")


@app.command()
def timeline(
    db: Optional[str] = DbOption,
    by: str = typer.Option("day", "--by", help="day, week or month."),
    group: str = typer.Option("type", "--group", help="Stack by PLOVER type or quad class: type or quad."),
    plot: Optional[str] = typer.Option(None, "--plot", help="Also write a stacked bar chart (PNG, SVG or PDF)."),
    actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt, type_: Optional[str] = TypeOpt,
    quad: Optional[str] = QuadOpt, mode: Optional[str] = ModeOpt, since: Optional[str] = SinceOpt,
    until: Optional[str] = UntilOpt, source: Optional[str] = SourceOpt, text: Optional[str] = TextOpt,
    all_events: bool = AllOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
) -> None:
    """Event counts per day, week or month, by type or quad class (happened events only, unless --all)."""
    from sitrep.store.aggregates import timeline as run_timeline

    data = _aggregate(db, lambda store, filters: run_timeline(store, filters, by=by, group=group),
                      as_json=as_json, as_csv=as_csv, actor=actor, recipient=recipient, type_=type_, quad=quad,
                      mode=mode, since=since, until=until, source=source, text=text, all_events=all_events)
    if plot:
        from sitrep.plot import plot_timeline

        _guarded(lambda: plot_timeline(data, plot))
        err.print(f"wrote {plot}")
    if as_json or as_csv:
        print_rows(data["items"], ("period", "group", "count"), as_json=as_json, as_csv=as_csv, json_data=data)
        return
    # The table: one row per period, one column per group (the largest groups first).
    groups = data["groups"]
    rows: dict[str, dict[str, Any]] = {}
    for item in data["items"]:
        row = rows.setdefault(item["period"], {"period": item["period"], "total": 0})
        row[item["group"]] = item["count"]
        row["total"] += item["count"]
    print_rows(list(rows.values()), ("period", *groups, "total"), as_json=False, as_csv=False,
               title=f"events per {by} by {group}")


@app.command()
def dyads(
    db: Optional[str] = DbOption,
    by: Optional[str] = typer.Option(None, "--by", help="Count per day, week or month (default: overall)."),
    limit: int = typer.Option(50, help="At most this many rows."),
    actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt, type_: Optional[str] = TypeOpt,
    quad: Optional[str] = QuadOpt, mode: Optional[str] = ModeOpt, since: Optional[str] = SinceOpt,
    until: Optional[str] = UntilOpt, source: Optional[str] = SourceOpt, text: Optional[str] = TextOpt,
    all_events: bool = AllOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
) -> None:
    """Actor -> recipient event counts, overall or per period (happened events only, unless --all)."""
    from sitrep.store.aggregates import dyads as run_dyads

    columns = (("period",) if by else ()) + ("actor", "recipient", "count")
    data = _aggregate(db, lambda store, filters: run_dyads(store, filters, by=by, limit=limit),
                      as_json=as_json, as_csv=as_csv, actor=actor, recipient=recipient, type_=type_, quad=quad,
                      mode=mode, since=since, until=until, source=source, text=text, all_events=all_events)
    print_rows(data["items"], columns, as_json=as_json, as_csv=as_csv, title="dyads", json_data=data["items"])


@app.command()
def actors(
    db: Optional[str] = DbOption,
    code: Optional[str] = typer.Option(None, help="ISO3 or IGO code, e.g. RUS."),
    sector: Optional[str] = typer.Option(None, help="PLOVER sector, e.g. GOV."),
    text: Optional[str] = typer.Option(None, "--text", help="Name or alias contains this."),
    limit: int = typer.Option(50, help="At most this many actors."),
    as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
) -> None:
    """Actors, most mentioned first, with mention and document counts."""
    from sitrep.store.queries import list_actors

    _check_formats(as_json, as_csv)
    items = _read(db, lambda store: list_actors(store, code=code, sector=sector, q=text, limit=limit)["items"])
    columns = ("id", "name", "code", "sector", "kind", "mentions", "documents")
    print_rows(items, columns, as_json=as_json, as_csv=as_csv, title="actors")
