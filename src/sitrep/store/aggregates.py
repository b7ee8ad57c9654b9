"""Aggregate reads over events and statements: timeline, dyads, network, map points, facets
and the claims board. Every function takes the shared :class:`~sitrep.store.filters.Filters`."""

from __future__ import annotations

from datetime import date

from typing import Any

from sitrep.groups import DisjointSets
from sitrep.store.db import Store
from sitrep.store.filters import TABLES, Filters, FilterRejected, quad_case, where, where_sql
from sitrep.store.queries import _rows
from sitrep.store.record_queries import RELATION_COLUMNS, statements_by_id

#: Periods a timeline or dyad count can be bucketed by.
PERIODS = ("day", "week", "month")
#: What a timeline can be stacked by.
GROUPS = ("type", "quad")
#: Facets over events, each a column expression, and over statements.
EVENT_FACETS = {
    "type": "e.type", "quad": quad_case("e.type"), "actor": "e.actor_code", "recipient": "e.recipient_code",
    "mode": "e.mode", "factuality": "e.factuality", "source": "d.source",
}
STATEMENT_FACETS = {"stance": "s.stance", "speaker": "s.speaker_code", "kind": "s.kind"}


def _period(by: str) -> str:
    if by not in PERIODS:
        raise FilterRejected(f"by must be one of {', '.join(PERIODS)}", input=by)
    return f"CAST(date_trunc('{by}', {TABLES['events'].day}) AS DATE)"


def timeline(store: Store, filters: Filters | None = None, *, by: str = "day", group: str = "type") -> dict[str, Any]:
    """Event counts per period (``day``, ``week`` starting Monday, ``month``) stacked by PLOVER
    ``type`` or ``quad`` class. Events with no day (theirs or their document's) are left out.

    Returns ``{"by", "group", "groups": [...], "items": [{"period", "group", "count"}]}`` with
    items in period order, and ``total`` per period in ``totals``.
    """
    if group not in GROUPS:
        raise FilterRejected(f"group must be one of {', '.join(GROUPS)}", input=group)
    period = _period(by)
    key = "e.type" if group == "type" else quad_case("e.type")
    clauses, params = where("events", filters)
    clauses.append(f"{TABLES['events'].day} IS NOT NULL")
    rows = _rows(
        store,
        f"SELECT {period} AS period, {key} AS grp, count(*) AS n FROM {TABLES['events'].source_sql} "
        f"{where_sql(clauses)} GROUP BY ALL ORDER BY period, grp",
        params,
    )
    items = [{"period": p.isoformat(), "group": g, "count": int(n)} for p, g, n in rows]
    totals: dict[str, int] = {}
    for item in items:
        totals[item["period"]] = totals.get(item["period"], 0) + item["count"]
    groups = sorted({i["group"] for i in items}, key=lambda g: (-sum(i["count"] for i in items if i["group"] == g), g))
    return {"by": by, "group": group, "groups": groups, "items": items,
            "totals": [{"period": p, "count": n} for p, n in totals.items()],
            "range": _day_range(store, clauses, params)}


def _day_range(store: Store, clauses: list[str], params: list[Any]) -> dict[str, Any]:
    """First and last day, and the 1st and 99th percentile days: events dated decades back
    ("the 1941 invasion") would otherwise stretch a chart of this month's news."""
    day = TABLES["events"].day
    row = _rows(store, f"SELECT min({day}), max({day}), quantile_disc({day}, 0.01), quantile_disc({day}, 0.99) "
                       f"FROM {TABLES['events'].source_sql} {where_sql(clauses)}", params)[0]
    return dict(zip(("first", "last", "p01", "p99"), (d.isoformat() if d else None for d in row)))


def dyads(store: Store, filters: Filters | None = None, *, by: str | None = None, limit: int = 500) -> dict[str, Any]:
    """Actor → recipient event counts (both codes known), optionally per period, largest first
    within each period. Returns ``{"by", "items": [{"period"?, "actor", "recipient", "count"}]}``."""
    clauses, params = where("events", filters)
    clauses.append("e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL")
    period = f"{_period(by)} AS period, " if by else ""
    order = "period, " if by else ""
    rows = _rows(
        store,
        f"SELECT {period}e.actor_code, e.recipient_code, count(*) AS n FROM {TABLES['events'].source_sql} "
        f"{where_sql(clauses)} {'AND ' + TABLES['events'].day + ' IS NOT NULL' if by and not clauses else ''} "
        f"GROUP BY ALL ORDER BY {order}n DESC, e.actor_code, e.recipient_code LIMIT {int(limit)}",
        params,
    )
    items = []
    for row in rows:
        if by:
            p, a, r, n = row
            if p is None:
                continue
            items.append({"period": p.isoformat(), "actor": a, "recipient": r, "count": int(n)})
        else:
            a, r, n = row
            items.append({"actor": a, "recipient": r, "count": int(n)})
    return {"by": by, "items": items}


