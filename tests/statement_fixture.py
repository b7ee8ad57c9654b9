"""Test helper: fill a store with documents, their analysis and their extracted statements.

Until the statement stage is part of the ingest pipeline, the dashboard and API tests (and the
README screenshots) need ``statements`` rows from real extraction. This helper analyses the
documents, stores them with the store's own writer, runs
:func:`sitrep.statements.extract.extract_statements` on each analysis and stores the
statements: with ``Store.write_statements`` when the store has it, otherwise with
:func:`insert_statement_rows` below (the columns of migration 4, nothing else).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Iterable, Sequence

import pyarrow as pa

from sitrep.pipeline import documents_from
from sitrep.records import Document, Relation, Statement
from sitrep.sources import Rejected


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=lambda o: dict(o) if hasattr(o, "items") else list(o))


def insert_statement_rows(store: Any, statements: Sequence[Statement]) -> int:
    """Insert statements into the ``statements`` table (migration 4 columns); skips known ids."""
    if not statements:
        return 0
    rows = {
        "id": [s.id for s in statements],
        "doc_id": [s.doc_id for s in statements],
        "speaker": [_json(dict(s.speaker)) for s in statements],
        "speaker_code": [s.speaker.get("code") for s in statements],
        "speaker_sector": [s.speaker.get("sector") for s in statements],
        "speaker_name": [s.speaker.get("text") for s in statements],
        "via": [_json([dict(v) for v in s.via]) for s in statements],
        "cue": [_json(dict(s.cue)) for s in statements],
        "stance": [s.stance for s in statements],
        "kind": [s.kind for s in statements],
        "content": [_json(dict(s.content)) for s in statements],
        "content_text": [s.content.get("text") for s in statements],
        "proposition": [_json(dict(s.proposition)) if s.proposition else None for s in statements],
        "date": [s.date for s in statements],
        "statement_day": [_day(s.date) for s in statements],
        "evidence": [_json(dict(s.evidence)) for s in statements],
    }
    store.con.register("fixture_statements", pa.table(rows))
    try:
        store.con.execute(
            "INSERT OR IGNORE INTO statements SELECT id, doc_id, speaker::JSON, speaker_code, speaker_sector, "
            "speaker_name, via::JSON, cue::JSON, stance, kind, content::JSON, content_text, proposition::JSON, "
            "date, statement_day, evidence::JSON FROM fixture_statements"
        )
    finally:
        store.con.unregister("fixture_statements")
    return len(statements)


def write_statements(store: Any, statements: Sequence[Statement]) -> int:
    """The store's own statement writer when it has one, else :func:`insert_statement_rows`."""
    own = getattr(store, "write_statements", None)
    if callable(own):
        own(statements)
        return len(statements)
    return insert_statement_rows(store, statements)


def write_relations(store: Any, relations: Sequence[Relation]) -> int:
    """The store's own relation writer when it has one, else plain inserts (migration 4)."""
    own = getattr(store, "write_relations", None)
    if callable(own):
        own(relations)
        return len(relations)
    for r in relations:
        store.con.execute(
            "INSERT OR IGNORE INTO relations VALUES (?, ?, ?, ?, ?, CAST(current_timestamp AS VARCHAR))",
            [r.kind, r.a, r.b, r.score, r.explanation],
        )
    return len(relations)


def ingest_with_statements(inputs: Iterable[str], store: Any, *, batch_size: int = 32) -> dict[str, int]:
    """Read, analyse and store ``inputs`` with their statements; returns counts.

    Documents already in the store are skipped (their statements were stored with them).
    """
    from sitrep.analyze import analyze_documents
    from sitrep.statements.extract import extract_statements

    docs: dict[str, Document] = {}
    for result in documents_from(list(inputs)):
        if not isinstance(result, Rejected):
            docs.setdefault(result.id, result)
    existing = store.existing_ids(list(docs))
    fresh = [d for i, d in docs.items() if i not in existing]
    counts = {"documents": 0, "statements": 0}
    for start in range(0, len(fresh), batch_size):
        batch = fresh[start : start + batch_size]
        analyses = list(analyze_documents(batch))
        store.write_documents(batch, (), analyses)
        statements = [s for a in analyses for s in extract_statements(a)]
        if getattr(analyses[0], "statements", None) is None:
            counts["statements"] += write_statements(store, statements)
        counts["documents"] += len(batch)
    return counts


def denial_contradictions(store: Any) -> list[Relation]:
    """Stand-in ``contradicts`` relations for fixtures, until the linking stage writes them.

    Each denial is paired with the claim it answers, within its document: the nearest
    asserting or confirming statement by another speaker (a different actor code), preferring a
    speaker whose code is mentioned inside the denial's content ("denied the information
    revealed by the US State Department" answers the State Department's claim), else one whose
    words overlap the denial's (two or more words of four letters or more). A denial with
    neither is left unpaired.
    """
    rows = store.con.execute(
        "SELECT id, doc_id, speaker_code, stance, CAST(content->>'start' AS INTEGER), "
        "CAST(content->>'end' AS INTEGER), CAST(cue->>'start' AS INTEGER), "
        "coalesce(evidence->>'sentence', '') || ' ' || coalesce(content_text, '') FROM statements ORDER BY doc_id, 7"
    ).fetchall()
    by_doc: dict[str, list[tuple]] = {}
    for row in rows:
        by_doc.setdefault(row[1], []).append(row)
    relations = []
    for doc_id, items in by_doc.items():
        for sid, _, code, stance, cstart, cend, cue, text in items:
            if stance != "deny" or not code:
                continue
            words = _words(text)
            named = {r[0] for r in store.con.execute(
                "SELECT code FROM mentions WHERE doc_id = ? AND start >= ? AND \"end\" <= ? AND code IS NOT NULL",
                [doc_id, cstart, cend]).fetchall()}
            others = [r for r in items if r[3] in ("assert", "confirm") and r[2] and r[2] != code]
            if not others:
                continue
            preferred = [r for r in others if r[2] in named] or [r for r in others if _shared_words(words, r[7]) >= 2]
            if not preferred:
                continue
            claim = min(preferred, key=lambda r: abs(r[6] - cue))
            relations.append(Relation(
                kind="contradicts", a=claim[0], b=sid, score=0.5,
                explanation="fixture pairing: a denial and the nearest claim by another speaker",
            ))
    return relations


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def _shared_words(words: set[str], text: str) -> int:
    return len(words & _words(text))
