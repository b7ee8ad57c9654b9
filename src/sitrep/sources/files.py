"""Expand inputs (files, folders, globs, URLs) and dispatch each file to its reader.

Formats are chosen by name (looking through ``.gz``) and, when the name says nothing, by
sniffing the first bytes. Every reader yields :class:`RawItem` or :class:`Rejected`, so one
bad file never stops a batch.
"""

from __future__ import annotations

import glob
import zipfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sitrep import settings
from sitrep.errors import InputCorrupt, InputRejected, InputTooLarge, SitrepError, UnsupportedInput
from sitrep.sources import RawItem, Rejected
from sitrep.sources.compressed import logical_suffix, open_capped, read_capped
from sitrep.sources.feeds import declares_entities, iter_feed, looks_like_feed
from sitrep.sources.sgml import iter_reuters, looks_like_reuters
from sitrep.sources.tabular import iter_csv, iter_jsonl
from sitrep.sources.warc import iter_warc

Item = RawItem | Rejected

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".text"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf"}
CSV_SUFFIXES = {".csv", ".tsv"}
JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}
WARC_SUFFIXES = {".warc", ".arc"}
ZIP_SUFFIXES = {".zip"}
SGML_SUFFIXES = {".sgm", ".sgml"}


def is_url(spec: str) -> bool:
    """True for ``http://`` and ``https://`` inputs."""
    return spec.lower().startswith(("http://", "https://"))


def expand(specs: Iterable[str]) -> Iterator[str | Path | Rejected]:
    """Turn user inputs into URLs and file paths: folders recurse (sorted), globs expand."""
    for spec in specs:
        if is_url(spec):
            yield spec
            continue
        if any(ch in spec for ch in "*?["):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield Rejected(origin=spec, error=UnsupportedInput("glob matched no files", input=spec))
            for match in matches:
                if Path(match).is_file():
                    yield Path(match)
            continue
        path = Path(spec)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield child
        elif path.is_file():
            yield path
        else:
            yield Rejected(origin=spec, error=UnsupportedInput("no such file or folder", input=spec))


def _single(kind: str) -> Callable[[Path], Iterator[Item]]:
    def read(path: Path) -> Iterator[Item]:
        try:
            data = read_capped(path, cap=settings.get("max_input_bytes"))
        except InputRejected as exc:
            yield Rejected(origin=str(path), error=exc)
            return
        yield RawItem(origin=str(path), content=data, kind=kind)

    return read


def _feed(path: Path) -> Iterator[Item]:
    try:
        data = read_capped(path, cap=settings.get("max_input_bytes"))
    except InputRejected as exc:
        yield Rejected(origin=str(path), error=exc)
        return
    if not looks_like_feed(data) and not declares_entities(data):
        # An .xml file that is not a feed may still be an XHTML page (one that declares
        # entities goes to the feed reader, which refuses it).
        yield RawItem(origin=str(path), content=data, kind="html")
        return
    yield from iter_feed(data, origin=str(path))


def _zip(path: Path) -> Iterator[Item]:
    """Read each member of a zip archive as if it were a file of its own name."""
    cap = settings.get("max_input_bytes")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Rejected(origin=str(path), error=InputCorrupt(f"not a readable zip archive: {exc}", input=str(path)))
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir() or Path(info.filename).name.startswith("."):
                continue
            origin = f"{path}#member={info.filename}"
            suffix = logical_suffix(Path(info.filename))
            kind = "html" if suffix in HTML_SUFFIXES else "text" if suffix in TEXT_SUFFIXES else None
            if kind is None:
                yield Rejected(origin=origin, error=UnsupportedInput(f"zip members of type {suffix or '(none)'} are not read", input=origin))
                continue
            if info.file_size > cap:
                yield Rejected(origin=origin, error=InputTooLarge(f"member is {info.file_size:,} bytes, over the {cap:,}-byte cap", input=origin))
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(cap + 1)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                yield Rejected(origin=origin, error=InputCorrupt(f"cannot read zip member: {exc}", input=origin))
                continue
            if len(data) > cap:
                yield Rejected(origin=origin, error=InputTooLarge(f"member is over the {cap:,}-byte cap", input=origin))
                continue
            yield RawItem(origin=origin, content=data, kind=kind)


READERS: dict[str, Callable[[Path], Iterator[Item]]] = {
    **{s: _single("html") for s in HTML_SUFFIXES},
    **{s: _single("text") for s in TEXT_SUFFIXES},
    **{s: _feed for s in FEED_SUFFIXES},
    **{s: iter_csv for s in CSV_SUFFIXES},
    **{s: iter_jsonl for s in JSON_SUFFIXES},
    **{s: iter_warc for s in WARC_SUFFIXES},
    **{s: _zip for s in ZIP_SUFFIXES},
    **{s: iter_reuters for s in SGML_SUFFIXES},
}


def sniff(path: Path) -> Callable[[Path], Iterator[Item]] | None:
    """Pick a reader from the first bytes when the file name does not say."""
    try:
        with open_capped(path, cap=1 << 30) as stream:
            head = stream.read(4096)
    except (SitrepError, OSError):
        return None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"warc/"):
        return iter_warc
    if looks_like_feed(stripped):
        return _feed
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return _single("html")
    if head.startswith(b"PK\x03\x04"):
        return _zip
    if looks_like_reuters(stripped):
        return iter_reuters
    return None


def read_path(path: Path) -> Iterator[Item]:
    """Read one file with the reader its name (or, failing that, its content) calls for."""
    suffix = logical_suffix(path)
    reader = READERS.get(suffix) or sniff(path)
    if reader is None:
        yield Rejected(
            origin=str(path),
            error=UnsupportedInput(
                f"unknown format {suffix or '(no suffix)'}; sitrep reads HTML, text, CSV/TSV, JSONL, RSS/Atom, WARC, Reuters SGML and zip",
                input=str(path),
            ),
        )
        return
    yield from reader(path)


def read_inputs(specs: Iterable[str], *, allow_private: bool | None = None) -> Iterator[Item]:
    """Read every input in ``specs``: files, folders, globs and http(s) URLs."""
    for target in expand(specs):
        if isinstance(target, Rejected):
            yield target
        elif isinstance(target, Path):
            yield from read_path(target)
        else:
            yield from read_url(target, allow_private=allow_private)


def read_url(url: str, *, allow_private: bool | None = None, allowed_networks: Iterable[str] | None = None) -> Iterator[Item]:
    """Fetch a URL safely; a feed URL yields its entries, a page yields itself.

    ``allowed_networks`` (CIDRs) may be reached although private; default: the
    ``fetch_allowed_networks`` setting."""
    from sitrep.sources.web import fetch_url

    if allowed_networks is None:
        allowed_networks = [n.strip() for n in str(settings.get("fetch_allowed_networks") or "").split(",") if n.strip()]
    allowed_networks = tuple(allowed_networks)

    try:
        item = fetch_url(url, allow_private=allow_private, allowed_networks=allowed_networks)
    except InputRejected as exc:
        yield Rejected(origin=url, error=exc)
        return
    content = item.content if isinstance(item.content, bytes) else item.content.encode()
    if item.kind == "feed" or looks_like_feed(content[:2048]):
        yield from iter_feed(content, origin=url)
    else:
        yield item
