"""Reads over the linking tables: canonical events with their sources, and stories."""

from __future__ import annotations

import json
from typing import Any, Sequence

CANONICAL_COLUMNS = (
    "id", "type", "mode", "actor_code", "recipient_code", "event_day", "date_precision", "location",
    "num_sources", "num_mentions", "first_report", "last_report", "factuality", "story_id",
)


def query_canonical_events(
    con: Any,
    *,
    actor: str | None = None,
    recipient: str | None = None,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    factuality: Sequence[str] | None = None,
    limit: int | None = 100,
) -> list[dict[str, Any]]:
    """Canonical events matching every filter, newest first, each with its ``mentions``: every
    event mention's id, evidence sentence and document (id, source, url, title, published)."""
    clauses, params = [], []
    for column, value in (("c.actor_code", actor), ("c.recipient_code", recipient), ("c.type", type)):
        if value:
            clauses.append(f"upper({column}) = upper(?)")
            params.append(value)
    day = "coalesce(c.event_day, c.report_day)"
    if since:
        clauses.append(f"{day} >= CAST(? AS DATE)")
        params.append(since)
    if until:
        clauses.append(f"{day} <= CAST(? AS DATE)")
        params.append(until)
    if factuality:
        clauses.append("c.factuality IN (" + ", ".join("?" for _ in factuality) + ")")
        params.extend(factuality)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    columns = ", ".join(f"c.{col}" for col in CANONICAL_COLUMNS)
    sql = (
        f"SELECT {columns}, (SELECT list({{'event_id': e.id, 'doc_id': d.id, 'source': d.source, 'url': d.url, "
        f"'title': d.title, 'published': d.published, 'date': e.date, 'factuality': e.factuality, "
        f"'actor': e.actor::VARCHAR, 'recipient': e.recipient::VARCHAR, 'evidence': e.evidence::VARCHAR}} "
        f"ORDER BY d.published NULLS LAST, e.id) FROM event_canonical ec JOIN events e ON e.id = ec.event_id "
        f"JOIN documents d ON d.id = e.doc_id WHERE ec.canonical_id = c.id) AS mentions "
        f"FROM canonical_events c {where} ORDER BY {day} DESC NULLS LAST, c.num_sources DESC, c.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    out = []
    for row in con.execute(sql, params).fetchall():
        data = dict(zip(CANONICAL_COLUMNS, row[: len(CANONICAL_COLUMNS)]))
        data["event_day"] = data["event_day"].isoformat() if data["event_day"] else None
        data["location"] = json.loads(data["location"]) if data["location"] else None
        mentions = []
        for m in row[-1] or ():
            m = dict(m)
            for key in ("actor", "recipient", "evidence"):
                m[key] = json.loads(m[key]) if m[key] else None
            mentions.append(m)
        data["mentions"] = mentions
        out.append(data)
    return out


def list_stories(con: Any, *, since: str | None = None, limit: int | None = 50, min_documents: int = 1) -> list[dict[str, Any]]:
    """Stories, latest first: title, first and last report, documents, outlets, event mentions
    and canonical events."""
    clauses, params = ["n_docs >= ?"], [int(min_documents)]
    if since:
        clauses.append("TRY_CAST(substr(last_seen, 1, 10) AS DATE) >= CAST(? AS DATE)")
        params.append(since)
    sql = (
        "SELECT * FROM (SELECT s.id, s.title, s.first_seen, s.last_seen, count(DISTINCT sd.doc_id) AS n_docs, "
        "list(DISTINCT coalesce(d.source, '(unknown)') ORDER BY coalesce(d.source, '(unknown)')) AS sources, "
        "list(DISTINCT sd.doc_id ORDER BY sd.doc_id) AS doc_ids, "
        "(SELECT count(*) FROM events e JOIN story_documents x ON x.doc_id = e.doc_id WHERE x.story_id = s.id) AS mentions, "
        "(SELECT count(DISTINCT ec.canonical_id) FROM events e JOIN story_documents x ON x.doc_id = e.doc_id "
        " JOIN event_canonical ec ON ec.event_id = e.id WHERE x.story_id = s.id) AS canonical "
        "FROM stories s JOIN story_documents sd ON sd.story_id = s.id JOIN documents d ON d.id = sd.doc_id "
        "GROUP BY s.id, s.title, s.first_seen, s.last_seen) WHERE " + " AND ".join(clauses) +
        " ORDER BY last_seen DESC NULLS LAST, n_docs DESC, id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        {"id": i, "title": t, "first_seen": f, "last_seen": l, "documents": n, "sources": list(src),
         "doc_ids": list(ids), "event_mentions": m, "canonical_events": c}
        for i, t, f, l, n, src, ids, m, c in con.execute(sql, params).fetchall()
    ]
