"""Reuters-21578 style SGML collections: one ``<REUTERS>`` element per article.

The format (``reut2-NNN.sgm``, DTD ``lewis.dtd``) wraps each story in ``<REUTERS NEWID=…>`` with
``DATE``, ``TOPICS``/``PLACES``/``PEOPLE``/``ORGS`` lists of ``<D>`` items, and a ``TEXT``
holding ``TITLE``, ``DATELINE`` and ``BODY``. Files are Latin-1 with SGML character
references, including control characters (``&#3;``) that carry no text. Stories without a
body (about one in ten) are rejected as having no article; an element cut off by a truncated
file is rejected as corrupt, and the rest of the file carries on.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sitrep import settings
from sitrep.errors import InputCorrupt, InputRejected, NoArticle
from sitrep.sources import RawItem, Rejected
from sitrep.sources.compressed import read_capped

_ELEMENT = re.compile(rb"<REUTERS\b([^>]*)>(.*?)(?:</REUTERS>|(?=<REUTERS\b)|\Z)", re.S)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SIGNOFF = re.compile(r"\s*\bReuters?\s*$")
LIST_FIELDS = ("TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES")


def looks_like_reuters(head: bytes) -> bool:
    """True for the start of a Reuters-21578 SGML file."""
    return head.startswith(b"<!doctype lewis") or head.startswith(b"<reuters")


def _field(body: bytes, name: str) -> str | None:
    match = re.search(rb"<%s>(.*?)</%s>" % (name.encode(), name.encode()), body, re.S)
    if match is None:
        return None
    return _clean(match.group(1).decode("latin-1"))


def _clean(text: str) -> str:
    return _CONTROL.sub("", html.unescape(text)).strip()


def _items(body: bytes, name: str) -> tuple[str, ...]:
    match = re.search(rb"<%s>(.*?)</%s>" % (name.encode(), name.encode()), body, re.S)
    if match is None:
        return ()
    return tuple(_clean(d.decode("latin-1")) for d in re.findall(rb"<D>(.*?)</D>", match.group(1), re.S))


def _published(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def _paragraphs(body: str) -> str:
    """Rejoin the wire's fixed-width lines into paragraphs (an indented line starts one)."""
    paragraphs: list[list[str]] = [[]]
    for line in body.splitlines():
        if (line.startswith("    ") or not line.strip()) and paragraphs[-1]:
            paragraphs.append([])
        if line.strip():
            paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def element_to_item(attrs: bytes, body: bytes, *, origin: str, complete: bool) -> RawItem:
    """Map one ``<REUTERS>`` element to a record item, or raise why it cannot be one."""
    if not complete:
        raise InputCorrupt("story is cut off: no closing </REUTERS> (truncated file?)", input=origin)
    text = _field(body, "BODY")
    if not text:
        raise NoArticle("story has no <BODY> (headline-only wire item)", input=origin)
    text = _SIGNOFF.sub("", _paragraphs(text))
    tags = tuple(dict.fromkeys(t for name in ("TOPICS", "PLACES") for t in _items(body, name)))
    meta = {
        "title": _field(body, "TITLE"),
        "published": _published(_field(body, "DATE")),
        "authors": (),
        "tags": tags,
        "source": "Reuters",
        "language": "en",
        "dateline": _field(body, "DATELINE"),
        "people": _items(body, "PEOPLE"),
        "orgs": _items(body, "ORGS"),
        "body_is_html": False,
    }
    return RawItem(origin=origin, content=text, kind="record", meta=meta)


def iter_reuters(path: Path) -> Iterator[RawItem | Rejected]:
    """Stream the stories of one SGML file."""
    try:
        data = read_capped(path, cap=settings.get("max_archive_bytes"))
    except InputRejected as exc:
        yield Rejected(origin=str(path), error=exc)
        return
    found = False
    for n, match in enumerate(_ELEMENT.finditer(data), start=1):
        found = True
        attrs = dict(_ATTR.findall(match.group(1)))
        newid = attrs.get(b"NEWID", str(n).encode()).decode("latin-1")
        origin = f"{path}#newid={newid}"
        complete = match.group(0).endswith(b"</REUTERS>")
        try:
            yield element_to_item(match.group(1), match.group(2), origin=origin, complete=complete)
        except InputRejected as exc:
            yield Rejected(origin=origin, error=exc)
    if not found:
        yield Rejected(origin=str(path), error=InputCorrupt("no <REUTERS> stories found in this SGML file", input=str(path)))
