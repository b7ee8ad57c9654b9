"""Readers on real files: every format, and every kind of broken input, in one batch."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path


from sitrep.errors import InputCorrupt, InputTooLarge, NoArticle, UnsupportedInput
from sitrep.sources import RawItem, Rejected
from sitrep.sources.files import expand, read_inputs, read_path
from sitrep.sources.warc import iter_warc

from conftest import SHARED, need

BODY = "The ministry said on Tuesday that talks would continue in Geneva. " * 8

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example Wire</title><link>https://wire.example.org/</link><language>en-us</language>
<item><title>Talks continue</title><link>https://wire.example.org/a</link>
<pubDate>Tue, 01 Feb 2022 14:56:00 GMT</pubDate><category>Diplomacy</category>
<content:encoded><![CDATA[<p>{BODY}</p>]]></content:encoded></item>
<item><title>Teaser only</title><link>https://wire.example.org/b</link><description>Short.</description></item>
<item><title>Broken</title></item>
</channel></rss>"""


def items(results):
    return [r for r in results if isinstance(r, RawItem)]


def rejected(results):
    return [r for r in results if isinstance(r, Rejected)]


def test_sources_csv_maps_columns_and_streams_rows(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f'url,date,headline,body\nhttps://x.example/1,2022-02-01,One,"{BODY}"\nhttps://x.example/2,2022-02-02,Two,\n', encoding="utf-8")
    results = list(read_path(path))
    good, bad = items(results), rejected(results)
    assert len(good) == 1 and len(bad) == 1
    assert good[0].meta["title"] == "One"
    assert good[0].meta["published"] == "2022-02-01"
    assert good[0].url == "https://x.example/1"
    assert good[0].origin.endswith("a.csv#row=1")
    assert isinstance(bad[0].error, NoArticle) and bad[0].origin.endswith("#row=2")


def test_sources_wikinews_sample_reads_every_row():
    from conftest import SAMPLE

    results = list(read_path(SAMPLE / "wikinews_2019.csv"))
    assert len(items(results)) == 171
    assert not rejected(results)


def test_sources_tsv_and_gzip(tmp_path):
    path = tmp_path / "a.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(f"title\ttext\nOne\t{BODY}\n")
    assert items(read_path(path))[0].meta["title"] == "One"


def test_sources_jsonl_rejects_bad_lines_and_keeps_good(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [json.dumps({"title": "Good", "text": BODY, "authors": ["A. Writer"]}), "{not json", "[1, 2]", "", json.dumps({"title": "No body"})]
    path.write_text("\n".join(lines), encoding="utf-8")
    results = list(read_path(path))
    assert [i.meta["title"] for i in items(results)] == ["Good"]
    assert items(results)[0].meta["authors"] == ("A. Writer",)
    reasons = [type(r.error) for r in rejected(results)]
    assert reasons == [InputCorrupt, InputCorrupt, NoArticle]


def test_sources_json_array(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"title": "A", "content": BODY}]), encoding="utf-8")
    assert items(read_path(path))[0].meta["title"] == "A"


