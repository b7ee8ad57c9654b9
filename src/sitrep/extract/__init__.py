"""The extract stage: one :class:`~sitrep.sources.RawItem` in, one :class:`Document` out.

HTML goes through :mod:`sitrep.extract.html` (trafilatura + htmldate), plain text through
:mod:`sitrep.extract.text` (header parsing); both then pass the same normalisation and junk
removal, so every document's ``text`` is clean and its ``quality`` says what was removed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from sitrep import settings
from sitrep.errors import InputTooLarge, NoArticle, UnsupportedInput
from sitrep.extract import junk
from sitrep.extract.language import guess_language
from sitrep.extract.normalize import normalize_text
from sitrep.extract.text import parse_text_article, split_title_suffix
from sitrep.records import Document, document_id
from sitrep.sources import RawItem


def outlet_of(url: str | None) -> str | None:
    """The outlet domain of a URL, without a leading ``www.``."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _as_text(content: bytes | str, item: RawItem) -> str:
    if isinstance(content, str):
        return content
    from sitrep.extract.decode import decode_html  # handles BOMs, declarations, detection

    return decode_html(content, declared=(item.meta or {}).get("charset"), origin=item.origin)


def _check_size(item: RawItem) -> None:
    cap = settings.get("max_input_bytes")
    size = len(item.content) if isinstance(item.content, bytes) else len(item.content) * 1
    if size > cap:
        raise InputTooLarge(
            f"input is {size:,} bytes, over the {cap:,}-byte cap "
            f"(raise it with SITREP_MAX_INPUT_BYTES if this is really one article)",
            input=item.origin,
        )


def _from_html(content: bytes | str, item: RawItem) -> dict[str, Any]:
    from sitrep.extract.html import extract_html

    article = extract_html(
        content,
        url=item.url,
        origin=item.origin,
        declared_charset=(item.meta or {}).get("charset"),
    )
    return {
        "text": article.text,
        "title": article.title,
        "published": article.published,
        "authors": tuple(article.authors),
        "tags": tuple(article.tags),
        "language": article.language,
        "url": article.url or item.url,
        "source": article.sitename,
        "quality": dict(article.quality),
    }


def _from_text(content: bytes | str, item: RawItem, *, has_title: bool) -> dict[str, Any]:
    article = parse_text_article(_as_text(content, item), has_title=has_title)
    return {
        "text": article.body,
        "title": article.title,
        "published": article.published,
        "tags": article.tags,
        "quality": dict(article.flags),
    }


def to_document(item: RawItem, *, ingested_at: str | None = None) -> Document:
    """Extract, normalise and clean one item into a :class:`Document`.

    Raises an :class:`~sitrep.errors.InputRejected` subclass naming the input when the item
    holds no usable article.
    """
    _check_size(item)
    meta = dict(item.meta or {})
    if item.kind == "html":
        fields = _from_html(item.content, item)
    elif item.kind == "text":
        fields = _from_text(item.content, item, has_title=True)
    elif item.kind == "record":
        if meta.get("body_is_html"):
            fields = _from_html(item.content, item)
        else:
            fields = _from_text(item.content, item, has_title=not meta.get("title"))
    else:
        raise UnsupportedInput(f"unknown item kind {item.kind!r}", input=item.origin)

    quality: dict[str, Any] = dict(fields.get("quality") or {})
    text, norm_flags = normalize_text(fields.get("text") or "")
    text, junk_flags = junk.clean(text)
    quality.update(norm_flags)
    quality.update(junk_flags)
    minimum = settings.get("min_text_chars")
    if len(text) < minimum:
        raise NoArticle(
            f"no article text found ({len(text)} characters after cleaning, "
            f"fewer than the {minimum} required)",
            input=item.origin,
        )

    # What the container knew (CSV columns, feed fields) beats what extraction guessed.
    title = meta.get("title") or fields.get("title")
    if title:
        title, suffix = split_title_suffix(" ".join(str(title).split()))
        if suffix and "title_suffix" not in quality:
            quality["title_suffix"] = suffix
    url = meta.get("url") or fields.get("url") or item.url
    return Document(
        id=document_id(text),
        url=url,
        source=meta.get("source") or outlet_of(url) or fields.get("source"),
        title=title or None,
        published=meta.get("published") or fields.get("published"),
        authors=tuple(meta.get("authors") or fields.get("authors") or ()),
        tags=tuple(meta.get("tags") or fields.get("tags") or ()),
        language=meta.get("language") or fields.get("language") or guess_language(text),
        text=text,
        ingested_at=ingested_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        origin=item.origin,
        quality=quality,
    )
