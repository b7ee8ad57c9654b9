"""Commands about who said what: claims, contradictions."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from sitrep.cli._common import DbOption, _print_json, _read, app, out
from sitrep.records import to_dict

STANCES = ("assert", "deny", "confirm", "question", "predict")


def _speaker(st: Any) -> str:
    sp = st.speaker or {}
    name = sp.get("text") or "(unnamed)"
    if sp.get("refers_to"):
        name = f"{name} → {sp['refers_to']}"
    tag = "/".join(x for x in (sp.get("code"), sp.get("sector")) if x)
    return f"{name} [{tag}]" if tag else name


def _sentence(st: Any) -> str:
    return " ".join(((st.evidence or {}).get("sentence") or "").split())


def _via(st: Any) -> str:
    return " ← ".join(v.get("text") or "?" for v in st.via)


@app.command()
def claims(
    db: Optional[str] = DbOption,
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Speaker code (RUS, NATO…) or part of the speaker's name."),
    stance: Optional[str] = typer.Option(None, "--stance", help="assert, deny, confirm, question or predict."),
    about: Optional[str] = typer.Option(None, "--about", help="Content or evidence sentence contains this text."),
    since: Optional[str] = typer.Option(None, help="Stated on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="Stated on or before this date (YYYY-MM-DD)."),
    limit: int = typer.Option(100, help="At most this many statements."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of statements."),
) -> None:
    """List attributed statements with speaker, carrier chain (via), stance and evidence."""
    if stance and stance.lower() not in STANCES:
        raise typer.BadParameter(f"stance must be one of {', '.join(STANCES)}", param_hint="--stance")
    rows = _read(db, lambda store: store.query_statements(speaker=speaker, stance=stance, about=about, since=since,
                                                          until=until, limit=limit))
    if as_json:
        _print_json([{**to_dict(s), "document": d} for s, d in rows])
        return
    table = Table(show_header=True, show_lines=True)
    for col, kw in (("date", {"no_wrap": True}), ("speaker", {"max_width": 30}), ("via", {"max_width": 20}),
                    ("stance", {"no_wrap": True}), ("content", {"ratio": 1}), ("evidence", {"ratio": 1})):
        table.add_column(col, **kw)
    for s, _doc in rows:
        table.add_row(s.date or "", _speaker(s), _via(s), s.stance, s.content.get("text", ""), _sentence(s))
    out.print(table)


@app.command()
def contradictions(
    db: Optional[str] = DbOption,
    since: Optional[str] = typer.Option(None, help="Pairs with a statement on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="Pairs with a statement on or before this date (YYYY-MM-DD)."),
    corroborations: bool = typer.Option(False, "--corroborates", help="List corroborating pairs instead."),
    limit: int = typer.Option(100, help="At most this many pairs."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of pairs."),
) -> None:
    """Print each pair of contradicting statements side by side: speakers, carriers, dates and
    the two evidence sentences."""
    kind = "corroborates" if corroborations else "contradicts"
    pairs = _read(db, lambda store: store.query_relations(kind=kind, since=since, until=until, limit=limit))
    if as_json:
        _print_json([
            {**to_dict(p["relation"]),
             "a": {**to_dict(p["a"]["statement"]), "document": p["a"]["document"]},
             "b": {**to_dict(p["b"]["statement"]), "document": p["b"]["document"]}}
            for p in pairs
        ])
        return
    if not pairs:
        out.print(f"no {kind} pairs stored", highlight=False)
        return
    for p in pairs:
        rel = p["relation"]
        table = Table(show_header=True, show_lines=True, title=f"{rel.kind}  (score {rel.score:.2f})", title_justify="left")
        table.add_column("", style="dim", no_wrap=True)
        table.add_column("A", ratio=1)
        table.add_column("B", ratio=1)
        sa, sb = p["a"]["statement"], p["b"]["statement"]
        da, db_ = p["a"]["document"], p["b"]["document"]
        table.add_row("speaker", _speaker(sa), _speaker(sb))
        table.add_row("via", _via(sa), _via(sb))
        table.add_row("stance", sa.stance, sb.stance)
        table.add_row("date", sa.date or "", sb.date or "")
        table.add_row("source", f"{da.get('source') or ''} {da['id'][:12]}", f"{db_.get('source') or ''} {db_['id'][:12]}")
        table.add_row("evidence", _sentence(sa), _sentence(sb))
        out.print(table)
        out.print(f"[dim]{escape(rel.explanation)}[/]", highlight=False)
        out.print()
