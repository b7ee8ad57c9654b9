"""The DuckDB store: idempotent writes, origins, migrations, errors and exports."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from sitrep.errors import InputCorrupt, NotFound, StoreError
from sitrep.records import Document, document_id
from sitrep.store import Store
from sitrep.store.schema import LATEST_VERSION


def make_doc(text: str, *, origin: str, published: str | None = "2022-02-01T14:56", source: str = "wire.example") -> Document:
    return Document(
        id=document_id(text), url=f"https://{source}/{origin}", source=source, title=f"T {origin}",
        published=published, authors=("A",), tags=("Russia", "USA"), language="en", text=text,
        ingested_at="2022-02-02T00:00:00+00:00", origin=origin, quality={"injected_links": 2, "removed": ["See also x"]},
    )


def test_store_write_is_idempotent(store):
    doc = make_doc("Body one.", origin="a")
    first = store.write_documents([doc])
    second = store.write_documents([doc])
    assert first.new == (doc.id,) and first.duplicate == ()
    assert second.new == () and second.duplicate == (doc.id,)
    assert store.count() == 1 and store.count("document_origins") == 1


def test_store_same_article_two_origins_stored_once(store):
    a = make_doc("Same body.", origin="https://one.example/x")
    b = make_doc("same   BODY.", origin="https://two.example/y")
    assert a.id == b.id
    result = store.write_documents([a, b])
    assert len(result.new) == 1 and len(result.duplicate) == 1
    assert store.count() == 1
    assert [o["origin"] for o in store.origins(a.id)] == ["https://one.example/x", "https://two.example/y"]


def test_store_round_trips_documents(store):
    doc = make_doc("Round trip body.", origin="a")
    store.write_documents([doc])
    assert store.get_document(doc.id) == doc
    assert store.get_document(doc.id[:8]) == doc


def test_store_get_document_errors(store):
    with pytest.raises(NotFound):
        store.get_document("abc")
    with pytest.raises(NotFound):
        store.get_document("ffffffffff")


def test_store_query_filters(store):
    store.write_documents([
        make_doc("Troops deployed near the border.", origin="a", published="2022-01-20", source="one.example"),
        make_doc("Talks in Geneva ended.", origin="b", published="2022-02-01", source="two.example"),
        make_doc("Undated piece about talks.", origin="c", published=None, source="two.example"),
    ])
    assert [d.origin for d in store.query_documents()] == ["b", "a", "c"]
    assert [d.origin for d in store.query_documents(since="2022-01-25")] == ["b"]
    assert [d.origin for d in store.query_documents(until="2022-01-25")] == ["a"]
    assert [d.origin for d in store.query_documents(source="TWO.example")] == ["b", "c"]
    assert [d.origin for d in store.query_documents(text="geneva")] == ["b"]


def test_store_records_rejections(store):
    store.write_documents([], [("bad.html", InputCorrupt("broken", input="bad.html"))])
    [row] = store.rejections()
    assert row["origin"] == "bad.html" and row["code"] == "E102"


def test_store_migrations_recorded_and_reopen(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        assert s.schema_version == LATEST_VERSION
        s.write_documents([make_doc("Kept across reopen.", origin="a")])
    with Store(path, read_only=True) as s:
        assert s.count() == 1
        assert s.schema_version == LATEST_VERSION


def test_store_refuses_newer_schema(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version (version, description) VALUES (999, 'future')")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_store_unopenable_path_is_a_store_error(tmp_path):
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_bytes(b"this is not a duckdb file at all" * 100)
    with pytest.raises(StoreError):
        Store(bad)


def test_store_read_only_write_fails_cleanly(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.write_documents([make_doc("Existing.", origin="a")])
    with Store(path, read_only=True) as s:
        with pytest.raises(StoreError):
            s.write_documents([make_doc("New.", origin="b")])
        assert s.count() == 1


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_store_export_formats(store, tmp_path, fmt):
    docs = [make_doc("Export one.", origin="a"), make_doc("Export two.", origin="b")]
    store.write_documents(docs)
    out = tmp_path / f"docs.{fmt}"
    assert store.export_documents(out, fmt=fmt) == 2
    if fmt == "parquet":
        table = pq.read_table(out)
        assert table.num_rows == 2 and "quality" in table.column_names
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert rows[0]["record"] == "document"
        assert {r["id"] for r in rows} == {d.id for d in docs}
        assert rows[0]["tags"] == ["Russia", "USA"]
        assert rows[0]["quality"]["injected_links"] == 2
    else:
        assert out.read_text().splitlines()[0].startswith("id,url,source,title")


def _analysis_with_events(doc):
    from sitrep.analyze import Analysis
    from sitrep.records import Event

    def event(i, factuality):
        return Event(
            id=f"ev{i}", doc_id=doc.id, type="MOBILIZE", mode="troops", context=("military",),
            actor={"text": "the Kremlin", "actor_id": "RUS:kremlin", "code": "RUS", "sector": "GOV"},
            recipient={"text": "Ukraine", "actor_id": "ukr", "code": "UKR", "sector": None},
            date="2022-01-2" + str(i), date_precision="day", location=None,
            quantity={"text": "100,000 troops", "value": 100000, "unit": "troops", "approximate": True},
            factuality=factuality, evidence={"start": 0, "end": 10, "sentence": "Troops moved."}, confidence=0.8,
        )

    return Analysis(document=doc, doc=None, events=(event(1, "asserted"), event(2, "negated")))


def test_store_events_round_trip_and_filters(store):
    from sitrep.export import HAPPENED

    doc = make_doc("Events body.", origin="a")
    store.write_documents([doc], analyses=[_analysis_with_events(doc)])
    rows = store.query_events(limit=None)
    assert [e.id for e, _ in rows] == ["ev2", "ev1"]
    event, document = rows[1]
    assert event.quantity["value"] == 100000 and event.context == ("military",)
    assert document.id == doc.id
    assert [e.id for e, _ in store.query_events(factuality=HAPPENED)] == ["ev1"]
    assert store.query_events(actor="rus", recipient="UKR", type="MOBILIZE", since="2022-01-22") == rows[:1]
    assert store.query_events(actor="USA") == []


def test_store_export_plover(store, tmp_path):
    from sitrep.export import export_plover
    from sitrep.link import update_links

    doc = make_doc("Events body.", origin="a")
    store.write_documents([doc], analyses=[_analysis_with_events(doc)])
    update_links(store)
    out = tmp_path / "events.jsonl"
    # One record per event mention on request (the per-document coding).
    assert export_plover(store, out, mentions=True) == 1
    [line] = out.read_text().splitlines()
    record = json.loads(line)
    assert record["event"] == "MOBILIZE" and record["source"][0]["code"] == "RUS"
    assert record["text_info"] == {"doc_id": doc.id, "start": 0, "end": 10}
    assert record["cite_info"]["url"] == doc.url
    assert export_plover(store, out, include_unrealised=True, mentions=True) == 2
    # By default one record per canonical event, with its sources.
    assert export_plover(store, out) == 1
    [line] = out.read_text().splitlines()
    record = json.loads(line)
    assert record["event"] == "MOBILIZE" and record["source"][0]["code"] == "RUS"
    assert record["num_sources"] == 1 and record["num_mentions"] == 1
    assert record["text_info"] == {"doc_id": doc.id, "start": 0, "end": 10}
    assert record["sources"][0]["cite_info"]["url"] == doc.url
    assert export_plover(store, out, include_unrealised=True) == 2
