"""What every command module shares: the Typer app, consoles, store opening, error handling."""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Optional, Sequence

import typer
from rich.console import Console
from rich.table import Table

from sitrep.errors import SitrepError

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


def _print_rejected(rejected: Sequence[tuple[str, str, str]]) -> None:
    """The (input, code, reason) rows of a run's rejected inputs, as a table (nothing if none)."""
    if not rejected:
        return
    table = Table(title="rejected inputs", show_header=True)
    table.add_column("input", overflow="fold")
    table.add_column("code")
    table.add_column("reason", overflow="fold")
    for origin, code, reason in rejected:
        table.add_row(origin, code, reason)
    out.print(table)


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


def _read(db: Optional[str], query: Callable[[Any], Any]) -> Any:
    """``query(store)`` on the store opened read-only; a domain error ends the command (exit 2)."""

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            return query(store)

    return _guarded(run)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _report(run: Callable[[], Any], as_json: bool) -> None:
    """Run an evaluation and print its figures."""
    result = _guarded(run)
    _print_json(result) if as_json else out.print(result)
