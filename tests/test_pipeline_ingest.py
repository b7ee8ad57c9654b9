"""End to end: inputs of every kind, good and broken, through extract into the store."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sitrep.pipeline import documents_from, ingest
from sitrep.records import Document
from sitrep.sources import Rejected

from conftest import SAMPLE, SHARED

PARAGRAPH = (
    "The Russian Foreign Ministry denied on Tuesday that Moscow had sent Washington a final "
    "response to the security guarantees document, Deputy Foreign Minister Alexander Grushko said. "
)
ARTICLE_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Moscow denies sending response</title>"
    "<meta property='article:published_time' content='2022-02-01T14:56:00Z'></head><body><article>"
    "<h1>Moscow denies sending response</h1>" + "".join(f"<p>{PARAGRAPH}{i}</p>" for i in range(6)) +
    "<p>See also  Gold value hits document high on new fears</p></article></body></html>"
)


def test_pipeline_seed_document(seed_path):
    [doc] = list(documents_from([str(seed_path)]))
    assert isinstance(doc, Document)
    assert doc.title == "Russia: Moscow denies handing it over in response to the United States over security guarantees"
    assert doc.published == "2022-02-01T14:56"
    assert doc.tags == ("Russia", "USA", "Canada", "Ukraine")
    assert doc.language == "en"
    for junk_line in ("See also", "Leave a Reply", "Your email address", "Read Security International", "translator", "by editorial board"):
        assert junk_line not in doc.text
    assert doc.quality["injected_links"] == 3
    assert "RIA Novosti quoting" in doc.text and "Peskov which" in doc.text
    assert doc.text.startswith("On Tuesday, February 1, the Russian Foreign Ministry denied")
    assert doc.text.endswith("with a pro-Kremlin official.")


def _write_bad_inputs(folder: Path) -> dict[str, str]:
    """Broken inputs, each with the error code it must be rejected with."""
    (folder / "empty.html").write_bytes(b"")
    (folder / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    data = gzip.compress(ARTICLE_HTML.encode() * 20)
    (folder / "truncated.html.gz").write_bytes(data[: len(data) // 3])
    (folder / "noarticle.html").write_text("<html><body><form><input name=user><input type=password></form></body></html>")
    with open(folder / "huge.html", "w") as handle:  # 50 MB, over the default 20 MB cap
        handle.write("<html><body>")
        for _ in range(50):
            handle.write("<p>" + "word " * 200_000 + "</p>")
    (folder / "broken.rss").write_bytes(b"<rss><channel><item><title>unclosed")
    return {
        "empty.html": "E100",
        "binary.html": "E100",
        "truncated.html.gz": "E102",
        "noarticle.html": "E104",
        "huge.html": "E101",
        "broken.rss#entry=1": "E104",
    }


def test_pipeline_bad_inputs_rejected_batch_carries_on(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    expected = _write_bad_inputs(folder)
    (folder / "good.html").write_text(ARTICLE_HTML, encoding="utf-8")
    malformed = ARTICLE_HTML.replace("Tuesday", "Wednesday").replace("</p>", "").replace("</article></body></html>", "<div><span>")
    (folder / "malformed.html").write_text(malformed, encoding="utf-8")
    (folder / "cp1251.html").write_bytes(
        ("<html><head><meta charset='windows-1251'><title>Москва</title></head><body><article>"
         + "".join(f"<p>Министерство иностранных дел России опровергло сообщение {i}. " * 4 + "</p>" for i in range(5))
         + "</article></body></html>").encode("cp1251")
    )
    report = ingest([str(folder)], store, analyze=False)
    codes = {Path(o).name: c for o, c, _ in report.rejected}
    assert codes == expected
    reasons = {Path(o).name: r for o, _, r in report.rejected}
    assert "malformed" in reasons["broken.rss#entry=1"]
    assert report.new == 3
    stored = {Path(d.origin).name: d for d in store.query_documents(limit=None)}
    assert set(stored) == {"good.html", "malformed.html", "cp1251.html"}
    assert "Министерство иностранных дел" in stored["cp1251.html"].text
    assert stored["good.html"].quality.get("injected_links") == 1
    # Rerunning adds nothing and loses nothing.
    again = ingest([str(folder)], store, analyze=False)
    assert again.new == 0 and again.duplicate == 3
    assert store.count() == 3
    assert len(store.rejections()) == len(expected)


def test_pipeline_same_article_from_two_files_stored_once(tmp_path, store):
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "b.html").write_text(ARTICLE_HTML.replace("<title>", "<title>Copy: "), encoding="utf-8")
    report = ingest([str(tmp_path / "a.html"), str(tmp_path / "b.html")], store)
    assert (report.new, report.duplicate) == (1, 1)
    [doc] = store.query_documents()
    assert [Path(o["origin"]).name for o in store.origins(doc.id)] == ["a.html", "b.html"]


def test_pipeline_sample_corpus_ingests(store):
    report = ingest([str(SAMPLE / "wikinews_2019.csv"), str(SAMPLE / "wikinews_2020.csv")], store, analyze=False)
    assert report.read == 295
    assert report.new + report.duplicate + len(report.rejected) == 295
    assert report.new >= 290
    doc = next(store.query_documents(text="Magnitogorsk"))
    assert doc.published == "2019-01-04"
    assert doc.source == "en.wikinews.org"
    assert not doc.text.startswith("Friday")


def test_pipeline_warc_sample_ingests():
    path = SHARED / "corpora" / "warc" / "commoncrawl-sample.warc.gz"
    if not path.exists():
        pytest.skip(f"{path} missing")
    results = list(documents_from([str(path)]))
    docs = [r for r in results if isinstance(r, Document)]
    assert docs, [r.error for r in results if isinstance(r, Rejected)]
    assert all(d.url and d.url.startswith("http") for d in docs)


def test_pipeline_ingest_stores_analysis_with_document(seed_path, store):
    report = ingest([str(seed_path)], store)
    assert report.new == 1
    rows = store.con.execute(
        "SELECT text, actor_id, code, sector FROM mentions ORDER BY start"
    ).fetchall()
    by_text = {text: (actor_id, code, sector) for text, actor_id, code, sector in rows}
    assert by_text["Deputy Foreign Minister Alexander Grushko"] == ("alexander-grushko", "RUS", "GOV")
    assert by_text["Russian Foreign Ministry"][1:] == ("RUS", "GOV")
    assert by_text["Dmitriy Peskov"][1:] == ("RUS", "GOV")
    times = dict(store.con.execute("SELECT text, value FROM time_refs").fetchall())
    assert times["the same Tuesday"] == "2022-02-01"
    assert times["January 26"] == "2022-01-26"
    assert times["between November and December 2021"] == "2021-11/2021-12"
    # Rerunning neither duplicates nor re-analyzes.
    again = ingest([str(seed_path)], store)
    assert again.new == 0
    assert store.count("mentions") == len(rows)
