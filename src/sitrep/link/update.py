"""One call links the documents not linked yet: copies and spun copies, syndication chains,
stories and canonical events, in publication order, one transaction per chunk.

A document counts as linked once it belongs to a story (``story_documents``). Everything kept
about linked documents (MinHash signatures and LSH band keys, term counts, document
frequencies) is read back from the store, never recomputed from their texts, and only for the
documents a new one may link to, so a run costs what its new documents cost.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Mapping, Sequence

import duckdb
import numpy as np
import pyarrow as pa

from sitrep.errors import StoreError
from sitrep.groups import DisjointSets
from sitrep.link import canonical as canon
from sitrep.link.duplicates import BandIndex, Signature, confirm, signature
from sitrep.link.params import load_params
from sitrep.link.stories import StoryDoc, assign, terms
from sitrep.link.syndication import Member, chain_rows, timestamp

#: The day a document is placed on: its publication day, else the day it was ingested.
DOC_DAY = "coalesce(d.published_day, TRY_CAST(substr(d.ingested_at, 1, 10) AS DATE))"


@dataclass(kw_only=True)
class LinkReport:
    """What one linking run did."""

    documents: int = 0
    copies: int = 0
    spun: int = 0
    stories_founded: int = 0
    events: int = 0
    canonical_founded: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"duplicates": 0.0, "stories": 0.0, "canonical": 0.0, "load": 0.0})

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(name, table)


def _ids_table(ids: Sequence[str]) -> pa.Table:
    return pa.table({"id": pa.array(list(ids), type=pa.string())})


def unlinked_documents(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Ids of the documents without a story, in publication order."""
    return [r[0] for r in con.execute(
        f"SELECT d.id FROM documents d ANTI JOIN story_documents s ON s.doc_id = d.id "
        f"ORDER BY {DOC_DAY} NULLS LAST, d.published NULLS LAST, d.id"
    ).fetchall()]


