"""Export writers shared by the API and the CLI: CSV, JSON lines, Parquet, GEXF.

Each writer takes plain dicts (as the store's query functions return them) and yields text or
bytes chunk by chunk, so an export of every matching row never holds the whole result as one
string.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from typing import Any, Callable, Iterable, Iterator, Sequence
from xml.sax.saxutils import quoteattr

CSV_MEDIA = "text/csv; charset=utf-8"
JSONL_MEDIA = "application/x-ndjson"
PARQUET_MEDIA = "application/vnd.apache.parquet"
GEXF_MEDIA = "application/gexf+xml"


def cell(value: Any) -> Any:
    """A CSV cell: empty for null, JSON for lists and mappings."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, header: bool = True) -> str:
    """Rows as CSV text with the given columns (missing keys empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buf.getvalue()


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stream_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, flatten: Callable | None = None,
               batch: int = 200) -> Iterator[str]:
    """CSV text chunks: the header, then ``batch`` rows at a time."""
    yield csv_text((), columns)
    for chunk in _chunks(rows, batch):
        yield csv_text((flatten(r) if flatten else r for r in chunk), columns, header=False)


def stream_jsonl(rows: Iterable[dict[str, Any]], record: str, *, convert: Callable | None = None,
                 batch: int = 200) -> Iterator[str]:
    """JSON lines, each with ``"record": record`` first (or as ``convert`` makes them)."""
    for chunk in _chunks(rows, batch):
        yield "".join(
            json.dumps(convert(r) if convert else {"record": record, **r}, ensure_ascii=False, default=str) + "\n"
            for r in chunk
        )


def stream_parquet(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, flatten: Callable | None = None,
                   numeric: dict[str, str] | None = None, batch: int = 5000) -> Iterator[bytes]:
    """A Parquet file (zstd) of the flattened rows, written batch by batch to a temporary file
    and then sent in 1 MiB pieces (Parquet's footer comes last, so it cannot stream sooner).

    Columns are strings (lists and mappings as JSON) except those in ``numeric``, which maps a
    column to ``"int"`` or ``"float"``; the schema is fixed up front, so a column that is empty
    in the first batch cannot change type later."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {"int": pa.int64(), "float": pa.float64()}
    schema = pa.schema([pa.field(c, kinds[(numeric or {}).get(c, "")] if (numeric or {}).get(c) else pa.string())
                        for c in columns])
    with tempfile.TemporaryFile() as tmp:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            wrote = False
            for chunk in _chunks(rows, batch):
                flat = [flatten(r) if flatten else r for r in chunk]
                data = {f.name: [_parquet_value(r.get(f.name), f.type) for r in flat] for f in schema}
                writer.write_table(pa.table(data, schema=schema))
                wrote = True
            if not wrote:
                writer.write_table(schema.empty_table())
        tmp.seek(0)
        while piece := tmp.read(1 << 20):
            yield piece


def _parquet_value(value: Any, type_: Any) -> Any:
    import pyarrow as pa

    if value is None or value == "":
        return None
    if pa.types.is_integer(type_):
        return int(value)
    if pa.types.is_floating(type_):
        return float(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def gexf(network: dict[str, Any]) -> str:
    """The actor network (:func:`sitrep.store.aggregates.network`) as GEXF 1.3 (Gephi): a
    directed graph whose edge weights are event counts, each edge with its types as an
    attribute."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
        '<meta><creator>sitrep</creator><description>actor network: edges weighted by event counts</description></meta>',
        '<graph mode="static" defaultedgetype="directed">',
        '<attributes class="edge"><attribute id="types" title="types" type="string"/></attributes>',
        "<nodes>",
    ]
    for node in network["nodes"]:
        out.append(f'<node id={quoteattr(str(node["id"]))} label={quoteattr(str(node["label"]))}/>')
    out.append("</nodes><edges>")
    for i, edge in enumerate(network["edges"]):
        types = ";".join(f"{k}:{v}" for k, v in sorted(edge["types"].items()))
        out.append(
            f'<edge id="{i}" source={quoteattr(edge["source"])} target={quoteattr(edge["target"])} '
            f'weight="{edge["weight"]}"><attvalues><attvalue for="types" value={quoteattr(types)}/></attvalues></edge>'
        )
    out.append("</edges></graph></gexf>\n")
    return "\n".join(out)


