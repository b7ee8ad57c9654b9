"""The REST API over a real store built by ingesting rows of the bundled Wikinews sample."""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import SAMPLE
from sitrep.api import create_app
from sitrep.pipeline import ingest
from sitrep.store import Store

FARM = "farm.example"


def _sample_rows() -> list[dict[str, str]]:
    csv.field_size_limit(10**8)
    with open(SAMPLE / "wikinews_2019.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["url", "date", "title", "text"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    """Three analysed documents: two Wikinews rows and one copy on a content farm with an
    injected "See also" link (so sources differ and quality flags exist)."""
    rows = _sample_rows()
    farm = dict(rows[2])
    farm["url"] = f"https://{FARM}/escape-room-fire"
    farm["text"] = farm["text"].rstrip() + "\n\nSee also  Unrelated celebrity story of the week\n"
    tmp = tmp_path_factory.mktemp("api")
    path = _write_csv(tmp / "small.csv", [rows[1], farm, rows[6]])
    db = tmp / "base.duckdb"
    with Store(db) as store:
        report = ingest([str(path)], store, analyze=True)
    assert report.new == 3, report
    return db


@pytest.fixture
def db(base_store, tmp_path) -> Path:
    """A private copy of the base store, so a test may write to it."""
    copy = tmp_path / "store.duckdb"
    shutil.copy(base_store, copy)
    return copy


@pytest.fixture
def client(base_store) -> TestClient:
    return TestClient(create_app(str(base_store)))


def _all_docs(client: TestClient) -> list[dict]:
    return client.get("/api/documents", params={"limit": 500}).json()["items"]


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "input"}
    return body["error"]


# -- health and documents ------------------------------------------------------------------------
def test_api_health_reports_counts(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["documents"] == 3
    assert body["mentions"] > 0 and body["actors"] > 0


def test_api_documents_list_newest_first_without_text(client):
    r = client.get("/api/documents")
    assert r.status_code == 200
    body = r.json()
    assert body["next_cursor"] is None
    items = body["items"]
    assert [d["published"] for d in items] == ["2019-01-07", "2019-01-05", "2019-01-04"]
    assert all("text" not in d for d in items)
    assert items[0]["source"] == "en.wikinews.org"
    assert isinstance(items[0]["quality"], dict)


def test_api_documents_fields_text_includes_text(client):
    items = client.get("/api/documents", params={"fields": "text"}).json()["items"]
    assert all(d["text"] for d in items)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"source": FARM}, ["2019-01-05"]),
        ({"source": "EN.WIKINEWS.ORG"}, ["2019-01-07", "2019-01-04"]),
        ({"since": "2019-01-05"}, ["2019-01-07", "2019-01-05"]),
        ({"until": "2019-01-05"}, ["2019-01-05", "2019-01-04"]),
        ({"since": "2019-01-05", "until": "2019-01-05"}, ["2019-01-05"]),
        ({"q": "pelosi"}, ["2019-01-07", "2019-01-04"]),
        ({"q": "116TH"}, ["2019-01-04"]),
        ({"q": "Koszalin"}, ["2019-01-05"]),
        ({"q": "no such words anywhere"}, []),
    ],
)
def test_api_documents_filters(client, params, expected):
    items = client.get("/api/documents", params=params).json()["items"]
    assert [d["published"] for d in items] == expected


def test_api_documents_pages_walk_every_row_once(client):
    everything = [d["id"] for d in _all_docs(client)]
    seen, cursor = [], None
    for _ in range(10):
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/documents", params=params).json()
        assert len(body["items"]) <= 1
        seen += [d["id"] for d in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


def test_api_documents_cursor_stable_while_rows_added(db, tmp_path):
    client = TestClient(create_app(str(db)))
    first = client.get("/api/documents", params={"limit": 2}).json()
    before = [d["id"] for d in _all_docs(client)]

    # Between page fetches, add rows on both sides of the cursor: one newer than every stored
    # row (sorts before the cursor) and older ones (sort after it). The API holds no lock
    # between requests, so a writer can open the file.
    rows = _sample_rows()
    newer = dict(rows[30], date="2019-02-01")
    older = [dict(rows[31], date="2018-12-30"), dict(rows[32], date="2018-12-31")]
    extra = _write_csv(tmp_path / "more.csv", [newer, *older])
    with Store(db) as store:
        assert ingest([str(extra)], store, analyze=False).new == 3

    seen = [d["id"] for d in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        body = client.get("/api/documents", params={"limit": 2, "cursor": cursor}).json()
        seen += [d["id"] for d in body["items"]]
        cursor = body["next_cursor"]

    after = [d["id"] for d in _all_docs(client)]
    assert len(seen) == len(set(seen)), "a row repeated"
    assert set(before) <= set(seen), "a row went missing"
    last_of_first = first["items"][-1]["id"]
    # Exactly the rows that sort after the first page's last row, in order.
    assert seen == [d for d in before[:2]] + after[after.index(last_of_first) + 1:]
    assert len(seen) == 5  # three originals and the two older rows


@pytest.mark.parametrize("how", ["query", "accept"])
def test_api_documents_csv(client, how):
    if how == "query":
        r = client.get("/api/documents", params={"format": "csv", "limit": 2})
    else:
        r = client.get("/api/documents", params={"limit": 2}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2
    assert "text" not in rows[0] and rows[0]["published"] == "2019-01-07"
    assert json.loads(rows[0]["quality"]) is not None
    # The cursor of the next page travels in a header.
    nxt = client.get("/api/documents", params={"limit": 2, "cursor": r.headers["x-next-cursor"]}).json()
    assert [d["published"] for d in nxt["items"]] == ["2019-01-04"]


def test_api_document_detail_has_origins_mentions_and_times(client):
    doc_id = client.get("/api/documents", params={"q": "116th"}).json()["items"][0]["id"]
    r = client.get(f"/api/documents/{doc_id[:8]}")
    assert r.status_code == 200
    doc = r.json()
    assert doc["id"] == doc_id
    assert "Pelosi" in doc["text"]
    assert len(doc["origins"]) == 1 and "small.csv" in doc["origins"][0]["origin"]
    assert any(m["actor_id"] == "nancy-pelosi" for m in doc["mentions"])
    for m in doc["mentions"]:
        assert doc["text"][m["start"]:m["end"]] == m["text"]
    assert doc["time_refs"], "the article has dates"
    for t in doc["time_refs"]:
        assert doc["text"][t["start"]:t["end"]] == t["text"]


@pytest.mark.parametrize("doc_id", ["0" * 64, "abc"])
def test_api_document_missing_is_404_with_error_shape(client, doc_id):
    r = client.get(f"/api/documents/{doc_id}")
    assert r.status_code == 404
    err = _error(r)
    assert err["code"] == "E404" and err["input"] == doc_id and err["message"]


def test_api_unknown_route_uses_error_shape(client):
    r = client.get("/api/nowhere")
    assert r.status_code == 404
    assert _error(r)["code"] == "E404"


def _cursor(payload: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/documents", {"limit": 0}),
        ("/api/documents", {"limit": 501}),
        ("/api/documents", {"limit": "many"}),
        ("/api/documents", {"since": "yesterday"}),
        ("/api/documents", {"until": "2019-13-01"}),
        ("/api/documents", {"cursor": "not a cursor!"}),
        ("/api/documents", {"cursor": _cursor(["mentions", "x", 1, 2])}),
        ("/api/documents", {"cursor": _cursor(["documents", "not-a-date", "x"])}),
        ("/api/documents", {"format": "xml"}),
        ("/api/documents", {"fields": "secret"}),
        ("/api/actors", {"offset": -1}),
        ("/api/mentions", {"doc_id": "abc"}),
        ("/api/mentions", {"cursor": _cursor(["documents", "2019-01-01", "x"])}),
        ("/api/export/documents", {"format": "parquet"}),
        ("/api/export/documents", {"since": "soon"}),
    ],
)
def test_api_bad_parameters_are_422(client, path, params):
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    err = _error(r)
    assert err["code"] == "E422" and err["message"]


# -- actors, mentions, sources -------------------------------------------------------------------
def test_api_actors_list_with_counts_and_filters(client):
    body = client.get("/api/actors", params={"limit": 500}).json()
    items = body["items"]
    assert items and body["next_offset"] is None
    counts = [a["mentions"] for a in items]
    assert counts == sorted(counts, reverse=True)
    pelosi = next(a for a in items if a["id"] == "nancy-pelosi")
    mentions = client.get("/api/mentions", params={"actor_id": "nancy-pelosi", "limit": 500}).json()["items"]
    assert pelosi["mentions"] == len(mentions) >= 2
    assert pelosi["documents"] == len({m["doc_id"] for m in mentions}) == 2
    usa = client.get("/api/actors", params={"code": "usa", "limit": 500}).json()["items"]
    assert usa and all(a["code"] == "USA" for a in usa)
    leg = client.get("/api/actors", params={"sector": "LEG", "limit": 500}).json()["items"]
    assert "nancy-pelosi" in [a["id"] for a in leg] and all(a["sector"] == "LEG" for a in leg)
    named = client.get("/api/actors", params={"q": "pelosi"}).json()["items"]
    assert [a["id"] for a in named] == ["nancy-pelosi"]
    page = client.get("/api/actors", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    rest = client.get("/api/actors", params={"limit": 500, "offset": 2}).json()["items"]
    assert [a["id"] for a in page["items"] + rest] == [a["id"] for a in items]


def test_api_actors_csv(client):
    r = client.get("/api/actors", params={"format": "csv", "code": "USA"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {"id", "mentions", "documents"} <= set(rows[0])
    assert all(row["code"] == "USA" for row in rows)


def test_api_actor_detail_lists_mentioning_documents(client):
    r = client.get("/api/actors/donald-trump")
    assert r.status_code == 200
    actor = r.json()
    assert actor["name"] and actor["code"] == "USA"
    published = [d["published"] for d in actor["documents"]]
    assert "2019-01-07" in published
    assert all(d["mentions"] >= 1 for d in actor["documents"])


def test_api_actor_missing_is_404(client):
    r = client.get("/api/actors/no-such-actor")
    assert r.status_code == 404
    assert _error(r) == {"code": "E404", "message": _error(r)["message"], "input": "no-such-actor"}


def test_api_mentions_filters_and_pages(client):
    everything = client.get("/api/mentions", params={"limit": 500}).json()["items"]
    assert everything
    by_actor = client.get("/api/mentions", params={"actor_id": "nancy-pelosi", "limit": 500}).json()["items"]
    assert by_actor and all(m["actor_id"] == "nancy-pelosi" for m in by_actor)
    by_code = client.get("/api/mentions", params={"code": "usa", "limit": 500}).json()["items"]
    assert by_code and all(m["code"] == "USA" for m in by_code)
    by_sector = client.get("/api/mentions", params={"sector": "GOV", "limit": 500}).json()["items"]
    assert by_sector and all(m["sector"] == "GOV" for m in by_sector)
    doc_id = everything[0]["doc_id"]
    by_doc = client.get("/api/mentions", params={"doc_id": doc_id[:10], "limit": 500}).json()["items"]
    assert by_doc == [m for m in everything if m["doc_id"] == doc_id]
    walked, cursor = [], None
    while True:
        body = client.get("/api/mentions", params={"limit": 7, **({"cursor": cursor} if cursor else {})}).json()
        walked += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert walked == everything


def test_api_sources_per_outlet_stats(client):
    r = client.get("/api/sources")
    assert r.status_code == 200
    by_source = {s["source"]: s for s in r.json()["items"]}
    assert set(by_source) == {"en.wikinews.org", FARM}
    wiki = by_source["en.wikinews.org"]
    assert (wiki["documents"], wiki["first_published"], wiki["last_published"]) == (2, "2019-01-04", "2019-01-07")
    assert wiki["injected_links_share"] == 0
    assert by_source[FARM]["injected_links_share"] == 1.0
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/api/sources", params={"format": "csv"}).text)))
    assert {row["source"] for row in csv_rows} == set(by_source)


# -- export --------------------------------------------------------------------------------------
def test_api_export_streams_every_row_jsonl(db, tmp_path):
    rows = _sample_rows()[40:100]
    with Store(db) as store:
        assert ingest([str(_write_csv(tmp_path / "many.csv", rows))], store, analyze=False).new == 60
    client = TestClient(create_app(str(db)))
    with client.stream("GET", "/api/export/documents") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        assert "transfer-encoding" in r.headers or "content-length" not in r.headers
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert len(lines) == 63  # every row, more than one default page (50)
    assert all(rec["record"] == "document" and rec["text"] for rec in lines)
    assert len({rec["id"] for rec in lines}) == 63


@pytest.mark.parametrize("how", ["query", "accept"])
def test_api_export_csv_counts_and_filters(client, how):
    kwargs = {"params": {"format": "csv"}} if how == "query" else {"headers": {"Accept": "text/csv"}}
    r = client.get("/api/export/documents", **kwargs)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3 and all(row["text"] for row in rows)
    r = client.get("/api/export/documents", params={"format": "csv", "source": FARM})
    assert [row["source"] for row in csv.DictReader(io.StringIO(r.text))] == [FARM]


# -- store access --------------------------------------------------------------------------------
def test_api_missing_store_is_503(tmp_path):
    client = TestClient(create_app(str(tmp_path / "absent.duckdb")))
    r = client.get("/api/health")
    assert r.status_code == 503
    assert _error(r)["code"] == "E200"


def test_api_write_enabled_shares_one_store(db):
    with TestClient(create_app(str(db), write_enabled=True)) as client:
        assert client.get("/api/health").json()["documents"] == 3
        assert len(client.get("/api/documents").json()["items"]) == 3
        assert len(client.get("/api/export/documents").text.splitlines()) == 3
    # The lifespan closed the shared store: the file can be opened again for writing.
    with Store(db) as store:
        assert store.count() == 3


# -- auth, CORS, OpenAPI -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong-token"}, 401),
        ({"Authorization": "Bearer s3cret-token-x"}, 401),
        ({"Authorization": "Basic s3cret-token"}, 401),
        ({"Authorization": "Bearer s3cret-token"}, 200),
    ],
)
@pytest.mark.parametrize("path", ["/api/health", "/api/documents", "/api/export/documents", "/api/sources"])
def test_api_token_auth(base_store, headers, status, path):
    client = TestClient(create_app(str(base_store), token="s3cret-token"))
    r = client.get(path, headers=headers)
    assert r.status_code == status
    if status == 401:
        assert _error(r)["code"] == "E401"
        assert r.headers["www-authenticate"] == "Bearer"


def test_api_without_token_needs_no_auth(client):
    assert client.get("/api/health").status_code == 200


def test_api_cors_closed_by_default(client):
    r = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    pre = client.options(
        "/api/health", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in pre.headers


def test_api_openapi_lists_every_route_and_error_shape(client):
    schema = client.get("/openapi.json").json()
    expected = {
        "/api/health", "/api/documents", "/api/documents/{doc_id}", "/api/actors", "/api/actors/{actor_id}",
        "/api/mentions", "/api/sources", "/api/export/documents",
        "/api/events", "/api/events/{event_id}", "/api/statements", "/api/statements/{statement_id}",
        "/api/relations", "/api/claims", "/api/stories", "/api/stories/{story_id}", "/api/timeline", "/api/dyads",
        "/api/network", "/api/locations", "/api/facets", "/api/export/events", "/api/export/statements",
        "/api/canonical-events",
    }
    assert set(schema["paths"]) == expected
    error = schema["components"]["schemas"]["ErrorResponse"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert {"code", "message", "input"} <= set(detail["properties"])
    for path, ops in schema["paths"].items():
        responses = ops["get"]["responses"]
        for status in ("404", "422", "503"):
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorResponse"), (path, status)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_api_openapi_declares_bearer_when_token_set(base_store):
    schema = TestClient(create_app(str(base_store), token="t")).get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/api/documents"]["get"]["security"]
