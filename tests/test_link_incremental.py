"""Linking is incremental: new documents are linked against stored signatures and terms, and
what was decided for stored documents (story ids, chains) stays unless a new document changes it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from conftest import SAMPLE


@pytest.fixture(scope="module")
def articles():
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    docs = [d for d in documents_from([str(SAMPLE / "wikinews_2019.csv")]) if isinstance(d, Document)]
    return sorted(docs, key=lambda d: (d.published or "", d.id))[:40]


def _copy(doc, text, source, published):
    from sitrep.records import document_id

    # Ingested after the articles it copies (the earlier of two copies published at once wins).
    return replace(doc, id=document_id(text), text=text, source=source, published=published, origin=f"{doc.origin}#{source}",
                   ingested_at="9999-01-01T00:00:00+00:00")


def test_link_incremental_keeps_stories_and_computes_only_new_signatures(store, articles, monkeypatch):
    import sitrep.link.update as update
    from sitrep.evaluate.duplicates import syndicate

    store.write_documents(articles[:30])
    first = update.update_links(store)
    assert first.documents == 30
    before = dict(store.con.execute("SELECT doc_id, story_id FROM story_documents").fetchall())
    sigs_before = store.con.execute("SELECT count(*) FROM doc_signatures").fetchall()[0][0]

    computed = []
    real = update.signature
    monkeypatch.setattr(update, "signature", lambda doc_id, text, params: computed.append(doc_id) or real(doc_id, text, params))
    base = articles[3]
    copy = _copy(base, syndicate(base.text, "wire.example"), "wire.example", base.published)
    new = articles[30:] + [copy]
    store.write_documents(new)
    second = update.update_links(store)
    assert second.documents == len(new) and second.copies == 1
    assert sorted(computed) == sorted(d.id for d in new)  # stored documents are not re-signed
    after = dict(store.con.execute("SELECT doc_id, story_id FROM story_documents").fetchall())
    assert {k: after[k] for k in before} == before  # story ids are stable
    assert after[copy.id] == after[base.id]  # the copy joins its original's story
    assert store.con.execute("SELECT count(*) FROM doc_signatures").fetchall()[0][0] == sigs_before + len(new)
    # Document frequencies kept incrementally equal a recount over the stored terms.
    kept = dict(store.con.execute("SELECT term, df FROM term_df").fetchall())
    recount = dict(store.con.execute("SELECT t, count(*) FROM (SELECT unnest(terms) AS t FROM doc_terms) GROUP BY t").fetchall())
    assert kept == recount
    assert update.update_links(store).documents == 0  # nothing left to link


def test_link_late_original_reroots_chain(store, articles):
    from sitrep.evaluate.duplicates import syndicate
    from sitrep.link import update_links
    from sitrep.link.syndication import timestamp

    base = articles[0]
    published = timestamp(base.published)
    copy = _copy(base, syndicate(base.text, "wire.example"), "wire.example", (published + timedelta(hours=5)).isoformat())
    store.write_documents([copy])
    update_links(store)
    assert store.count("documents") == 1
    store.write_documents([base])  # the original arrives after its copy
    update_links(store)
    rows = store.con.execute("SELECT doc_id, original_id, delay_seconds FROM duplicates").fetchall()
    assert rows == [(copy.id, base.id, 5 * 3600.0)]
    quality = {i: json.loads(q) for i, q in store.con.execute("SELECT id, quality FROM documents").fetchall()}
    assert quality[copy.id]["near_duplicate_of"] == base.id
    assert "near_duplicate_of" not in quality[base.id]
