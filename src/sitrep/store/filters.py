"""One filter builder for every read query: documents, events and statements.

The CLI, the API and the dashboard share one set of filters (:class:`Filters`); each record
table says which of its columns a filter reads (:data:`TABLES`), and :func:`where` turns the
filters into SQL clauses with ``?`` parameters. Values never enter the SQL text; only column
expressions from :data:`TABLES` do.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Sequence

from sitrep.errors import InputRejected
from sitrep.store.sql import Where, marks, where_sql  # noqa: F401  (where_sql re-exported for readers)


class FilterRejected(InputRejected):
    """A filter value is malformed (an unknown quad class, a date that is not YYYY-MM-DD)."""

    code = "E422"


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What to keep. Every field is optional; ``None`` keeps everything.

    ``actor`` / ``recipient``: actor codes (ISO3 or IGO, case-insensitive; the speaker's code
    for statements). ``type``: PLOVER types (one or several). ``quad``: quad classes
    (``verbal_cooperation`` …). ``mode``: PLOVER mode. ``stance``: statement stance.
    ``since`` / ``until``: days (YYYY-MM-DD), inclusive. ``source``: outlet. ``q``: full text
    (case-insensitive substring). ``doc_id``: a document id or a 6+ character prefix.
    ``factuality``: event factuality values to keep.
    """

    actor: str | None = None
    recipient: str | None = None
    type: tuple[str, ...] | None = None
    quad: tuple[str, ...] | None = None
    mode: str | None = None
    stance: str | None = None
    since: str | None = None
    until: str | None = None
    source: str | None = None
    q: str | None = None
    doc_id: str | None = None
    factuality: tuple[str, ...] | None = None

    @classmethod
    def of(cls, **values: Any) -> "Filters":
        """Filters from keyword values; strings with commas become tuples where a tuple fits."""
        clean: dict[str, Any] = {}
        for name, value in values.items():
            if value is None or value == "" or value == ():
                continue
            if name in ("type", "quad", "factuality"):
                if isinstance(value, str):
                    value = tuple(v.strip() for v in value.split(",") if v.strip())
                value = tuple(value) or None
            clean[name] = value
        return cls(**clean)

    def as_params(self) -> dict[str, str]:
        """The filters as URL/CLI parameters (tuples joined by commas), unset ones left out."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            out[f.name] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out

    def without(self, *names: str) -> "Filters":
        """A copy with the named filters unset (a facet counts over the other filters)."""
        known = {f.name for f in fields(self)}
        return replace(self, **{n: None for n in names if n in known})


@dataclass(frozen=True)
class Table:
    """How the filters read one record table: the FROM clause and a column per filter."""

    source_sql: str
    day: str
    columns: dict[str, str]
    text: tuple[str, ...]
    doc_id: str


#: The record tables and the column each filter reads. Events and statements join their
#: document (alias ``d``) for ``source`` and for a day when the record has none of its own.
TABLES: dict[str, Table] = {
    "documents": Table(
        source_sql="documents d",
        day="d.published_day",
        columns={"source": "d.source"},
        text=("d.title", "d.text"),
        doc_id="d.id",
    ),
    "events": Table(
        source_sql="events e JOIN documents d ON d.id = e.doc_id",
        day="coalesce(e.event_day, d.published_day)",
        columns={
            "actor": "e.actor_code", "recipient": "e.recipient_code", "type": "e.type", "mode": "e.mode",
            "factuality": "e.factuality", "source": "d.source",
        },
        text=("e.evidence->>'sentence'", "d.title"),
        doc_id="e.doc_id",
    ),
    "statements": Table(
        source_sql="statements s JOIN documents d ON d.id = s.doc_id",
        day="coalesce(s.statement_day, d.published_day)",
        columns={"actor": "s.speaker_code", "stance": "s.stance", "source": "d.source"},
        text=("s.content_text", "s.speaker_name", "s.evidence->>'sentence'"),
        doc_id="s.doc_id",
    ),
}


def quad_types(quads: Sequence[str]) -> tuple[str, ...]:
    """The PLOVER types of the named quad classes; :class:`FilterRejected` for an unknown one."""
    from sitrep.events.ontology import ontology

    types = ontology().types
    known = {t.quad_class for t in types.values()}
    out: list[str] = []
    for quad in quads:
        if quad not in known:
            raise FilterRejected(f"unknown quad class; use one of {', '.join(sorted(known))}", input=quad)
        out.extend(name for name, t in types.items() if t.quad_class == quad)
    return tuple(out)


def quad_case(column: str) -> str:
    """A SQL CASE expression giving the quad class of the PLOVER type in ``column``."""
    from sitrep.events.ontology import ontology

    whens = " ".join(f"WHEN '{name}' THEN '{t.quad_class}'" for name, t in ontology().types.items())
    return f"CASE {column} {whens} END"


def _check_day(name: str, value: str) -> str:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise FilterRejected(f"{name} must be a day, YYYY-MM-DD", input=value) from exc
    return value


def where(table: str, filters: Filters | None) -> tuple[list[str], list[Any]]:
    """SQL clauses (to be AND-ed) and their parameters for ``filters`` over ``table``.

    A filter the table has no column for (``stance`` on events, say) is ignored: one set of
    filters drives every view of the dashboard.
    """
    spec = TABLES[table]
    w = Where()
    if filters is None:
        return w.clauses, w.params
    f = filters
    for name in ("actor", "recipient", "mode", "stance", "source"):
        column = spec.columns.get(name)
        if column:
            w.when(getattr(f, name), f"upper({column}) = upper(?)")
    types = list(f.type or ())
    if f.quad and "type" in spec.columns:
        allowed = set(quad_types(f.quad))
        types = [t for t in types if t.upper() in allowed] if types else sorted(allowed)
        if not types:
            w.add("FALSE")
    if types and "type" in spec.columns:
        w.add(f"upper({spec.columns['type']}) IN ({', '.join('upper(?)' for _ in types)})", *types)
    if f.factuality and "factuality" in spec.columns:
        w.add(f"{spec.columns['factuality']} IN ({marks(f.factuality)})", *f.factuality)
    if f.since:
        w.add(f"{spec.day} >= CAST(? AS DATE)", _check_day("since", f.since))
    if f.until:
        w.add(f"{spec.day} <= CAST(? AS DATE)", _check_day("until", f.until))
    w.when(f.q, "(" + " OR ".join(f"{c} ILIKE '%' || ? || '%'" for c in spec.text) + ")")
    if f.doc_id and len(f.doc_id) < 6:
        raise FilterRejected("give at least 6 characters of the document id", input=f.doc_id)
    w.when(f.doc_id, f"{spec.doc_id} LIKE ? || '%'")
    return w.clauses, w.params
