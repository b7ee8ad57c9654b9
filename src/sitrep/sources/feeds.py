"""RSS and Atom feeds (feedparser): one item per entry that carries the article text.

Entries that carry only a teaser are rejected with a pointer to ingesting their link, because
a two-line summary is not an article. Feeds that declare XML entities are refused outright:
news feeds never need them, and entity expansion is how "billion laughs" attacks work.
"""

from __future__ import annotations

import calendar
import re
from typing import Any, Iterator

import feedparser

from sitrep import settings
from sitrep.errors import InputCorrupt, NoArticle
from sitrep.sources import RawItem, Rejected

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]{0,2000}>")


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        from datetime import datetime, timezone

        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc).isoformat(timespec="minutes")
    except (OverflowError, ValueError, TypeError):
        return None


def _entry_body(entry: Any) -> tuple[str, bool]:
    candidates: list[tuple[str, bool]] = []
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        candidates.append((value, "html" in (content.get("type") or "html")))
    summary = entry.get("summary") or ""
    if summary:
        detail = entry.get("summary_detail") or {}
        candidates.append((summary, "html" in (detail.get("type") or "html")))
    if not candidates:
        return "", False
    return max(candidates, key=lambda c: len(c[0]))


def _ascii_view(data: bytes) -> bytes:
    """The document's ASCII markup whatever its encoding: UTF-16/32 (BOM or not) loses its NUL
    bytes, EBCDIC is decoded; so checks for markup cannot be dodged by re-encoding."""
    if data[:4] == b"\x4c\x6f\xa7\x94":  # "<?xm" in EBCDIC
        return data.decode("cp500", errors="replace").encode("ascii", errors="replace")
    if b"\x00" in data[:64]:
        return data.replace(b"\x00", b"")
    return data


def declares_entities(data: bytes) -> bool:
    """True when the document declares XML entities anywhere (in any of its encodings)."""
    return _ENTITY_DECL.search(data) is not None or _ENTITY_DECL.search(_ascii_view(data)) is not None


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of a document look like RSS, Atom or RDF."""
    sample = _ascii_view(head[:8192])[:2048].lower()
    return b"<rss" in sample or b"<feed" in sample or b"<rdf:rdf" in sample


def iter_feed(data: bytes, *, origin: str) -> Iterator[RawItem | Rejected]:
    """Yield one item per usable entry of a feed document."""
    if declares_entities(data):
        yield Rejected(
            origin=origin,
            error=InputCorrupt("feed declares XML entities (<!ENTITY>); refused to prevent entity-expansion attacks", input=origin),
        )
        return
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        reason = str(parsed.get("bozo_exception") or "no entries")
        yield Rejected(origin=origin, error=InputCorrupt(f"not a readable feed: {reason}", input=origin))
        return
    minimum = settings.get("min_text_chars")
    # A malformed feed may still yield entries; say so on each rejection, since the breakage
    # is the likelier reason than the entry itself.
    malformed = f" (the feed is malformed: {parsed.get('bozo_exception')})" if parsed.get("bozo") else ""
    for index, entry in enumerate(entries, start=1):
        entry_origin = f"{origin}#entry={index}"
        body, is_html = _entry_body(entry)
        plain = _TAGS.sub(" ", body) if is_html else body
        link = entry.get("link")
        if len(plain.strip()) < minimum:
            hint = f"; ingest its link to get the article: {link}" if link else ""
            yield Rejected(origin=entry_origin, error=NoArticle(f"entry carries no article text (only {len(plain.strip())} characters){hint}{malformed}", input=entry_origin))
            continue
        meta = {
            "title": (entry.get("title") or "").strip() or None,
            "url": link,
            "published": _iso(entry.get("published_parsed") or entry.get("updated_parsed")),
            "authors": tuple(a.get("name") for a in entry.get("authors") or [] if a.get("name")),
            "tags": tuple(t.get("term") for t in entry.get("tags") or [] if t.get("term")),
            "language": (parsed.get("feed") or {}).get("language"),
            "body_is_html": is_html,
        }
        yield RawItem(origin=entry_origin, content=body, kind="record", url=link, meta=meta)
