"""Commands over the linking tables: stories, sources, link, and the linking evaluations."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from sitrep.cli._common import DbOption, _guarded, _open_store, _print_json, _report, app, evaluate_app, out


@app.command()
def stories(
    db: Optional[str] = DbOption,
    since: Optional[str] = typer.Option(None, help="Stories reported on or after this date (YYYY-MM-DD)."),
    min_documents: int = typer.Option(1, "--min-docs", help="Only stories with at least this many documents."),
    limit: int = typer.Option(50, help="At most this many stories."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of stories."),
) -> None:
    """List stories (documents about one happening), latest first: title, dates, sources, events."""
    from sitrep.link.queries import list_stories

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            return list_stories(store.con, since=since, limit=limit, min_documents=min_documents)

    rows = _guarded(run)
    if as_json:
        _print_json(rows)
        return
    table = Table(show_header=True)
    for col, kw in (("story", {"no_wrap": True}), ("first", {"no_wrap": True}), ("last", {"no_wrap": True}),
                    ("docs", {"justify": "right"}), ("sources", {"max_width": 30}), ("events", {"justify": "right"}),
                    ("mentions", {"justify": "right"}), ("title", {"ratio": 1})):
        table.add_column(col, **kw)
    for s in rows:
        table.add_row(s["id"], (s["first_seen"] or "")[:10], (s["last_seen"] or "")[:10], str(s["documents"]),
                      ", ".join(s["sources"]), str(s["canonical_events"]), str(s["event_mentions"]), s["title"] or "")
    out.print(table)


@app.command()
def sources(
    db: Optional[str] = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of source profiles."),
) -> None:
    """Per outlet: documents, share of syndicated copies, share flagged (injected links or spun),
    share of its statements contradicted, and median delay behind a story's first report."""
    from sitrep.link.profiles import source_profiles

    def run() -> Any:
        with _open_store(db, read_only=True) as store:
            return source_profiles(store.con)

    rows = _guarded(run)
    if as_json:
        _print_json(rows)
        return
    table = Table(show_header=True)
    for col in ("source", "docs", "copies", "flagged", "contradicted", "median delay h"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for p in rows:
        delay = p["median_delay_hours"]
        table.add_row(p["source"], str(p["documents"]), f"{p['syndicated_share']:.1%}", f"{p['flagged_share']:.1%}",
                      f"{p['contradicted_share']:.1%} of {p['statements']}", "" if delay is None else f"{delay:.1f}")
    out.print(table)


@app.command()
def link(
    db: Optional[str] = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print what was done as JSON."),
) -> None:
    """Link the stored documents not linked yet (ingest does this by itself): copies, stories,
    canonical events."""
    from sitrep.link import update_links

    def run() -> Any:
        with _open_store(db) as store:
            return update_links(store).as_dict()

    result = _guarded(run)
    _print_json(result) if as_json else out.print(result)


@evaluate_app.command("stories")
def evaluate_stories_cmd(
    directory: Path = typer.Argument(..., help="MEANTIME corpus folder (e.g. ../shared/eval/time/meantime)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """B-cubed precision, recall and F1 of story clustering against MEANTIME's topics."""
    from sitrep.evaluate.stories import evaluate_stories

    _report(lambda: evaluate_stories(directory), as_json)


@evaluate_app.command("duplicates")
def evaluate_duplicates_cmd(
    shared: Path = typer.Argument(..., help="The shared data folder holding corpora/bbc and corpora/seed (e.g. ../shared)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Pairwise precision and recall of near-duplicate detection on the duplicate-pair set
    (data/eval/DUPLICATES.md), and of the spun flag on its spun copies."""
    from sitrep.evaluate.duplicates import evaluate_duplicates

    _report(lambda: evaluate_duplicates(shared), as_json)
