"""The linking commands as a user runs them: stories, sources, link, events and export."""

from __future__ import annotations

import csv
import json

from conftest import SAMPLE
from test_cli import sitrep


def _outlets_csv(path):
    from sitrep.evaluate.duplicates import syndicate
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    docs = sorted((d for d in documents_from([str(SAMPLE / "wikinews_2020.csv")]) if isinstance(d, Document)),
                  key=lambda d: d.id)[:6]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "date", "title", "text", "source"])
        for d in docs:
            writer.writerow([d.url, d.published, d.title, d.text, "en.wikinews.org"])
        base = docs[0]
        writer.writerow(["https://wire.example/1", base.published, base.title, syndicate(base.text, "Wire"), "wire.example"])
    return docs


def test_cli_stories_sources_events_export(tmp_path):
    db = str(tmp_path / "s.duckdb")
    docs = _outlets_csv(tmp_path / "outlets.csv")
    report = json.loads(sitrep("ingest", str(tmp_path / "outlets.csv"), "--db", db, "--no-analyze", "--json").stdout)
    assert report["new"] == 7 and report["linked"] == 7

    stories = json.loads(sitrep("stories", "--db", db, "--json", "--min-docs", "2").stdout)
    assert len(stories) == 1 and stories[0]["documents"] == 2
    assert stories[0]["sources"] == ["en.wikinews.org", "wire.example"] and stories[0]["title"] == docs[0].title
    assert json.loads(sitrep("stories", "--db", db, "--json", "--since", "2100-01-01").stdout) == []
    table = sitrep("stories", "--db", db).stdout
    assert docs[0].id[:16] in table

    profiles = {p["source"]: p for p in json.loads(sitrep("sources", "--db", db, "--json").stdout)}
    assert profiles["wire.example"]["syndicated_share"] == 1.0 and profiles["wire.example"]["median_delay_hours"] == 0.0
    assert profiles["en.wikinews.org"]["documents"] == 6 and profiles["en.wikinews.org"]["syndicated_share"] == 0.0
    assert profiles["en.wikinews.org"]["contradicted_share"] == 0.0
    assert "wire.example" in sitrep("sources", "--db", db).stdout

    assert json.loads(sitrep("link", "--db", db, "--json").stdout)["documents"] == 0
    assert json.loads(sitrep("events", "--db", db, "--json").stdout) == []
    assert json.loads(sitrep("events", "--db", db, "--json", "--mentions").stdout) == []
    out = tmp_path / "events.jsonl"
    assert "0 canonical events" in sitrep("export", "--format", "plover", "--out", str(out), "--db", db).stderr
    assert "0 event mentions" in sitrep("export", "--format", "plover", "--out", str(out), "--db", db, "--mentions").stderr


def test_cli_events_canonical_default_and_mentions(tmp_path):
    from sitrep.analyze import Analysis
    from sitrep.link import update_links
    from sitrep.records import Document, Event, document_id
    from sitrep.store import Store

    db = tmp_path / "e.duckdb"
    docs, analyses = [], []
    for k, source in enumerate(("a.example", "b.example")):
        text = f"Russia moved troops to the border, officials of outlet {k} said."
        doc = Document(id=document_id(text), source=source, published=f"2022-01-2{k + 1}", text=text, title="Troops")
        event = Event(id=f"ev{k}", doc_id=doc.id, type="MOBILIZE", actor={"text": "Russia", "code": "RUS", "actor_id": "rus"},
                      date="2022-01-21", date_precision="day", evidence={"start": 0, "end": 33, "sentence": text[:33]})
        docs.append(doc)
        analyses.append(Analysis(document=doc, doc=None, events=(event,)))
    with Store(db) as store:
        store.write_documents(docs, analyses=analyses)
        update_links(store)
    canonical = json.loads(sitrep("events", "--db", str(db), "--json").stdout)
    assert len(canonical) == 1 and canonical[0]["num_sources"] == 2 and canonical[0]["num_mentions"] == 2
    assert {m["source"] for m in canonical[0]["mentions"]} == {"a.example", "b.example"}
    mentions = json.loads(sitrep("events", "--db", str(db), "--json", "--mentions").stdout)
    assert sorted(m["id"] for m in mentions) == ["ev0", "ev1"]
    table = sitrep("events", "--db", str(db)).stdout
    assert "MOBILIZE" in table and "RUS" in table
