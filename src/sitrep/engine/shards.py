"""Inputs split into shards: the unit of reading that an engine hands to one task.

A shard is one file (a WARC file is one task however many records it holds), one row group
of a Parquet file of documents, or one URL. Reading a shard yields raw items, rejections, or,
for Parquet of documents, finished :class:`~sitrep.records.Document` objects that skip
extraction. A shard that cannot be read at all becomes one rejection naming the shard; the
other shards carry on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from sitrep.errors import InputCorrupt, InputRejected, SitrepError
from sitrep.records import Document, document_id
from sitrep.sources import RawItem, Rejected
from sitrep.sources.compressed import logical_suffix

PARQUET_SUFFIXES = {".parquet", ".pq"}

Item = RawItem | Rejected | Document


@dataclass(frozen=True, kw_only=True, slots=True)
class Shard:
    """One unit of reading: ``kind`` is ``file``, ``parquet`` (with a row group) or ``url``."""

    kind: str
    target: str
    part: int | None = None

    @property
    def name(self) -> str:
        """How messages name the shard."""
        return self.target if self.part is None else f"{self.target}#row_group={self.part}"


def plan_shards(specs: Iterable[str]) -> Iterator[Shard | Rejected]:
    """Expand inputs (files, folders, globs, URLs) into shards, in input order."""
    from sitrep.sources.files import expand

    for target in expand(specs):
        if isinstance(target, Rejected):
            yield target
        elif isinstance(target, Path):
            if logical_suffix(target) in PARQUET_SUFFIXES:
                yield from _parquet_shards(target)
            else:
                yield Shard(kind="file", target=str(target))
        else:
            yield Shard(kind="url", target=target)


def _parquet_shards(path: Path) -> Iterator[Shard | Rejected]:
    import pyarrow.parquet as pq

    try:
        groups = pq.ParquetFile(path).num_row_groups
    except Exception as exc:  # pyarrow raises several kinds for a broken file
        yield Rejected(origin=str(path), error=InputCorrupt(f"not a readable Parquet file: {exc}", input=str(path)))
        return
    for group in range(groups):
        yield Shard(kind="parquet", target=str(path), part=group)


def read_shard(shard: Shard, *, allow_private: bool | None = None) -> Iterator[Item]:
    """Every item of one shard; a failure part-way rejects the shard's rest, not the run."""
    try:
        if shard.kind == "parquet":
            yield from _parquet_documents(shard)
        elif shard.kind == "url":
            from sitrep.sources.files import read_url

            yield from read_url(shard.target, allow_private=allow_private)
        else:
            from sitrep.sources.files import read_path

            yield from read_path(Path(shard.target))
    except InputRejected as exc:
        yield Rejected(origin=shard.name, error=exc)
    except (SitrepError, OSError, ValueError, EOFError) as exc:
        yield Rejected(origin=shard.name, error=InputCorrupt(f"shard could not be read: {exc}", input=shard.name))


def _parquet_documents(shard: Shard) -> Iterator[Item]:
    """Documents from one row group of a Parquet file with (at least) a ``text`` column."""
    import json

    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(shard.target).read_row_group(shard.part or 0)
    except Exception as exc:
        yield Rejected(origin=shard.name, error=InputCorrupt(f"row group could not be read: {exc}", input=shard.name))
        return
    if "text" not in table.column_names:
        yield Rejected(origin=shard.name, error=InputCorrupt("Parquet of documents needs a 'text' column", input=shard.name))
        return
    for row, data in enumerate(table.to_pylist()):
        origin = f"{shard.name}#row={row}"
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Rejected(origin=origin, error=InputRejected("row has no text", input=origin))
            continue
        quality = data.get("quality") or {}
        if isinstance(quality, str):
            try:
                quality = json.loads(quality)
            except ValueError:
                quality = {}
        yield Document(
            # The id is the text's hash by definition; a stale or foreign id is not trusted.
            id=document_id(text),
            url=data.get("url"),
            source=data.get("source"),
            title=data.get("title"),
            published=_iso(data.get("published")),
            authors=tuple(data.get("authors") or ()),
            tags=tuple(data.get("tags") or ()),
            language=data.get("language"),
            text=text,
            ingested_at=data.get("ingested_at"),
            origin=data.get("origin") or origin,
            quality=quality,
        )


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