def network(store: Store, filters: Filters | None = None, *, limit: int = 300) -> dict[str, Any]:
    """Who did what to whom: nodes are actor codes (with how many events they take part in),
    edges are actor → recipient pairs weighted by event count, with their count per type."""
    clauses, params = where("events", filters)
    clauses.append("e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL AND e.actor_code <> e.recipient_code")
    rows = _rows(
        store,
        f"SELECT e.actor_code, e.recipient_code, e.type, count(*) FROM {TABLES['events'].source_sql} "
        f"{where_sql(clauses)} GROUP BY ALL",
        params,
    )
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for actor, recipient, type_, n in rows:
        edge = edges.setdefault((actor, recipient), {"source": actor, "target": recipient, "weight": 0, "types": {}})
        edge["weight"] += int(n)
        edge["types"][type_] = edge["types"].get(type_, 0) + int(n)
    kept = sorted(edges.values(), key=lambda e: (-e["weight"], e["source"], e["target"]))[:limit]
    nodes: dict[str, int] = {}
    for e in kept:
        for end in (e["source"], e["target"]):
            nodes[end] = nodes.get(end, 0) + e["weight"]
    names = _code_names(store, list(nodes))
    ranked = sorted(nodes.items(), key=lambda x: (-x[1], x[0]))
    return {"nodes": [{"id": c, "label": names.get(c, c), "weight": w} for c, w in ranked], "edges": kept}


def _code_names(store: Store, codes: list[str]) -> dict[str, str]:
    """A readable name per actor code: the country's common name (pycountry) for ISO codes."""
    import pycountry

    names = {}
    for code in codes:
        country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
        if country is not None:
            names[code] = getattr(country, "common_name", None) or country.name
    return names


def locations(store: Store, filters: Filters | None = None, *, limit: int = 500) -> dict[str, Any]:
    """Map points: events with coordinates, grouped by place, with counts per type and up to
    20 event ids per place (most events first)."""
    clauses, params = where("events", filters)
    clauses.append("e.location IS NOT NULL AND TRY_CAST(e.location->>'lat' AS DOUBLE) IS NOT NULL")
    rows = _rows(
        store,
        "SELECT coalesce(e.location->>'name', e.location->>'text') AS name, e.location->>'country' AS country, "
        "round(CAST(e.location->>'lat' AS DOUBLE), 3) AS lat, round(CAST(e.location->>'lon' AS DOUBLE), 3) AS lon, "
        "count(*) AS n, list(e.id ORDER BY e.id)[1:20] AS ids, histogram(e.type) AS types "
        f"FROM {TABLES['events'].source_sql} {where_sql(clauses)} GROUP BY ALL ORDER BY n DESC, name LIMIT {int(limit)}",
        params,
    )
    return {"items": [
        {"name": name, "country": country, "lat": lat, "lon": lon, "count": int(n), "event_ids": list(ids),
         "types": {str(k): int(v) for k, v in dict(types).items()}}
        for name, country, lat, lon, n, ids, types in rows
    ]}


def facets(store: Store, filters: Filters | None = None, *, size: int = 15) -> dict[str, Any]:
    """Counts per value of each facet: for events (type, quad, actor, recipient, mode,
    factuality, source) and statements (stance, speaker, kind). Each facet counts over every
    filter except its own, so a chosen value still shows its alternatives."""
    filters = filters or Filters()
    out: dict[str, Any] = {}
    own = {"type": ("type", "quad"), "quad": ("type", "quad"), "speaker": ("actor",)}
    for name, column in EVENT_FACETS.items():
        clauses, params = where("events", filters.without(*own.get(name, (name,))))
        out[name] = _facet(store, column, TABLES["events"].source_sql, clauses, params, size)
    for name, column in STATEMENT_FACETS.items():
        clauses, params = where("statements", filters.without(*own.get(name, (name,))))
        out[name] = _facet(store, column, TABLES["statements"].source_sql, clauses, params, size)
    return out


