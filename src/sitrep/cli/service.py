"""Commands about running sitrep: serve, settings."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from sitrep import settings
from sitrep.cli._common import DbOption, _guarded, app, err, out


@app.command()
def serve(
    db: Optional[str] = DbOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    token: Optional[str] = typer.Option(None, envvar="SITREP_TOKEN", help="Require 'Authorization: Bearer TOKEN' on every API call."),
    writes: bool = typer.Option(False, "--writes", help="Hold the store read-write and serve the ingest routes (they need --token)."),
) -> None:
    """Serve the dashboard (at /) and the REST API (/api, schema at /openapi.json) from the store."""
    from sitrep.api import serve as run_server

    err.print(f"serving {db or settings.get('db')}: dashboard http://{host}:{port}/  "
              f"API http://{host}:{port}/api  schema http://{host}:{port}/openapi.json")
    _guarded(lambda: run_server(db, host=host, port=port, token=token, write_enabled=writes))


@app.command("settings")
def show_settings() -> None:
    """List every setting with its environment variable, current value and help."""
    table = Table(show_header=True)
    for col in ("setting", "environment", "value", "help"):
        table.add_column(col, overflow="fold")
    for s in settings.SETTINGS:
        table.add_row(s.name, s.env, str(settings.get(s.name)), s.help)
    out.print(table)
