"""CSV/TSV and JSON-lines collections: one article per row.

Columns are mapped by name: the first present of each alias list below fills that field, so
collections such as the Wikinews CSVs (url, date, title, text) work without configuration.
Rows are streamed; a bad row is rejected on its own and the rest of the file carries on.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping

from sitrep import settings
from sitrep.errors import InputCorrupt, InputRejected, NoArticle
from sitrep.sources import RawItem, Rejected
from sitrep.sources.compressed import open_capped

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "articlebody", "article_body", "maintext", "story"),
    "html": ("html", "raw_html", "page"),
    "title": ("title", "headline", "heading"),
    "url": ("url", "link", "uri", "canonical_url"),
    "published": ("published", "date", "publish_date", "published_at", "pubdate", "datetime", "timestamp"),
    "authors": ("authors", "author", "byline"),
    "tags": ("tags", "categories", "keywords", "topics"),
    "source": ("source", "outlet", "site", "sitename", "domain", "publisher"),
    "language": ("language", "lang"),
}


def _pick(row: Mapping[str, Any], field: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for name in COLUMN_ALIASES[field]:
        value = lowered.get(name)
        if value not in (None, "", []):
            return value
    return None


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    text = str(value)
    sep = ";" if ";" in text else ","
    return tuple(part.strip() for part in text.split(sep) if part.strip())


def row_to_item(row: Mapping[str, Any], *, origin: str) -> RawItem:
    """Map one row to a record item; raises :class:`NoArticle` when it has no body."""
    body = _pick(row, "text")
    body_is_html = False
    if body is None:
        body = _pick(row, "html")
        body_is_html = body is not None
    if body is None or not str(body).strip():
        raise NoArticle("row has no text column with content (looked for: text, body, content, html…)", input=origin)
    meta = {
        "title": _pick(row, "title"),
        "url": _pick(row, "url"),
        "published": _pick(row, "published"),
        "authors": _as_list(_pick(row, "authors")),
        "tags": _as_list(_pick(row, "tags")),
        "source": _pick(row, "source"),
        "language": _pick(row, "language"),
        "body_is_html": body_is_html,
    }
    meta = {k: (str(v).strip() if isinstance(v, (str, int, float)) and k != "body_is_html" else v) for k, v in meta.items()}
    return RawItem(origin=origin, content=str(body), kind="record", url=meta["url"] or None, meta=meta)


def iter_csv(path: Path) -> Iterator[RawItem | Rejected]:
    """Stream the rows of a CSV or TSV file (optionally gzipped)."""
    csv.field_size_limit(min(sys.maxsize, settings.get("max_input_bytes")))
    delimiter = "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","
    try:
        with open_capped(path, cap=settings.get("max_archive_bytes")) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            reader = csv.DictReader(text, delimiter=delimiter)
            if not reader.fieldnames:
                yield Rejected(origin=str(path), error=InputCorrupt("empty collection: no header row", input=str(path)))
                return
            row_no = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    row_no += 1
                    origin = f"{path}#row={row_no}"
                    yield Rejected(origin=origin, error=InputCorrupt(f"malformed CSV row: {exc}", input=origin))
                    continue
                row_no += 1
                origin = f"{path}#row={row_no}"
                try:
                    yield row_to_item(row, origin=origin)
                except InputRejected as exc:
                    yield Rejected(origin=origin, error=exc)
    except InputRejected as exc:
        yield Rejected(origin=str(path), error=exc)


def _first_char(raw: io.BufferedReader) -> bytes:
    head = raw.peek(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1]


def iter_jsonl(path: Path) -> Iterator[RawItem | Rejected]:
    """Stream a JSON-lines file (one object per line), or a JSON array file."""
    try:
        with open_capped(path, cap=settings.get("max_archive_bytes")) as raw:
            if _first_char(raw) == b"[":
                # A JSON array cannot be streamed line by line; such files are small by convention.
                rows: Iterator[tuple[int, Any]] = enumerate(json.loads(raw.read().decode("utf-8-sig")), start=1)
            else:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")
                rows = ((n, line) for n, line in enumerate(text, start=1) if line.strip())
            for n, row in rows:
                origin = f"{path}#line={n}"
                try:
                    if isinstance(row, str):
                        row = json.loads(row)
                    if not isinstance(row, dict):
                        raise InputCorrupt("entry is not a JSON object", input=origin)
                    yield row_to_item(row, origin=origin)
                except json.JSONDecodeError as exc:
                    yield Rejected(origin=origin, error=InputCorrupt(f"invalid JSON: {exc.msg} at column {exc.colno}", input=origin))
                except RecursionError:
                    yield Rejected(origin=origin, error=InputCorrupt("JSON nested too deeply to read", input=origin))
                except InputRejected as exc:
                    yield Rejected(origin=origin, error=exc)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield Rejected(origin=str(path), error=InputCorrupt(f"invalid JSON array: {exc}", input=str(path)))
    except RecursionError:
        yield Rejected(origin=str(path), error=InputCorrupt("JSON array nested too deeply to read", input=str(path)))
    except InputRejected as exc:
        yield Rejected(origin=str(path), error=exc)
