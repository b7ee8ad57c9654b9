"""Records as Arrow tables, and back: the column layout of the Parquet datasets.

The layout is derived from the record dataclasses in :mod:`sitrep.records`, so a new record
kind (statements, say) gets its dataset without changes here: ``str`` fields become strings,
``int`` and ``float`` numbers, a tuple of strings a list of strings, and anything nested (a
mapping, a tuple of mappings) a JSON string, as in the DuckDB store. Every row also carries
``pipeline_version``; the dataset's partition column (``published_day``) lives in the path.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import lru_cache
from typing import Any, Mapping, Sequence

import pyarrow as pa

from sitrep import records as rec

#: Dataset name of each record kind (the JSONL ``"record"`` value).
DATASETS = {
    "document": "documents",
    "actor": "actors",
    "mention": "mentions",
    "time": "time_refs",
    "event": "events",
    "statement": "statements",
    "relation": "relations",
    "story": "stories",
}
KINDS = {v: k for k, v in DATASETS.items()}

#: Extra columns: on every record, and on documents only.
VERSION_COLUMN = "pipeline_version"
DOCUMENT_EXTRA = ("processed_at",)

#: Datasets that are not split by publication day (one row may belong to many documents).
UNPARTITIONED = {"actors", "rejections", "origins", "relations"}

REJECTIONS_SCHEMA = pa.schema([
    ("origin", pa.string()), ("code", pa.string()), ("reason", pa.string()),
    (VERSION_COLUMN, pa.string()), ("rejected_at", pa.string()),
])
ORIGINS_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("origin", pa.string()), ("url", pa.string()), ("ingested_at", pa.string()),
])


def record_types() -> dict[str, type]:
    """Record kind name → dataclass, e.g. ``"event"`` → :class:`sitrep.records.Event`."""
    return {name: cls for cls, name in rec._RECORD_NAMES.items()}


def _arrow_type(hint: Any) -> tuple[pa.DataType, str]:
    """Arrow type and a conversion tag for one field annotation."""
    origin = typing.get_origin(hint)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return _arrow_type(args[0]) if len(args) == 1 else (pa.string(), "json")
    if hint is str:
        return pa.string(), "plain"
    if hint is bool:
        return pa.bool_(), "plain"
    if hint is int:
        return pa.int64(), "plain"
    if hint is float:
        return pa.float64(), "float"
    if origin in (tuple, list) and args and args[0] is str:
        return pa.list_(pa.string()), "list"
    return pa.string(), "json"


@lru_cache(maxsize=None)
def layout(kind: str) -> tuple[pa.Schema, tuple[tuple[str, str], ...]]:
    """The Arrow schema of a record kind's dataset and each field's conversion tag."""
    cls = record_types()[kind]
    hints = typing.get_type_hints(cls, vars(rec))
    fields: list[pa.Field] = []
    tags: list[tuple[str, str]] = []
    for f in dataclasses.fields(cls):
        arrow, tag = _arrow_type(hints[f.name])
        fields.append(pa.field(f.name, arrow))
        tags.append((f.name, tag))
    fields.append(pa.field(VERSION_COLUMN, pa.string()))
    if kind == "document":
        fields.extend(pa.field(name, pa.string()) for name in DOCUMENT_EXTRA)
    return pa.schema(fields), tuple(tags)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any, tag: str) -> Any:
    if value is None:
        return None
    if tag == "json":
        return json.dumps(_plain(value), ensure_ascii=False)
    if tag == "list":
        return list(value)
    if tag == "float":
        return float(value)
    return value


def to_table(kind: str, records: Sequence[Any], *, version: str, extra: Mapping[str, Sequence[Any]] | None = None) -> pa.Table:
    """Records of one kind as an Arrow table with the dataset's schema."""
    schema, tags = layout(kind)
    columns: dict[str, list] = {name: [_cell(getattr(r, name), tag) for r in records] for name, tag in tags}
    columns[VERSION_COLUMN] = [version] * len(records)
    if kind == "document":
        for name in DOCUMENT_EXTRA:
            columns[name] = list((extra or {}).get(name, [None] * len(records)))
    return pa.table(columns, schema=schema)


def to_ipc(table: pa.Table) -> bytes:
    """Serialise a table for the trip from a worker to the writer."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> pa.Table:
    """The inverse of :func:`to_ipc`."""
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()
