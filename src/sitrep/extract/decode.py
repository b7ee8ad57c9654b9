"""Bytes of a web page to text: BOMs, declared charsets, wrong declarations and binary junk.

Order of evidence, strongest first: a byte-order mark; bytes that are valid UTF-8 (real text in
a legacy charset is almost never valid UTF-8, so this also overrides a wrong declaration); the
charset declared by the HTTP header or by the page's own ``<meta>``; statistical detection
(charset_normalizer); and finally windows-1252, which is what browsers assume for an
undeclared legacy page.
"""

from __future__ import annotations

import codecs
import re

from sitrep.errors import InputRejected

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Leading bytes of formats that are never a web page, with a name for the error message.
#: Short or text-like signatures ("MZ", "ID3", "BZh") are left to the NUL/control-byte test.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"\xfd7zXZ\x00", "xz-compressed data (decompress it first)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data (decompress it first)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office document"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"OggS", "an Ogg media file"),
    (b"\x00asm", "a WebAssembly module"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

# A charset named by <meta charset=...> or <meta http-equiv content="...; charset=...">.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.I)
# Bytes that never occur in text: C0 controls other than tab, newline, form feed, carriage
# return and ESC (ISO-2022 encodings use ESC), plus DEL.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
#: Share of control characters above which an input is taken for binary data.
MAX_CONTROL_SHARE = 0.02
#: How much of the start of a page is searched for a <meta> charset and sampled for checks.
PRESCAN_BYTES = 16_384

# WHATWG: these labels mean windows-1252 in a browser, which is what authors see when they
# write curly quotes into a "latin-1" page.
_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    # A page that reached us as ASCII-compatible bytes cannot really be UTF-16.
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}

# Word-sized runs that betray a wrong single-byte decoding: all-accented Latin-1 "words"
# (Cyrillic or Greek read as windows-1252: "Ïðèâåò") and words that mix Latin with Cyrillic
# letters (windows-1252 read as windows-1251: "cafй").
_ALL_ACCENTED = re.compile(r"\b[\u00c0-\u00ff]{3,}\b")
_MIXED_SCRIPT = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0400-\u04ff])\w+\b")
_NON_ASCII_WORD = re.compile(r"\b\w*[^\x00-\x7f]\w*\b")


def _codec(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # unknown, or a label with a NUL byte in it
        return None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13…: not charsets
        return None
    return _ALIASES.get(info.name, info.name)


def _name(origin: str | None) -> str:
    return origin or "<html input>"


def _binary_reason(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"looks like {what}, not a web page"
    # The MP4/QuickTime family puts its signature at offset 4.
    if data[4:8] == b"ftyp":
        return "looks like an MP4/QuickTime media file, not a web page"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "looks like a RIFF media file, not a web page"
    sample = data[:PRESCAN_BYTES]
    if b"\x00" in sample:
        return "contains NUL bytes (binary data, not a web page)"
    controls = len(_CONTROL_BYTES.findall(sample))
    if controls > MAX_CONTROL_SHARE * len(sample):
        return f"{controls / len(sample):.0%} of its first bytes are control characters (binary data)"
    return None


def _looks_garbled(text: str) -> bool:
    """True when a decoded text shows the word shapes of a wrong single-byte charset."""
    words = _NON_ASCII_WORD.findall(text)
    if len(words) < 3:
        return False
    bad = len(_ALL_ACCENTED.findall(text)) + len(_MIXED_SCRIPT.findall(text))
    return bad >= 3 and bad > 0.3 * len(words)


def _detect(data: bytes) -> str | None:
    """charset_normalizer's best guess, or None when it has none."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    # Short Western texts fit several Latin code pages equally well (cp1250 reads "après" as
    # "aprčs" without more chaos); among ties, windows-1252 is by far the likelier on the web.
    for match in matches:
        if (
            _codec(match.encoding) == "cp1252"
            and match.chaos <= best.chaos
            and match.coherence >= best.coherence - 0.02
        ):
            return "cp1252"
    return _codec(best.encoding)


def declared_charset(data: bytes) -> str | None:
    """The codec named by the page's own ``<meta>`` charset declaration, if any."""
    match = _META_CHARSET.search(data[:PRESCAN_BYTES])
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def decode_html(data: bytes, *, declared: str | None = None, origin: str | None = None) -> str:
    """Decode the bytes of a web page to text.

    ``declared`` is the charset from the HTTP ``Content-Type`` header, if any; ``origin`` names
    the input in error messages. Raises :class:`~sitrep.errors.InputRejected` for an empty
    input or for binary data (NUL bytes, many control characters, known binary signatures).
    """
    if not data or not data.strip():
        raise InputRejected("the input is empty", input=_name(origin))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            return _checked(text, origin)
    reason = _binary_reason(data)
    if reason:
        raise InputRejected(reason, input=_name(origin))

    if data.isascii():
        return _checked(data.decode("ascii"), origin)
    try:
        # Valid UTF-8 beats any declaration: legacy-charset text is practically never valid
        # UTF-8, while UTF-8 pages mislabelled as latin-1 or windows-1251 are common.
        return _checked(data.decode("utf-8"), origin)
    except UnicodeDecodeError:
        pass

    candidates = [c for c in (_codec(declared), declared_charset(data)) if c and c != "utf-8"]
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_garbled(text):
            return _checked(text, origin)
    # Nothing declared, only UTF-8 declared (and it is not), or the declaration garbles the
    # text: let the detector choose, and fall back on what browsers assume.
    detected = _detect(data)
    for codec in (detected, "cp1252"):
        if codec:
            try:
                return _checked(data.decode(codec), origin)
            except (UnicodeDecodeError, LookupError):
                continue
    return _checked(data.decode("cp1252", errors="replace"), origin)


def _checked(text: str, origin: str | None) -> str:
    sample = text[:PRESCAN_BYTES]
    if not sample.strip():
        raise InputRejected("the input is empty (only whitespace)", input=_name(origin))
    # The byte checks cannot see into UTF-16/32 input, so look again after decoding.
    controls = len(_CONTROL_CHARS.findall(sample))
    if "\x00" in sample or controls > MAX_CONTROL_SHARE * len(sample):
        raise InputRejected("decodes to control characters (binary data, not a web page)", input=_name(origin))
    return text
