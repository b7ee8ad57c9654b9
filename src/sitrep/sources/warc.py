"""WARC and WARC.gz files (fastwarc): one item per HTML response record.

Records are streamed, so a multi-gigabyte crawl file never sits in memory. A record whose
payload is shorter than its declared length (a clipped file) is rejected on its own; every
complete record before it is still read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from fastwarc.warc import ArchiveIterator, WarcRecordType

from sitrep import settings
from sitrep.errors import InputCorrupt, InputTooLarge, UnsupportedInput
from sitrep.sources import RawItem, Rejected

HTML_TYPES = ("text/html", "application/xhtml+xml")


def iter_warc(path: Path) -> Iterator[RawItem | Rejected]:
    """Yield the HTML responses of a WARC file, rejecting truncated or oversized records."""
    cap = settings.get("max_input_bytes")
    try:
        records = ArchiveIterator(
            str(path), record_types=WarcRecordType.response, parse_http=True, fsspec_args=False
        )
        for record in records:
            record_id = record.record_id or f"offset={record.stream_pos}"
            origin = f"{path}#record={record_id}"
            url = record.headers.get("WARC-Target-URI")
            content_type = (record.http_content_type or "").lower()
            status = record.http_headers.status_code if record.http_headers else None
            if status is not None and not (200 <= status < 300):
                continue  # redirects and errors carry no article
            if content_type and not content_type.startswith(HTML_TYPES):
                yield Rejected(origin=origin, error=UnsupportedInput(f"response is {content_type}, not HTML", input=origin))
                continue
            declared = record.content_length
            if declared and declared > cap:
                yield Rejected(origin=origin, error=InputTooLarge(f"record payload is {declared:,} bytes, over the {cap:,}-byte cap", input=origin))
                continue
            payload = record.reader.read(cap + 1)
            if len(payload) > cap:
                yield Rejected(origin=origin, error=InputTooLarge(f"record payload is over the {cap:,}-byte cap", input=origin))
                continue
            if declared and len(payload) < declared:
                yield Rejected(
                    origin=origin,
                    error=InputCorrupt(
                        f"record truncated: {len(payload):,} of {declared:,} payload bytes (clipped WARC file)",
                        input=origin,
                    ),
                )
                continue
            yield RawItem(
                origin=origin,
                content=payload,
                kind="html",
                url=url,
                content_type=content_type or None,
                meta={"charset": record.http_charset, "crawled": str(record.record_date or "") or None},
            )
    except OSError as exc:
        yield Rejected(origin=str(path), error=InputCorrupt(f"cannot read WARC: {exc}", input=str(path)))
