"""Statements and relations in the store: rows, writes inside a batch, and queries.

:class:`StatementTables` is mixed into :class:`sitrep.store.Store`; it uses only ``self.con``
and ``self.path``. Speaker code, sector and name, the statement's day and the content text are
denormalised into columns so that filters and searches need no JSON.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any, Sequence

import duckdb
import pyarrow as pa

from sitrep.errors import StoreError
from sitrep.records import Relation, Statement
from sitrep.store.sql import Where, limit_sql, marks

STATEMENT_COLUMNS = (
    "id", "doc_id", "speaker", "via", "cue", "stance", "kind", "content", "proposition", "date", "evidence",
)
_JSON_COLUMNS = ("speaker", "via", "cue", "content", "proposition", "evidence")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=dict)


def _plain(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def speaker_name(statement: Statement, actors: dict[str, Any] | None = None) -> str | None:
    """The name to list a speaker under: the resolved actor's name, else what the pronoun or
    relative refers to, else the words of the text."""
    sp = statement.speaker or {}
    actor = (actors or {}).get(sp.get("actor_id")) if sp.get("actor_id") else None
    if actor is not None and getattr(actor, "kind", None) == "person":
        return actor.name
    return sp.get("refers_to") or sp.get("text") or (actor.name if actor is not None else None)


def statements_table(statements: Sequence[Statement], actors: dict[str, Any] | None = None) -> pa.Table:
    """Statements as an Arrow table with the ``statements`` table's columns."""
    def sp(s: Statement, key: str) -> Any:
        return (s.speaker or {}).get(key)

    return pa.table({
        "id": [s.id for s in statements],
        "doc_id": [s.doc_id for s in statements],
        "speaker": [_json(_plain(s.speaker)) for s in statements],
        "speaker_code": [sp(s, "code") for s in statements],
        "speaker_sector": [sp(s, "sector") for s in statements],
        "speaker_name": [speaker_name(s, actors) for s in statements],
        "via": [_json(_plain(list(s.via))) for s in statements],
        "cue": [_json(_plain(s.cue)) for s in statements],
        "stance": [s.stance for s in statements],
        "kind": [s.kind for s in statements],
        "content": [_json(_plain(s.content)) for s in statements],
        "content_text": [(s.content or {}).get("text") for s in statements],
        "proposition": [_json(_plain(s.proposition)) if s.proposition else None for s in statements],
        "date": [s.date for s in statements],
        "statement_day": pa.array([_day(s.date) for s in statements], type=pa.date32()),
        "evidence": [_json(_plain(s.evidence)) for s in statements],
    })


