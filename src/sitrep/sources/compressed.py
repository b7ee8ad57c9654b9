"""Capped, streaming access to possibly gzip-compressed files.

Every reader opens its input through here, so a zip bomb or a truncated archive is caught in
one place: decompression stops at a byte cap, and a stream that ends early is reported as
corrupt rather than read as a short article.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import BinaryIO

from sitrep.errors import InputCorrupt, InputTooLarge

GZIP_MAGIC = b"\x1f\x8b"


class CappedReader(io.RawIOBase):
    """A read-only stream that raises :class:`InputTooLarge` once more than ``cap`` bytes pass,
    and turns decompression errors into :class:`InputCorrupt` naming the input."""

    def __init__(self, raw: BinaryIO, *, cap: int, origin: str) -> None:
        self._raw = raw
        self._cap = cap
        self._origin = origin
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            data = self._raw.read(len(buffer))
        except EOFError as exc:
            raise InputCorrupt(f"compressed data ends early (truncated file): {exc}", input=self._origin) from exc
        except (OSError, zlib.error) as exc:
            raise InputCorrupt(f"cannot decompress: {exc}", input=self._origin) from exc
        n = len(data)
        self.consumed += n
        if self.consumed > self._cap:
            raise InputTooLarge(
                f"more than {self._cap:,} bytes after decompression; refusing to read on",
                input=self._origin,
            )
        buffer[:n] = data
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic number, whatever its name."""
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_capped(path: Path, *, cap: int) -> io.BufferedReader:
    """Open ``path`` for streaming reads, transparently gunzipping, with a decompressed cap."""
    raw: BinaryIO = gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")  # type: ignore[assignment]
    return io.BufferedReader(CappedReader(raw, cap=cap, origin=str(path)), buffer_size=1 << 16)


def read_capped(path: Path, *, cap: int) -> bytes:
    """The whole (decompressed) content of ``path``, at most ``cap`` bytes."""
    with open_capped(path, cap=cap) as stream:
        return stream.read()


def logical_suffix(path: Path) -> str:
    """The suffix that names the format, looking through ``.gz`` ("a.html.gz" → ".html")."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""