def test_sources_truncated_gzip_is_corrupt(tmp_path):
    data = gzip.compress(("<html><body><p>" + BODY * 50 + "</p></body></html>").encode())
    path = tmp_path / "page.html.gz"
    path.write_bytes(data[: len(data) // 2])
    [result] = list(read_path(path))
    assert isinstance(result, Rejected)
    assert isinstance(result.error, InputCorrupt)
    assert "truncated" in result.error.message


def test_sources_gzip_bomb_is_capped(tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_MAX_INPUT_BYTES", "100000")
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<html>" + b"A" * 5_000_000))
    assert path.stat().st_size < 20_000
    [result] = list(read_path(path))
    assert isinstance(result.error, InputTooLarge)


def test_sources_feed_entries_teasers_and_broken(tmp_path):
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    results = list(read_path(path))
    [good] = items(results)
    assert good.meta["title"] == "Talks continue"
    assert good.meta["published"] == "2022-02-01T14:56+00:00"
    assert good.meta["tags"] == ("Diplomacy",)
    assert good.meta["body_is_html"] is True
    bad = rejected(results)
    assert len(bad) == 2
    assert "ingest its link" in bad[0].error.message
    assert all(isinstance(r.error, NoArticle) for r in bad)


def test_sources_feed_refuses_entity_declarations(tmp_path):
    path = tmp_path / "lol.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>')
    [result] = list(read_path(path))
    assert isinstance(result, Rejected) and "ENTITY" in result.error.message


def test_sources_feed_garbage_is_rejected(tmp_path):
    path = tmp_path / "broken.rss"
    path.write_bytes(b"<rss><channel><item><title>unclosed")
    assert all(isinstance(r, Rejected) for r in read_path(path))


def _warc_record(url: str, html: bytes, *, clip: int = 0) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\nWARC-Target-URI: {url}\r\n"
        "WARC-Date: 2022-02-01T15:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    record = header + http + b"\r\n\r\n"
    return record[: len(record) - clip] if clip else record


def test_sources_warc_written_by_hand(tmp_path):
    page = f"<html><head><title>T</title></head><body><article><p>{BODY}</p></article></body></html>".encode()
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(_warc_record("https://news.example/a", page)) + gzip.compress(_warc_record("https://news.example/b", page)))
    results = list(read_path(path))
    assert [i.url for i in items(results)] == ["https://news.example/a", "https://news.example/b"]
    assert all(i.kind == "html" and i.meta["charset"] == "utf-8" for i in items(results))


def test_sources_warc_clipped_by_hand(tmp_path):
    page = f"<html><body><p>{BODY}</p></body></html>".encode()
    path = tmp_path / "clipped.warc"
    path.write_bytes(_warc_record("https://news.example/a", page) + _warc_record("https://news.example/b", page, clip=200))
    results = list(read_path(path))
    assert [i.url for i in items(results)] == ["https://news.example/a"]
    assert isinstance(rejected(results)[0].error, InputCorrupt)


def test_sources_warc_common_crawl_sample():
    results = list(iter_warc(need(SHARED / "corpora" / "warc" / "commoncrawl-sample.warc.gz")))
    assert len(items(results)) >= 10
    assert all(i.url.startswith("http") and i.origin.count("#record=<urn:uuid:") == 1 for i in items(results))


def test_sources_warc_clipped_sample_is_rejected_with_reason():
    results = list(iter_warc(need(SHARED / "corpora" / "warc" / "clipped.warc.gz")))
    bad = rejected(results)
    assert bad and "truncated" in bad[0].error.message


def test_sources_zip_members(tmp_path):
    path = tmp_path / "corpus.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bbc/politics/001.txt", "Headline\n\n" + BODY)
        archive.writestr("bbc/README", "not an article")
    results = list(read_path(path))
    assert [i.kind for i in items(results)] == ["text"]
    assert items(results)[0].origin.endswith("#member=bbc/politics/001.txt")
    assert isinstance(rejected(results)[0].error, UnsupportedInput)


def test_sources_expand_folders_globs_and_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x")
    (tmp_path / "b.html").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    found = list(expand([str(tmp_path), str(tmp_path / "*.html"), str(tmp_path / "nope.txt")]))
    paths = [p for p in found if isinstance(p, Path)]
    assert [p.name for p in paths] == ["b.html", "a.txt", "b.html"]
    assert isinstance(found[-1], Rejected)


def test_sources_unknown_format_and_sniffing(tmp_path):
    mystery = tmp_path / "page"
    mystery.write_text("<!DOCTYPE html><html><body>hi</body></html>")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    results = list(read_inputs([str(mystery), str(binary)]))
    assert isinstance(results[0], RawItem) and results[0].kind == "html"
    assert isinstance(results[1].error, UnsupportedInput)