def _facet(store: Store, column: str, source: str, clauses: list[str], params: list[Any], size: int) -> list[dict[str, Any]]:
    clauses = clauses + [f"{column} IS NOT NULL"]
    rows = _rows(store, f"SELECT {column} AS v, count(*) AS n FROM {source} {where_sql(clauses)} "
                        f"GROUP BY ALL ORDER BY n DESC, v LIMIT {int(size)}", params)
    return [{"value": v, "count": int(n)} for v, n in rows]


# -- claims board --------------------------------------------------------------------------------
#: Proposition types too generic to group statements by (a bare claim, a reference).
UNGROUPED_TYPES = {"CLAIM", "REFERENCE"}


def _code(part: Any) -> str:
    if isinstance(part, dict):
        return str(part.get("code") or "")
    return str(part or "")


def _proposition_key(st: dict[str, Any]) -> str | None:
    """Statements share a proposition when they read as the same event type between the same
    coded actor and recipient in the same ISO week; generic claims and readings without both
    codes are grouped only through relations."""
    p = st.get("proposition") or {}
    if not p or not p.get("type") or p["type"] in UNGROUPED_TYPES:
        return None
    actor, recipient = _code(p.get("actor")), _code(p.get("recipient"))
    if not (actor and recipient):
        return None
    day = st.get("day")
    week = ""
    if day:
        try:
            iso = date.fromisoformat(str(day)[:10]).isocalendar()
            week = f"{iso[0]}-W{iso[1]:02d}"
        except ValueError:
            week = ""
    return "|".join((p["type"], actor, recipient, week))


def claims(store: Store, filters: Filters | None = None, *, limit: int = 50) -> dict[str, Any]:
    """Statements grouped by proposition, for the claims board.

    A group is every statement linked by ``contradicts`` or ``corroborates`` relations (in
    either direction), merged with statements that share a proposition (type, actor,
    recipient). Groups with a contradiction come first, then the larger ones. Each group lists
    its statements and its ``pairs`` (relations, ``a`` and ``b`` being statement ids).
    """
    clauses, params = where("statements", filters)
    spec = TABLES["statements"]
    matching = f"SELECT s.id FROM {spec.source_sql} {where_sql(clauses)}"
    rel_rows = _rows(
        store,
        f"SELECT {', '.join(RELATION_COLUMNS)} FROM relations WHERE kind IN ('contradicts', 'corroborates') "
        f"AND (a IN ({matching}) OR b IN ({matching})) ORDER BY kind DESC, a, b",
        params + params,
    )
    relations = [dict(zip(RELATION_COLUMNS, r)) for r in rel_rows]
    prop_rows = _rows(
        store,
        f"SELECT s.id FROM {spec.source_sql} {where_sql(clauses + ['s.proposition IS NOT NULL'])} LIMIT 5000",
        params,
    )
    ids = sorted({r["a"] for r in relations} | {r["b"] for r in relations} | {r[0] for r in prop_rows})
    records = statements_by_id(store, ids)
    sets: DisjointSets[str] = DisjointSets(records)
    for r in relations:
        if r["a"] in sets and r["b"] in sets:
            sets.union(r["a"], r["b"])
    by_prop: dict[str, str] = {}
    for sid, st in records.items():
        key = _proposition_key(st)
        if key:
            if key in by_prop:
                sets.union(sid, by_prop[key])
            else:
                by_prop[key] = sid
    groups: dict[str, dict[str, Any]] = {}
    for sid in records:
        g = groups.setdefault(sets.find(sid), {"statements": [], "pairs": []})
        g["statements"].append(records[sid])
    for r in relations:
        if r["a"] in sets and r["b"] in sets:
            groups[sets.find(r["a"])]["pairs"].append(r)
    out = []
    for root, g in groups.items():
        if len(g["statements"]) < 2:
            continue
        g["statements"].sort(key=lambda s: (s.get("day") or "", s["id"]))
        props = [_proposition_key(s) for s in g["statements"] if _proposition_key(s)]
        first = g["statements"][0]
        g["id"] = root
        g["proposition"] = props[0] if props else None
        g["label"] = (first.get("content") or {}).get("text") or first["id"]
        g["contradictions"] = sum(1 for p in g["pairs"] if p["kind"] == "contradicts")
        out.append(g)
    out.sort(key=lambda g: (-g["contradictions"], -len(g["statements"]), g["id"]))
    return {"items": out[:limit], "groups": len(out)}
