"""Decoding web-page bytes: BOMs, declared charsets, wrong declarations, binary rejection."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from sitrep.errors import InputRejected
from sitrep.extract.decode import declared_charset, decode_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"

RUSSIAN = "Министерство иностранных дел опровергло сообщения"
FRENCH = "fermé depuis dimanche après qu'une tempête a arraché deux grues"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("article.html", "Ministers meet in Geneva"),
        ("cp1251_meta.html", RUSSIAN),
        # Declared utf-8, written in windows-1251: the declaration must lose.
        ("cp1251_declared_utf8.html", RUSSIAN),
        # No declaration at all: detection, with windows-1252 preferred among Latin ties.
        ("latin1_undeclared.html", FRENCH),
    ],
)
def test_decode_fixture_pages_come_out_right(name, expected):
    text = decode_html((FIXTURES / name).read_bytes(), origin=name)
    assert expected in text
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        ("<html><body><p>Привет, мир — café</p></body></html>", "utf-8-sig"),
        ("<html><body><p>Привет, мир — café</p></body></html>", "utf-16"),
        ("<html><body><p>Привет, мир — café</p></body></html>", "utf-16-be"),
        ("<html><body><p>Привет, мир — café</p></body></html>", "utf-32"),
    ],
)
def test_decode_byte_order_mark_wins(page, encoding):
    data = page.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # the -be codec writes no BOM of its own
    text = decode_html(data)
    assert text == page


def test_decode_http_header_charset_used_when_page_declares_none():
    page = f"<html><body><p>{RUSSIAN}.</p></body></html>"
    assert RUSSIAN in decode_html(page.encode("koi8-r"), declared="koi8-r")


@pytest.mark.parametrize("declared", ["windows-1251", "iso-8859-1", "koi8-r"])
def test_decode_valid_utf8_beats_a_wrong_declaration(declared):
    page = f"<html><head><meta charset='{declared}'></head><body><p>{RUSSIAN} — {FRENCH}</p></body></html>"
    text = decode_html(page.encode("utf-8"), declared=declared)
    assert RUSSIAN in text and FRENCH in text


@pytest.mark.parametrize(
    ("body", "actual", "declared"),
    [
        # Cyrillic read as windows-1252 decodes without error but to "Ìèíèñòåðñòâî".
        (RUSSIAN + ". " + RUSSIAN, "cp1251", "windows-1252"),
        # French read as windows-1251 decodes to "fermй depuis dimanche aprиs".
        (FRENCH + ". " + FRENCH, "cp1252", "windows-1251"),
    ],
)
def test_decode_garbling_declaration_falls_back_to_detection(body, actual, declared):
    page = f"<html><head><meta charset='{declared}'></head><body><p>{body}</p></body></html>"
    assert body in decode_html(page.encode(actual))


@pytest.mark.parametrize(
    ("snippet", "codec"),
    [
        (b'<meta charset="windows-1251">', "cp1251"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=KOI8-R'>", "koi8-r"),
        # Browsers read "latin-1" pages as windows-1252 (curly quotes in 0x80-0x9f).
        (b'<meta charset="ISO-8859-1">', "cp1252"),
        (b'<meta charset="no-such-charset">', None),
        (b"<p>charset=utf-8 in text, not in a meta tag</p>", None),
    ],
)
def test_decode_declared_charset_reads_meta(snippet, codec):
    assert declared_charset(b"<html><head>" + snippet + b"</head></html>") == codec


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.html", "<html></html>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        ((FIXTURES / "image.html").read_bytes(), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (_zip_bytes(), "ZIP"),
        (gzip.compress(b"<html><body>gzipped</body></html>"), "gzip"),
        (b"<html>\x00<body>text with NUL bytes</body></html>", "NUL"),
        (b"<html>" + bytes(range(1, 9)) * 20 + b"</html>", "control characters"),
        ("<html>\x01\x02\x03\x04</html>".encode("utf-16"), "control characters"),
    ],
)
def test_decode_rejects_empty_and_binary_input(data, reason):
    with pytest.raises(InputRejected) as caught:
        decode_html(data, origin="in/page.html")
    error = caught.value
    assert type(error) is InputRejected and error.code == "E100"
    assert reason in str(error)
    assert "in/page.html" in str(error)


def test_decode_empty_fixture_names_the_file():
    path = FIXTURES / "empty.html"
    with pytest.raises(InputRejected, match="empty.html"):
        decode_html(path.read_bytes(), origin=str(path))