def _chunk_rows(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[tuple]:
    """id, source, published, title, text, day of some documents, in the order of ``ids``."""
    _register(con, "link_chunk_ids", pa.table({"id": list(ids), "ord": list(range(len(ids)))}))
    rows = con.execute(
        f"SELECT d.id, d.source, d.published, d.title, d.text, {DOC_DAY} AS day FROM documents d "
        "JOIN link_chunk_ids c ON c.id = d.id ORDER BY c.ord"
    ).fetchall()
    con.unregister("link_chunk_ids")
    return rows


def update_links(store: Any, *, params: Mapping[str, Any] | None = None, chunk_size: int = 500,
                 on_progress: Callable[[LinkReport], None] | None = None) -> LinkReport:
    """Link every stored document that is not linked yet; returns what was done."""
    params = params or load_params()
    con = store.con
    report = LinkReport()
    started = time.perf_counter()
    pending = unlinked_documents(con)
    report.seconds["load"] += time.perf_counter() - started
    if not pending:
        return report
    for k in range(0, len(pending), chunk_size):
        try:
            con.execute("BEGIN TRANSACTION")
            chunk = _chunk_rows(con, pending[k : k + chunk_size])
            _link_chunk(con, chunk, params, report)
            con.execute("COMMIT")
        except duckdb.Error as exc:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise StoreError(f"linking failed, this chunk was not linked: {exc}", input=store.path) from exc
        report.documents += len(chunk)
        if on_progress:
            on_progress(report)
    return report


def _link_chunk(con, chunk, params, report: LinkReport) -> None:
    t0 = time.perf_counter()
    _duplicates(con, chunk, params, report)
    t1 = time.perf_counter()
    story_of = _stories(con, chunk, params, report)
    t2 = time.perf_counter()
    _canonical(con, [row[0] for row in chunk], story_of, params, report)
    t3 = time.perf_counter()
    report.seconds["duplicates"] += t1 - t0
    report.seconds["stories"] += t2 - t1
    report.seconds["canonical"] += t3 - t2


# -- duplicates and syndication chains --------------------------------------------------------
def _signatures_of(con, ids: Sequence[str], num_perm: int) -> dict[str, Signature]:
    if not ids:
        return {}
    _register(con, "link_sig_ids", _ids_table(sorted(set(ids))))
    table = con.sql("SELECT s.doc_id, s.words, s.structure FROM doc_signatures s JOIN link_sig_ids i ON i.id = s.doc_id").to_arrow_table()
    con.unregister("link_sig_ids")
    if not table.num_rows:
        return {}
    w = table.column("words").combine_chunks().flatten().to_numpy().astype(np.uint32).reshape(-1, num_perm)
    st = table.column("structure").combine_chunks().flatten().to_numpy().astype(np.uint32).reshape(-1, num_perm)
    return {i: Signature(doc_id=i, words=w[k], structure=st[k]) for k, i in enumerate(table.column("doc_id").to_pylist())}


def _duplicates(con, chunk, params, report: LinkReport) -> None:
    num_perm = params["duplicates"]["num_perm"]
    local = BandIndex(params)
    sigs = [s for s in (signature(row[0], row[4], params) for row in chunk) if s]
    if not sigs:
        return
    keys = {s.doc_id: local.keys(s) for s in sigs}
    bands = pa.table({
        "kind": pa.array([k[0] for s in sigs for k in keys[s.doc_id]], type=pa.int8()),
        "band": pa.array([k[1] for s in sigs for k in keys[s.doc_id]], type=pa.int16()),
        "key": pa.array([k[2] for s in sigs for k in keys[s.doc_id]], type=pa.uint64()),
        "doc_id": [s.doc_id for s in sigs for _ in keys[s.doc_id]],
    })
    _register(con, "link_bands", bands)
    # Candidates among linked documents: a join on band keys (the stored LSH index).
    stored_candidates: dict[str, set[str]] = {}
    for doc_id, other in con.execute(
        "SELECT DISTINCT n.doc_id, b.doc_id FROM link_bands n JOIN doc_bands b USING (kind, band, key) WHERE b.doc_id <> n.doc_id"
    ).fetchall():
        stored_candidates.setdefault(doc_id, set()).add(other)
    stored = _signatures_of(con, sorted({o for c in stored_candidates.values() for o in c}), num_perm)
    matched: dict[str, list[str]] = {}
    for sig in sigs:
        candidates = [stored[o] for o in stored_candidates.get(sig.doc_id, ()) if o in stored]
        candidates += [local.signatures[o] for o in local.candidates(sig)]
        found = confirm(sig, candidates, params)
        if found:
            matched[sig.doc_id] = [m.other_id for m in found]
        local.add(sig)
    table = pa.table({
        "doc_id": [s.doc_id for s in sigs],
        "words": pa.FixedSizeListArray.from_arrays(pa.array(np.concatenate([s.words for s in sigs]), type=pa.uint32()), num_perm),
        "structure": pa.FixedSizeListArray.from_arrays(pa.array(np.concatenate([s.structure for s in sigs]), type=pa.uint32()), num_perm),
    })
    _register(con, "link_sigs", table)
    con.execute("INSERT OR IGNORE INTO doc_signatures SELECT doc_id, words::UINTEGER[], structure::UINTEGER[] FROM link_sigs")
    con.execute("INSERT INTO doc_bands SELECT kind, band, key, doc_id FROM link_bands")
    con.unregister("link_sigs")
    con.unregister("link_bands")
    if not matched:
        return
    # Each new document with matches joins (and may bridge) chains: gather every member of
    # every chain it touches (through stored originals and their stored copies), then re-root
    # each merged chain on its earliest member.
    chains: DisjointSets[str] = DisjointSets()
    for doc_id, others in matched.items():
        for other in others:
            chains.union(other, doc_id)
    _register(con, "link_touched", _ids_table(list(chains)))
    for doc_id, original in con.execute(
        "SELECT d.doc_id, d.original_id FROM duplicates d WHERE d.doc_id IN (SELECT id FROM link_touched) "
        "OR d.original_id IN (SELECT id FROM link_touched) "
        "OR d.original_id IN (SELECT x.original_id FROM duplicates x JOIN link_touched t ON t.id = x.doc_id)"
    ).fetchall():
        chains.union(doc_id, original)
    con.unregister("link_touched")
    _register(con, "link_members", _ids_table(list(chains)))
    meta = {r[0]: r[1:] for r in con.execute(
        "SELECT d.id, d.source, d.published, d.ingested_at FROM documents d JOIN link_members m ON m.id = d.id").fetchall()}
    con.unregister("link_members")
    chain_sigs = {**_signatures_of(con, [x for x in chains if x not in local.signatures], num_perm), **local.signatures}
    groups = chains.groups()
    rows = []
    for members in groups.values():
        if len(members) < 2:
            continue
        chain = [Member(id=m, source=meta[m][0], published=timestamp(meta[m][1]), ingested_at=meta[m][2])
                 for m in sorted(members) if m in meta]
        rows.extend(chain_rows(chain, chain_sigs, params))
    if not rows:
        return
    ids = sorted({m for members in groups.values() if len(members) > 1 for m in members})
    _register(con, "link_chain_ids", _ids_table(ids))
    con.execute("DELETE FROM duplicates WHERE doc_id IN (SELECT id FROM link_chain_ids)")
    # The new original of a re-rooted chain is no copy any more: drop its flags.
    con.execute(
        "UPDATE documents SET quality = json_merge_patch(coalesce(quality, '{}'::JSON), '{\"near_duplicate_of\": null, \"spun\": null}') "
        "WHERE id IN (SELECT id FROM link_chain_ids)"
    )
    con.unregister("link_chain_ids")
    table = pa.table({
        "doc_id": [r.doc_id for r in rows],
        "original_id": [r.original_id for r in rows],
        "similarity": pa.array([r.similarity for r in rows], type=pa.float64()),
        "exact_overlap": pa.array([r.exact_overlap for r in rows], type=pa.float64()),
        "spun": pa.array([r.spun for r in rows], type=pa.bool_()),
        "delay_seconds": pa.array([r.delay_seconds for r in rows], type=pa.float64()),
        "patch": [json.dumps({"near_duplicate_of": r.original_id, **({"spun": True} if r.spun else {})}) for r in rows],
    })
    _register(con, "link_dups", table)
    con.execute("INSERT INTO duplicates SELECT doc_id, original_id, similarity, exact_overlap, spun, delay_seconds FROM link_dups")
    con.execute(
        "UPDATE documents SET quality = json_merge_patch(coalesce(documents.quality, '{}'::JSON), p.patch::JSON) "
        "FROM link_dups p WHERE documents.id = p.doc_id"
    )
    con.unregister("link_dups")
    new_ids = {row[0] for row in chunk}
    report.copies += sum(1 for r in rows if r.doc_id in new_ids)
    report.spun += sum(1 for r in rows if r.doc_id in new_ids and r.spun)


# -- stories ------------------------------------------------------------------------------
def _features(con, ids: Sequence[str]) -> dict[str, dict[str, frozenset[str]]]:
    """Resolved actors, event types and places of documents."""
    out: dict[str, dict[str, frozenset[str]]] = {i: {} for i in ids}
    if not ids:
        return out
    _register(con, "link_feat_ids", _ids_table(ids))
    queries = {
        "actors": "SELECT m.doc_id, list(DISTINCT m.actor_id) FROM mentions m JOIN link_feat_ids i ON i.id = m.doc_id "
                  "WHERE m.actor_id IS NOT NULL GROUP BY 1",
        "events": "SELECT e.doc_id, list(DISTINCT e.type) FROM events e JOIN link_feat_ids i ON i.id = e.doc_id GROUP BY 1",
        "places": "SELECT doc_id, list(DISTINCT place) FROM ("
                  "SELECT m.doc_id, lower(m.text) AS place FROM mentions m JOIN link_feat_ids i ON i.id = m.doc_id WHERE m.label = 'GPE' "
                  "UNION ALL SELECT e.doc_id, lower(coalesce(e.location->>'country', e.location->>'name')) FROM events e "
                  "JOIN link_feat_ids i ON i.id = e.doc_id WHERE e.location IS NOT NULL) WHERE place IS NOT NULL GROUP BY 1",
    }
    for key, sql in queries.items():
        for doc_id, values in con.execute(sql).fetchall():
            out[doc_id][key] = frozenset(values)
    con.unregister("link_feat_ids")
    return out


def _stories(con, chunk, params, report: LinkReport) -> dict[str, str]:
    cfg = params["stories"]
    new_docs = [StoryDoc(id=i, day=day, terms=terms(title, text, cfg["max_terms"])) for i, _s, _p, title, text, day in chunk]
    # Terms and document frequencies of the new documents first, so idf covers them.
    term_table = pa.table({
        "doc_id": [d.id for d in new_docs],
        "terms": [list(d.terms) for d in new_docs],
        "counts": pa.array([list(d.terms.values()) for d in new_docs], type=pa.list_(pa.int32())),
    })
    _register(con, "link_terms", term_table)
    con.execute("INSERT OR IGNORE INTO doc_terms SELECT doc_id, terms, counts FROM link_terms")
    con.execute(
        "INSERT INTO term_df SELECT term, count(*)::INTEGER FROM (SELECT unnest(terms) AS term FROM link_terms) GROUP BY term "
        "ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df"
    )
    con.unregister("link_terms")
    window = int(cfg["window_days"])
    days = [d.day for d in new_docs if d.day]
    stored: list[StoryDoc] = []
    if days:
        lo, hi = min(days) - timedelta(days=window), max(days) + timedelta(days=window)
        rows = con.execute(
            f"SELECT s.doc_id, s.story_id, {DOC_DAY}, t.terms, t.counts FROM story_documents s JOIN documents d ON d.id = s.doc_id "
            f"JOIN doc_terms t ON t.doc_id = s.doc_id WHERE {DOC_DAY} BETWEEN ? AND ? ORDER BY s.doc_id", [lo, hi]).fetchall()
    else:
        rows = []
    if any(d.day is None for d in new_docs):
        rows += con.execute(
            f"SELECT s.doc_id, s.story_id, NULL, t.terms, t.counts FROM story_documents s JOIN documents d ON d.id = s.doc_id "
            f"JOIN doc_terms t ON t.doc_id = s.doc_id WHERE {DOC_DAY} IS NULL ORDER BY s.doc_id").fetchall()
    stored = [StoryDoc(id=i, day=day, terms=dict(zip(ts, cs)), story=story) for i, story, day, ts, cs in rows]
    features = _features(con, [d.id for d in stored] + [d.id for d in new_docs])
    for d in stored + new_docs:
        f = features.get(d.id, {})
        d.actors, d.events, d.places = f.get("actors", frozenset()), f.get("events", frozenset()), f.get("places", frozenset())
    vocab = sorted({t for d in stored + new_docs for t in d.terms})
    _register(con, "link_vocab", pa.table({"term": pa.array(vocab, type=pa.string())}))
    df = dict(con.execute("SELECT t.term, t.df FROM term_df t JOIN link_vocab v USING (term)").fetchall())
    con.unregister("link_vocab")
    n_docs = con.execute("SELECT count(*) FROM doc_terms").fetchall()[0][0]
    result = assign(new_docs, stored, df, n_docs, params)
    table = pa.table({"doc_id": list(result.story_of), "story_id": list(result.story_of.values())})
    _register(con, "link_story_docs", table)
    con.execute("INSERT OR IGNORE INTO story_documents SELECT doc_id, story_id FROM link_story_docs")
    con.execute(
        "INSERT OR REPLACE INTO stories SELECT s.story_id, arg_min(d.title, (d.published_day, d.published, d.id)), "
        "min(d.published), max(d.published) FROM story_documents s JOIN documents d ON d.id = s.doc_id "
        "WHERE s.story_id IN (SELECT story_id FROM link_story_docs) GROUP BY s.story_id"
    )
    con.unregister("link_story_docs")
    report.stories_founded += len(result.founded)
    return result.story_of


# -- canonical events ---------------------------------------------------------------------
def _as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _canonical(con, doc_ids: Sequence[str], story_of: Mapping[str, str], params, report: LinkReport) -> None:
    _register(con, "link_event_docs", _ids_table(doc_ids))
    rows = con.execute(
        f"SELECT e.id, e.doc_id, e.type, e.mode, e.factuality, e.actor_code, e.recipient_code, e.event_day, e.date_precision, "
        f"{DOC_DAY}, e.location FROM events e JOIN documents d ON d.id = e.doc_id JOIN link_event_docs i ON i.id = e.doc_id "
        f"ANTI JOIN event_canonical c ON c.event_id = e.id ORDER BY {DOC_DAY} NULLS LAST, d.published NULLS LAST, e.id"
    ).fetchall()
    con.unregister("link_event_docs")
    if not rows:
        return
    mentions = [
        canon.Mention(id=r[0], doc_id=r[1], type=r[2], mode=r[3], factuality=r[4], actor_code=r[5], recipient_code=r[6],
                      day=_as_date(r[7]), precision=r[8], report_day=_as_date(r[9]),
                      location=json.loads(r[10]) if r[10] else None, story=story_of.get(r[1]))
        for r in rows
    ]
    days = [d for m in mentions for d in (m.day, m.report_day) if d]
    types = sorted({m.type for m in mentions})
    lo, hi = (min(days) - timedelta(days=400), max(days) + timedelta(days=400)) if days else (date.min, date.max)
    stored = con.execute(
        "SELECT c.id, c.type, c.mode, c.factuality, c.actor_code, c.recipient_code, c.event_day, c.date_precision, c.report_day, "
        "c.location, (SELECT list(DISTINCT s.story_id) FROM event_canonical ec JOIN events e ON e.id = ec.event_id "
        "JOIN story_documents s ON s.doc_id = e.doc_id WHERE ec.canonical_id = c.id) "
        "FROM canonical_events c WHERE c.type IN (SELECT unnest(?::VARCHAR[])) "
        "AND (coalesce(c.event_day, c.report_day) IS NULL OR coalesce(c.event_day, c.report_day) BETWEEN ? AND ?) ORDER BY c.id",
        [types, lo, hi],
    ).fetchall()
    canonicals = [
        canon.Canonical(id=r[0], type=r[1], mode=r[2], factuality=r[3], actor_code=r[4], recipient_code=r[5],
                        day=_as_date(r[6]), precision=r[7], report_day=_as_date(r[8]),
                        location=json.loads(r[9]) if r[9] else None, stories=set(r[10] or ()))
        for r in stored
    ]
    known = {c.id for c in canonicals}
    attached = canon.merge(mentions, canonicals, params)
    changed = [c for c in canonicals if c.changed]
    table = pa.table({
        "id": [c.id for c in changed], "type": [c.type for c in changed], "mode": [c.mode for c in changed],
        "actor_code": [c.actor_code for c in changed], "recipient_code": [c.recipient_code for c in changed],
        "event_day": pa.array([c.day for c in changed], type=pa.date32()),
        "date_precision": [c.precision for c in changed],
        "location": [json.dumps(dict(c.location), ensure_ascii=False) if c.location else None for c in changed],
        "factuality": [c.factuality for c in changed],
        "report_day": pa.array([c.report_day for c in changed], type=pa.date32()),
        "story_id": [min(c.stories) if c.stories else None for c in changed],
    })
    _register(con, "link_canon", table)
    con.execute(
        "INSERT OR REPLACE INTO canonical_events (id, type, mode, actor_code, recipient_code, event_day, date_precision, location, "
        "num_sources, num_mentions, first_report, last_report, factuality, report_day, story_id) "
        "SELECT id, type, mode, actor_code, recipient_code, event_day, date_precision, location::JSON, 0, 0, NULL, NULL, "
        "factuality, report_day, story_id FROM link_canon"
    )
    links = pa.table({"event_id": list(attached), "canonical_id": [c.id for c in attached.values()]})
    _register(con, "link_ec", links)
    con.execute("INSERT OR IGNORE INTO event_canonical SELECT event_id, canonical_id FROM link_ec")
    con.unregister("link_ec")
    con.execute(
        "UPDATE canonical_events SET num_sources = a.sources, num_mentions = a.mentions, first_report = a.first, last_report = a.last "
        "FROM (SELECT ec.canonical_id AS id, count(DISTINCT coalesce(d.source, d.id))::INTEGER AS sources, count(*)::INTEGER AS mentions, "
        "min(d.published) AS first, max(d.published) AS last FROM event_canonical ec JOIN events e ON e.id = ec.event_id "
        "JOIN documents d ON d.id = e.doc_id WHERE ec.canonical_id IN (SELECT id FROM link_canon) GROUP BY 1) a "
        "WHERE canonical_events.id = a.id"
    )
    con.unregister("link_canon")
    report.events += len(attached)
    report.canonical_founded += sum(1 for c in changed if c.id not in known)
