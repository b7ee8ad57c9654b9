"""API routes over events, statements, relations, claims, stories and aggregates, through the
ASGI client, on a real store filled from sample articles (see ``records_store`` in conftest)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date

import duckdb
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from conftest import HOSTILE
from sitrep.api import create_app
from sitrep.api.dashboard import SECURITY_HEADERS, static_dir
from sitrep.events.ontology import ontology
from sitrep.store.record_queries import EVENT_CSV_COLUMNS, STATEMENT_CSV_COLUMNS


@pytest.fixture(scope="module")
def client(records_store) -> TestClient:
    return TestClient(create_app(str(records_store)))


@pytest.fixture(scope="module")
def sql(records_store):
    """Independent answers straight from the store file."""
    con = duckdb.connect(str(records_store), read_only=True)

    def run(query: str, params=()):
        return con.execute(query, list(params)).fetchall()

    yield run
    con.close()


def _walk(client, path, params=None, limit=7):
    items, cursor, pages = [], None, 0
    while True:
        q = {**(params or {}), "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, params=q).json()
        items.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages


def _error(r, status):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "input"}
    return body["error"]


# -- events --------------------------------------------------------------------------------------
def test_api_events_pages_walk_every_event_once_newest_first(client, sql):
    items, pages = _walk(client, "/api/events")
    total = sql("SELECT count(*) FROM events")[0][0]
    assert total > 14 and pages > 2
    assert len(items) == total == len({e["id"] for e in items})
    days = [e["day"] for e in items if e["day"]]
    assert days == sorted(days, reverse=True)
    first = items[0]
    assert first["quad_class"] == ontology().types[first["type"]].quad_class
    assert first["evidence"]["sentence"] and first["document"]["title"]


def test_api_events_cursor_stable_while_events_are_added(records_store, tmp_path, sql):
    db = tmp_path / "growing.duckdb"
    shutil.copy(records_store, db)
    client = TestClient(create_app(str(db)))
    before = {r[0] for r in sql("SELECT id FROM events")}
    first = client.get("/api/events", params={"limit": 5}).json()
    con = duckdb.connect(str(db))
    # Copies of stored events, one dated before every page and one after: neither may make an
    # original row repeat or go missing.
    for new_id, day in (("zz-newest", "2030-01-01"), ("zz-oldest", "1900-01-01")):
        con.execute(f"INSERT INTO events BY NAME SELECT * REPLACE ('{new_id}' AS id, '{day}' AS date, "
                    f"DATE '{day}' AS event_day) FROM events LIMIT 1")
    con.close()
    seen, cursor = [e["id"] for e in first["items"]], first["next_cursor"]
    while cursor:
        page = client.get("/api/events", params={"limit": 5, "cursor": cursor}).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen))
    assert set(seen) - {"zz-oldest"} == before  # the newer row sorts before the cursor: not seen
    assert "zz-oldest" in seen


@pytest.mark.parametrize("params, check", [
    ({"actor": "rus"}, lambda e: (e["actor"] or {}).get("code") == "RUS"),
    ({"type": "CONSULT,AGREE"}, lambda e: e["type"] in ("CONSULT", "AGREE")),
    ({"quad": "verbal_cooperation"}, lambda e: e["quad_class"] == "verbal_cooperation"),
    ({"since": "2020-01-01", "until": "2020-06-30"}, lambda e: e["day"] is not None and "2020-01-01" <= e["day"] <= "2020-06-30"),
    ({"q": "talks"}, lambda e: "talks" in (e["evidence"]["sentence"] + e["document"]["title"]).lower()),
    ({"factuality": "asserted"}, lambda e: e["factuality"] == "asserted"),
])
def test_api_events_filters(client, sql, params, check):
    items, _ = _walk(client, "/api/events", params, limit=50)
    assert items, params
    assert all(check(e) for e in items)
    everything, _ = _walk(client, "/api/events", limit=500)
    # Nothing that satisfies the filter is left out.
    assert len(items) == sum(1 for e in everything if check(e))


def test_api_events_doc_id_filter_and_detail(client, sql):
    doc_id = sql("SELECT doc_id FROM events GROUP BY doc_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    items, _ = _walk(client, "/api/events", {"doc_id": doc_id[:10]})
    assert {e["doc_id"] for e in items} == {doc_id}
    assert len(items) == sql("SELECT count(*) FROM events WHERE doc_id = ?", [doc_id])[0][0]
    one = client.get(f"/api/events/{items[0]['id']}").json()
    assert one["id"] == items[0]["id"] and one["document"] == items[0]["document"]
    assert _error(client.get("/api/events/nope"), 404)["input"] == "nope"


@pytest.mark.parametrize("params", [{"quad": "sideways"}, {"cursor": "bm90LWEtY3Vyc29y"}, {"since": "01/02/2020"},
                                    {"doc_id": "abc"}])
def test_api_events_bad_filters_are_422(client, params):
    assert _error(client.get("/api/events", params=params), 422)["code"] == "E422"


def test_api_events_csv_flat_columns_and_cursor_header(client):
    r = client.get("/api/events", params={"format": "csv", "limit": 3})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert tuple(rows[0]) == EVENT_CSV_COLUMNS and len(rows) == 3
    assert r.headers["x-next-cursor"]
    assert all(row["sentence"] and row["type"] for row in rows)


# -- statements, relations, claims ---------------------------------------------------------------
def test_api_statements_filter_and_detail_with_relations(client, sql):
    denials, _ = _walk(client, "/api/statements", {"stance": "deny"})
    assert len(denials) == sql("SELECT count(*) FROM statements WHERE stance = 'deny'")[0][0] > 0
    related = {r[0] for r in sql("SELECT b FROM relations")}
    sid = next(s["id"] for s in denials if s["id"] in related)
    detail = client.get(f"/api/statements/{sid}").json()
    assert detail["speaker"]["text"] and detail["content"]["text"]
    assert any(r["b"] == sid and r["kind"] == "contradicts" for r in detail["relations"])
    rows = list(csv.DictReader(io.StringIO(client.get("/api/statements", params={"format": "csv"}).text)))
    assert tuple(rows[0]) == STATEMENT_CSV_COLUMNS


def test_api_relations_carry_both_statements(client, sql):
    items, _ = _walk(client, "/api/relations", limit=3)
    assert len(items) == sql("SELECT count(*) FROM relations WHERE kind = 'contradicts'")[0][0] > 0
    for r in items:
        assert r["a_record"]["id"] == r["a"] and r["b_record"]["id"] == r["b"]
    related = sql("SELECT s.doc_id FROM relations r JOIN statements s ON s.id = r.a WHERE r.kind = 'contradicts' "
                  "ORDER BY s.doc_id LIMIT 1")[0][0]
    mine = client.get("/api/relations", params={"doc_id": related}).json()["items"]
    assert mine and all(related in (r["a_record"]["doc_id"], r["b_record"]["doc_id"]) for r in mine)


def test_api_claims_groups_pairs_side_by_side(client, sql):
    body = client.get("/api/claims").json()
    assert body["groups"] == len(body["items"]) > 0
    for group in body["items"]:
        ids = {s["id"] for s in group["statements"]}
        assert len(ids) >= 2
        assert all(p["a"] in ids and p["b"] in ids for p in group["pairs"])
    paired = {(k, a, b) for k, a, b in sql("SELECT kind, a, b FROM relations WHERE kind IN ('contradicts', 'corroborates')")}
    shown = {(p["kind"], p["a"], p["b"]) for g in body["items"] for p in g["pairs"]}
    assert shown == paired
    assert sum(g["contradictions"] for g in body["items"]) == sum(1 for k, _, _ in paired if k == "contradicts") > 0


def test_api_stories_list_and_detail(client, sql):
    """The stories the linking stage stored at ingest, as the API lists them."""
    stored = {sid: n for sid, n in sql("SELECT story_id, count(*) FROM story_documents GROUP BY story_id")}
    items = client.get("/api/stories", params={"limit": 500}).json()["items"]
    assert stored and {i["id"]: i["documents"] for i in items} == stored
    story = max(stored, key=lambda k: (stored[k], k))
    docs = {r[0] for r in sql("SELECT doc_id FROM story_documents WHERE story_id = ?", [story])}
    assert {d["id"] for d in client.get(f"/api/stories/{story}").json()["documents"]} == docs
    assert _error(client.get("/api/stories/none"), 404)["code"] == "E404"


# -- aggregates ----------------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_api_timeline_counts_every_dated_event(client, sql, by):
    body = client.get("/api/timeline", params={"by": by, "group": "quad"}).json()
    dated = sql("SELECT count(*) FROM events e JOIN documents d ON d.id = e.doc_id "
                "WHERE coalesce(e.event_day, d.published_day) IS NOT NULL")[0][0]
    assert sum(i["count"] for i in body["items"]) == sum(t["count"] for t in body["totals"]) == dated
    assert set(body["groups"]) <= {t.quad_class for t in ontology().types.values()}
    periods = [date.fromisoformat(i["period"]) for i in body["items"]]
    if by == "week":
        assert all(p.weekday() == 0 for p in periods)
    if by == "month":
        assert all(p.day == 1 for p in periods)
    assert body["range"]["first"] <= body["range"]["p01"] <= body["range"]["p99"] <= body["range"]["last"]


def test_api_timeline_by_type_filtered_and_csv(client, sql):
    body = client.get("/api/timeline", params={"actor": "RUS"}).json()
    assert sum(i["count"] for i in body["items"]) == sql("SELECT count(*) FROM events WHERE actor_code = 'RUS'")[0][0]
    assert set(body["groups"]) <= set(ontology().types)
    r = client.get("/api/timeline", params={"format": "csv"})
    assert r.text.splitlines()[0] == "period,group,count"


def test_api_dyads_and_network(client, sql):
    both = sql("SELECT count(*) FROM events WHERE actor_code IS NOT NULL AND recipient_code IS NOT NULL")[0][0]
    overall = client.get("/api/dyads").json()["items"]
    assert sum(d["count"] for d in overall) == both > 0
    monthly = client.get("/api/dyads", params={"by": "month"}).json()["items"]
    assert sum(d["count"] for d in monthly) == both and all(d["period"].endswith("-01") for d in monthly)
    net = client.get("/api/network").json()
    distinct = sql("SELECT count(*) FROM events WHERE actor_code IS NOT NULL AND recipient_code IS NOT NULL "
                   "AND actor_code <> recipient_code")[0][0]
    assert sum(e["weight"] for e in net["edges"]) == distinct
    assert all(sum(e["types"].values()) == e["weight"] for e in net["edges"])
    assert {n["id"] for n in net["nodes"]} == {x for e in net["edges"] for x in (e["source"], e["target"])}


def test_api_network_gexf_is_valid_xml_matching_json(client):
    net = client.get("/api/network").json()
    r = client.get("/api/network", params={"format": "gexf"})
    assert r.headers["content-type"].startswith("application/gexf+xml")
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.fromstring(r.content)
    assert len(root.findall(".//g:node", ns)) == len(net["nodes"])
    edges = root.findall(".//g:edge", ns)
    assert sorted(float(e.get("weight")) for e in edges) == sorted(float(e["weight"]) for e in net["edges"])


def test_api_locations_and_facets(client, sql):
    located = sql("SELECT count(*) FROM events WHERE TRY_CAST(location->>'lat' AS DOUBLE) IS NOT NULL")[0][0]
    places = client.get("/api/locations").json()["items"]
    assert sum(p["count"] for p in places) == located > 0
    assert all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in places)
    facets = client.get("/api/facets").json()
    types = dict(sql("SELECT type, count(*) FROM events GROUP BY type"))
    assert {f["value"]: f["count"] for f in facets["type"]} == dict(sorted(types.items(), key=lambda x: -x[1])[:15])
    chosen = facets["type"][0]["value"]
    narrowed = client.get("/api/facets", params={"type": chosen}).json()
    # A facet keeps its alternatives when one of its values is chosen; the others narrow.
    assert narrowed["type"] == facets["type"]
    assert sum(f["count"] for f in narrowed["factuality"]) == types[chosen]


# -- exports -------------------------------------------------------------------------------------
def test_api_export_events_every_format(client, sql):
    total = sql("SELECT count(*) FROM events")[0][0]
    lines = client.get("/api/export/events").text.splitlines()
    assert len(lines) == total and json.loads(lines[0])["record"] == "event"
    r = client.get("/api/export/events", params={"format": "csv", "actor": "RUS"})
    assert r.headers["content-disposition"] == 'attachment; filename="events.csv"'
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == sql("SELECT count(*) FROM events WHERE actor_code = 'RUS'")[0][0]
    r = client.get("/api/export/events", params={"format": "parquet"})
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == total and tuple(table.column_names) == EVENT_CSV_COLUMNS
    plover = [json.loads(x) for x in client.get("/api/export/events", params={"format": "plover"}).text.splitlines()]
    assert len(plover) == total and {p["event"] for p in plover} <= set(ontology().types)
    assert all(p["text_info"]["doc_id"] and p["text"] for p in plover)


def test_api_export_statements_and_empty_parquet(client, sql):
    rows = client.get("/api/export/statements", params={"format": "csv", "stance": "deny"}).text
    assert len(list(csv.DictReader(io.StringIO(rows)))) == sql("SELECT count(*) FROM statements WHERE stance = 'deny'")[0][0]
    empty = client.get("/api/export/statements", params={"format": "parquet", "q": "no such words anywhere"})
    assert pq.read_table(io.BytesIO(empty.content)).num_rows == 0


# -- reader data, dashboard, headers, schema -----------------------------------------------------
def test_api_document_detail_has_events_statements_relations(client, sql):
    doc_id = sql("SELECT id FROM documents WHERE title LIKE 'Hostile%'")[0][0]
    doc = client.get(f"/api/documents/{doc_id[:12]}").json()
    assert doc["text"] == HOSTILE["text"]
    assert {e["id"] for e in doc["events"]} == {r[0] for r in sql("SELECT id FROM events WHERE doc_id = ?", [doc_id])}
    assert {s["id"] for s in doc["statements"]} == {r[0] for r in sql("SELECT id FROM statements WHERE doc_id = ?", [doc_id])}
    related = sql("SELECT s.doc_id FROM relations r JOIN statements s ON s.id = r.a ORDER BY s.doc_id LIMIT 1")[0][0]
    linked = client.get(f"/api/documents/{related}").json()
    assert linked["relations"] and all(r["a_record"] and r["b_record"] for r in linked["relations"])


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/events?quad=bad", "/nowhere", "/static/app.js",
                                  "/api/export/events?format=csv"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert r.headers[name] == value, (path, name)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_dashboard_page_has_no_inline_script_and_vendored_assets(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<script>" not in html and " on" not in html.replace(" one", "")  # no inline script or handlers
    for asset in ("/static/app.js", "/static/app.css", "/static/vendor/topojson-client.min.js",
                  "/static/vendor/countries-110m.json"):
        assert client.get(asset).status_code == 200, asset
    assert "http" not in html.replace("http-equiv", "")  # nothing loaded from elsewhere
    script = open(f"{static_dir()}/app.js", encoding="utf-8").read()
    assert "innerHTML" not in script.replace("assigns innerHTML", "") and "insertAdjacentHTML" not in script


def test_api_openapi_documents_filters_and_formats(client):
    schema = client.get("/openapi.json").json()
    events = schema["paths"]["/api/events"]["get"]
    names = {p["name"] for p in events["parameters"]}
    assert {"actor", "recipient", "type", "quad", "mode", "stance", "since", "until", "source", "q", "cursor",
            "format"} <= names
    export = schema["paths"]["/api/export/events"]["get"]
    fmt = next(p for p in export["parameters"] if p["name"] == "format")
    assert set(fmt["schema"]["enum"]) == {"jsonl", "csv", "parquet", "plover"}
    assert "text/csv" in events["responses"]["200"]["content"]
    assert schema["paths"]["/api/timeline"]["get"]["responses"]["422"]["content"]["application/json"]["schema"][
        "$ref"].endswith("/ErrorResponse")


def test_api_canonical_events_group_every_happened_mention_once(client, sql):
    """Each happened event mention belongs to exactly one listed canonical event, whose counts
    match its mentions."""
    items = client.get("/api/canonical-events", params={"limit": 500}).json()["items"]
    happened = {r[0] for r in sql("SELECT id FROM events WHERE factuality IN ('asserted', 'reported')")}
    listed = [m["event_id"] for c in items for m in c["mentions"]]
    assert items and sorted(listed) == sorted(happened)
    for c in items:
        assert c["num_mentions"] == len(c["mentions"]) >= 1
        assert 1 <= c["num_sources"] <= c["num_mentions"]
    rus = client.get("/api/canonical-events", params={"actor": "rus", "limit": 500}).json()["items"]
    assert all(c["actor_code"] == "RUS" for c in rus)