class StatementTables:
    """Statement and relation reads and writes (mixed into Store)."""

    con: duckdb.DuckDBPyConnection
    path: str

    # -- writes (inside the caller's transaction) --------------------------------------------
    def _insert_statements(self, statements: Sequence[Statement], actors: dict[str, Any] | None = None,
                           pipeline_version: str | None = None) -> None:
        if not statements:
            return
        table = statements_table(statements, actors)
        table = table.append_column("pipeline_version", pa.array([pipeline_version] * table.num_rows, pa.string()))
        self.con.register("new_statements", table)
        self.con.execute(
            "INSERT OR IGNORE INTO statements BY NAME SELECT id, doc_id, speaker::JSON AS speaker, speaker_code, "
            "speaker_sector, speaker_name, via::JSON AS via, cue::JSON AS cue, stance, kind, content::JSON AS content, "
            "content_text, proposition::JSON AS proposition, date, statement_day, evidence::JSON AS evidence, "
            "pipeline_version FROM new_statements"
        )
        self.con.unregister("new_statements")

    def _insert_relations(self, relations: Sequence[Relation]) -> int:
        if not relations:
            return 0
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        before = self.con.execute("SELECT count(*) FROM relations").fetchall()[0][0]
        self.con.register("new_relations", pa.table({
            "kind": [r.kind for r in relations], "a": [r.a for r in relations], "b": [r.b for r in relations],
            "score": pa.array([float(r.score) for r in relations], type=pa.float64()),
            "explanation": [r.explanation for r in relations], "created_at": [now] * len(relations),
        }))
        self.con.execute("INSERT OR IGNORE INTO relations BY NAME SELECT * FROM new_relations")
        self.con.unregister("new_relations")
        return int(self.con.execute("SELECT count(*) FROM relations").fetchall()[0][0] - before)

    def write_relations(self, relations: Sequence[Relation]) -> int:
        """Store relations in one transaction; pairs already stored are left as they are.
        Returns how many were new."""
        try:
            self.con.execute("BEGIN TRANSACTION")
            n = self._insert_relations(relations)
            self.con.execute("COMMIT")
            return n
        except duckdb.Error as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise StoreError(f"writing relations failed, none stored: {exc}", input=self.path) from exc

    # -- reads -------------------------------------------------------------------------------
    def _statements(self, where: str, params: Sequence[Any], *, order: str = "s.statement_day DESC NULLS LAST, s.doc_id, s.id",
                    limit: int | None = None, with_documents: bool = False) -> list[Any]:
        columns = ", ".join(f"s.{c}" for c in STATEMENT_COLUMNS)
        doc_cols = "d.id, d.title, d.source, d.url, d.published"
        sql = (f"SELECT {columns}, {doc_cols} FROM statements s JOIN documents d ON d.id = s.doc_id {where} "
               f"ORDER BY {order}{limit_sql(limit)}")
        try:
            rows = self.con.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"statement query failed: {exc}", input=self.path) from exc
        out = []
        for row in rows:
            st = _row_to_statement(row[: len(STATEMENT_COLUMNS)])
            if with_documents:
                i, title, source, url, published = row[len(STATEMENT_COLUMNS):]
                out.append((st, {"id": i, "title": title, "source": source, "url": url, "published": published}))
            else:
                out.append(st)
        return out

    def statements_of(self, doc_ids: Sequence[str]) -> list[Statement]:
        """Every stored statement of the given documents."""
        if not doc_ids:
            return []
        return self._statements(f"WHERE s.doc_id IN ({marks(doc_ids)})", list(doc_ids), order="s.doc_id, s.id")

    def statements_near(self, *, since: date | None, until: date | None, days: int, exclude: Sequence[str] = (),
                        limit: int = 20000) -> list[Statement]:
        """Stored statements dated within ``days`` of [since, until] (undated ones too when no
        dates are given), less those of ``exclude`` documents."""
        w = Where()
        if since is not None and until is not None:
            w.add("s.statement_day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)",
                  (since - timedelta(days=days)).isoformat(), (until + timedelta(days=days)).isoformat())
        if exclude:
            w.add(f"s.doc_id NOT IN ({marks(exclude)})", *exclude)
        return self._statements(w.sql(), w.params, limit=limit)

    def query_statements(
        self,
        *,
        speaker: str | None = None,
        stance: str | None = None,
        about: str | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_id: str | None = None,
        limit: int | None = 100,
    ) -> list[tuple[Statement, dict[str, Any]]]:
        """Statements matching every filter, newest first, each with its document's id, title,
        source, url and published date. ``speaker`` matches the speaker's code exactly, or its
        name or words (case-insensitive substring); ``about`` searches the content and the
        evidence sentence."""
        w = Where()
        w.when(speaker, "(upper(s.speaker_code) = upper(?) OR s.speaker_name ILIKE '%' || ? || '%' "
                        "OR json_extract_string(s.speaker, '$.text') ILIKE '%' || ? || '%')")
        w.when(stance.lower() if stance else None, "s.stance = ?")
        w.when(about, "(s.content_text ILIKE '%' || ? || '%' "
                      "OR json_extract_string(s.evidence, '$.sentence') ILIKE '%' || ? || '%')")
        w.when(since, "s.statement_day >= CAST(? AS DATE)")
        w.when(until, "s.statement_day <= CAST(? AS DATE)")
        w.when(doc_id, "s.doc_id LIKE ? || '%'")
        return self._statements(w.sql(), w.params, limit=limit, with_documents=True,
                                order="s.statement_day DESC NULLS LAST, s.doc_id, (s.cue->>'$.start')::INTEGER")

    def query_relations(
        self,
        *,
        kind: str | None = None,
        since: str | None = None,
        until: str | None = None,
        statement: str | None = None,
        limit: int | None = 100,
    ) -> list[dict[str, Any]]:
        """Relations matching every filter, strongest first, each as ``{relation, a, b}`` with
        ``a`` and ``b`` as ``{statement, document}``. ``since``/``until`` keep pairs with a
        statement dated in the range; ``statement`` keeps the relations of one statement."""
        w = Where()
        w.when(kind, "r.kind = ?")
        w.when(since, "greatest(sa.statement_day, sb.statement_day) >= CAST(? AS DATE)")
        w.when(until, "least(sa.statement_day, sb.statement_day) <= CAST(? AS DATE)")
        w.when(statement, "(r.a = ? OR r.b = ?)")
        sql = (f"SELECT r.kind, r.a, r.b, r.score, r.explanation FROM relations r "
               f"JOIN statements sa ON sa.id = r.a JOIN statements sb ON sb.id = r.b {w.sql()} "
               f"ORDER BY r.score DESC, r.kind, r.a, r.b{limit_sql(limit)}")
        try:
            rows = self.con.execute(sql, w.params).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"relation query failed: {exc}", input=self.path) from exc
        ids = sorted({r[1] for r in rows} | {r[2] for r in rows})
        found: dict[str, tuple[Statement, dict[str, Any]]] = {}
        if ids:
            for st, doc in self._statements(f"WHERE s.id IN ({marks(ids)})", ids, with_documents=True):
                found[st.id] = (st, doc)
        out = []
        for kind_, a, b, score, explanation in rows:
            rel = Relation(kind=kind_, a=a, b=b, score=float(score), explanation=explanation)
            out.append({"relation": rel,
                        "a": {"statement": found[a][0], "document": found[a][1]},
                        "b": {"statement": found[b][0], "document": found[b][1]}})
        return out


def _row_to_statement(row: Sequence[Any]) -> Statement:
    data = dict(zip(STATEMENT_COLUMNS, row))
    for key in _JSON_COLUMNS:
        data[key] = json.loads(data[key]) if data[key] else None
    data["via"] = tuple(data["via"] or ())
    data["speaker"] = data["speaker"] or {}
    return Statement(**data)


__all__ = ["StatementTables", "STATEMENT_COLUMNS", "statements_table", "speaker_name"]
