"""The server's defences: tokens, private reads, CORS, SSRF through the URL-ingest route, and
uploads that cannot write outside their folder. Real app, real store, real loopback servers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sitrep.api import create_app
from sitrep.api.security import UnsafePath, safe_filename, safe_join, token_matches
from sitrep.store import Store
from test_sources_web import PRIVATE, PUBLIC, FakeDNS, page, redirect, serve, serve_pair, url_of  # noqa: F401
from test_sources_web import rebinding_dns  # noqa: F401  (fixture)

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = (
    b"<html><head><title>Talks in Geneva</title></head><body><article><h1>Talks in Geneva</h1>"
    + b"".join(
        b"<p>Negotiators from both delegations met in Geneva on Tuesday to discuss the ceasefire line "
        b"and the exchange of prisoners, officials said after the meeting. Paragraph %d.</p>" % i
        for i in range(4)
    )
    + b"</article></body></html>"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in ("SITREP_ALLOW_PRIVATE", "SITREP_API_PRIVATE", "SITREP_CORS_ORIGINS", "SITREP_TOKEN",
                 "SITREP_FETCH_ALLOWED_NETWORKS", "SITREP_FETCH_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SITREP_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("SITREP_ANALYZE", "0")


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def writer(db):
    with TestClient(create_app(str(db), token=TOKEN, write_enabled=True)) as client:
        yield client


def _ingest_url(client, url: str):
    return client.post("/api/ingest/url", json={"url": url}, headers=AUTH)


# -- tokens and private reads ----------------------------------------------------------------------
def test_security_token_compare_is_exact():
    assert token_matches(TOKEN, TOKEN)
    for guess in ("", None, TOKEN[:-1], TOKEN + "x", TOKEN.upper(), " " + TOKEN):
        assert not token_matches(guess, TOKEN)


def test_security_token_compare_uses_constant_time_digest(monkeypatch):
    import hmac

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert not token_matches("guess", TOKEN)
    assert calls == [(b"guess", TOKEN.encode())]


@pytest.mark.parametrize(
    "headers, status",
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"Authorization": f"Basic {TOKEN}"}, 401), (AUTH, 422)],
)
def test_security_write_routes_need_the_token(writer, headers, status):
    # With the right token the (empty) body fails validation: the check passed.
    r = writer.post("/api/ingest/url", json={}, headers=headers)
    assert r.status_code == status
    assert r.json()["error"]["code"] == f"E{status}"


def test_security_write_routes_refused_without_a_configured_token(db):
    with TestClient(create_app(str(db), write_enabled=True)) as client:
        r = client.post("/api/ingest/url", json={"url": "https://example.org/"})
        assert r.status_code == 403 and "--token" in r.json()["error"]["message"]
        r = client.post("/api/ingest/upload", params={"filename": "a.html"}, content=ARTICLE)
        assert r.status_code == 403


def test_security_write_routes_absent_unless_enabled(db):
    client = TestClient(create_app(str(db), token=TOKEN))
    assert client.post("/api/ingest/url", json={"url": "https://example.org/"}, headers=AUTH).status_code in (404, 405)


@pytest.mark.parametrize("private, status", [(True, 401), (False, 200)])
def test_security_read_api_private_with_same_token(db, private, status):
    client = TestClient(create_app(str(db), token=TOKEN, private=private))
    assert client.get("/api/health").status_code == status
    assert client.get("/api/health", headers=AUTH).status_code == 200


def test_security_read_api_private_setting(db, monkeypatch):
    monkeypatch.setenv("SITREP_API_PRIVATE", "false")
    assert TestClient(create_app(str(db), token=TOKEN)).get("/api/health").status_code == 200
    monkeypatch.setenv("SITREP_API_PRIVATE", "true")
    assert TestClient(create_app(str(db), token=TOKEN)).get("/api/health").status_code == 401


# -- CORS --------------------------------------------------------------------------------------------
def test_security_cors_closed_by_default(db):
    client = TestClient(create_app(str(db)))
    for r in (
        client.get("/api/health", headers={"Origin": "https://evil.example"}),
        client.options("/api/health", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}),
    ):
        assert not any(k.lower().startswith("access-control-") for k in r.headers)


def test_security_cors_only_for_configured_origins(db, monkeypatch):
    monkeypatch.setenv("SITREP_CORS_ORIGINS", "https://desk.example, https://b.example/")
    client = TestClient(create_app(str(db)))
    ok = client.get("/api/health", headers={"Origin": "https://desk.example"})
    assert ok.headers["access-control-allow-origin"] == "https://desk.example"
    assert "access-control-allow-credentials" not in ok.headers
    evil = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in evil.headers


def test_security_cors_wildcard_refused(db):
    with pytest.raises(ValueError, match=r"'\*' is not allowed"):
        create_app(str(db), cors_origins="*")


# -- SSRF through the URL-ingest route ---------------------------------------------------------------
def test_security_ssrf_public_page_is_ingested(writer, monkeypatch):
    monkeypatch.setenv("SITREP_FETCH_ALLOWED_NETWORKS", f"{PUBLIC}/32")  # 127.0.0.2 plays "public"
    with serve(PUBLIC, {"/a": page(ARTICLE)}) as server:
        r = _ingest_url(writer, url_of(server, "/a"))
    assert r.status_code == 200, r.text
    assert (r.json()["read"], r.json()["new"]) == (1, 1)
    assert writer.get("/api/health", headers=AUTH).json()["documents"] == 1


def test_security_ssrf_loopback_refused_even_with_allow_private_setting(writer, monkeypatch):
    monkeypatch.setenv("SITREP_ALLOW_PRIVATE", "1")  # a CLI setting; the server never honours it
    with serve(PRIVATE, {"/": page(ARTICLE)}) as trap:
        r = _ingest_url(writer, url_of(trap, "/"))
        assert trap.hits == []
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "E111" and "loopback" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://10.0.0.5/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://169.254.1.1/", "link-local"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00::1]/", "private"),
        ("http://[::1]/", "loopback"),
        ("http://2130706433/", "127.0.0.1"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_security_ssrf_refuses_non_public_targets(writer, url, reason):
    r = _ingest_url(writer, url)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "E111"
    assert reason in r.json()["error"]["message"]
    assert writer.get("/api/health", headers=AUTH).json()["documents"] == 0


@pytest.mark.parametrize("target", ["loopback", "metadata"])
def test_security_ssrf_redirect_refused(writer, monkeypatch, target):
    monkeypatch.setenv("SITREP_FETCH_ALLOWED_NETWORKS", f"{PUBLIC}/32")
    with serve_pair({}, {"/admin": page(ARTICLE)}) as (public, trap):
        location = url_of(trap, "/admin") if target == "loopback" else "http://169.254.169.254/latest/meta-data/"
        public.routes["/go"] = redirect(location)
        r = _ingest_url(writer, url_of(public, "/go"))
        assert trap.hits == []
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "E111" and "redirect 1 to" in error["message"]


def test_security_ssrf_dns_rebinding_refused(writer, monkeypatch, rebinding_dns):
    monkeypatch.setenv("SITREP_FETCH_ALLOWED_NETWORKS", f"{PUBLIC}/32")
    with serve_pair({}, {"/admin": page(ARTICLE)}) as (public, trap):
        public.routes["/"] = redirect(url_of(public, "/admin", host="rebind.test"))
        r = _ingest_url(writer, url_of(public, "/", host="rebind.test"))
        assert trap.hits == []
    assert r.status_code == 422
    assert "rebind.test resolves to 127.0.0.1 (loopback)" in r.json()["error"]["message"]


# -- uploads and paths -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["../../evil.html", "/tmp/evil.html", "..\\..\\evil.html", "a/../../evil.html", "evil.html\x00.txt",
     "C:\\Windows\\evil.html", "....//....//evil.html", ".htaccess.html", "..", ""],
)
def test_security_upload_stays_in_its_folder(writer, tmp_path, name):
    before = {p for p in tmp_path.parent.rglob("*")} - {p for p in tmp_path.rglob("*")}
    r = writer.post("/api/ingest/upload", params={"filename": name}, content=ARTICLE, headers=AUTH)
    uploads = tmp_path / "uploads"
    stored = [p for p in uploads.rglob("*") if p.is_file()]
    assert len(stored) <= 1 and all(p.parent == uploads for p in stored)
    assert not any(p.name.startswith(".upload-") for p in stored)  # no temp file left behind
    after = {p for p in tmp_path.parent.rglob("*")} - {p for p in tmp_path.rglob("*")}
    assert after == before  # nothing written beside the test's own folder
    assert not Path("/tmp/evil.html").exists()
    assert r.status_code in (200, 422), r.text
    if name.endswith(".html") or name.endswith("evil.html"):
        assert r.status_code == 200 and r.json()["read"] == 1


def test_security_upload_over_cap_is_refused_and_removed(writer, tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_MAX_UPLOAD_BYTES", "1000")
    r = writer.post("/api/ingest/upload", params={"filename": "big.html"}, content=ARTICLE * 3, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E101"
    assert [p for p in (tmp_path / "uploads").iterdir()] == []


def test_security_upload_ingests_a_collection(writer):
    rows = "url,title,text\n" + "".join(
        f"https://example.org/{i},Title {i},\"{'Officials in Kyiv said on Monday that talks would resume. ' * 5} {i}\"\n"
        for i in range(3)
    )
    r = writer.post("/api/ingest/upload", params={"filename": "rows.csv"}, content=rows.encode(), headers=AUTH)
    assert r.status_code == 200 and r.json()["new"] == 3
    docs = writer.get("/api/documents", headers=AUTH).json()["items"]
    assert all(".uploads" not in d["origin"] or "rows.csv#row=" in d["origin"] for d in docs)


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/b", "..", ".", "", "x\x00y", "a\\b"])
def test_security_safe_join_refuses_escapes(tmp_path, name):
    with pytest.raises(UnsafePath):
        safe_join(tmp_path, name)


def test_security_safe_join_refuses_symlink_escape(tmp_path):
    (tmp_path / "inside").mkdir()
    os.symlink("/etc/passwd", tmp_path / "inside" / "link")
    with pytest.raises(UnsafePath, match="outside"):
        safe_join(tmp_path / "inside", "link")
    assert safe_join(tmp_path / "inside", "file.csv") == (tmp_path / "inside" / "file.csv").resolve()


@pytest.mark.parametrize(
    "name, expected",
    [("../../evil.html", "evil.html"), ("C:\\x\\a b.csv", "a_b.csv"), ("..", "upload"), ("", "upload"),
     (".bashrc", "bashrc"), ("a\x00b.html", "a_b.html"), ("ｆｕｌｌ.html", "full.html")],
)
def test_security_safe_filename(name, expected):
    assert safe_filename(name) == expected
    assert safe_filename(name, prefix="abc123") == f"abc123-{expected}"


# -- exports ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_security_export_path_cannot_inject_a_second_target(tmp_path, fmt):
    """The export path is quoted into DuckDB's COPY: a quote in it must not end the string and
    let the rest of the name write elsewhere."""
    db = tmp_path / "s.duckdb"
    Store(db).close()
    escape = tmp_path / "escaped.csv"
    out = tmp_path / "out" / f"x') TO '{escape}' (FORMAT csv); --.{fmt}"
    with Store(db, read_only=True) as store:
        store.export_documents(out, fmt=fmt)
    assert out.exists()
    assert not escape.exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("s.duckdb")) == [out.name]


def test_security_api_export_writes_nothing_on_the_server(db, tmp_path):
    before = sorted(tmp_path.rglob("*"))
    client = TestClient(create_app(str(db)))
    for params in ({"format": "csv"}, {"format": "jsonl", "out": "/tmp/x.jsonl", "path": "../../x"}):
        r = client.get("/api/export/documents", params=params)
        assert r.status_code == 200
        assert r.headers["content-disposition"] in ('attachment; filename="documents.csv"', 'attachment; filename="documents.jsonl"')
    assert sorted(tmp_path.rglob("*")) == before
    assert not Path("/tmp/x.jsonl").exists()
